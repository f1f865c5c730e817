"""End to end: nothing an analyst wrote is lost, whatever happens around a run.

Each test works on its own copy of a project that has run one section for real (see
`conftest.py`) and drives the real `phreport` command line:

- the same section edited in the executed notebook and in the store file: both texts survive;
- a narrative cell whose key is unknown: reported, its text kept in the store;
- runs killed with SIGKILL at several moments: the store files and the quarter's outputs are
  always whole (the old version or the new one), and the next run keeps the pending edit;
- starting the next quarter: carried-forward text is flagged, blocks a public build and shows
  as such in the internal draft;
- a public build with a section missing is refused and writes nothing, unless overridden.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
import support
import yaml
from bs4 import BeautifulSoup

from phlib.narratives.cells import cell_key, is_narrative
from phlib.narratives.store import CARRIED, MISSING, WRITTEN, Section, load, parse, render, save

pytestmark = pytest.mark.slow

QUARTER, NEXT, AREA, SERVICE = "2022-23-Q3", "2022-23-Q4", "cambridgeshire", "sexual_health"
SCOPE = ("--areas", AREA, "--services", SERVICE)
NOTEBOOK_TEXT = "Notebook version: the offer rate improved in each month of the quarter (N-101)."
NOTEBOOK_ACTION = "- Notebook version of the action: weekly capacity review (N-102)."
STORE_TEXT = "Store version: access stayed below threshold all quarter (S-201)."
UNKNOWN_KEY = "sh_waiting_list_note"
UNKNOWN_TEXT = "A note on waiting lists typed into a cell with a key nobody knows (U-301)."
PENDING = "Pending edit made in the executed notebook before the killed runs (K-401)."


def words(path: Path) -> str:
    """The visible text of an HTML page, with runs of white space as one space."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return " ".join(soup.get_text(" ").split())


def store_of(project: Path, quarter: str = QUARTER) -> Path:
    return project / "narratives" / quarter / AREA / f"{SERVICE}.md"


def outputs_of(project: Path, quarter: str = QUARTER) -> Path:
    return project / "outputs" / quarter


def narrative_cell(nb, key: str):
    """The one narrative cell of `nb` with `key`."""
    found = [c for c in nb.cells if is_narrative(c) and cell_key(c) == key]
    assert len(found) == 1, f"expected one narrative cell {key!r}, found {len(found)}"
    return found[0]


def edit_notebook(path: Path, change) -> None:
    """Read an executed notebook, let `change(nb)` edit it and save it as JupyterLab would."""
    nb = nbformat.read(path, as_version=4)
    change(nb)
    nbformat.validate(nb)
    nbformat.write(nb, path)


