"""`phreport run` executes only the notebooks whose inputs changed, and is never stale.

A small project (one area, two services, three indicators each, recent observations) with two
small notebooks that read the data through `Workbook` is run once per module; each test takes
its own copy, changes one thing, runs again and checks which notebook ran and why (progress
lines and manifest), and that every page equals what a forced run of the same inputs writes
(the produced time normalised). The stop smoking notebook also shows a drug and alcohol
indicator by naming it in its code, so a change to that indicator runs both notebooks.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phlib.narratives.store import NarrativeDoc, Section, save, store_path

PROJECT = Path(__file__).resolve().parents[2]
QUARTER, AREA, OTHER_AREA = "2022-23-Q3", "cambridgeshire", "peterborough"
SERVICES = ("stop_smoking", "drugs_alcohol")
pytestmark = pytest.mark.slow

PARAMETERS = """\
quarter = "2022-23-Q3"
area = "cambridgeshire"
catalogue_path = "../data/catalogue.csv"
areas_path = "../data/areas.csv"
observation_paths = ["../data/observations.csv"]
publication = "internal"
suppression_min = 1
suppression_max = 4
section_number = 1
"""


def _catalogue_rows() -> list[dict]:
    with open(PROJECT / "data" / "catalogue.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def chosen_indicators() -> dict[str, list[str]]:
    """Three indicators of each service (the first ones of the catalogue)."""
    rows = _catalogue_rows()
    return {s: [r["indicator_id"] for r in rows if r["service"] == s][:3] for s in SERVICES}


CHOSEN = chosen_indicators()
CARD_OF = {s: ids[0] for s, ids in CHOSEN.items()}
NAMED = CHOSEN["drugs_alcohol"][1]  # named in the stop smoking notebook's code
ONLY_SS = CHOSEN["stop_smoking"][2]  # read by the stop smoking notebook alone


def small_notebook(service: str):
    """A notebook that opens the workbook and shows a scorecard and one or two cards."""
    opening = (
        "from phlib.workbook import Workbook\n\n"
        f'wb = Workbook.open(quarter, area, "{service}", catalogue_path=catalogue_path,\n'
        "    areas_path=areas_path, observation_paths=observation_paths,\n"
        "    publication=publication, suppression_min=suppression_min,\n"
        "    suppression_max=suppression_max, section_number=section_number)"
    )
    cells = [
        nbformat.v4.new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(opening, metadata={"tags": ["remove-cell"]}),
        nbformat.v4.new_code_cell("wb.heading()"),
        nbformat.v4.new_code_cell("wb.scorecard()"),
        nbformat.v4.new_code_cell(
            f'wb.card("{CARD_OF[service]}", comparison=False, breakdown=False)'
        ),
        nbformat.v4.new_markdown_cell(
            "#### Commentary\n",
            metadata={"tags": ["narrative"], "phlib": {"narrative_key": CARD_OF[service]}},
        ),
    ]
    if service == "stop_smoking":
        cells.append(nbformat.v4.new_code_cell(
            f'wb.card("{NAMED}", trend=False, comparison=False, breakdown=False)'
        ))  # fmt: skip
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}  # fmt: skip
    return nb


def make_project(root: Path) -> Path:
    """The small project: data cut down to the chosen indicators and recent periods."""
    for name in ("parameters", "notebooks", "narratives", "data"):
        (root / name).mkdir(parents=True)
    shutil.copy(PROJECT / "data" / "areas.csv", root / "data" / "areas.csv")
    ids = {i for found in CHOSEN.values() for i in found}
    rows = [r for r in _catalogue_rows() if r["indicator_id"] in ids]
    write_csv(root / "data" / "catalogue.csv", rows)
    with open(PROJECT / "data" / "observations.csv", newline="", encoding="utf-8") as handle:
        kept = [r for r in csv.DictReader(handle)
                if r["indicator_id"] in ids and r["period"][:4] >= "2021"]  # fmt: skip
    write_csv(root / "data" / "observations.csv", kept)
    for service in SERVICES:
        nbformat.write(small_notebook(service), root / "notebooks" / f"{service}.ipynb")
    (root / "parameters" / f"{QUARTER}.yaml").write_text(
        f"quarter: {QUARTER}\nareas: [{AREA}]\nservices: [{', '.join(SERVICES)}]\n"
        "data: {catalogue: data/catalogue.csv, areas: data/areas.csv, "
        "observations: [data/observations.csv]}\n"
    )
    return root


def write_csv(path: Path, rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def edit_observation(root: Path, indicator: str, area: str = AREA, change: float = 1.0) -> None:
    """Add `change` to the value of the latest period of one indicator for one area."""
    path = root / "data" / "observations.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    mine = [r for r in rows if r["indicator_id"] == indicator and r["area"] == area
            and r["value"] and not r["breakdown"]]  # fmt: skip
    row = max(mine, key=lambda r: r["period"])
    row["value"] = f"{float(row['value']) + change:g}"
    write_csv(path, rows)


def write_narrative(root: Path, service: str, text: str) -> None:
    key = CARD_OF[service]
    doc = NarrativeDoc(QUARTER, AREA, service, {key: Section(key, text, "Keep watching.")})
    save(doc, store_path(root / "narratives", QUARTER, AREA, service))


def run(root: Path, *args: str, env=None, accept=(0,)) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "phlib.cli", "run", QUARTER, "--workers", "1", *args,
         "--project", str(root)],
        capture_output=True, text=True, timeout=600, env=env, cwd=root,
    )  # fmt: skip
    assert done.returncode in accept, done.stderr[-4000:]
    return done


def notebooks(root: Path) -> dict[str, dict]:
    data = json.loads((root / "outputs" / QUARTER / "manifest.json").read_text())
    return {n["service"]: n for n in data["notebooks"] if n["area"] == AREA}


def executed(root: Path) -> dict[str, str]:
    """service -> reason, for the notebooks the last run executed."""
    return {s: n["reason"] for s, n in notebooks(root).items() if n["executed"]}


PRODUCED = re.compile(r"(?<=[Pp]roduced )\d{1,2} \w+ \d{4}, \d\d:\d\d")
SUMMARY = re.compile(r'<p class="run-summary">[^<]*</p>')  # the index's line about the run


def normalised(text: str) -> str:
    """A page without what differs between any two runs: the produced time and the run's
    summary line (how long it took, how many notebooks it executed)."""
    return SUMMARY.sub("(run summary)", PRODUCED.sub("(time)", text))


def pages(root: Path) -> dict[str, str]:
    """Every HTML page of the quarter's outputs, normalised."""
    out = root / "outputs" / QUARTER
    return {p.relative_to(out).as_posix(): normalised(p.read_text("utf-8"))
            for p in sorted(out.rglob("*.html"))}  # fmt: skip


