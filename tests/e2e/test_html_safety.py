"""Text from data files, parameters and narratives cannot become markup or script.

A copy of the project gets script and markup payloads in an indicator's title, description
and link text (catalogue), in an area's display name (areas.csv), in a narrative's commentary
and in the cells of an extra Excel observations file (a breakdown and a note). One notebook is
broken on purpose, with an error message that holds the project's path. A real public run of
one area and two services follows; every HTML page it wrote is parsed: no script elements, no
event-handler attributes, no script URLs, each payload shown as text, and no local paths, user
name, code or traceback anywhere, the failed section's page included.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
import support as h
from bs4 import BeautifulSoup

QUARTER, AREA = h.QUARTER, "cambridgeshire"
SERVICES = ("sexual_health", "stop_smoking")
BROKEN = "stop_smoking"
INDICATOR = "sh_dna_rate"  # shown as a card in the sexual health notebook
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
SVG = '"><svg onload=alert(1)>'
JS = "javascript:alert(1)"
PAYLOADS = {
    "title": f"Missed appointments {SCRIPT}",
    "description": f"Missed appointments waste capacity {IMG} {SVG}",
    "link": f"[Guide {SVG}](https://example.org/guide?q=%22%3E%3Cscript%3E)",
    "area": f"Cambridgeshire {IMG}",
    "narrative": f"Text typed in JupyterLab: {SCRIPT} {IMG} {SVG}",
    "narrative link": f'<a href="{JS}">x</a>',
    "breakdown": f"Ely {SCRIPT}",
    "note": f"checked {IMG}",
}
pytestmark = pytest.mark.slow


def poison(root: Path) -> None:
    """Put the payloads into the project's inputs and break one notebook."""
    data = root / "data"
    with open(data / "catalogue.csv", newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    for row in rows:
        if row["indicator_id"] == INDICATOR:
            row["title"], row["description"] = PAYLOADS["title"], PAYLOADS["description"]
            row["links"] = PAYLOADS["link"]
    with open(data / "catalogue.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    areas = (data / "areas.csv").read_text(encoding="utf-8")
    (data / "areas.csv").write_text(
        areas.replace("cambridgeshire,Cambridgeshire,", f'cambridgeshire,"{PAYLOADS["area"]}",'),
        encoding="utf-8",
    )
    excel_observations(data / "extra.xlsx")
    parameters = root / "parameters" / f"{QUARTER}.yaml"
    text = parameters.read_text(encoding="utf-8")
    parameters.write_text(
        text.replace("observations: [data/observations.csv]",
                     "observations: [data/observations.csv, data/extra.xlsx]"),
        encoding="utf-8",
    )  # fmt: skip
    store = root / "narratives" / QUARTER / AREA / "sexual_health.md"
    lines = store.read_text(encoding="utf-8").splitlines()
    at = lines.index("### Commentary") + 2  # the summary's first paragraph
    typed = f"{PAYLOADS['narrative']} [click]({JS}) {PAYLOADS['narrative link']}"
    lines.insert(at, typed + "\n")
    store.write_text("\n".join(lines) + "\n", encoding="utf-8")
    notebook = root / "notebooks" / f"{BROKEN}.ipynb"
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    failing = {
        "cell_type": "code",
        "execution_count": None,
        "id": "broken-on-purpose",
        "metadata": {},
        "outputs": [],
        "source": [
            "import getpass\n",
            'raise RuntimeError(f"cannot read {catalogue_path} for {getpass.getuser()}")',
        ],
    }
    nb["cells"].insert(4, failing)
    notebook.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def excel_observations(path: Path) -> None:
    """An extra observations workbook: one district of the indicator, with payload cells."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["indicator_id", "area", "period", "breakdown", "value", "note"])
    sheet.append([INDICATOR, AREA, "2022-12", PAYLOADS["breakdown"], 7.5, PAYLOADS["note"]])
    book.save(path)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = h.copy_inputs(tmp_path_factory.mktemp("unsafe") / "project")
    h.review_sample_narratives(root)
    poison(root)
    done = h.phreport_subprocess(
        "run", QUARTER, "--areas", AREA, "--services", ",".join(SERVICES), "--publication",
        "public", "--workers", "1", "--project", str(root),
    )  # fmt: skip
    pages = sorted((root / "outputs" / QUARTER).rglob("*.html"))
    return root, done, pages


def parse(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_the_run_produced_its_pages_and_reported_the_broken_notebook(run):
    root, done, pages = run
    assert done.returncode == 1, done.stderr[-3000:]  # one notebook failed, the rest ran
    names = {p.relative_to(root / "outputs" / QUARTER).as_posix() for p in pages}
    assert {"index.html", f"{AREA}/annex.html", f"{AREA}/sexual_health.html",
            f"{AREA}/{BROKEN}.failed.html"} <= names  # fmt: skip
    assert f"FAILED {AREA}/{BROKEN}" in done.stderr


def test_no_page_has_scripts_event_handlers_or_script_urls(run):
    _, _, pages = run
    for path in pages:
        doc = parse(path)
        assert not doc.find_all(["script", "iframe", "object", "embed", "svg", "math"]), path
        for tag in doc.find_all(True):
            for name, value in tag.attrs.items():
                assert not name.lower().startswith("on"), (path, tag.name, name)
                text = " ".join(value) if isinstance(value, list) else str(value)
                squeezed = re.sub(r"[\s\x00-\x1f]", "", text).lower()
                assert not squeezed.startswith(("javascript:", "vbscript:", "data:text")), (
                    path, tag.name, name, text,
                )  # fmt: skip
                if name.lower() in ("src", "href") and squeezed.startswith("data:"):
                    assert squeezed.startswith("data:image/"), (path, text[:40])
        raw = path.read_text(encoding="utf-8")
        assert "<script" not in raw.lower() and "<img src=x" not in raw, path


def visible(path: Path) -> str:
    return parse(path).get_text(" ")


def test_each_payload_is_shown_as_text(run):
    root, _, _ = run
    out = root / "outputs" / QUARTER
    page = visible(out / AREA / "sexual_health.html")
    annex, index = visible(out / AREA / "annex.html"), visible(out / "index.html")
    for text in (page, annex):
        assert PAYLOADS["title"] in text
        assert PAYLOADS["description"] in text
        assert f"Guide {SVG}" in text
        assert PAYLOADS["narrative"] in text and PAYLOADS["narrative link"] in text
        assert PAYLOADS["breakdown"] in text
    assert PAYLOADS["area"] in annex and PAYLOADS["area"] in index
    assert PAYLOADS["title"] in index
    doc = parse(out / AREA / "sexual_health.html")
    guide = doc.find("a", string=re.compile("^Guide"))
    assert guide is not None and guide["href"].startswith("https://example.org/guide")
    assert PAYLOADS["area"] in doc.title.get_text()


def test_public_pages_show_no_local_paths_user_name_code_or_traceback(run):
    root, _, pages = run
    private = h.private_paths(root)
    user = h.user_name()
    assert any(str(root) in p for p in private)
    for path in pages:
        raw = path.read_text(encoding="utf-8")
        for secret in private:
            assert secret not in raw, (path, secret)
        if user and user != "root":  # "root" is a CSS word; /root/ is checked above
            assert not re.search(rf"\b{re.escape(user)}\b", raw), (path, user)
        for code in ("Workbook.open", "import ", "wb.", "Traceback", "RuntimeError",
                     "getpass", "catalogue_path"):  # fmt: skip
            assert code not in raw, (path, code)


def test_the_failed_section_page_only_says_that_it_failed(run):
    root, _, _ = run
    out = root / "outputs" / QUARTER
    text = " ".join(visible(out / AREA / f"{BROKEN}.failed.html").split())
    assert "could not be produced in this run" in text
    assert "cannot read" not in text
    index = " ".join(visible(out / "index.html").split())
    assert "failed in this run" in index and "cannot read" not in index
    annex = " ".join(visible(out / AREA / "annex.html").split())
    assert "could not be produced in this run" in annex and "cannot read" not in annex
    log = (out / "run.log").read_text(encoding="utf-8")
    assert "cannot read" in log, "the reason is kept for the analyst in the run log"


def test_a_script_url_in_the_catalogue_links_is_refused_before_anything_runs(tmp_path):
    root = h.copy_inputs(tmp_path / "project", trim=True)
    path = root / "data" / "catalogue.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    where = next(n for n, r in enumerate(rows, start=2) if r["indicator_id"] == INDICATOR)
    rows[where - 2]["links"] = f"[Click]({JS})"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    code, text = h.phreport_in_process("check", QUARTER, "--project", str(root))
    assert code == 2
    line = next(line for line in text.splitlines() if "column 'links'" in line)
    assert f"row {where}" in line and "Fix: " in line
    assert not (root / "outputs").exists()
