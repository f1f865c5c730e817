"""Tests for phlib.rules.suppression: primary, derived and secondary suppression."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phlib.rules.suppression import (
    MARKER,
    secondary_suppression,
    suppress_counts,
    suppress_derived,
    suppress_table,
)


# --- primary ------------------------------------------------------------------------------
def test_counts_one_to_four_are_hidden_and_zero_is_not():
    assert suppress_counts([0, 1, 2, 3, 4, 5, 100]) == [0, "*", "*", "*", "*", 5, 100]


def test_zero_can_be_suppressed_by_configuration():
    assert suppress_counts([0, 5, 6], min_count=0, max_count=5) == ["*", "*", 6]


def test_missing_stays_missing_and_never_becomes_zero():
    out = suppress_counts([None, float("nan"), 3, np.int64(2), np.float64(9.0)])
    assert out[0] is None
    assert math.isnan(out[1])
    assert out[2:] == ["*", "*", 9.0]
    assert 0 not in out


def test_series_keeps_index_and_name_and_marker_can_change():
    s = pd.Series([1, 7, 0], index=["Ely", "March", "Wisbech"], name="n")
    out = suppress_counts(s, marker="[c]")
    assert out.to_dict() == {"Ely": "[c]", "March": 7, "Wisbech": 0}
    assert out.name == "n"
    assert s.tolist() == [1, 7, 0]  # input untouched


def test_already_suppressed_values_stay_suppressed():
    assert suppress_counts(["*", 12]) == ["*", 12]


@pytest.mark.parametrize(
    "values, message",
    [
        ([3, -1], r"item 1: count -1 is negative"),
        ([3, "12"], r"item 1: '12' is not a count"),
        ([True], r"item 0: True is not a count"),
    ],
)
def test_bad_counts_are_named(values, message):
    with pytest.raises(ValueError, match=message):
        suppress_counts(values)


def test_bad_range_is_refused():
    with pytest.raises(ValueError, match="0 <= min_count <= max_count"):
        suppress_counts([1], min_count=5, max_count=2)


# --- derived ------------------------------------------------------------------------------
def test_values_derived_from_a_suppressed_count_are_hidden():
    df = pd.DataFrame(
        {
            "area": ["Ely", "March", "Wisbech", "Chatteris"],
            "quitters": [3, 40, 0, 12],
            "setting": [10, 80, 5, 2],
            "pct": [30.0, 50.0, 0.0, 600.0],
            "note": ["a", "b", "c", "d"],
        }
    )
    out = suppress_derived(df, ["quitters", "setting"], ["pct"])
    assert out["quitters"].tolist() == ["*", 40, 0, 12]
    assert out["setting"].tolist() == [10, 80, 5, "*"]
    assert out["pct"].tolist() == ["*", 50.0, 0.0, "*"]
    assert out["note"].tolist() == ["a", "b", "c", "d"]
    assert df["quitters"].tolist() == [3, 40, 0, 12]  # input untouched


def test_missing_derived_values_stay_missing():
    df = pd.DataFrame({"n": [2, 2], "rate": [np.nan, 1.5]})
    out = suppress_derived(df, "n", ["rate"])
    assert math.isnan(out["rate"].iloc[0])
    assert out["rate"].iloc[1] == "*"


def test_unknown_columns_are_named():
    with pytest.raises(ValueError, match=r"\['percent'\] not in the table"):
        suppress_derived(pd.DataFrame({"n": [1]}), "n", ["percent"])


# --- secondary ----------------------------------------------------------------------------
def test_one_hidden_part_of_a_shown_total_forces_another():
    # 3 + 15 + 40 = 58: with only 3 hidden, 58 - 15 - 40 would reveal it, so 15 goes too.
    r = secondary_suppression({"Huntingdon": 3, "Fenland": 15, "Ely": 40}, total=58)
    assert r.table["count"].tolist() == ["*", "*", 40, 58]
    assert [(c.row, c.reason) for c in r.cells] == [
        ("Huntingdon", "primary"),
        ("Fenland", "secondary"),
    ]
    assert r.reason("Ely") is None
    assert r.reason("Total") is None


def test_two_hidden_parts_need_nothing_more():
    r = secondary_suppression({"a": 2, "b": 3, "c": 30}, total=35)
    assert r.table["count"].tolist() == ["*", "*", 30, 35]
    assert r.secondary == ()


def test_a_non_zero_part_is_preferred_for_secondary_suppression():
    r = secondary_suppression({"a": 0, "b": 4, "c": 9, "d": 8}, total=21)
    assert [c.row for c in r.secondary] == ["d"]
    # With only zeros left to choose from, a zero is hidden (the parts need not add up to
    # the total: a category such as "unknown" may be left out of the table).
    r = secondary_suppression({"a": 0, "b": 2}, total=10)
    assert r.table["count"].tolist() == ["*", "*", 10]
    # A small total is itself hidden, so nothing more is needed.
    r = secondary_suppression({"a": 0, "b": 4}, total=4)
    assert r.table["count"].tolist() == [0, "*", "*"]
    assert r.reason("Total") == "primary"


def test_no_total_means_no_secondary_suppression():
    r = secondary_suppression([2, 30, 40])
    assert r.table["count"].tolist() == ["*", 30, 40]
    assert r.secondary == ()


def test_total_label_clash_is_refused():
    with pytest.raises(ValueError, match="labelled 'Total'"):
        secondary_suppression({"Total": 3, "b": 9}, total=12)


def test_two_way_table_repeats_until_nothing_can_be_derived():
    t = pd.DataFrame(
        {"Ely": [2, 10, 12], "March": [8, 9, 17], "Wisbech": [20, 30, 50], "Total": [30, 49, 79]},
        index=["Female", "Male", "Total"],
    )
    r = suppress_table(t, total_row="Total", total_column="Total")
    hidden = {(c.row, c.column): c.reason for c in r.cells}
    # Female/Ely is small; its row forces Female/March, its column forces Male/Ely, and then
    # the March column (one hidden) forces Male/March.
    assert hidden == {
        ("Female", "Ely"): "primary",
        ("Female", "March"): "secondary",
        ("Male", "Ely"): "secondary",
        ("Male", "March"): "secondary",
    }
    assert r.table.loc["Total"].tolist() == [12, 17, 50, 79]
    assert "some other figures are also hidden" in r.footnote()


def test_footnote_is_empty_when_nothing_is_hidden():
    r = secondary_suppression({"a": 10, "b": 20}, total=30)
    assert r.footnote() == ""
    assert r.table["count"].tolist() == [10, 20, 30]


def test_primary_only_footnote_names_the_range():
    r = secondary_suppression({"a": 1, "b": 2}, total=None, max_count=9)
    assert r.footnote() == "* = a count from 1 to 9, hidden to protect confidentiality."


def test_missing_cells_count_as_unknown():
    r = secondary_suppression({"a": 3, "b": None, "c": 40}, total=50)
    assert r.secondary == ()  # the reader cannot subtract: b is not shown either


def test_unknown_total_label_is_refused():
    with pytest.raises(ValueError, match="total 'All' is not in the table"):
        suppress_table(pd.DataFrame({"a": [1]}), total_column="All")


# --- properties ---------------------------------------------------------------------------
counts = st.integers(min_value=0, max_value=60)


@settings(deadline=None)
@given(st.lists(st.one_of(counts, st.none()), max_size=30), st.integers(0, 3), st.integers(0, 6))
def test_no_number_in_the_range_is_ever_shown(values, low, width):
    out = suppress_counts(values, min_count=low, max_count=low + width)
    for before, after in zip(values, out, strict=True):
        if before is None:
            assert after is None
        elif low <= before <= low + width:
            assert after == MARKER
        else:
            assert after == before


def unknowns(table: pd.DataFrame, cells) -> int:
    return sum(table.at[r, c] == MARKER or pd.isna(table.at[r, c]) for r, c in cells)


@settings(deadline=None)
@given(st.lists(counts, min_size=1, max_size=12))
def test_secondary_leaves_no_sum_with_one_unknown(parts):
    r = secondary_suppression(dict(enumerate(parts)), total=sum(parts))
    shown = r.table
    cells = [(label, "count") for label in shown.index]
    assert unknowns(shown, cells) != 1
    for label, value in zip(range(len(parts)), parts, strict=True):
        if 1 <= value <= 4:
            assert r.reason(label) == "primary"
        elif shown.at[label, "count"] != MARKER:
            assert shown.at[label, "count"] == value


@settings(deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda rows: st.integers(1, 5).flatmap(
            lambda cols: st.lists(
                st.lists(counts, min_size=cols, max_size=cols), min_size=rows, max_size=rows
            )
        )
    )
)
def test_two_way_secondary_leaves_no_row_or_column_with_one_unknown(grid):
    body = pd.DataFrame(grid, columns=[f"c{j}" for j in range(len(grid[0]))])
    body["Total"] = body.sum(axis=1)
    table = pd.concat([body, body.sum().to_frame("Total").T])
    r = suppress_table(table, total_row="Total", total_column="Total")
    shown = r.table
    for row in shown.index:
        assert unknowns(shown, [(row, c) for c in shown.columns]) != 1, row
    for col in shown.columns:
        assert unknowns(shown, [(row, col) for row in shown.index]) != 1, col
    for cell in r.cells:
        assert shown.at[cell.row, cell.column] == MARKER
        assert cell.reason in {"primary", "secondary"}
