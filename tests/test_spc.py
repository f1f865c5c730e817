"""Tests for phlib.rules.spc: XmR limits, the four Making Data Count rules and the icons."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phlib.rules.direction import normalise_direction
from phlib.rules.spc import MIN_POINTS, assurance_icon, spc, variation_icon

# Published example (NHSRplotthedots vignette "Deviations from Excel defaults"): with
# outlier screening the chart is captioned UPL = 4.6, Mean = 1.94, LPL = -0.72.
VIGNETTE = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]


def flagged(result, rule):
    """Positions of points flagged by a rule."""
    return [i for i, f in enumerate(result.points[rule].tolist()) if f]


def test_limits_as_the_excel_tool_computes_them():
    # By hand: mean = 35 / 18 = 1.94444; moving ranges 1,1,1,8,9 and twelve 1s sum to 32,
    # average 32 / 17 = 1.88235; limits 1.94444 +/- 2.66 x 1.88235 = 6.95150 and -3.06261.
    r = spc(VIGNETTE)
    assert r.mean == pytest.approx(1.94444, abs=1e-5)
    assert r.average_moving_range == pytest.approx(1.88235, abs=1e-5)
    assert r.upper == pytest.approx(6.95150, abs=1e-5)
    assert r.lower == pytest.approx(-3.06261, abs=1e-5)
    assert flagged(r, "beyond_limit") == [4]


def test_screened_limits_match_the_published_vignette():
    # Screening drops moving ranges 8 and 9 (above 3.267 x 1.88235 = 6.15): average 1.0.
    r = spc(VIGNETTE, screen_outliers=True)
    assert (round(r.upper, 2), round(r.mean, 2), round(r.lower, 2)) == (4.6, 1.94, -0.72)
    assert r.average_moving_range == pytest.approx(1.0)


def test_points_table_keeps_the_period_index():
    index = pd.period_range("2021-04", periods=16, freq="M")
    values = pd.Series([5, 6] * 8, index=index, dtype=float)
    r = spc(values)
    assert list(r.points.index) == list(index)
    assert r.points.loc[index[3], "value"] == 6
    assert r.points["mean"].unique().tolist() == [5.5]
    assert r.points["moving_range"].isna().tolist() == [True] + [False] * 15


def test_single_point_beyond_a_limit():
    values = [10, 11] * 8 + [30]
    r = spc(values)
    assert flagged(r, "beyond_limit") == [16]
    assert r.points["signal"].tolist()[-1] == "high"


def test_shift_needs_seven_points_on_one_side():
    # Baseline alternating 12, 10 (mean 11) ends below the mean, so runs start afterwards.
    base = [12, 10] * 7
    seven = spc(base + [13] * 7, baseline=14)
    assert flagged(seven, "shift") == list(range(14, 21))
    assert set(seven.points["signal"].iloc[14:]) == {"high"}
    six = spc(base + [13] * 6 + [9], baseline=14)
    assert flagged(six, "shift") == []
    below = spc(base + [11] + [9.5] * 8, baseline=14)
    assert flagged(below, "shift") == list(range(15, 23))
    assert variation_icon(below, "higher") == "Special cause concerning"


def test_a_point_on_the_mean_breaks_a_run():
    # Mean 11 from the baseline; eight points above it but the fourth sits on the mean.
    r = spc([12, 10] * 7 + [13, 13, 13, 11, 13, 13, 13, 13], baseline=14)
    assert r.mean == 11
    assert flagged(r, "shift") == []
    unbroken = spc([12, 10] * 7 + [13, 13, 13, 12, 13, 13, 13, 13], baseline=14)
    assert flagged(unbroken, "shift") == list(range(14, 22))


def test_trend_needs_seven_rising_or_falling_points():
    rising = spc([5, 6, 5, 6, 5, 1, 2, 3, 4, 5, 6, 7, 5, 6, 5, 6])
    assert flagged(rising, "trend") == list(range(5, 12))
    assert set(rising.points["signal"].iloc[9:12]) == {"high"}
    falling = spc([5, 6, 5, 6, 9, 8, 7, 6, 5, 4, 3, 5, 6, 5])
    assert flagged(falling, "trend") == list(range(4, 11))
    six = spc([5, 6, 5, 6, 5, 1, 2, 3, 4, 5, 6, 5, 6, 5, 6])
    assert flagged(six, "trend") == []


def test_equal_values_break_a_trend():
    r = spc([5, 6, 5, 6, 1, 2, 3, 4, 4, 5, 6, 7, 5, 6, 5, 6])
    assert flagged(r, "trend") == []


BASE = [10, 12] * 7  # mean 11, average moving range 2, limits 11 +/- 5.32


def test_two_of_three_beyond_two_sigma():
    # Two sigma = 2/3 x 2.66 x 2 = 3.5467, so the lines are at 14.5467 and 7.4533.
    r = spc(BASE + [15, 11, 15], baseline=14)
    assert r.points["upper_two_sigma"].iloc[0] == pytest.approx(14.54667, abs=1e-5)
    assert flagged(r, "two_of_three") == [14, 16]
    assert flagged(r, "beyond_limit") == []
    assert variation_icon(r, "higher") == "Special cause improving"
    low = spc(BASE + [7, 7.2, 11], baseline=14)
    assert flagged(low, "two_of_three") == [14, 15]
    assert variation_icon(low, "higher") == "Common cause"  # the latest point is not flagged
    across = spc(BASE + [15, 8, 15], baseline=14)  # the third point may be below the mean
    assert flagged(across, "two_of_three") == [14, 16]
    spread = spc(BASE + [15, 11, 11, 15], baseline=14)
    assert flagged(spread, "two_of_three") == []
    opposite = spc(BASE + [15, 7, 11], baseline=14)
    assert flagged(opposite, "two_of_three") == []


def test_baseline_fixes_mean_and_limits():
    r = spc(BASE + [30, 31, 29], baseline=14)
    assert (r.mean, r.average_moving_range) == (11, 2)
    assert r.upper == pytest.approx(16.32)
    assert flagged(r, "beyond_limit") == [14, 15, 16]
    assert r.baseline == 14
    assert not r.enough_data  # 14 baseline points is fewer than MIN_POINTS


@pytest.mark.parametrize("baseline", [0, 1, 2.5, True, "12"])
def test_bad_baseline_is_refused(baseline):
    with pytest.raises(ValueError, match="baseline must be a whole number of points"):
        spc(BASE, baseline=baseline)


def test_enough_data_flag_instead_of_an_error():
    assert MIN_POINTS == 15
    assert not spc(list(range(MIN_POINTS - 1))).enough_data
    assert spc(([1, 2] * 8)[:MIN_POINTS]).enough_data
    one = spc([4.0])
    assert not one.enough_data and math.isnan(one.upper)
    assert variation_icon(one, "higher") == "Common cause"
    assert assurance_icon(one, 3, "higher") == "Not enough data"
    empty = spc([])
    assert empty.points.empty and empty.latest is None
    assert variation_icon(empty, "lower") == "Common cause"


def test_non_numbers_are_refused_clearly():
    with pytest.raises(ValueError, match="SPC values must be numbers or blank"):
        spc([1, 2, "three"])


def test_missing_values_are_skipped_not_flagged():
    values = [10, 12] * 4 + [None] + [10, 12] * 4 + [40]
    r = spc(values)
    assert math.isnan(r.points["value"].iloc[8])
    assert not r.points["special_cause"].iloc[8]
    assert r.points["moving_range"].iloc[9] == 2  # joins 12 (before the gap) and 10
    assert flagged(r, "beyond_limit") == [17]
    assert r.latest["value"] == 40


# --- icons --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "tail, direction, expected",
    [
        ([30], "higher", "Special cause improving"),
        ([30], "lower", "Special cause concerning"),
        ([30], None, "Special cause neither"),
        ([-10], "higher", "Special cause concerning"),
        ([-10], "↓", "Special cause improving"),
        ([11], "higher", "Common cause"),
    ],
)
def test_variation_icon(tail, direction, expected):
    assert variation_icon(spc(BASE + [10, 12] + tail), direction) == expected


def test_variation_icon_follows_a_trend_direction():
    # A falling trend ending just below the mean: the signal is "low".
    r = spc([10, 12] * 6 + [16, 15, 14, 13, 12, 11, 10.5])
    assert flagged(r, "trend") == list(range(12, 19))
    assert r.latest["signal"] == "low"
    assert variation_icon(r, "lower") == "Special cause improving"


@pytest.mark.parametrize(
    "target, direction, expected",
    [
        (20, "higher", "Consistently failing"),
        (20, "lower", "Consistently passing"),
        (2, "higher", "Consistently passing"),
        (2, "lower", "Consistently failing"),
        (11, "higher", "Hit and miss"),
        (None, "higher", "No target"),
        (float("nan"), "higher", "No target"),
        (20, None, "No target"),
    ],
)
def test_assurance_icon(target, direction, expected):
    assert assurance_icon(spc(BASE + [10]), target, direction) == expected


def test_target_on_a_limit_is_hit_and_miss():
    r = spc(BASE + [10], baseline=14)
    assert assurance_icon(r, r.upper, "higher") == "Hit and miss"
    assert assurance_icon(r, r.lower, "lower") == "Hit and miss"
    assert assurance_icon(r, r.upper + 0.01, "lower") == "Consistently passing"


def test_directions():
    assert normalise_direction("Higher is better") == "higher"
    assert normalise_direction("decrease") == "lower"
    assert normalise_direction("none") is None
    with pytest.raises(ValueError, match="not understood"):
        variation_icon(spc(BASE), "up and down")


# --- properties ---------------------------------------------------------------------------
series = st.lists(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=2, max_size=40
)


@settings(deadline=None)
@given(series)
def test_limits_are_symmetric_about_the_mean(values):
    r = spc(values)
    assert r.upper - r.mean == pytest.approx(r.mean - r.lower, rel=1e-9, abs=1e-6)
    assert r.upper >= r.mean >= r.lower


@settings(deadline=None)
@given(series)
def test_every_flagged_run_is_at_least_seven_long(values):
    r = spc(values)
    for rule in ("shift", "trend"):
        flags = r.points[rule].tolist()
        lengths, count = [], 0
        for f in [*flags, False]:
            if f:
                count += 1
            elif count:
                lengths.append(count)
                count = 0
        assert all(n >= 7 for n in lengths), (rule, lengths)
    assert (
        r.points["special_cause"].tolist()
        == r.points[["beyond_limit", "shift", "trend", "two_of_three"]].any(axis=1).tolist()
    )


@settings(deadline=None)
@given(series, st.integers(-1000, 1000), st.integers(1, 50))
def test_flags_do_not_depend_on_units(values, shift, scale):
    values = [round(v) for v in values]  # whole numbers keep the arithmetic exact
    rules = ["beyond_limit", "shift", "trend", "two_of_three"]
    base = spc(values).points[rules]
    moved = spc([v * scale + shift for v in values]).points[rules]
    pd.testing.assert_frame_equal(base, moved)


@settings(deadline=None)
@given(st.floats(-100, 100, allow_nan=False), st.integers(2, 30))
def test_a_constant_series_has_no_special_cause(level, n):
    r = spc(np.full(n, level))
    assert not r.points["special_cause"].any()
    assert variation_icon(r, "higher") == "Common cause"
