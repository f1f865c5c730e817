"""Every bad input of the corpus, through the real `phreport check` and `phreport run`.

Each case is applied to its own copy of a project that already has good outputs from a real
run (so "unchanged" means something): a bad data file, parameter file, narrative file or
notebook is put where a run reads it, or a bad name is given on the command line. Both
commands must exit with 2, say which file, where in it (row or cell, when there is one), what
is wrong and how to fix it (the corpus manifests hold the expected words), and leave every file
under the project and its parent folder byte-for-byte as it was. Most cases call
`phlib.cli.main` in this process; a few go through the console script in a child process.
See tests/bad_inputs/README.md for the corpus.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

import pytest
import support as h

QUARTER = h.QUARTER
DATA, PARAMETERS = h.CORPUS / "data", h.CORPUS / "parameters"
NARRATIVES, NOTEBOOKS = h.CORPUS / "narratives", h.CORPUS / "notebooks"
DATA_CASES = h.read_cases(DATA / "cases.csv")
PARAMETER_CASES = h.read_cases(PARAMETERS / "cases.csv")
NOTEBOOK_CASES = h.read_cases(NOTEBOOKS / "cases.csv")
NOTEBOOK_SERVICE = "sexual_health"
# where each broken narrative file goes: its title's area and service (no_title.md has none)
NARRATIVE_PLACES = {
    "bad_key.md": ("cambridgeshire", "health_checks"),
    "duplicate_key.md": ("cambridgeshire", "sexual_health"),
    "many_problems.md": ("cambridgeshire", "sexual_health"),
    "no_title.md": ("cambridgeshire", "sexual_health"),
    "not_utf8.txt": ("peterborough", "lifestyles"),
    "text_before_first_section.md": ("cambridgeshire", "drugs_alcohol"),
    "unknown_status.md": ("peterborough", "lifestyles"),
    "unknown_subheading.md": ("peterborough", "stop_smoking"),
}
DATA_PARAMETERS = """quarter: 2022-23-Q3
areas: [cambridgeshire, peterborough]
services: [sexual_health, stop_smoking]
data:
  catalogue: {catalogue}
  areas: data/areas.csv
  observations: [{observations}]
"""


def narrative_cases() -> list[tuple[str, list[int], str]]:
    """(file, rows, message) from the table in tests/bad_inputs/narratives/README.md."""
    rows = []
    for line in (NARRATIVES / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].endswith((".md", ".txt")):
            rows.append((cells[0], [int(r) for r in cells[2].split(",")], cells[3]))
    return rows


# --- applying a case to a project copy -----------------------------------------------------


def apply_data_case(project: Path, name: str, kind: str) -> None:
    """Put a bad data file where the parameter file reads it."""
    data = project / "data"
    shutil.copy(DATA / name, data / name)
    if kind == "catalogue":
        catalogue, observations = f"data/{name}", "data/observations.csv"
    else:
        shutil.copy(DATA / "valid" / "catalogue.csv", data / "catalogue.csv")
        catalogue, observations = "data/catalogue.csv", f"data/{name}"
    text = DATA_PARAMETERS.format(catalogue=catalogue, observations=observations)
    (project / "parameters" / f"{QUARTER}.yaml").write_text(text, encoding="utf-8")


def apply_parameter_case(project: Path, case: dict) -> list[str]:
    """Drop the bad parameter file in; return the command-line arguments of the case."""
    if case["file"]:
        shutil.copy(PARAMETERS / case["file"], project / "parameters" / f"{QUARTER}.yaml")
    return shlex.split(case["args"])


def apply_narrative_case(project: Path, name: str) -> Path:
    area, service = NARRATIVE_PLACES[name]
    target = project / "narratives" / QUARTER / area / f"{service}.md"
    shutil.copy(NARRATIVES / name, target)
    return target


def apply_notebook_case(project: Path, name: str) -> None:
    shutil.copy(NOTEBOOKS / name, project / "notebooks" / f"{NOTEBOOK_SERVICE}.ipynb")


# --- running and checking --------------------------------------------------------------------


def snapshot(project: Path) -> dict:
    """Every file and folder of the project's parent (the project and its neighbours)."""
    return h.tree_fingerprint(project.parent)


def refused(project: Path, args, commands=("check", "run")) -> dict[str, str]:
    """Run each command in this process; each must exit 2 and change nothing. Returns what
    each printed."""
    before = snapshot(project)
    assert any(name.startswith("project/outputs/") for name in before), "no outputs to keep"
    assert any(name.startswith("project/narratives/") for name in before)
    printed = {}
    for command in commands:
        extra = ("--workers", "1") if command == "run" else ()
        code, text = h.phreport_in_process(command, *args, "--project", str(project), *extra)
        assert code == 2, f"phreport {command} {' '.join(args)} exited with {code}:\n{text}"
        assert text.startswith("phreport: "), text
        after = snapshot(project)
        changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        assert not changed, f"phreport {command} changed {changed[:5]}"
        printed[command] = text
    return printed


