"""Generated headlines: every combination of direction, change, RAG and comparison, read as
sentences; the headline above cards and tables in a notebook; an analyst's headline wins."""

from __future__ import annotations

import itertools
import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from phlib.display.cards import Card
from phlib.display.headline_view import card_facts, card_headline
from phlib.display.headlines import (
    GENERATED_NOTE,
    Facts,
    headline,
    headline_html,
    interval_comparison,
    table_headline,
)
from phlib.narratives.cells import cell_text, inject, new_cell, read_cell, read_headline
from phlib.narratives.gather import gather
from phlib.narratives.store import NarrativeDoc, Section, parse, render
from phlib.report.headline_swap import swap_headlines
from phlib.report.section import render_section
from phlib.workbook import Workbook

DIRECTIONS = ("higher", "lower", "none")
CHANGES = {"rose": (7.3, 8.8), "fell": (10.3, 8.8), "unchanged": (8.81, 8.8), "first": (None, 8.8)}
RAGS = ("Red", "Amber", "Green", "Blue", None)
COMPARISONS = {
    "above": (8.2, None),
    "below": (9.4, None),
    "same": (8.8, None),
    "significantly above": (8.2, "Higher"),
    "significantly below": (9.4, "Lower"),
    "similar": (8.6, "Similar"),
    "no benchmark": (None, None),
}


@pytest.mark.parametrize(
    "direction,change,rag,comparison",
    list(itertools.product(DIRECTIONS, CHANGES, RAGS, COMPARISONS)),
)
def test_every_combination_reads_as_plain_sentences(direction, change, rag, comparison):
    previous, current = CHANGES[change]
    benchmark, tested = COMPARISONS[comparison]
    facts = Facts(
        title="uptake",
        unit="percent",
        decimals=1,
        direction=direction,
        current=current,
        previous=previous,
        period_label="Q3 2022/23",
        previous_label="Q2 2022/23",
        target=8.0 if rag else None,
        rag=rag,
        benchmark=benchmark,
        comparison=tested,
    )
    text = headline(facts)
    sentences = re.split(r"(?<=\.) (?=[A-Z])", text)
    assert 1 <= len(sentences) <= 2 and all(s.endswith(".") for s in sentences), text
    first = sentences[0]
    assert first.startswith("Uptake ") and "8.8%" in first and "Q3 2022/23" in first
    # change, at the displayed precision, in percentage points
    expected = {
        "rose": "rose 1.5 percentage points to 8.8%",
        "fell": "fell 1.5 percentage points to 8.8%",
        "unchanged": "was unchanged at 8.8%",
        "first": "was 8.8%",
    }
    assert expected[change] in first
    # judged by the direction, never for indicators without one
    if change in ("rose", "fell") and direction != "none":
        good = (change == "rose") == (direction == "higher")
        assert f"{'better' if good else 'worse'} than Q2 2022/23" in first
    else:
        assert "better" not in text and "worse" not in text
    # the RAG rating with the target as the card shows it
    if rag:
        assert f"{rag} against its 8.0% target" in text
    else:
        assert not any(word in text for word in ("Red", "Amber", "Green", "Blue", "target"))
    # comparisons: "significantly" only where a test was made
    if comparison == "no benchmark":
        assert "England" not in text
    else:
        assert f"England ({benchmark:.1f}%)" in text
        phrase = {
            "above": "above England",
            "below": "below England",
            "same": "the same as England",
            "similar": "similar to England",
            "significantly above": "significantly above England",
            "significantly below": "significantly below England",
        }[comparison]
        assert f"{phrase} (" in text
    assert ("significantly" in text) == comparison.startswith("significantly")
    assert "  " not in text and " ." not in text and "It is ." not in text


def test_spc_signal_and_latest_available_period():
    latest = "Oct 2022 (latest available)"
    facts = Facts("Quitters", "count", 0, "higher", 340, 352, latest, "Sep 2022",
                  variation="Special cause concern", since_label="Jun 2022")  # fmt: skip
    assert headline(facts) == (
        "Quitters fell by 12 to 340 in Oct 2022, the latest available, worse than Sep 2022. "
        "Special cause concern since Jun 2022."
    )
    common = Facts("Quitters", "count", 0, "higher", 340, 340, "Q3", variation="Common cause")
    assert "cause" not in headline(common)


def test_a_change_that_does_not_show_on_the_card_is_unchanged():
    facts = Facts("Rate", "per_100000", 1, "lower", 45.04, 44.96, "2021/22", "2020/21")
    assert headline(facts) == "Rate was unchanged at 45.0 in 2021/22."
    missing = Facts("Rate", "per_100000", 1, "lower", None, 44.96, "2021/22", "2020/21")
    assert headline(missing) == "There are no figures for Rate for 2021/22."


def test_interval_comparison_tests_only_what_has_an_interval():
    assert interval_comparison("percent", "higher", 2.56, 266, 10380, 2.1) == "Better"
    assert interval_comparison("percent", "higher", 2.56, 266, 10380, 2.5) == "Similar"
    assert interval_comparison("count", "higher", 266, 266, None, 200) is None
    assert interval_comparison("percent", "higher", 2.56, None, None, 2.1) is None


