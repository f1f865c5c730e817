"""End-to-end tests of the `phreport` command line.

One real run of the sample quarter (the project's own notebooks, `--workers 2`, in a temporary
copy of the project) is shared by the tests that look at its outputs. Commands that need many
runs use a small project whose notebooks are the toy notebooks, with the project's data.
"""

import json
import multiprocessing
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
import support
from bs4 import BeautifulSoup

from phlib.cli import build_parser, command_names, main
from phlib.inputs.catalogue import load_catalogue
from phlib.narratives.store import NarrativeDoc, Section, load, save, store_path

TOYS = Path(__file__).parent / "fixtures" / "notebooks"
QUARTER, LABEL = "2022-23-Q3", "Q3 2022/23"
SERVICES_OF_TOY = ("sexual_health", "stop_smoking", "lifestyles")


def phreport(project: Path, *args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    return support.phreport_subprocess(*args, "--project", str(project), timeout=timeout)


files = support.input_fingerprint


def parse(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def toy_project(root: Path, services=("sexual_health", "stop_smoking"), broken=()) -> Path:
    """A project whose notebooks are the toy notebooks (quick to run), with a little real data."""
    return support.toy_project(root, services, broken, data_services=SERVICES_OF_TOY)


# --- the sample quarter, run once --------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(sample_run):
    """The suite's one run of the sample quarter (tests/conftest.py): (root, run, inputs before)."""
    return sample_run.root, sample_run.done, sample_run.before


@pytest.fixture(scope="module")
def config_of_sample(sample):
    from phlib.inputs.config import load_parameters

    root = sample[0]
    return load_parameters(root / "parameters" / f"{QUARTER}.yaml", root)


@pytest.mark.slow
def test_sample_run_succeeds_and_writes_every_output(sample, config_of_sample):
    root, done, _ = sample
    assert done.returncode == 0, done.stderr[-3000:]
    out = root / "outputs" / QUARTER
    for name in ("index.html", "scorecard.csv", "manifest.json", "run.log"):
        assert (out / name).is_file(), name
    for area in config_of_sample.areas:
        assert (out / area / "annex.html").is_file()
        for service in config_of_sample.services:
            assert (out / area / f"{service}.ipynb").is_file()
            assert (out / area / f"{service}.html").is_file()
    assert re.search(r"\[20/20\] \w+/\w+ ok \d+\.\ds", done.stderr), "plain progress lines"


@pytest.mark.slow
def test_index_scorecard_has_a_row_per_indicator_and_a_column_per_area(sample, config_of_sample):
    root = sample[0]
    config = config_of_sample
    catalogue = load_catalogue(config.catalogue_path, config.areas_path)
    out = root / "outputs" / QUARTER
    doc = parse(out / "index.html")
    ids_of: dict = {}
    for service in config.services:
        table = doc.find("table", attrs={"data-service": service})
        expected = [i.indicator_id for i in catalogue.for_service(service)]
        rows = [tr["data-indicator"] for tr in table.select("tbody tr")]
        assert rows == expected, service
        heads = [th["data-area"] for th in table.select("thead th[data-area]")]
        assert heads == list(config.areas)
        for cell in table.select("tbody td"):
            page, _, target = cell.find("a")["href"].partition("#")
            assert page == f"{cell['data-area']}/{service}.html"
            if page not in ids_of:
                ids_of[page] = {t["id"] for t in parse(out / page).find_all(id=True)}
            assert target in ids_of[page], (page, target)
            assert cell.select_one(".rag").get_text(strip=True), "RAG as a word"
    csv_rows = (root / "outputs" / QUARTER / "scorecard.csv").read_text().splitlines()
    header = csv_rows[0].split(",")
    for column in ("indicator_id", "title", "service", "area", "period", "current", "previous",
                   "target", "direction", "rag", "change"):  # fmt: skip
        assert column in header
    count = sum(len(catalogue.for_service(s)) for s in config.services)
    assert len(csv_rows) == 1 + count * len(config.areas)


def html_files(root: Path) -> list[Path]:
    return sorted((root / "outputs" / QUARTER).rglob("*.html"))


@pytest.mark.slow
def test_every_page_is_self_contained_with_no_code_and_a_full_footer(sample):
    root = sample[0]
    manifest = json.loads((root / "outputs" / QUARTER / "manifest.json").read_text())
    hashes = [manifest["inputs"][f"data/{n}"][:8] for n in ("catalogue.csv", "observations.csv")]
    commit = manifest["code"]["commit"]
    assert commit != "unknown"
    pages = html_files(root)
    assert len(pages) == 1 + 2 + 20
    for path in pages:
        text = path.read_text(encoding="utf-8")
        doc = BeautifulSoup(text, "html.parser")
        assert not doc.find_all("script", src=True), path
        assert not doc.find_all("link", href=True), path
        for tag in doc.find_all(src=True):
            assert not re.match(r"(https?:)?//", tag["src"]), (path, tag)
        for img in doc.find_all("img"):
            assert img["src"].startswith("data:"), path
        assert not doc.select(".jp-InputArea-editor, .jp-InputPrompt"), path
        assert "injected-parameters" not in text, path
        assert "Workbook.open" not in text and "wb.card(" not in text, path
        title = doc.title.get_text()
        assert LABEL in title, path
        if path.parent.name != QUARTER:
            area_name = path.parent.name.capitalize()
            assert area_name in title, path
            assert doc.find("a", string="Return to index")["href"] == "../index.html"
        footer = doc.find("footer", class_="page-footer").get_text(" ", strip=True)
        assert LABEL in footer and commit in footer, path
        assert all(h in footer for h in hashes), path


@pytest.mark.slow
def test_annex_has_title_page_contents_and_numbered_sections(sample, config_of_sample):
    root = sample[0]
    doc = parse(root / "outputs" / QUARTER / "peterborough" / "annex.html")
    title_page = doc.select_one(".title-page").get_text(" ", strip=True)
    assert "Annex" in title_page and "Peterborough" in title_page and LABEL in title_page
    assert "Produced" in title_page
    sections = doc.select("section.annex-section")
    assert [s["id"] for s in sections] == [f"sec-{s}" for s in config_of_sample.services]
    assert [s.h2.get_text().split(".")[0] for s in sections] == [str(n) for n in range(1, 11)]
    for link in doc.find("nav", id="contents").find_all("a"):
        assert doc.find(id=link["href"][1:]) is not None, link["href"]


@pytest.mark.slow
def test_manifest_records_parameters_versions_hashes_and_each_notebook(sample):
    root = sample[0]
    data = json.loads((root / "outputs" / QUARTER / "manifest.json").read_text())
    assert data["quarter"] == QUARTER and data["parameters"]["workers"] == 2
    assert data["parameters"]["areas"] == ["cambridgeshire", "peterborough"]
    assert {"papermill", "nbconvert", "pandas", "python"} <= set(data["packages"])
    assert (
        "data/observations.csv" in data["inputs"]
        and "notebooks/sexual_health.ipynb" in data["inputs"]
    )
    assert len(data["notebooks"]) == 20
    for entry in data["notebooks"]:
        assert entry["status"] == "ok" and entry["seconds"] > 0 and entry["cell_seconds"] > 0


@pytest.mark.slow
def test_nothing_is_written_outside_outputs_and_narratives(sample):
    root, _, before = sample
    assert files(root) == before


@pytest.mark.slow
def test_a_broken_notebook_fails_alone_and_keeps_the_previous_page(sample, tmp_path):
    original = sample[0]
    root = tmp_path / "project"
    shutil.copytree(original, root)
    out = root / "outputs" / QUARTER
    kept = {a: (out / a / "commissioning.html").read_bytes() for a in ("cambridgeshire",
            "peterborough")}  # fmt: skip
    untouched = (out / "cambridgeshire" / "stop_smoking.html").read_bytes()
    shutil.copy(TOYS / "toy_broken.ipynb", root / "notebooks" / "commissioning.ipynb")
    done = phreport(root, "run", QUARTER, "--services", "commissioning", "--workers", "1")
    assert done.returncode == 1, done.stderr[-3000:]
    assert "FAILED cambridgeshire/commissioning: ValueError: toy failure" in done.stderr
    for area, page in kept.items():
        assert (out / area / "commissioning.html").read_bytes() == page
        failed = nbformat.read(out / area / "commissioning.failed.ipynb", as_version=4)
        assert any(o.output_type == "error" for c in failed.cells for o in c.get("outputs", []))
        assert (out / area / "commissioning.failed.html").is_file()
    assert (out / "cambridgeshire" / "stop_smoking.html").read_bytes() == untouched
    index = parse(out / "index.html")
    failures = index.select("li.failure")
    assert sorted(li["data-area"] for li in failures) == ["cambridgeshire", "peterborough"]
    assert all("previous run" in li.get_text() for li in failures)
    row = index.find("tr", attrs={"data-service": "commissioning"})
    assert "previous run" in row.get_text()
    annex = parse(out / "peterborough" / "annex.html")
    notice = annex.find(id="sec-commissioning").select_one(".notice-previous")
    assert "previous run" in notice.get_text()
    data = json.loads((out / "manifest.json").read_text())
    states = {(n["area"], n["service"]): n["status"] for n in data["notebooks"]}
    assert states[("peterborough", "commissioning")] == "previous"
    assert states[("peterborough", "stop_smoking")] == "carried"
    assert "toy failure" in (out / "run.log").read_text()


# --- commands on the toy project ----------------------------------------------------------------


@pytest.mark.slow
def test_public_build_is_refused_until_overridden_and_shows_no_private_details(tmp_path):
    root = toy_project(tmp_path / "toy", broken=("lifestyles",))
    refused = phreport(root, "run", QUARTER, "--publication", "public")
    assert refused.returncode == 2
    assert "Refusing to publish" in refused.stderr
    assert "has no commentary yet" in refused.stderr and "is Red and has no actions" in (
        refused.stderr
    )
    assert not (root / "outputs" / QUARTER).exists()
    done = phreport(root, "run", QUARTER, "--publication", "public",
                    "--override-publication-checks", "--workers", "1")  # fmt: skip
    assert done.returncode == 1, done.stderr[-3000:]
    out = root / "outputs" / QUARTER
    data = json.loads((out / "manifest.json").read_text())
    assert data["publication_override"]["used"] is True
    assert data["publication_override"]["blockers"]
    private = [str(root), str(Path.home())]
    for path in out.rglob("*.html"):
        text = path.read_text()
        for secret in private:
            assert secret not in text, (path, secret)
        assert "Traceback" not in text and "ValueError" not in text, path
        assert "narratives at" not in text, path
    failed = parse(out / "peterborough" / "lifestyles.failed.html").get_text()
    assert "could not be produced" in failed and "run log" in failed


@pytest.mark.slow
def test_export_and_pull_move_narratives_between_store_and_pages(tmp_path):
    root = toy_project(tmp_path / "toy")
    assert phreport(root, "run", QUARTER, "--workers", "1").returncode == 0
    out = root / "outputs" / QUARTER
    store = store_path(root / "narratives", QUARTER, "peterborough", "sexual_health")
    save(NarrativeDoc(QUARTER, "peterborough", "sexual_health",
                      {"summary": Section("summary", "Clinics reopened in December.")}),
         store)  # fmt: skip
    refused = phreport(root, "export", QUARTER, "--publication", "public")
    assert refused.returncode == 2 and "executed for the internal build" in refused.stderr
    done = phreport(root, "export", QUARTER)
    assert done.returncode == 0, done.stderr
    for page in ("sexual_health.html", "annex.html"):
        assert "Clinics reopened in December." in (out / "peterborough" / page).read_text()
    notebook = out / "cambridgeshire" / "stop_smoking.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    cell = next(c for c in nb.cells if "narrative" in c.metadata.get("tags", []))
    cell.source = "#### Commentary\n\nQuit rates held steady."
    nbformat.write(nb, notebook)
    pulled = phreport(root, "narratives", "pull", QUARTER)
    assert pulled.returncode == 0, pulled.stderr
    doc = load(store_path(root / "narratives", QUARTER, "cambridgeshire", "stop_smoking"))
    assert doc.sections["summary"].commentary == "Quit rates held steady."


@pytest.mark.slow
def test_check_lists_every_problem_and_writes_nothing(tmp_path):
    root = toy_project(tmp_path / "toy")
    ok = phreport(root, "check", QUARTER)
    assert ok.returncode == 0 and "inputs are valid" in ok.stderr
    params = root / "parameters" / f"{QUARTER}.yaml"
    params.write_text(params.read_text().replace("areas:", "areaz:") + "title: [1]\n")
    nb = nbformat.read(root / "notebooks" / "stop_smoking.ipynb", as_version=4)
    for cell in nb.cells:
        cell.metadata["tags"] = [t for t in cell.metadata.get("tags", []) if t != "parameters"]
    nbformat.write(nb, root / "notebooks" / "stop_smoking.ipynb")
    for command in ("check", "run"):
        done = phreport(root, command, QUARTER)
        assert done.returncode == 2, done.stderr
        assert "unknown key 'areaz'" in done.stderr and "did you mean 'areas'?" in done.stderr
        assert "'title'" in done.stderr
    (root / "parameters" / f"{QUARTER}.yaml").write_text(params.read_text().replace(
        "areaz:", "areas:").replace("title: [1]\n", ""))  # fmt: skip
    observations = root / "data" / "observations.csv"
    lines = observations.read_text().splitlines()
    lines[1] = lines[1].replace(lines[1].split(",")[0], "no_such_indicator", 1)
    observations.write_text("\n".join(lines) + "\n")
    done = phreport(root, "run", QUARTER)
    assert done.returncode == 2
    assert "notebooks/stop_smoking.ipynb" in done.stderr and "'parameters'" in done.stderr
    assert "no_such_indicator" in done.stderr
    assert not (root / "outputs").exists()
    assert not any((root / "narratives").iterdir())


class ProcessStarted(Exception):
    """Raised by the spies below when a run starts a process."""


def test_a_refused_run_starts_no_worker_or_any_other_process(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise ProcessStarted

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", refuse)
    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)
    root = toy_project(tmp_path / "toy", broken=("lifestyles",))
    with pytest.raises(ProcessStarted):  # valid inputs: the run gets as far as its workers
        support.phreport_in_process("run", QUARTER, "--project", str(root))
    code, text = support.phreport_in_process(
        "run", QUARTER, "--publication", "public", "--project", str(root)
    )
    assert code == 2 and "Refusing to publish" in text, text
    observations = root / "data" / "observations.csv"
    lines = observations.read_text().splitlines()
    lines[1] = lines[1].replace(lines[1].split(",")[0], "no_such_indicator", 1)
    observations.write_text("\n".join(lines) + "\n")
    code, text = support.phreport_in_process("run", QUARTER, "--project", str(root))
    assert code == 2 and "no_such_indicator" in text, text
    assert not (root / "outputs" / QUARTER).exists()


#: Imports phlib.cli with Ctrl-C pressed while pandas is being imported (about the middle of
#: phreport's first second, all of it imports).
CTRL_C_WHILE_IMPORTING = """
import sys
class CtrlC:
    def find_spec(self, name, path=None, target=None):
        if name == "pandas":
            raise KeyboardInterrupt
sys.meta_path.insert(0, CtrlC())
import phlib.cli
"""


def test_ctrl_c_while_phreport_starts_ends_as_an_interrupted_run_without_a_traceback():
    done = support.python_run(CTRL_C_WHILE_IMPORTING)
    assert done.returncode == 130
    said = "phreport: interrupted while starting; nothing was read or written."
    assert done.stderr.strip() == said


@pytest.mark.slow
def test_names_in_paths_are_checked(tmp_path):
    root = toy_project(tmp_path / "toy")
    for args in (("run", "../etc"), ("run", "2022-23-Q7"), ("check", QUARTER, "--areas", "x_y"),
                 ("run", QUARTER, "--services", "../../x")):  # fmt: skip
        done = phreport(root, *args)
        assert done.returncode == 2, (args, done.stderr)
    assert not (root / "outputs").exists()


def test_list_shows_quarters_areas_and_services(tmp_path, capsys):
    root = toy_project(tmp_path / "toy")
    assert main(["list", "--project", str(root)]) == 0
    shown = capsys.readouterr().out
    assert "2022-23-Q3" in shown and LABEL in shown and "not run yet" in shown
    assert "cambridgeshire" in shown and "Peterborough" in shown
    assert "sexual_health" in shown and "adult_social_care" in shown and "(no notebook)" in shown


def test_new_quarter_writes_parameters_and_carries_narratives(tmp_path, capsys):
    root = toy_project(tmp_path / "toy")
    save(NarrativeDoc(QUARTER, "peterborough", "sexual_health",
                      {"summary": Section("summary", "Text to review.")}),
         store_path(root / "narratives", QUARTER, "peterborough", "sexual_health"))  # fmt: skip
    assert main(["new-quarter", "--project", str(root)]) == 0
    text = (root / "parameters" / "2022-23-Q4.yaml").read_text()
    assert text.startswith("quarter: 2022-23-Q4\n")
    doc = load(store_path(root / "narratives", "2022-23-Q4", "peterborough", "sexual_health"))
    assert doc.sections["summary"].status_label == "carried forward from Q3 2022/23"
    assert main(["new-quarter", "2022-23-Q4", "--project", str(root)]) == 2
    assert "already exists" in capsys.readouterr().err


def test_carrying_a_quarter_first_gathers_its_notebook_edits(tmp_path):
    from phlib.narratives.cells import inject, new_cell, new_notebook

    root = toy_project(tmp_path / "toy")
    store = store_path(root / "narratives", QUARTER, "peterborough", "sexual_health")
    summary = Section("summary", "Text from the last run.", None)
    doc = NarrativeDoc(QUARTER, "peterborough", "sexual_health", {"summary": summary})
    save(doc, store)
    nb = inject(new_notebook([new_cell("summary", actions=False)]), doc)
    nb.cells[0].source = "#### Commentary\n\nTyped in the notebook after the run."
    executed = root / "outputs" / QUARTER / "peterborough" / "sexual_health.ipynb"
    executed.parent.mkdir(parents=True)
    nbformat.write(nb, executed)
    assert main(["narratives", "carry", QUARTER, "2022-23-Q4", "--project", str(root)]) == 0
    assert load(store).sections["summary"].commentary == "Typed in the notebook after the run."
    carried = load(store_path(root / "narratives", "2022-23-Q4", "peterborough", "sexual_health"))
    summary = carried.sections["summary"]
    assert summary.commentary == "Typed in the notebook after the run."
    assert summary.status_label == "carried forward from Q3 2022/23"


@pytest.mark.parametrize("command", command_names(build_parser()))
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([*command.split()[1:], "--help"])
    assert exit_.value.code == 0
    assert "usage: phreport" in capsys.readouterr().out


@pytest.mark.parametrize("tty", [True, False])
def test_progress_is_a_bar_on_a_terminal_and_plain_lines_otherwise(tty):
    import io

    from phlib.run.jobs import JobResult
    from phlib.run.progress import Console

    stream = io.StringIO()
    progress = Console(stream).progress(2, tty=tty)
    progress.update(JobResult("cambridgeshire", "sexual_health", "ok", 2.06))
    progress.update(JobResult("peterborough", "lifestyles", "failed", 1.0, error="KeyError: 'x'"))
    progress.close()
    shown = stream.getvalue()
    assert "[2/2] peterborough/lifestyles failed 1.0s (KeyError: 'x')" in shown
    if tty:
        assert "100%" in shown and "2/2" in shown
    else:
        assert shown.splitlines()[0] == "[1/2] cambridgeshire/sexual_health ok 2.1s"
