"""The sample narratives in `narratives/`: complete, honest about the numbers, and our own words.

Three quarters are written: Q3 2022/23 for both areas, Q4 2017/18 for Cambridgeshire and
Q2 2018/19 for Peterborough (the quarters of the reference annexes). For each, every key of
every service notebook must be present, written and marked `sample` (made-up text that a
public build refuses until an analyst replaces it); keys covering a Red indicator need
actions; restricted (NDTMS) figures must never be quoted; every percentage quoted about a
single indicator must be one the card shows; and no sentence may be taken from the reference
reports.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import nbformat
import pytest

from phlib.display.formatting import format_number, format_value
from phlib.inputs.catalogue import load_catalogue
from phlib.inputs.observations import load_observations
from phlib.narratives.cells import cell_key, is_narrative
from phlib.narratives.store import SAMPLE, check_keys, load, render, store_files, store_path
from phlib.rules.periods import Quarter
from phlib.rules.selection import summarise

ROOT = Path(__file__).resolve().parents[1]
NARRATIVES = ROOT / "narratives"
SCOPE = {
    "2022-23-Q3": ("cambridgeshire", "peterborough"),
    "2017-18-Q4": ("cambridgeshire",),
    "2018-19-Q2": ("peterborough",),
}
SERVICES = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
CASES = [(q, a, s) for q, areas in SCOPE.items() for a in areas for s in SERVICES]
REFERENCE_DIRS = (
    Path(__file__).resolve().parents[2] / "shared" / "reference",
    Path("/work/shared/reference"),
)
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
PERCENT = re.compile(r"(\d[\d,]*(?:\.\d+)?)%")


@functools.cache
def sample():
    """The sample catalogue and observations, read once."""
    catalogue = load_catalogue(ROOT / "data" / "catalogue.csv", ROOT / "data" / "areas.csv")
    observations = load_observations([ROOT / "data" / "observations.csv"], catalogue)
    return catalogue, observations


@functools.cache
def notebook_keys(service: str) -> dict[str, tuple[str, ...]]:
    """Each narrative key of a service notebook with the indicator ids its cell covers."""
    nb = nbformat.read(ROOT / "notebooks" / f"{service}.ipynb", 4)
    keys = {}
    for cell in nb.cells:
        if is_narrative(cell) and (key := cell_key(cell)):
            keys[key] = tuple(cell.metadata.get("phlib", {}).get("indicators", []))
    return keys


@functools.cache
def summary_of(indicator_id: str, quarter: str, area: str):
    catalogue, observations = sample()
    indicator = catalogue.indicator(indicator_id)
    return summarise(indicator, observations, Quarter.parse(quarter), area)


def shown_values(indicator_id: str, quarter: str, area: str) -> set[str]:
    """How the card shows current, previous, target and comparators (e.g. '88.0%')."""
    indicator = sample()[0].indicator(indicator_id)
    s = summary_of(indicator_id, quarter, area)
    values = (s.current, s.previous, s.target, s.stat_neighbour_mean, s.england_mean)
    return {format_value(v, indicator.unit, indicator.decimals) for v in values if v is not None}


def restricted_figures(indicator_id: str, quarter: str, area: str) -> set[str]:
    """Every figure of a restricted indicator, at its precision and at 0 and 1 decimals."""
    indicator = sample()[0].indicator(indicator_id)
    s = summary_of(indicator_id, quarter, area)
    values = [s.current, s.previous, s.target, s.stat_neighbour_mean, s.england_mean]
    values += [s.ytd_actual, s.numerator, s.denominator]
    found = set()
    for value in (v for v in values if v is not None):
        for places in {indicator.decimals, 0, 1}:
            found.add(format_number(value, places).replace(",", ""))
    return found


def doc_for(quarter: str, area: str, service: str):
    return load(store_path(NARRATIVES, quarter, area, service))


def text_of(section) -> str:
    return f"{section.commentary}\n{section.actions or ''}"


@functools.cache
def reference_text() -> str:
    """Every reference report as one lower-case string with single spaces."""
    folder = next((d for d in REFERENCE_DIRS if d.is_dir()), None)
    if folder is None:
        tried = ", ".join(str(d) for d in REFERENCE_DIRS)
        pytest.fail(
            f"the reference reports are needed to check that no sentence was copied from them; "
            f"none found at {tried}. Put the shared/reference folder beside the repository."
        )
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.glob("*.txt"))]
    assert texts, f"no reference texts (*.txt) in {folder}"
    return " ".join(" ".join(texts).lower().split())


def sentences(text: str) -> list[str]:
    """Sentences of narrative text, lower case, list markers and end punctuation removed."""
    found = []
    for line in text.split("\n"):
        line = re.sub(r"^\s*(?:[-*]|\d+\.)\s+", "", line)
        for part in re.split(r"(?<=[.!?])\s+", line):
            part = " ".join(part.lower().split()).rstrip(".!?;:")
            if part:
                found.append(part)
    return found


def test_every_store_file_reads_cleanly_and_is_in_canonical_form():
    files = [f for quarter in SCOPE for f in store_files(NARRATIVES, quarter)]
    assert len(files) == len(CASES)
    catalogue = sample()[0]
    for area, service, path in files:
        doc = load(path)
        assert render(doc) == path.read_text(encoding="utf-8"), f"{path} is not tidy"
        known = set(notebook_keys(service)) | {
            i.indicator_id for i in catalogue.for_service(service)
        }
        assert check_keys(doc, known, path) == [], path
        assert (doc.area, doc.service) == (area, service)


@pytest.mark.parametrize(("quarter", "area", "service"), CASES)
def test_every_key_of_the_notebook_is_written(quarter, area, service):
    doc = doc_for(quarter, area, service)
    keys = notebook_keys(service)
    assert list(doc.sections) == list(keys), "sections must follow the notebook's cells"
    for key, section in doc.sections.items():
        assert section.status == SAMPLE, f"{key} is {section.status_label}"
        assert section.commentary.strip(), f"{key} has no commentary"
        if key == "summary":
            assert section.actions is None, "the summary has no Actions part"
        else:
            assert section.actions is not None, f"{key} lacks its Actions heading"


@pytest.mark.parametrize(("quarter", "area", "service"), CASES)
def test_keys_covering_a_red_indicator_have_actions(quarter, area, service):
    doc = doc_for(quarter, area, service)
    for key, ids in notebook_keys(service).items():
        reds = [i for i in ids if summary_of(i, quarter, area).rag == "Red"]
        if reds:
            actions = doc.sections[key].actions or ""
            assert actions.strip(), f"{key} covers Red {reds} but has no actions"
            assert re.search(r"^\s*- \S", actions, re.M), f"{key}: write actions as a list"


@pytest.mark.parametrize(("quarter", "area", "service"), CASES)
def test_restricted_figures_are_never_quoted(quarter, area, service):
    catalogue = sample()[0]
    restricted = {i.indicator_id for i in catalogue.for_service(service)}
    restricted = {i for i in restricted if catalogue.indicator(i).publication == "restricted"}
    doc = doc_for(quarter, area, service)
    for key, ids in notebook_keys(service).items():
        covered = restricted if key == "summary" else restricted & set(ids)
        if not covered:
            continue
        forbidden = set().union(*(restricted_figures(i, quarter, area) for i in covered))
        quoted = {n.replace(",", "") for n in NUMBER.findall(text_of(doc.sections[key]))}
        assert not quoted & forbidden, f"{key} quotes restricted figures {quoted & forbidden}"


def test_restricted_check_would_catch_a_quoted_figure():
    s = summary_of("dalc_201", "2022-23-Q3", "cambridgeshire")
    figures = restricted_figures("dalc_201", "2022-23-Q3", "cambridgeshire")
    assert format_number(s.current, 2) in figures and format_number(s.current, 0) in figures


@pytest.mark.parametrize(("quarter", "area", "service"), CASES)
def test_quoted_percentages_are_those_the_card_shows(quarter, area, service):
    """A percentage about a single indicator is one its card shows (or its title names)."""
    doc = doc_for(quarter, area, service)
    for key, ids in notebook_keys(service).items():
        if len(ids) != 1:
            continue
        allowed = shown_values(ids[0], quarter, area)
        allowed |= {f"{n}%" for n in PERCENT.findall(sample()[0].indicator(ids[0]).title)}
        for number in PERCENT.findall(text_of(doc.sections[key])):
            assert f"{number}%" in allowed, f"{key}: {number}% is not one of {sorted(allowed)}"


@pytest.mark.parametrize(("quarter", "area", "service"), CASES)
def test_no_sentence_is_taken_from_the_reference_reports(quarter, area, service):
    reference = reference_text()
    doc = doc_for(quarter, area, service)
    for key, section in doc.sections.items():
        for sentence in sentences(text_of(section)):
            if len(sentence.split()) >= 8:
                assert sentence not in reference, f"{key}: copied sentence {sentence!r}"


def test_sentence_check_would_catch_a_copied_sentence():
    reference = reference_text()
    folder = next(d for d in REFERENCE_DIRS if d.is_dir())
    text = (folder / "annex-a-cambridgeshire-2017-18-q4.txt").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if len(line.split()) >= 10]
    copied = [s for line in lines for s in sentences(line) if len(s.split()) >= 8]
    assert copied and all(sentence in reference for sentence in copied)


def test_percentage_check_uses_the_card_precision():
    allowed = shown_values("hcp_59", "2022-23-Q3", "cambridgeshire")
    assert {"38.0%", "40.0%", "90.0%"} <= allowed and "38%" not in allowed


@pytest.mark.parametrize(("quarter", "area", "service"), CASES)
def test_no_email_addresses_or_production_notes(quarter, area, service):
    text = store_path(NARRATIVES, quarter, area, service).read_text(encoding="utf-8")
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", text)
    assert not re.search(r"\b(generated|template|placeholder|lorem)\b", text, re.I)