def tree(root: Path) -> dict[str, str]:
    """sha256 of every file under `root`, by relative path."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


# --- conflicting edits and unknown keys: one run shared by two tests ------------------------


@dataclass
class EditedRun:
    project: Path
    before: object  # the store's NarrativeDoc before any edit
    store_access: Section  # the store's access section after the hand edit
    run: object  # support.Done


@pytest.fixture(scope="module")
def edited_run(base_project, base_run, tmp_path_factory, phreport) -> EditedRun:
    """After a run: `access` edited differently in the notebook and in the store file, and a
    narrative cell with an unknown key added to the notebook; then the next run."""
    project = tmp_path_factory.mktemp("edited") / "project"
    shutil.copytree(base_project, project, symlinks=True)
    store = store_of(project)
    before = load(store)

    def change(nb):
        cell = narrative_cell(nb, "access")
        cell.source = f"#### Commentary\n\n{NOTEBOOK_TEXT}\n\n#### Actions\n\n{NOTEBOOK_ACTION}"
        extra = nbformat.v4.new_markdown_cell(
            f"#### Commentary\n\n{UNKNOWN_TEXT}",
            metadata={"tags": ["narrative"], "phlib": {"narrative_key": UNKNOWN_KEY}},
        )
        nb.cells.insert(nb.cells.index(cell) + 1, extra)

    edit_notebook(outputs_of(project) / AREA / f"{SERVICE}.ipynb", change)
    text = store.read_text(encoding="utf-8")
    old = before.sections["access"].commentary
    assert old in text
    store.write_text(text.replace(old, STORE_TEXT, 1), encoding="utf-8")
    store_access = load(store).sections["access"]
    assert store_access.commentary == STORE_TEXT
    return EditedRun(project, before, store_access, phreport(project, "run", QUARTER, *SCOPE))


def test_conflicting_edits_keep_both_texts_and_say_so(edited_run):
    project, run = edited_run.project, edited_run.run
    folder = store_of(project).parent
    after = load(store_of(project))
    access = after.sections["access"]
    assert (access.commentary, access.actions, access.status) == (
        NOTEBOOK_TEXT, NOTEBOOK_ACTION, WRITTEN,
    )  # fmt: skip
    sides = sorted(folder.glob(f"{SERVICE}.conflict-*.md"))
    assert len(sides) == 1, f"expected one conflict side file, found {sides}"
    theirs = parse(sides[0].read_text(encoding="utf-8"), sides[0])
    assert theirs.sections["access"] == edited_run.store_access
    log = (outputs_of(project) / "run.log").read_text(encoding="utf-8")
    for where, text in (("the run's output", run.output), ("run.log", log)):
        assert "section 'access' was edited in the notebook and in the store" in text, where
        assert sides[0].name in text, f"{where} does not name the side file"
    page = words(outputs_of(project) / AREA / f"{SERVICE}.html")
    assert NOTEBOOK_TEXT in page and STORE_TEXT not in page
    for key, section in edited_run.before.sections.items():
        if key != "access":
            assert after.sections[key] == section, f"section {key!r} changed"


def test_a_cell_with_an_unknown_key_is_reported_and_its_text_kept(edited_run):
    after = load(store_of(edited_run.project))
    kept = after.sections.get(UNKNOWN_KEY)
    assert kept is not None, "the unknown key's text was dropped"
    assert kept.commentary == UNKNOWN_TEXT and kept.status == WRITTEN
    message = f"narrative cell '{UNKNOWN_KEY}' is not a known indicator or section"
    assert message in edited_run.run.output
    log = (outputs_of(edited_run.project) / "run.log").read_text(encoding="utf-8")
    assert message in log


def test_a_gathered_edit_does_not_come_back_over_a_newer_store_edit(project, phreport):
    """Pull an edit from the notebook, edit the same section in the store file, refresh other
    sections: the next gather must keep the store's newer text (no conflict)."""
    store = store_of(project)

    def change(nb):
        narrative_cell(nb, "access").source = f"#### Commentary\n\n{NOTEBOOK_TEXT}"

    edit_notebook(outputs_of(project) / AREA / f"{SERVICE}.ipynb", change)
    phreport(project, "narratives", "pull", QUARTER, *SCOPE)
    assert load(store).sections["access"].commentary == NOTEBOOK_TEXT
    store.write_text(store.read_text("utf-8").replace(NOTEBOOK_TEXT, STORE_TEXT), "utf-8")
    phreport(project, "export", QUARTER, "--areas", AREA, "--services", "drugs_alcohol")
    pulled = phreport(project, "narratives", "pull", QUARTER, *SCOPE)
    assert load(store).sections["access"].commentary == STORE_TEXT, pulled.output
    assert not sorted(store.parent.glob("*.conflict-*.md")), pulled.output


# --- killed runs ------------------------------------------------------------------------------


def processes_in(folder: Path) -> list[int]:
    """Ids of processes whose working folder is inside `folder` (a run's workers, kernels)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cwd = Path(os.readlink(entry / "cwd"))
        except OSError:
            continue
        if cwd == folder or folder in cwd.parents:
            found.append(int(entry.name))
    return found


def no_process_left(project: Path, timeout: float = 20) -> list[int]:
    """Wait until no process works in `project`; kill and return any still there at the end."""
    deadline = time.monotonic() + timeout
    while (left := processes_in(project)) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return left


def complete_outputs(live: Path) -> dict[str, str]:
    """Check that `live` holds a whole set of outputs; return the sha256 of its files."""
    assert live.is_dir(), f"{live} is missing"
    files = {k: v for k, v in tree(live).items() if not re.search(r"(^|/)\.", k)}
    manifest = json.loads((live / "manifest.json").read_text(encoding="utf-8"))
    expected = {"index.html", "manifest.json", "run.log", "scorecard.csv", f"{AREA}/annex.html"}
    for entry in manifest["notebooks"]:
        assert entry["status"] == "ok", entry
        expected |= {f"{entry['area']}/{name}" for name in entry["files"]}
    assert expected <= set(files), f"missing from {live}: {sorted(expected - set(files))}"
    for name in files:
        if name.endswith(".html"):
            text = (live / name).read_text(encoding="utf-8")
            assert text.rstrip().endswith("</html>"), f"{name} is cut short"
            assert BeautifulSoup(text, "html.parser").title is not None, f"{name} has no title"
        if name.endswith(".ipynb"):
            nbformat.validate(nbformat.read(live / name, as_version=4))
    return files


def staged(project: Path, inside: str = "") -> bool:
    """True when a run's staging folder (with `inside`, when given) exists."""
    folders = (project / "outputs" / ".staging").glob(f"{QUARTER}.*")
    return any(f.is_dir() and not f.name.endswith(".previous") and (f / inside).exists()
               for f in folders)  # fmt: skip