def forced_pages(root: Path, scratch: Path) -> dict[str, str]:
    """The pages a forced run of the same inputs writes (in a copy of the project)."""
    copy = scratch / "forced"
    shutil.copytree(root, copy, symlinks=True)
    shutil.rmtree(copy / "outputs", ignore_errors=True)
    done = run(copy, "--force")
    assert set(executed(copy)) == set(SERVICES), done.stderr
    return pages(copy)


@pytest.fixture(scope="module")
def cold(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("incremental") / "project")
    done = run(root)
    assert executed(root) == {s: "new notebook" for s in SERVICES}, done.stderr
    return root


@pytest.fixture(scope="module")
def cold_forced(cold, tmp_path_factory) -> dict[str, str]:
    """The pages a forced run of the cold project's inputs writes (for the tests that change
    no input: they all compare with this one run)."""
    return forced_pages(cold, tmp_path_factory.mktemp("cold-forced"))


@pytest.fixture
def project(cold, tmp_path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(cold, target, symlinks=True)
    return target


def test_an_unchanged_run_executes_nothing_and_matches_a_forced_run(project, cold_forced):
    before = pages(project)
    done = run(project)
    assert executed(project) == {}
    for service in SERVICES:
        assert f"{AREA}/{service} ok" in done.stderr and "reused (unchanged)" in done.stderr
        entry = notebooks(project)[service]
        assert entry["status"] == "ok" and entry["reason"] == "unchanged"
        assert re.fullmatch(r"[0-9a-f]{64}", entry["key"])
    assert "Executed 0 notebooks, reused 2." in done.stderr
    assert pages(project) == before == cold_forced


def test_one_observation_changed_runs_only_the_notebook_that_reads_it(project, tmp_path):
    edit_observation(project, ONLY_SS)
    done = run(project)
    reason = f"observations for {ONLY_SS} changed"
    assert executed(project) == {"stop_smoking": reason}
    assert "stop_smoking ok" in done.stderr and f"ran ({reason})" in done.stderr
    assert notebooks(project)["drugs_alcohol"]["reason"] == "unchanged"
    assert pages(project) == forced_pages(project, tmp_path)


def test_rows_of_an_area_not_run_execute_nothing_and_a_named_indicator_runs_both(project):
    edit_observation(project, ONLY_SS, area=OTHER_AREA)
    run(project)
    assert executed(project) == {}
    edit_observation(project, NAMED)  # the drugs notebook's, named by the stop smoking one
    run(project)
    reason = f"observations for {NAMED} changed"
    assert executed(project) == {s: reason for s in SERVICES}


def test_a_narrative_edit_executes_nothing_and_refreshes_the_pages(project, tmp_path):
    write_narrative(project, "stop_smoking", "Quitters rose after the January campaign.")
    done = run(project)
    assert executed(project) == {} and "reused (unchanged)" in done.stderr
    out = project / "outputs" / QUARTER / AREA
    for page in ("stop_smoking.html", "annex.html"):
        assert "Quitters rose after the January campaign." in (out / page).read_text()
    nb = nbformat.read(out / "stop_smoking.ipynb", as_version=4)
    assert any("January campaign" in c.source for c in nb.cells if c.cell_type == "markdown")
    assert pages(project) == forced_pages(project, tmp_path)


def test_a_change_to_phlib_runs_everything(project, tmp_path):
    copy = tmp_path / "code"
    shutil.copytree(PROJECT / "phlib", copy / "phlib",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    shutil.copy(PROJECT / "constraints.txt", copy / "constraints.txt")
    env = {**os.environ, "PYTHONPATH": str(copy)}
    run(project, env=env)
    assert executed(project) == {}, "the same code in another folder is the same code"
    with open(copy / "phlib" / "rules" / "ratings.py", "a", encoding="utf-8") as handle:
        handle.write("\n# a change\n")
    done = run(project, env=env)
    assert executed(project) == {s: "phlib changed" for s in SERVICES}, done.stderr


def test_catalogue_notebook_and_dependency_changes_run_what_they_touch(project):
    path = project / "data" / "catalogue.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    next(r for r in rows if r["indicator_id"] == ONLY_SS)["title"] += " (revised)"
    write_csv(path, rows)
    run(project)
    assert executed(project) == {"stop_smoking": f"catalogue rows for {ONLY_SS} changed"}
    notebook = project / "notebooks" / "drugs_alcohol.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("### Notes\n\nFigures are provisional."))
    nbformat.write(nb, notebook)
    run(project)
    assert executed(project) == {"drugs_alcohol": "the notebook changed"}
    shutil.copy(PROJECT / "constraints.txt", project / "constraints.txt")
    with open(project / "constraints.txt", "a", encoding="utf-8") as handle:
        handle.write("example-package==1.0\n")
    run(project)
    assert executed(project) == {s: "the dependency set changed" for s in SERVICES}


def test_a_run_of_one_service_keeps_the_others_trusted_only_while_unchanged(project, tmp_path):
    edit_observation(project, CHOSEN["drugs_alcohol"][0])  # read by the drugs notebook alone
    run(project, "--services", "stop_smoking")
    entries = notebooks(project)
    assert entries["drugs_alcohol"]["status"] == "carried"
    assert not entries["drugs_alcohol"]["executed"] and entries["drugs_alcohol"]["key"]
    assert executed(project) == {}
    run(project)
    reason = f"observations for {CHOSEN['drugs_alcohol'][0]} changed"
    assert executed(project) == {"drugs_alcohol": reason}
    assert pages(project) == forced_pages(project, tmp_path)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}  # fmt: skip


def test_explain_prints_the_plan_and_writes_nothing(project):
    edit_observation(project, ONLY_SS)
    before = snapshot(project)
    done = run(project, "--explain")
    assert f"run   {AREA}/stop_smoking: observations for {ONLY_SS} changed" in done.stderr
    assert f"reuse {AREA}/drugs_alcohol: unchanged" in done.stderr
    assert "1 to run, 1 to reuse" in done.stderr
    assert snapshot(project) == before


def test_force_runs_everything(project):
    done = run(project, "--force")
    assert executed(project) == {s: "forced" for s in SERVICES}
    assert "ran (forced)" in done.stderr


def test_an_executed_notebook_changed_outside_a_run_is_executed_again(project, cold_forced):
    path = project / "outputs" / QUARTER / AREA / "drugs_alcohol.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and c.outputs)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="edited by hand")]
    nbformat.write(nb, path)
    run(project)
    assert executed(project) == {"drugs_alcohol": "the executed notebook was changed outside a run"}
    assert pages(project) == cold_forced  # the inputs are the cold run's


def test_a_failed_notebook_is_never_reused(project):
    notebook = project / "notebooks" / "drugs_alcohol.ipynb"
    good = notebook.read_bytes()
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell("raise ValueError('broken on purpose')"))
    nbformat.write(nb, notebook)
    run(project, accept=(1,))
    entry = notebooks(project)["drugs_alcohol"]
    assert entry["executed"] and entry["key"] is None and entry["status"] == "previous"
    notebook.write_bytes(good)  # the same key as the cold run's, but that run is gone
    run(project)
    assert executed(project) == {"drugs_alcohol": "it did not run successfully last time"}


