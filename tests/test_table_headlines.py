"""Headlines above trajectory charts and the scorecard, providers and contracts tables: the
sentences of each kind from constructed figures, the marked HTML built from what a table or
chart shows (never a hidden figure), and an analyst's headline replacing them on export."""

from __future__ import annotations

import re

import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from phlib.display.headline_view import (
    contracts_headline,
    parts_headline,
    scorecard_headline,
    trajectory_headline,
)
from phlib.display.headlines import GENERATED_NOTE
from phlib.display.parts import PartsView
from phlib.display.table_headlines import (
    contracts_sentence,
    listing,
    providers_count_sentence,
    providers_rated_sentence,
    scorecard_sentence,
    trajectory_sentence,
)
from phlib.display.tables import KpiRow
from phlib.display.trajectory import Trajectory
from phlib.narratives.cells import new_cell
from phlib.report.headline_swap import swap_headlines

MONTHS = ("Apr 2022", "May 2022", "Jun 2022", "Jul 2022", "Aug 2022", "Sep 2022",
          "Oct 2022", "Nov 2022", "Dec 2022", "Jan 2023", "Feb 2023", "Mar 2023")  # fmt: skip


def text_of(html: str) -> str:
    found = re.findall(r'<p class="headline-text">(.*?)</p>', html)
    assert len(found) <= 1
    return found[0] if found else ""


# --- trajectory charts --------------------------------------------------------------------


@pytest.mark.parametrize(
    "direction,actual,target,where,rag",
    [
        ("higher", 1050, 1000, "50 above", "Green"),
        ("higher", 1120, 1000, "120 above", "Blue"),
        ("higher", 950, 1000, "50 below", "Amber"),
        ("higher", 850, 1000, "150 below", "Red"),
        ("lower", 1120, 1000, "120 above", "Red"),
        ("lower", 850, 1000, "150 below", "Blue"),
        ("none", 850, 1000, "150 below", None),
    ],
)
def test_trajectory_sentence_gives_the_gap_and_the_rating_by_direction(
    direction, actual, target, where, rag
):
    text = trajectory_sentence("Implant insertions", "count", 0, direction, actual, target,
                               "Dec 2022", "2022/23", "month")  # fmt: skip
    assert text.startswith(f"Implant insertions reached {actual:,} in 2022/23 up to Dec 2022, ")
    assert f"{where} the trajectory of {target:,} for that month" in text
    assert text.endswith(f" ({rag}).") if rag else text.endswith("for that month.")
    assert "significantly" not in text


def test_trajectory_sentence_compares_at_the_displayed_precision():
    text = trajectory_sentence("Share", "percent", 1, "higher", 50.04, 49.96, "Q2 2022/23",
                               "2022/23", "quarter", "year-to-date target")  # fmt: skip
    assert "level with the year-to-date target of 50.0% for that quarter" in text
    assert trajectory_sentence("X", "count", 0, "higher", None, 10, "Q1", "2022/23", "q") == ""


def trajectory(actual, target=(100.0,) * 12, *, behind=False, label="based on last year"):
    return Trajectory(
        title="Four-week quitters: GP practices", year_label="2022/23", labels=MONTHS,
        actual=tuple(actual), target=tuple(target), target_label=f"Cumulative target ({label})",
        unit="count", decimals=0, direction="higher", frequency="month",
        last_label="Oct 2022" if behind else "Dec 2022", behind=behind,
    )  # fmt: skip


def test_trajectory_headline_quotes_the_latest_cumulative_point_and_says_when_data_are_late():
    actual = [10, 25, 40, 52, 61, 70, 88, None, None, None, None, None]
    target = [12 * (i + 1) for i in range(12)]
    html = trajectory_headline(trajectory(actual, target, behind=True), "ss_quitters_gp")
    assert 'data-headline="generated"' in html and 'data-indicators="ss_quitters_gp"' in html
    assert GENERATED_NOTE in html
    assert text_of(html) == (
        "Four-week quitters: GP practices reached 88 in 2022/23 up to Oct 2022, the latest "
        "available, 4 above the trajectory of 84 for that month (Green)."
    )
    straight = trajectory_headline(trajectory(actual, target, label="straight line"), "x")
    assert "the year-to-date target of 84" in straight
    assert "Oct 2022, the latest available" in straight  # the series stops before Dec 2022