def test_a_card_headline_never_quotes_a_hidden_figure():
    card = Card(indicator_id="x", title="Quits", unit="count", current=3, previous=12,
                rag="Red", target=10, suppressed_fields={"current", "change", "rag"})  # fmt: skip
    summary = type("S", (), {"previous_label": "Q2", "numerator": None, "denominator": None})
    assert card_facts(card, summary) is None and card_headline(card, summary) == ""
    hidden_previous = Card(indicator_id="x", title="Quits", unit="count", current=30,
                           previous=3, period_label="Q3 2022/23",
                           suppressed_fields={"previous", "change"})  # fmt: skip
    assert headline(card_facts(hidden_previous, summary)) == "Quits was 30 in Q3 2022/23."


def test_table_headline_counts_ratings_and_names_red():
    rows = [("A", "Green", "95%"), ("B", "Red", "60%"), ("C", "Blue", "99%")]
    assert table_headline(rows, "Dec 2022") == (
        "In Dec 2022, 2 of 3 rated measures were Green or Blue. Red: B (60%)."
    )
    assert table_headline([("A", None, "N/A")], "Dec 2022") == ""


@pytest.fixture(scope="module")
def workbook():
    return Workbook.open("2022-23-Q3", "peterborough", "sexual_health",
                         catalogue_path="data/catalogue.csv", areas_path="data/areas.csv",
                         observation_paths=["data/observations.csv"])  # fmt: skip


def test_headlines_stand_above_cards_and_tables_marked_as_generated(workbook):
    card = workbook.card("sh_sti_offered_2wd").html
    assert card.index('data-headline="generated"') < card.index('class="card"')
    assert GENERATED_NOTE in card
    summary = workbook.summary("sh_sti_offered_2wd")
    shown = f"{summary.current:.0f}%"
    assert f"to {shown} in {summary.period_label}" in card or f"at {shown}" in card
    table = workbook.kpi_table(["sh_sti_offered_2wd", "sh_sti_seen_2wd"], "Access").html
    assert table.startswith('<div class="headline" data-headline="generated"')
    assert "rated measures" in table


def test_monthly_cards_carry_a_control_chart_and_its_words(workbook):
    html = workbook.card("sh_sti_offered_2wd").html
    assert "control chart (limits from every month shown)" in html
    assert "Variation" in html and 'class="spc spc-' in html
    yearly = workbook.card("sh_new_sti_rate").html
    assert "control chart" not in yearly and "card-spc" not in yearly


# --- the analyst's headline wins ------------------------------------------------------------


def test_headline_round_trips_through_the_store_and_the_cell():
    section = Section("sh_a", "Text 8.8%.", "- Act.", headline="Uptake held up.",
                      checked=("9.1%", "1,204"))  # fmt: skip
    doc = NarrativeDoc("2022-23-Q3", "peterborough", "sexual_health", {"sh_a": section})
    text = render(doc)
    assert "### Headline\n\nUptake held up.\n\n### Commentary" in text
    assert "Status: written\nChecked figures: 9.1%; 1,204\n" in text
    assert parse(text) == doc
    source = cell_text(section)
    assert read_headline(source) == "Uptake held up."
    assert read_cell(source).commentary == "Text 8.8%."


def test_a_headline_typed_in_the_notebook_reaches_the_store_and_replaces_the_generated_one(
    tmp_path,
):
    doc = NarrativeDoc("2022-23-Q3", "peterborough", "sexual_health",
                       {"sh_a": Section("sh_a", "Old text.", "")})  # fmt: skip
    generated = headline_html("Uptake rose 1.5 percentage points to 8.8%.", ["sh_a"])
    output = new_output("display_data", data={"text/html": generated + "<p>card</p>"})
    nb = inject(new_notebook(cells=[new_code_cell("wb.card('sh_a')", outputs=[output]),
                                    new_cell("sh_a")]), doc)  # fmt: skip
    nb.cells[1].source = "#### Headline\n\nUptake held steady.\n\n" + nb.cells[1].source
    nbformat.write(nb, tmp_path / "sexual_health.ipynb")
    result = gather(tmp_path / "sexual_health.ipynb", doc)
    assert result.doc.sections["sh_a"].headline == "Uptake held steady."
    shown = swap_headlines(nb)
    html = shown.cells[0].outputs[0]["data"]["text/html"]
    assert "Uptake held steady." in html and "1.5 percentage points" not in html
    assert 'data-headline="analyst"' in html and "<p>card</p>" in html
    assert "Headline" not in shown.cells[1].source and "Old text." in shown.cells[1].source
    page = render_section(nb).html
    assert "Uptake held steady." in page and GENERATED_NOTE not in page


def test_without_an_analyst_headline_the_generated_one_stays():
    generated = headline_html("Made from data.", ["x"])
    nb = new_notebook(cells=[new_code_cell("x", outputs=[new_output(
        "display_data", data={"text/html": generated})]), new_markdown_cell("Plain")])  # fmt: skip
    assert "Made from data." in swap_headlines(nb).cells[0].outputs[0]["data"]["text/html"]


def test_a_quarterly_table_headline_names_the_quarter_and_its_year():
    wb = Workbook.open("2022-23-Q3", "cambridgeshire", "commissioning",
                       catalogue_path="data/catalogue.csv", areas_path="data/areas.csv",
                       observation_paths=["data/observations.csv"])  # fmt: skip
    ids = ["com_hs_ffl_schools_engaged", "com_hs_ffl_ey_engaged", "com_hs_ffl_ey_awards"]
    table = wb.kpi_table(ids, "Healthy schools").html
    sentence = table[: table.index("</div>")]
    assert "In Q3 2022/23, " in sentence and "In Q3, " not in sentence
    assert ">Q3<" in table  # the column itself keeps its short label