def test_a_run_killed_midway_leaves_nothing_a_later_run_trusts(project, tmp_path):
    edit_observation(project, ONLY_SS)
    edit_observation(project, NAMED, change=2.0)
    manifest = (project / "outputs" / QUARTER / "manifest.json").read_bytes()
    process = subprocess.Popen(
        [sys.executable, "-m", "phlib.cli", "run", QUARTER, "--workers", "1",
         "--project", str(project)],
        stderr=subprocess.PIPE, text=True, cwd=project,
    )  # fmt: skip
    lines = []
    for line in process.stderr:  # kill it as soon as the first notebook has finished
        lines.append(line)
        if line.startswith("[1/2]"):
            process.send_signal(signal.SIGKILL)
            break
    process.wait(60)
    process.stderr.close()
    assert lines and lines[-1].startswith("[1/2]"), "".join(lines)
    time.sleep(0.5)  # its workers die with it
    assert (project / "outputs" / QUARTER / "manifest.json").read_bytes() == manifest
    run(project)
    ran = executed(project)
    assert set(ran) == set(SERVICES), ran
    assert f"observations for {NAMED} changed" in ran["drugs_alcohol"]
    assert pages(project) == forced_pages(project, tmp_path)


# --- the property: any sequence of edits and runs ends where a forced run does -------------------