def test_trajectory_headline_says_nothing_when_the_running_total_is_hidden():
    assert trajectory_headline(trajectory([None] * 12), "x") == ""
    assert trajectory_headline(None, "x") == ""


# --- providers tables ---------------------------------------------------------------------


def test_providers_rated_sentence_counts_those_meeting_the_target_and_names_the_lowest():
    rows = [("North", 91.0, 85.0, "Green"), ("South", 71.2, 85.0, "Red"),
            ("East", 86.0, 85.0, "Green"), ("West", 80.0, 85.0, "Amber")]  # fmt: skip
    text = providers_rated_sentence(rows, "Q3 2022/23", "percent", 1, "higher")
    assert (
        text
        == "2 of 4 providers met the 85.0% target in Q3 2022/23; the lowest was South at 71.2%."
    )
    lower = providers_rated_sentence(rows, "Q3 2022/23", "percent", 1, "lower")
    assert lower.endswith("the highest was North at 91.0%.")
    mixed = [("A", 91.0, 85.0, "Green"), ("B", 50.0, 40.0, "Blue")]
    assert "met their targets" in providers_rated_sentence(mixed, "Dec 2022", "percent", 1, "up")
    assert providers_rated_sentence([("A", None, 85.0, None)], "Q3", "percent", 1, "higher") == ""


def test_providers_count_sentence_gives_the_total_row_the_most_and_the_fewest():
    parts = [("GP practices", 25), ("community pharmacies", 1), ("lifestyle service", 208)]
    text = providers_count_sentence("four-week quitters", parts, 234, "Aug to Oct 2022",
                                    "count", 0)  # fmt: skip
    assert text == (
        "In Aug to Oct 2022, there were 234 four-week quitters in total; lifestyle service had "
        "the most (208) and community pharmacies the fewest (1)."
    )
    assert "%" not in text  # no shares: a total row need not be the sum of its parts


def test_providers_count_sentence_leaves_out_providers_with_hidden_months():
    parts = [("GP practices", 25), ("community pharmacies", None), ("lifestyle service", 208)]
    text = providers_count_sentence("quitters", parts, None, "Aug to Oct 2022", "count", 0,
                                    hidden=True)  # fmt: skip
    assert "in total" not in text and "community pharmacies" not in text
    assert "of the providers with figures for every month" in text
    assert text.endswith("Figures small enough to identify people are not shown.")
    assert providers_count_sentence("q", [("A", None)], None, "Q3", "count", 0) == ""


def kpi(measure, values, target=None):
    return KpiRow(measure, target, dict(zip(("Aug 2022", "Sep 2022", "Oct 2022"), values,
                                            strict=True)), "count", 0, {}, "Last year")  # fmt: skip


def test_parts_headline_reads_the_table_and_never_quotes_a_hidden_count():
    view = PartsView(
        (kpi("Four-week quitters: GP practices", (6.0, 9.0, 10.0)),
         kpi("Four-week quitters: community pharmacies", ("*", "*", 1.0)),
         kpi("Four-week quitters: lifestyle service", (62.0, 73.0, 73.0)),
         kpi("Total", (70.0, "*", 84.0))),
        ("Aug 2022", "Sep 2022", "Oct 2022"), frozenset({"pharmacy"}),
    )  # fmt: skip
    html = parts_headline(view, ["gp", "pharmacy", "lifestyle", "total"], late=True)
    text = text_of(html)
    assert text.startswith("In Aug to Oct 2022, the latest available, lifestyle service had the "
                           "most (208) and GP practices the fewest (25)")  # fmt: skip
    assert "community pharmacies" not in text and "in total" not in text
    assert not re.search(r"\b(1|70|84|154)\b", text)
    assert 'data-indicators="gp pharmacy lifestyle total"' in html
    whole = PartsView((kpi("GP", (1.0, 2.0, 3.0)), kpi("Pharmacy", (4.0, 5.0, 6.0)),
                       kpi("Total", (5.0, 7.0, 9.0))), view.labels, frozenset())  # fmt: skip
    assert text_of(parts_headline(whole, ["t"])) == (
        "In Aug to Oct 2022, there were 21 in total; Pharmacy had the most (15) and GP the "
        "fewest (6)."
    )


# --- contracts tables ---------------------------------------------------------------------