def kill_during(run: subprocess.Popen, phase, delay: float) -> bool:
    """Wait (polling every 10 ms) until `phase()` is true, then `delay` seconds more, then
    SIGKILL the run; False when the run ended first."""
    while run.poll() is None and not phase():
        time.sleep(0.01)
    time.sleep(delay)
    if run.poll() is not None:
        return False
    os.kill(run.pid, signal.SIGKILL)
    return True


def test_killed_runs_leave_whole_narratives_and_whole_outputs(project, phreport):
    store, live = store_of(project), outputs_of(project)
    notebook = live / AREA / f"{SERVICE}.ipynb"

    def pend(nb):
        cell = narrative_cell(nb, "sh_dna_rate")
        cell.source = cell.source.rstrip() + f"\n\n- {PENDING}"

    edit_notebook(notebook, pend)
    old = store.read_bytes()
    doc = load(store)
    section = doc.sections["sh_dna_rate"]
    doc.sections["sh_dna_rate"] = Section("sh_dna_rate", section.commentary, f"- {PENDING}")
    new = render(doc).encode("utf-8")
    narratives_before = tree(project / "narratives")
    store_key = store.relative_to(project / "narratives").as_posix()
    outputs_before, manifest_before = complete_outputs(live), (live / "manifest.json").read_bytes()

    # Moments by what the run is doing, so that they do not depend on the machine's speed;
    # the extra delays are random (seeded).
    rng = random.Random(20230331)
    moments = [
        ("starting up", lambda: True, rng.uniform(0.2, 1.5)),
        ("just gathered the edit", lambda: store.read_bytes() == new, rng.uniform(0, 0.05)),
        ("executing", lambda: staged(project), rng.uniform(0.5, 3.0)),
        ("assembling", lambda: staged(project, f"{AREA}/annex.html"), rng.uniform(0, 0.1)),
    ]
    seen = []
    for n, (what, phase, delay) in enumerate(moments, 1):
        log = project / f"killed-run-{n}.log"
        clock = time.perf_counter()
        with open(log, "w", encoding="utf-8") as out:
            run = subprocess.Popen(
                [*support.phreport_command(), "run", QUARTER, *SCOPE],
                cwd=project, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
            killed = kill_during(run, phase, delay)
            run.wait()
        moment = f"{what} ({time.perf_counter() - clock:.2f} s)"
        left = no_process_left(project)
        assert not left, f"kill {n} {moment} left processes behind: {left}"

        narratives = tree(project / "narratives")
        temporary = [k for k in narratives if Path(k).name.startswith(".") and k.endswith(".tmp")]
        for name in temporary:
            del narratives[name]
        assert set(narratives) == set(narratives_before), f"kill {n}: files came or went"
        for name, digest in narratives.items():
            if name != store_key:
                assert digest == narratives_before[name], f"kill {n} changed {name}"
        assert store.read_bytes() in (old, new), f"kill {n} {moment} left {store} partial"
        load(store)

        if not live.exists():  # killed between the two renames of the swap
            staging = project / "outputs" / ".staging"
            assert any(p.is_dir() for p in staging.glob(f"{QUARTER}.*")), f"kill {n}: no outputs"
            seen.append((moment, killed, "mid-swap"))
            continue
        files = complete_outputs(live)
        manifest_now = (live / "manifest.json").read_bytes()
        if manifest_now == manifest_before:
            assert files == outputs_before, f"kill {n}: the previous outputs changed"
            state = "previous outputs"
        else:
            assert PENDING in words(live / AREA / f"{SERVICE}.html")
            state = "new outputs"
        outputs_before, manifest_before = files, manifest_now
        gathered = "store gathered" if store.read_bytes() == new else "store as before"
        seen.append((moment, killed, f"{state}, {gathered}"))

    print("\nkills (when, killed, state after):", *seen, sep="\n  ")
    assert sum(killed for _, killed, _ in seen) >= 3, f"most runs ended before the kill: {seen}"
    final = phreport(project, "run", QUARTER, *SCOPE)
    assert store.read_bytes() == new, final.output
    assert PENDING in words(live / AREA / f"{SERVICE}.html")
    assert PENDING in words(live / AREA / "annex.html")
    complete_outputs(live)
    staging = project / "outputs" / ".staging"
    assert not staging.exists() or not any(staging.iterdir()), "staging folders left behind"


# --- the next quarter --------------------------------------------------------------------------


def test_next_quarter_starts_from_this_one_flagged_for_review(project, phreport):
    (project / "parameters" / f"{NEXT}.yaml").unlink()  # the sample project ships it
    assert not (project / "narratives" / NEXT).exists()
    last_words = "Typed in the executed notebook after the last run of the quarter (L-501)."

    def change(nb):  # not yet gathered when the next quarter starts
        narrative_cell(nb, "summary").source = f"#### Commentary\n\n{last_words}"

    edit_notebook(outputs_of(project) / AREA / f"{SERVICE}.ipynb", change)
    started = phreport(project, "new-quarter", NEXT)
    assert "Gathered 1 edited section(s)" in started.output

    written = yaml.safe_load((project / "parameters" / f"{NEXT}.yaml").read_text("utf-8"))
    source = yaml.safe_load((project / "parameters" / f"{QUARTER}.yaml").read_text("utf-8"))
    assert written == {**source, "quarter": NEXT}
    this, carried = load(store_of(project)), load(store_of(project, NEXT))
    assert this.sections["summary"].commentary == last_words
    assert carried.sections["summary"].commentary == last_words
    assert list(carried.sections) == list(this.sections)
    for key, section in carried.sections.items():
        assert section.status == CARRIED and section.carried_from == QUARTER, key
        assert section.same_text(this.sections[key])
    raw = store_of(project, NEXT).read_text(encoding="utf-8")
    assert raw.count("Status: carried forward from Q3 2022/23") == len(carried.sections)
    q3_files = sorted((project / "narratives" / QUARTER).rglob("*.md"))
    q4_files = sorted((project / "narratives" / NEXT).rglob("*.md"))
    assert [p.relative_to(project / "narratives" / QUARTER) for p in q3_files] == [
        p.relative_to(project / "narratives" / NEXT) for p in q4_files
    ]

    check = phreport(project, "check", NEXT, "--publication", "public", *SCOPE, accept=(2,))
    for key in carried.sections:
        assert f"section '{key}' is carried forward from Q3 2022/23" in check.output, key
    assert "is Red and has no actions" not in check.output  # the actions came along too

    for key, section in carried.sections.items():
        if section.actions is not None:
            carried.sections[key] = Section(key, section.commentary, "", CARRIED, QUARTER)
    save(carried, store_of(project, NEXT))
    check = phreport(project, "check", NEXT, "--publication", "public", *SCOPE, accept=(2,))
    listed = set(re.findall(r"indicator (\w+) \(.*?\) is Red and has no actions", check.output))

    phreport(project, "run", NEXT, *SCOPE)  # internal: a draft may carry text forward
    page = words(outputs_of(project, NEXT) / AREA / f"{SERVICE}.html")
    marks = page.count("Carried forward from Q3 2022/23: review and edit.")
    assert marks == len(carried.sections)
    with open(outputs_of(project, NEXT) / "scorecard.csv", encoding="utf-8") as handle:
        red = {
            row["indicator_id"]
            for row in csv.DictReader(handle)
            if (row["area"], row["service"], row["rag"]) == (AREA, SERVICE, "Red")
        }
    assert red and listed == red, f"check listed {listed}; the scorecard's Red: {red}"


# --- public builds ------------------------------------------------------------------------------


def test_public_build_with_a_missing_section_is_refused_until_overridden(project, phreport):
    store = store_of(project)
    doc = load(store)
    key = "larc_outreach"
    doc.sections[key] = Section(key, "", "")
    save(doc, store)
    assert load(store).sections[key].status == MISSING
    before = tree(project)

    refused = phreport(project, "run", QUARTER, "--publication", "public", *SCOPE, accept=(2,))
    assert f"section '{key}' has no commentary yet" in refused.output
    assert tree(project) == before, "a refused public build wrote something"

    done = phreport(project, "run", QUARTER, "--publication", "public",
                    "--override-publication-checks", *SCOPE)  # fmt: skip
    manifest = json.loads((outputs_of(project) / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["publication"] == "public"
    override = manifest["publication_override"]
    assert override["used"] is True
    assert any(f"section '{key}'" in blocker for blocker in override["blockers"]), override
    assert f"section '{key}'" in done.output