EDITS = st.lists(
    st.one_of(
        st.tuples(
            st.just("observation"),
            st.sampled_from(
                sorted({ONLY_SS, NAMED, CHOSEN["drugs_alcohol"][0], CHOSEN["stop_smoking"][0]})
            ),
            st.sampled_from([AREA, OTHER_AREA]),
        ),  # fmt: skip
        st.tuples(st.just("narrative"), st.sampled_from(SERVICES), st.sampled_from(["A", "B"])),
        st.tuples(st.just("run"), st.just(""), st.just("")),
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=2, deadline=None, derandomize=False, phases=["generate"],
          suppress_health_check=list(HealthCheck))  # fmt: skip
@given(edits=EDITS)
def test_any_sequence_of_edits_and_runs_ends_identical_to_a_forced_run(cold, tmp_path_factory,
                                                                      edits):  # fmt: skip
    scratch = tmp_path_factory.mktemp("property")
    root = scratch / "project"
    shutil.copytree(cold, root, symlinks=True)
    for kind, what, detail in edits:
        if kind == "observation":
            edit_observation(root, what, area=detail)
        elif kind == "narrative":
            write_narrative(root, what, f"Commentary version {detail}.")
        else:
            run(root)
    run(root)
    assert pages(root) == forced_pages(root, scratch), edits


def test_normalising_keeps_everything_but_the_time_and_the_summary():
    page = '<p>Produced 6 December 2026, 14:20 &middot; Q3</p><p class="run-summary">Ran in 3 s</p>'
    assert normalised(page) == "<p>Produced (time) &middot; Q3</p>(run summary)"
    assert normalised(page.replace("Q3", "Q4")) != normalised(page)


# --- warm kernels ---------------------------------------------------------------------------------

PROBE = "import sys\nprint(sorted(m for m in ('pandas', 'matplotlib.pyplot', 'phlib.workbook')\n" \
        "             if m in sys.modules))"  # fmt: skip


def kernel_jobs(root: Path, tag: str) -> list:
    from phlib.report.pages import Page, Provenance
    from phlib.run.jobs import Job

    page = Page("Report", "Q3 2022/23", Provenance("today", "Q3 2022/23", (), "abc"), "Area")
    parameters = {
        "quarter": QUARTER, "area": AREA,
        "catalogue_path": str(root / "data" / "catalogue.csv"),
        "areas_path": str(root / "data" / "areas.csv"),
        "observation_paths": [str(root / "data" / "observations.csv")],
        "publication": "internal",
        "suppression_min": 1, "suppression_max": 4, "section_number": 1,
    }  # fmt: skip
    return [
        Job(area=AREA, service=name, notebook=root / "notebooks" / f"{name}.ipynb",
            parameters=parameters, out_dir=root / tag / AREA, heading="1. Section", page=page)
        for name in ("probe", "stop_smoking")
    ]  # fmt: skip


def test_warm_kernels_have_the_libraries_imported_and_give_the_outputs_of_a_cold_kernel(tmp_path):
    from phlib.run.kernels import HEAVY_PRELOAD
    from phlib.run.workers import run_jobs

    root = make_project(tmp_path / "project")
    probe = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(PROBE),
    ])  # fmt: skip
    probe.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}  # fmt: skip
    nbformat.write(probe, root / "notebooks" / "probe.ipynb")
    folder = root / "notebooks"
    cold = run_jobs(kernel_jobs(root, "cold"), 1, cwd=folder, preload="")
    warm = run_jobs(kernel_jobs(root, "warm"), 1, cwd=folder, preload=HEAVY_PRELOAD)
    assert [r.status for r in cold + warm] == ["ok"] * 4, [r.error for r in cold + warm]

    def probed(tag: str) -> tuple:
        nb = nbformat.read(root / tag / AREA / "probe.ipynb", as_version=4)
        cell = nb.cells[-1]
        return cell.execution_count, "".join(o.get("text", "") for o in cell.outputs).strip()

    assert probed("cold")[1] == "[]"
    assert probed("warm")[1] == "['matplotlib.pyplot', 'pandas', 'phlib.workbook']"
    assert probed("warm")[0] == probed("cold")[0], "the preload does not count as a cell"

    def shown(tag: str) -> tuple:
        nb = nbformat.read(root / tag / AREA / "stop_smoking.ipynb", as_version=4)
        outputs = [(c.execution_count, c.outputs) for c in nb.cells if c.cell_type == "code"]
        html = (root / tag / AREA / "stop_smoking.html").read_text(encoding="utf-8")
        return outputs, html

    assert shown("warm") == shown("cold")
    assert cold[1].section.html == warm[1].section.html