def test_contracts_sentence_adds_up_and_names_the_lowest_share():
    cells = [("stop smoking", "GP practices", 9, 23), ("stop smoking", "pharmacies", 1, 16)]
    assert contracts_sentence(cells, "Q3 2022/23") == (
        "In Q3 2022/23, 10 of 39 contracts sent out were delivering (26%). The lowest share was "
        "pharmacies for stop smoking: 1 of 16 (6%)."
    )
    assert contracts_sentence(cells[:1], "Q3 2022/23", hidden=1) == (
        "In Q3 2022/23, 9 of 23 contracts sent out of those shown were delivering (39%)."
    )
    assert contracts_sentence([("x", "y", 0, 0)], "Q3") == ""


def test_contracts_headline_leaves_out_suppressed_and_withheld_cells():
    rows = [("Stop smoking", {"GP practices": (9, 23), "Community pharmacies": "*"}),
            ("NHS Health Checks", {"GP practices": "Not published",
                                   "Community pharmacies": (12, 16)}),
            ("LARC", {"GP practices": None})]  # fmt: skip
    html = contracts_headline(rows, "Q3 2022/23", ["a", "b", "c", "d"])
    text = text_of(html)
    assert text.startswith("In Q3 2022/23, 21 of 39 contracts sent out of those shown")
    assert "community pharmacies for NHS Health Checks" not in text  # 75% is not the lowest
    assert "GP practices for stop smoking: 9 of 23 (39%)" in text
    assert contracts_headline([("LARC", {"GP": "*"})], "Q3", ["a"]) == ""


# --- a service's scorecard ----------------------------------------------------------------


def test_scorecard_sentence_counts_ratings_and_special_cause_concern():
    rows = [("A", "Green", "Special cause improvement"), ("B", "Red", "Special cause concern"),
            ("C", "Red", "Special cause concern"), ("D", "Not published", ""),
            ("E", "*", ""), ("F", "Amber", "Common cause")]  # fmt: skip
    assert scorecard_sentence(rows, "Q3 2022/23") == (
        "Of 4 indicators rated against a target in Q3 2022/23 (latest figures), 1 was Green or "
        "Blue, 1 Amber and 2 Red. 2 show special cause concern."
    )
    assert scorecard_sentence([("A", "Baseline", "")], "Q3 2022/23") == (
        "The indicator is not rated against a numeric target in Q3 2022/23."
    )
    assert scorecard_sentence([("A", "TBC", ""), ("B", "*", "")], "Q3") == (
        "None of the 2 indicators are rated against a numeric target in Q3."
    )
    assert scorecard_sentence([], "Q3") == ""
    assert 'data-indicators="a b"' in scorecard_headline(rows[:2], "Q3", ["a", "b"])


def test_listing_names_three_then_counts_the_rest():
    assert listing(["A", "B", "C", "D"]) == "A, B, C and 1 other"


# --- an analyst's headline wins -----------------------------------------------------------


def test_an_analyst_headline_replaces_every_generated_one_of_its_block_and_keeps_the_text():
    """Several trajectory charts above one narrative cell: the analyst's headline takes the
    first one's place, the others go, and the analyst's commentary stays."""
    first = trajectory_headline(trajectory([10, 20] + [None] * 10), "a") + "<p>chart a</p>"
    second = trajectory_headline(trajectory([5, 9] + [None] * 10), "b") + "<p>chart b</p>"
    cells = [
        new_code_cell(
            f"wb.trajectory('{k}')", outputs=[new_output("display_data", data={"text/html": html})]
        )
        for k, html in (("a", first), ("b", second))
    ]
    note = new_cell("larc")
    note.source = "#### Headline\n\nInsertions are ahead of plan.\n\n#### Commentary\n\nOurs."
    nb = swap_headlines(new_notebook(cells=[*cells, note]))  # fmt: skip
    shown = [c.outputs[0]["data"]["text/html"] for c in nb.cells[:2]]
    assert "Insertions are ahead of plan." in shown[0] and 'data-headline="analyst"' in shown[0]
    assert 'data-headline="generated"' not in "".join(shown)
    assert "<p>chart a</p>" in shown[0] and "<p>chart b</p>" in shown[1]
    assert "Ours." in nb.cells[2].source
    assert "Insertions are ahead of plan." in note.source  # the original cell is untouched