def line_saying(text: str, problem: str) -> str:
    """The line of the message that reports `problem` (failing the test if none does)."""
    found = [line for line in text.splitlines() if problem in line]
    assert found, f"no line says {problem!r}:\n{text}"
    return found[0]


def assert_precise(line: str, names: str, where: str = "", column: str = "", fix: str = ""):
    """The problem's line names the file, the place, the column and says how to fix it."""
    assert names in line, f"{names!r} not named in: {line}"
    if where:
        assert re.search(re.escape(where) + r"(?!\d)", line), f"{where!r} not in: {line}"
    if column:
        assert f"column '{column}'" in line, line
    assert "Fix: " in line, f"no fix in: {line}"
    assert fix in line.split("Fix: ", 1)[1], f"fix {fix!r} not in: {line}"


@pytest.fixture(scope="module")
def good(good_project) -> Path:
    """A project with good outputs from a real run (shared, never changed; tests/conftest.py)."""
    return good_project


@pytest.fixture
def project(good, tmp_path) -> Path:
    """This test's own copy of the good project."""
    target = tmp_path / "project"
    shutil.copytree(good, target, ignore=shutil.ignore_patterns(".made"))
    return target


# --- the corpus is what the README says ------------------------------------------------------


def corpus_files() -> dict[str, set[str]]:
    found = {}
    for kind, folder in (("data", DATA), ("parameters", PARAMETERS), ("narratives", NARRATIVES),
                         ("notebooks", NOTEBOOKS)):  # fmt: skip
        found[kind] = {
            p.name
            for p in folder.iterdir()
            if p.is_file() and p.name not in ("README.md", "cases.csv", "conftest.py")
        }
    return found


def test_the_corpus_has_over_30_cases_each_in_a_manifest_and_the_index():
    files = corpus_files()
    assert files["data"] == {c["file"] for c in DATA_CASES} | {"many_problems.csv"}
    assert files["parameters"] == {c["file"] for c in PARAMETER_CASES if c["file"]}
    assert files["narratives"] == {name for name, _, _ in narrative_cases()}
    assert files["notebooks"] == {c["file"] for c in NOTEBOOK_CASES}
    assert set(NARRATIVE_PLACES) == files["narratives"]
    bad = [c for c in DATA_CASES if c["expect"] == "error"]
    total = len({c["file"] for c in bad}) + 1 + len(PARAMETER_CASES) + len(files["narratives"])
    total += len(NOTEBOOK_CASES)
    assert total >= 30 and len(PARAMETER_CASES) >= 8 and len(NOTEBOOK_CASES) >= 2
    index = (h.CORPUS / "README.md").read_text(encoding="utf-8")
    for kind in ("data", "narratives"):  # summarised, with a link to their own tables
        assert f"]({kind}/README.md)" in index, kind
    for name in files["parameters"] | files["notebooks"]:
        assert f"`{name}`" in index, name
    for case in PARAMETER_CASES:
        assert f"`{case['file'] or 'phreport run ' + case['args']}`" in index, case["case"]


# --- data files ------------------------------------------------------------------------------

ERROR_FILES = sorted({c["file"] for c in DATA_CASES if c["expect"] == "error"})


@pytest.mark.parametrize("name", ERROR_FILES)
def test_bad_data_file(project, name):
    expected = [c for c in DATA_CASES if c["file"] == name]
    apply_data_case(project, name, expected[0]["kind"])
    printed = refused(project, [QUARTER])
    for text in printed.values():
        for case in expected:
            line = line_saying(text, case["problem"])
            assert_precise(line, f"data/{name}", case["where"], case["column"], case["fix"])


def test_many_problems_in_one_data_file_are_all_reported_at_once(project):
    apply_data_case(project, "many_problems.csv", "observations")
    for text in refused(project, [QUARTER]).values():
        assert text.startswith("phreport: 6 problems found in the inputs:"), text
        lines = [line for line in text.splitlines() if "data/many_problems.csv, row " in line]
        assert len(lines) == 6 and all("Fix: " in line for line in lines), text


@pytest.mark.parametrize("name", [c["file"] for c in DATA_CASES if c["expect"] == "loads"])
def test_files_in_other_encodings_are_read_and_check_writes_nothing(project, name):
    apply_data_case(project, name, "observations")
    before = snapshot(project)
    code, text = h.phreport_in_process("check", QUARTER, "--project", str(project))
    assert code == 0, text
    assert "inputs are valid" in text
    assert snapshot(project) == before


