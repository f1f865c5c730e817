"""Narrative cells: inject the store into notebooks and gather analysts' edits back."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phlib.errors import NarrativeError
from phlib.narratives import cells as narrative_cells
from phlib.narratives.cells import (
    absent_keys,
    cell_text,
    inject,
    narrative_keys,
    new_cell,
    new_notebook,
    read_cell,
    text_hash,
)
from phlib.narratives.gather import gather, pull, read_notebook
from phlib.narratives.store import (
    CARRIED,
    WRITTEN,
    NarrativeDoc,
    Section,
    load,
    normalise_text,
    parse,
    save,
    store_path,
)

QUARTER, AREA, SERVICE = "2022-23-Q3", "cambridgeshire", "sexual_health"
WHEN = datetime(2023, 1, 20, 9, 30, 0, tzinfo=UTC)

TRICKY_LINES = [
    "#### Commentary",
    "### Actions",
    "Actions:",
    "## actions:",
    "\\#### Commentary",
    "> *No commentary yet.*",
    "> *Carried forward from Q2 2022/23: review and edit.*",
    "# Big heading",
    "<script>alert(1)</script>",
    "- **bold** item",
    "naïve café 😀 # not a heading",
    "",
    "  ",
]
line_text = st.one_of(
    st.sampled_from(TRICKY_LINES),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
)
body_text = st.lists(line_text, max_size=6).map("\n".join)


def source_notebook():
    code = nbformat.v4.new_code_cell("card('sh_a')")
    return new_notebook(
        [
            nbformat.v4.new_markdown_cell("# Sexual health"),
            code,
            new_cell("sh_a"),
            new_cell("summary", actions=False),
            new_cell("sh_b"),
            new_cell("sh_c"),
        ]
    )


def store_doc():
    sections = [
        Section("sh_a", "Offers rose to 91%.", "- Keep the Saturday clinic."),
        Section("summary", "A steady quarter.", None, CARRIED, "2022-23-Q2"),
        Section("sh_b"),
        Section("old_kpi", "Retired indicator text.", ""),
    ]
    return NarrativeDoc(QUARTER, AREA, SERVICE, {s.key: s for s in sections})


@pytest.fixture
def run(tmp_path):
    """A store file and the executed notebook a run made from it."""
    narratives, outputs = tmp_path / "narratives", tmp_path / "outputs"
    store = store_path(narratives, QUARTER, AREA, SERVICE)
    save(store_doc(), store)
    notebook = outputs / QUARTER / AREA / f"{SERVICE}.ipynb"
    notebook.parent.mkdir(parents=True)
    nbformat.write(inject(source_notebook(), load(store)), notebook)
    return store, notebook


def edit_in_lab(notebook: Path, key: str, source: str) -> None:
    """Change one narrative cell and save, as JupyterLab would."""
    nb = nbformat.read(notebook, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("phlib", {}).get("narrative_key") == key)
    cell.source = source
    nbformat.write(nb, notebook)


def edit_store(store: Path, section: Section) -> None:
    save(load(store).with_section(section), store)


@settings(max_examples=200, deadline=None)
@given(body_text, st.one_of(st.none(), body_text), st.sampled_from([WRITTEN, CARRIED]))
def test_cell_text_reads_back_exactly(commentary, actions, status):
    carried = "2022-23-Q2" if status == CARRIED else None
    section = Section("k", commentary, actions, status, carried)
    got = read_cell(cell_text(section))
    assert (got.commentary, got.actions) == (section.commentary, section.actions)
    assert got.commentary == normalise_text(commentary)
    assert got.marker == (section.status != WRITTEN)


def test_reading_an_edited_cell_is_forgiving():
    got = read_cell(
        "Typed first.\n\n### commentary:\nMore.\n## Actions\n- one\n#### Actions\n- two"
    )
    assert got == ("Typed first.\n\nMore.", "- one\n\n- two", False)


def test_inject_fills_cells_and_records_the_hash_of_exactly_the_text():
    source = source_notebook()
    before = copy.deepcopy(source)
    nb = inject(source, store_doc())
    assert source == before  # the source notebook is not changed
    cells = {c.metadata["phlib"]["narrative_key"]: c for c in nb.cells if "phlib" in c.metadata}
    assert cells["sh_a"].source == (
        "#### Commentary\n\nOffers rose to 91%.\n\n#### Actions\n\n- Keep the Saturday clinic."
    )
    assert cells["summary"].source.startswith(
        "> *Carried forward from Q2 2022/23: review and edit.*\n\n#### Commentary"
    )
    assert cells["sh_c"].source == "> *No commentary yet.*\n\n#### Commentary\n\n#### Actions"
    for key, cell in cells.items():
        assert cell.metadata["phlib"]["narrative_hash"] == text_hash(cell.source), key
    statuses = {k: c.metadata["phlib"]["narrative_status"] for k, c in cells.items()}
    assert statuses == {
        "sh_a": "written",
        "summary": "carried forward from Q2 2022/23",
        "sh_b": "missing",
        "sh_c": "missing",
    }
    assert nb.metadata["phlib"]["narratives"] == {
        "quarter": QUARTER,
        "area": AREA,
        "service": SERVICE,
    }
    assert narrative_keys(nb) == ["sh_a", "summary", "sh_b", "sh_c"]
    assert absent_keys(nb, store_doc()) == ["old_kpi"]
    nbformat.validate(nb)


def test_gathering_an_unedited_notebook_changes_nothing(run):
    store, notebook = run
    before = store.read_bytes(), store.stat().st_mtime_ns
    result = gather(notebook, store)
    assert not result.written and result.edited == [] and result.problems == []
    assert (store.read_bytes(), store.stat().st_mtime_ns) == before


def test_an_edit_made_in_jupyterlab_reaches_the_store(run):
    store, notebook = run
    edit_in_lab(
        notebook, "sh_b", "> *No commentary yet.*\n\n#### Commentary\n\nNew text.\n\n#### Actions\n"
    )
    edit_in_lab(notebook, "sh_a", "#### Commentary\n\nOffers rose to 92%.\n\n#### Actions\n\n- X")
    result = gather(notebook, store)
    assert result.written and result.edited == ["sh_a", "sh_b"] and result.conflicts == []
    doc = load(store)
    assert (doc.sections["sh_b"].commentary, doc.sections["sh_b"].status) == ("New text.", WRITTEN)
    assert doc.sections["sh_a"].commentary == "Offers rose to 92%."
    assert doc.sections["sh_a"].actions == "- X"
    assert doc.sections["summary"] == store_doc().sections["summary"]
    assert doc.sections["old_kpi"] == store_doc().sections["old_kpi"]  # not in the notebook: kept
    assert list(store.parent.glob("*.conflict-*")) == []


def test_editing_carried_text_makes_it_written(run):
    store, notebook = run
    edited = "> *Carried forward from Q2 2022/23: review and edit.*\n\n#### Commentary\n\nBetter."
    edit_in_lab(notebook, "summary", edited)
    gather(notebook, store)
    section = load(store).sections["summary"]
    assert (section.commentary, section.status, section.actions) == ("Better.", WRITTEN, None)


def test_deleting_the_marker_accepts_carried_text(run):
    store, notebook = run
    edit_in_lab(notebook, "summary", "#### Commentary\n\nA steady quarter.")
    result = gather(notebook, store)
    assert result.reviewed == ["summary"] and result.edited == []
    section = load(store).sections["summary"]
    assert (section.commentary, section.status) == ("A steady quarter.", WRITTEN)


def test_conflicting_edits_keep_both_texts(run):
    store, notebook = run
    edit_in_lab(notebook, "sh_a", "#### Commentary\n\nNotebook version.\n\n#### Actions\n\n- N")
    edit_store(store, Section("sh_a", "Store version.", "- S"))
    result = gather(notebook, store, now=WHEN)
    side = store.with_name("sexual_health.conflict-20230120T093000Z.md")
    assert [(c.key, c.side_file) for c in result.conflicts] == [("sh_a", side)]
    assert load(store).sections["sh_a"].commentary == "Notebook version."
    kept = parse(side.read_text(), side)
    assert list(kept.sections) == ["sh_a"]
    assert (kept.sections["sh_a"].commentary, kept.sections["sh_a"].actions) == (
        "Store version.",
        "- S",
    )
    [problem] = result.problems
    assert problem.severity == "warning" and str(side) in problem.fix
    # a second conflict in the same second gets its own side file
    edit_in_lab(notebook, "sh_b", "#### Commentary\n\nNotebook B.\n\n#### Actions\n")
    edit_store(store, Section("sh_b", "Store B.", ""))
    again = gather(notebook, store, now=WHEN)
    assert again.conflicts[0].side_file.name == "sexual_health.conflict-20230120T093000Z-2.md"
    assert side.exists()


def test_a_cell_with_an_unknown_key_is_reported_and_kept(run):
    store, notebook = run
    nb = nbformat.read(notebook, as_version=4)
    stray = new_cell("brand_new")
    stray.source = "#### Commentary\n\nText under a key nobody knows."
    unkeyed = new_cell("x")
    unkeyed.metadata["phlib"] = {}
    unkeyed.source = "Text in a tagged cell whose key was lost."
    nb.cells += [stray, unkeyed]
    nbformat.write(nb, notebook)
    result = gather(notebook, store, known_keys={"sh_a", "sh_b", "sh_c", "summary"})
    assert result.unknown == ["brand_new", "unkeyed_cell_8"]
    doc = load(store)
    assert doc.sections["brand_new"].commentary == "Text under a key nobody knows."
    assert doc.sections["unkeyed_cell_8"].commentary == "Text in a tagged cell whose key was lost."
    assert len(result.problems) == 2


def test_a_cell_emptied_to_its_marker_does_not_erase_the_store(run):
    store, notebook = run
    edit_in_lab(notebook, "sh_a", "> *No commentary yet.*\n\n#### Commentary\n\n#### Actions")
    edit_in_lab(notebook, "summary", "")
    result = gather(notebook, store)
    assert result.kept == ["sh_a", "summary"] and not result.written
    assert load(store) == store_doc()


def test_gathering_again_after_editing_the_file_keeps_the_newer_file(run):
    store, notebook = run
    edit_in_lab(notebook, "sh_a", "#### Commentary\n\nFrom the notebook.\n\n#### Actions\n")
    assert gather(notebook, store).edited == ["sh_a"]
    edit_store(store, Section("sh_a", "Polished in the file afterwards.", ""))
    second = gather(notebook, store)
    assert second.conflicts == [] and not second.written
    assert load(store).sections["sh_a"].commentary == "Polished in the file afterwards."


def test_editing_the_cell_again_after_a_gather_is_not_a_conflict(run):
    store, notebook = run
    edit_in_lab(notebook, "sh_a", "#### Commentary\n\nFirst edit.\n\n#### Actions\n")
    gather(notebook, store)
    edit_in_lab(notebook, "sh_a", "#### Commentary\n\nSecond edit.\n\n#### Actions\n")
    result = gather(notebook, store)
    assert result.edited == ["sh_a"] and result.conflicts == []
    assert load(store).sections["sh_a"].commentary == "Second edit."


def test_a_missing_notebook_gathers_nothing(tmp_path):
    store = store_path(tmp_path, QUARTER, AREA, SERVICE)
    result = gather(tmp_path / "absent.ipynb", store)
    assert not result.written and not store.exists()


def test_a_corrupt_notebook_is_reported_and_the_store_untouched(run):
    store, notebook = run
    notebook.write_text('{"cells": [ this is not json')
    before = store.read_bytes()
    with pytest.raises(NarrativeError) as caught:
        gather(notebook, store)
    [problem] = caught.value.problems
    assert problem.file == str(notebook)
    assert "restore it from the outputs backup, or delete it" in problem.fix
    assert store.read_bytes() == before


def test_a_notebook_is_read_as_nbformat_reads_it_even_when_it_breaks_the_schema(run):
    store, notebook = run
    assert read_notebook(notebook) == nbformat.read(notebook, as_version=4)
    nb = nbformat.read(notebook, as_version=4)
    nb.cells[0]["not_in_the_schema"] = 1  # nbformat only logs such a notebook
    notebook.write_text(json.dumps(nb), encoding="utf-8")
    assert read_notebook(notebook) == nbformat.read(notebook, as_version=4)


def test_a_notebook_filled_from_another_store_is_refused(run, tmp_path):
    store, notebook = run
    other = store_path(tmp_path / "narratives", QUARTER, "peterborough", SERVICE)
    edit_in_lab(notebook, "sh_a", "#### Commentary\n\nEdited.")
    with pytest.raises(NarrativeError, match="not from this store file"):
        gather(notebook, other)
    assert not other.exists()


def test_gathering_into_a_doc_writes_nothing(run):
    store, notebook = run
    edit_in_lab(notebook, "sh_a", "#### Commentary\n\nIn memory only.\n\n#### Actions\n")
    before = store.read_bytes()
    result = gather(notebook, store_doc())
    assert result.doc.sections["sh_a"].commentary == "In memory only."
    assert store.read_bytes() == before and not result.written


def test_gathering_lives_in_its_own_module_not_in_cells():
    # one home for each name: cells fills and reads cells, gather brings edits back
    assert gather.__module__ == "phlib.narratives.gather" and pull.__module__ == gather.__module__
    with pytest.raises(AttributeError):
        _ = narrative_cells.gather


def test_pull_gathers_a_quarter_and_checks_everything_first(tmp_path):
    narratives, outputs = tmp_path / "narratives", tmp_path / "outputs"
    notebooks = {}
    for area in ("cambridgeshire", "peterborough"):
        doc = NarrativeDoc(QUARTER, area, SERVICE, {"sh_a": Section("sh_a", f"{area} text", "")})
        save(doc, store_path(narratives, QUARTER, area, SERVICE))
        notebooks[area] = outputs / QUARTER / area / f"{SERVICE}.ipynb"
        notebooks[area].parent.mkdir(parents=True)
        nbformat.write(inject(source_notebook(), doc), notebooks[area])
    edit_in_lab(notebooks["cambridgeshire"], "sh_a", "#### Commentary\n\nPulled.")
    notebooks["peterborough"].write_text("not a notebook")
    cambs = store_path(narratives, QUARTER, "cambridgeshire", SERVICE)
    before = cambs.read_bytes()
    areas = ["cambridgeshire", "peterborough"]
    with pytest.raises(NarrativeError) as caught:
        pull(outputs, narratives, QUARTER, areas, [SERVICE, "lifestyles"])
    assert [p.file for p in caught.value.problems] == [str(notebooks["peterborough"])]
    assert cambs.read_bytes() == before  # nothing written while any notebook is broken
    notebooks["peterborough"].unlink()
    report = pull(outputs, narratives, QUARTER, areas, [SERVICE, "lifestyles"], now=WHEN)
    assert report.edited == [(cambs, "sh_a")]
    assert load(cambs).sections["sh_a"].commentary == "Pulled."
    assert str(report).startswith("Gathered 1 edited section(s) into 1 narrative file(s).")


def test_gathering_into_a_store_file_that_was_deleted_recreates_it(run):
    store, notebook = run
    store.unlink()
    edit_in_lab(notebook, "sh_a", "#### Commentary\n\nStill here.\n\n#### Actions\n")
    result = gather(notebook, store)
    assert result.written and result.unknown == ["sh_a"]
    assert load(store).sections["sh_a"].commentary == "Still here."


def test_malformed_cell_metadata_does_not_stop_a_gather(run):
    store, notebook = run
    nb = nbformat.read(notebook, as_version=4)
    odd = nbformat.v4.new_markdown_cell("Odd metadata text.")
    odd.metadata = {"tags": ["narrative"], "phlib": "not a mapping"}
    untagged = nbformat.v4.new_markdown_cell("Ordinary Markdown, not a narrative.")
    untagged.metadata = {"tags": "narrative"}
    nb.cells += [odd, untagged]
    nbformat.write(nb, notebook)
    result = gather(notebook, store)
    assert result.unknown == ["unkeyed_cell_7"]
    assert load(store).sections["unkeyed_cell_7"].commentary == "Odd metadata text."


def test_inject_keeps_other_phlib_metadata_such_as_the_indicators_a_cell_covers():
    from phlib.narratives.cells import inject, new_cell, new_notebook
    from phlib.narratives.store import NarrativeDoc, Section

    cell = new_cell("access")
    cell.metadata["phlib"]["indicators"] = ["sh_sti_offered_2wd", "sh_sti_seen_2wd"]
    doc = NarrativeDoc(
        "2022-23-Q3",
        "cambridgeshire",
        "sexual_health",
        {"access": Section("access", "Waits fell.", "- Add clinics.")},
    )
    out = inject(new_notebook([cell]), doc)
    meta = out.cells[0].metadata["phlib"]
    assert meta["indicators"] == ["sh_sti_offered_2wd", "sh_sti_seen_2wd"]
    assert meta["narrative_key"] == "access" and meta["narrative_status"] == "written"