# --- parameter files and the command line ----------------------------------------------------


@pytest.mark.parametrize("case", PARAMETER_CASES, ids=[c["case"] for c in PARAMETER_CASES])
def test_bad_parameters(project, case):
    args = apply_parameter_case(project, case)
    for text in refused(project, args).values():
        line = line_saying(text, case["problem"])
        assert_precise(line, case["names"], case["where"], case["column"], case["fix"])


@pytest.mark.parametrize(
    "args",
    [["../x"], ["../../tmp"], [QUARTER, "--areas", "../../tmp"],
     [QUARTER, "--services", "../../../etc/passwd"], [QUARTER, "--areas", "/tmp"]],
    ids=["quarter-up", "quarter-up-twice", "area-up", "service-path", "area-absolute"],
)  # fmt: skip
def test_names_that_are_paths_are_refused_and_nothing_is_written_anywhere(project, args):
    grandparent = project.parent.parent
    neighbours = {p.name for p in grandparent.iterdir()}
    refused(project, args)
    assert {p.name for p in grandparent.iterdir()} == neighbours
    assert not (project / "tmp").exists() and not (project / "outputs" / "tmp").exists()


# --- narrative files -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "rows", "message"), narrative_cases())
def test_broken_narrative_file(project, name, rows, message):
    target = apply_narrative_case(project, name)
    shown = target.relative_to(project).as_posix()
    for text in refused(project, [QUARTER]).values():
        line = line_saying(text, message)
        assert_precise(line, shown, f"row {rows[0]}", fix="")
        problems = [line for line in text.splitlines() if line.startswith(f"  - {target}")]
        assert [int(re.search(r"row (\d+)", p).group(1)) for p in problems] == rows


# --- notebooks -------------------------------------------------------------------------------


@pytest.mark.parametrize("case", NOTEBOOK_CASES, ids=[c["file"] for c in NOTEBOOK_CASES])
def test_bad_notebook(project, case):
    apply_notebook_case(project, case["file"])
    for text in refused(project, [QUARTER]).values():
        line = line_saying(text, case["problem"])
        assert_precise(line, f"notebooks/{NOTEBOOK_SERVICE}.ipynb", case["where"], fix=case["fix"])


def test_a_parameters_cell_missing_a_name_is_a_warning_not_an_error(project):
    path = project / "notebooks" / f"{NOTEBOOK_SERVICE}.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    cell["source"] = [line for line in cell["source"] if not line.startswith("publication")]
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    before = snapshot(project)
    code, text = h.phreport_in_process("check", QUARTER, "--project", str(project))
    assert code == 0, text
    line = line_saying(text, "the parameters cell does not set 'publication'")
    assert line.startswith("warning: ") and "Fix: add a line such as publication = ..." in line
    assert snapshot(project) == before


# --- the console script ----------------------------------------------------------------------

CONSOLE_CASES = [
    ("data", "title_row.xlsx"),
    ("parameters", "misspelt_key"),
    ("parameters", "quarter_is_a_path"),
    ("narratives", "duplicate_key.md"),
    ("notebooks", "missing_parameters_cell.ipynb"),
]


@pytest.mark.parametrize(("kind", "name"), CONSOLE_CASES)
def test_the_console_script_exits_with_2_and_writes_nothing(project, kind, name):
    args = [QUARTER]
    if kind == "data":
        apply_data_case(project, name, "observations")
        problem = next(c["problem"] for c in DATA_CASES if c["file"] == name)
    elif kind == "parameters":
        case = next(c for c in PARAMETER_CASES if c["case"] == name)
        args, problem = apply_parameter_case(project, case), case["problem"]
    elif kind == "narratives":
        apply_narrative_case(project, name)
        problem = next(m for n, _, m in narrative_cases() if n == name)
    else:
        apply_notebook_case(project, name)
        problem = next(c["problem"] for c in NOTEBOOK_CASES if c["file"] == name)
    before = snapshot(project)
    for command, extra in (("check", ()), ("run", ("--workers", "1"))):
        done = h.phreport_subprocess(command, *args, "--project", str(project), *extra)
        assert done.returncode == 2, done.stderr
        assert problem in done.stderr and "Traceback" not in done.stderr
        assert done.stdout == ""
        assert snapshot(project) == before


def test_check_of_the_good_project_passes_and_writes_nothing(project):
    before = snapshot(project)
    code, text = h.phreport_in_process("check", QUARTER, "--project", str(project))
    assert code == 0, text
    assert "Q3 2022/23: inputs are valid (2 areas, 10 services" in text
    assert snapshot(project) == before
