"""Tests for phlib.rules.ratings: the Key's RAG rule, change, year-to-date targets."""

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from phlib.display.style import RAG_COLOURS, contrast_ratio
from phlib.rules.direction import normalise_direction
from phlib.rules.periods import Quarter
from phlib.rules.ratings import (
    RAG_ORDER,
    RATINGS,
    STATUSES,
    change_in_performance,
    cumulative_actual,
    cumulative_trajectory,
    pro_rata_target,
    rag_rating,
    round_half_up,
)

RANK = {rating: i for i, rating in enumerate(RATINGS)}  # Red 0 ... Blue 3

# --- the indicator cards of the Q3 2022/23 Adults and Health report with a numeric target ----
# gap = (current - target) / target, all directions "higher is better" (printed as an up arrow).
REPORT_CARDS = [
    # 201 drug and alcohol completions: (21.25 - 20.4) / 20.4 = 0.85 / 20.4 = +4.17% -> Green
    ("201", 21.25, 20.4, "Green"),
    # 237 Health Trainer referrals from the most deprived areas: the card prints a target of 0,
    # but its description says the target is 30%: (34.0 - 30) / 30 = 4 / 30 = +13.3% -> Blue.
    ("237", 34.0, 30, "Blue"),
    # The printed 0 gives the same answer through the zero-target rule (34 is above 0 -> Blue).
    ("237 as printed", 34.0, 0, "Blue"),
    # 56 stop smoking quitters, % achievement of target: (25.4 - 100) / 100 = -74.6% -> Red
    ("56", 25.4, 100, "Red"),
    # 53 NHS Health Checks: the "YTD Target" 15000 against the printed current value 3564:
    # (3564 - 15000) / 15000 = -11436 / 15000 = -76.2% -> Red. The calculation says 3564 is one
    # quarter's checks, so this sets one quarter against a year-to-date (or annual) target and
    # overstates the shortfall; see test_card_53_like_for_like for the like-for-like figures.
    ("53", 3564, 15000, "Red"),
    # 57 breastfeeding at 6-8 weeks: (54.0 - 56.0) / 56.0 = -2 / 56 = -3.57% -> Amber
    ("57", 54.0, 56.0, "Amber"),
    # 59 new birth visits within 14 days: (38.0 - 90.0) / 90.0 = -52 / 90 = -57.8% -> Red
    ("59", 38.0, 90.0, "Red"),
    # 60 6-8 week reviews by 8 weeks: (42.0 - 95.0) / 95.0 = -53 / 95 = -55.8% -> Red
    ("60", 42.0, 95.0, "Red"),
    # 62 2-2.5 year reviews: (57.0 - 90.0) / 90.0 = -33 / 90 = -36.7% -> Red
    ("62", 57.0, 90.0, "Red"),
]


@pytest.mark.parametrize(("card", "current", "target", "expected"), REPORT_CARDS)
def test_report_cards(card, current, target, expected):
    assert rag_rating(current, target, "\u2191") == expected


def test_card_53_like_for_like():
    # If 15000 is the annual target, one quarter's straight-line share is 15000 x 3 / 12 = 3750
    # and (3564 - 3750) / 3750 = -4.96% -> Amber; by the end of Q3 the year-to-date target is
    # 15000 x 9 / 12 = 11250, to be compared with the Q1-Q3 total (not printed on the card).
    assert pro_rata_target(15000, "Q1 2022/23") == 3750
    assert rag_rating(3564, pro_rata_target(15000, "Q1 2022/23"), "higher") == "Amber"
    assert pro_rata_target(15000, "2022-23-Q3") == 11250


def test_card_change_in_performance():
    # 201: 21.25 -> 21.3 and 21.76 -> 21.8 at one decimal; lower than before, higher is better.
    assert change_in_performance(21.25, 21.76, "\u2191") == "Declining"
    # 237: 34.0 and 34.0.
    assert change_in_performance(34.0, 34.0, "\u2191") == "Unchanged"
    # 53: 3564 against 2777 checks, counts compared at 0 decimals.
    assert change_in_performance(3564, 2777, "\u2191", decimals=0) == "Improving"
    # 62: 57.0 against 42.0.
    assert change_in_performance(57.0, 42.0, "\u2191") == "Improving"


# --- rag_rating boundaries and special cases -----------------------------------------------


@pytest.mark.parametrize(
    ("current", "target", "direction", "expected"),
    [
        (54.0, 60.0, "higher", "Amber"),  # exactly 10% off: Amber despite float error
        (53.99, 60.0, "higher", "Red"),
        (59.99, 60.0, "higher", "Amber"),
        (60.0, 60.0, "higher", "Green"),
        (63.0, 60.0, "higher", "Green"),  # exactly 5% over: Green
        (63.01, 60.0, "higher", "Blue"),
        (66.0, 60.0, "lower", "Amber"),  # exactly 10% worse when lower is better
        (66.01, 60.0, "lower", "Red"),
        (57.0, 60.0, "lower", "Green"),  # exactly 5% better
        (56.99, 60.0, "lower", "Blue"),
        (0.3, 0.1 + 0.2, "higher", "Green"),  # float error within tolerance
        (60.0, 60.0 * (1 + 1e-12), "higher", "Green"),
        (60.0 * (0.9 - 1e-12), 60.0, "higher", "Amber"),
        (60.0 * (0.9 - 1e-6), 60.0, "higher", "Red"),  # a real shortfall past the boundary
        (-11, -10, "higher", "Amber"),  # relative to |target|: 10% below -10
        (-12, -10, "higher", "Red"),
        (-9.5, -10, "higher", "Green"),
    ],
)
def test_rag_boundaries(current, target, direction, expected):
    assert rag_rating(current, target, direction) == expected


@pytest.mark.parametrize(
    ("current", "direction", "expected"),
    [
        (0, "higher", "Green"),
        (0.1, "higher", "Blue"),
        (-0.1, "higher", "Red"),
        (2, "lower", "Red"),
        (-2, "lower", "Blue"),
        (1e-12, "lower", "Green"),
    ],
)
def test_zero_target_compares_absolutely(current, direction, expected):
    assert rag_rating(current, 0, direction) == expected


@pytest.mark.parametrize(
    "direction", ["higher", "lower", "\u2191", "\u2193", "UP", " Down ", "Higher"]
)
def test_direction_spellings(direction):
    expected = "Blue" if normalise_direction(direction) == "higher" else "Red"
    assert rag_rating(80, 50, direction) == expected


@pytest.mark.parametrize("direction", ["sideways", "", "better", 1, "\u2194"])
def test_unknown_direction_names_accepted_values(direction):
    with pytest.raises(ValueError, match="'higher'.*'lower'.*'none'"):
        rag_rating(1, 1, direction)


@pytest.mark.parametrize("direction", [None, "none", "NONE"])
def test_no_direction_shows_status_or_tbc(direction):
    assert rag_rating(5, 4, direction) == "TBC"
    assert rag_rating(5, 4, direction, status="Contextual") == "Contextual"


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, np.nan, Decimal("NaN")])
def test_missing_values_show_status_or_tbc(missing):
    assert rag_rating(missing, 10, "higher") == "TBC"
    assert rag_rating(missing, 10, "higher", status="Baseline") == "Baseline"
    assert rag_rating(10, missing, "higher") == "TBC"
    assert rag_rating(10, missing, "lower", status="in development") == "In Development"
    assert rag_rating(10, 10, "higher", status=missing) == "Green"


def test_status_is_checked_and_ignored_when_a_rating_exists():
    assert rag_rating(10, 10, "higher", status="Baseline") == "Green"
    assert rag_rating(None, None, "higher", status="  ") == "TBC"
    with pytest.raises(ValueError, match="Baseline, Contextual, In Development, TBC"):
        rag_rating(None, None, "higher", status="Pending")


@pytest.mark.parametrize("value", ["54", True, [54], object()])
def test_values_must_be_numbers(value):
    with pytest.raises(TypeError, match="must be a number"):
        rag_rating(value, 60, "higher")
    with pytest.raises(TypeError, match="must be a number"):
        rag_rating(60, value, "higher")


def test_numpy_decimal_and_fraction_values():
    assert rag_rating(np.float64(54.0), np.int64(60), "higher") == "Amber"
    assert rag_rating(np.float32(63.0), 60, "higher") == "Green"
    assert rag_rating(Decimal("54.0"), Decimal("60"), "higher") == "Amber"
    assert rag_rating(Fraction(54), Fraction(60), "higher") == "Amber"
    with pytest.raises(ValueError, match="finite"):
        rag_rating(math.inf, 60, "higher")


# --- rag_rating properties ------------------------------------------------------------------

values = st.integers(min_value=-(10**6), max_value=10**6)
positive = st.integers(min_value=1, max_value=10**6)


@given(values, values)
def test_mirror_symmetry_between_directions(current, target):
    # gap(c, t, higher) = (c - t)/|t| = (t - (2t - c))/|t| = gap(2t - c, t, lower)
    assert rag_rating(current, target, "higher") == rag_rating(
        2 * target - current, target, "lower"
    )


@given(values, positive, positive)
def test_scale_invariance(current, target, scale):
    assert rag_rating(current * scale, target * scale, "higher") == rag_rating(
        current, target, "higher"
    )


numbers_ = st.one_of(values, st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))


@given(numbers_, numbers_, numbers_, st.sampled_from(["higher", "lower"]))
def test_better_current_never_rates_worse(a, b, target, direction):
    worse, better = sorted([a, b]) if direction == "higher" else sorted([a, b], reverse=True)
    assert RANK[rag_rating(worse, target, direction)] <= RANK[rag_rating(better, target, direction)]


@given(positive, st.integers(min_value=-200, max_value=200))
def test_rating_matches_the_keys_bands(target, percent_gap):
    current = Decimal(target) * (1 + Decimal(percent_gap) / 100)
    assume(current.is_finite())
    expected = (
        "Red"
        if percent_gap < -10
        else "Amber"
        if percent_gap < 0
        else "Green"
        if percent_gap <= 5
        else "Blue"
    )
    assert rag_rating(current, target, "higher") == expected


@given(st.floats(min_value=0.001, max_value=1e6, allow_nan=False), st.floats(-1e6, 1e6))
def test_every_numeric_case_gets_a_rag(target, current):
    assert rag_rating(current, target, "higher") in RATINGS


# --- change in performance ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "previous", "direction", "decimals", "expected"),
    [
        (5.0, 4.0, "higher", 1, "Improving"),
        (5.0, 4.0, "lower", 1, "Declining"),
        (4.0, 5.0, "\u2193", 1, "Improving"),
        (4.0, 5.0, None, 1, "Decreasing"),
        (5.0, 4.0, "none", 1, "Increasing"),
        (2.25, 2.3, "higher", 1, "Unchanged"),  # 2.25 rounds half up to 2.3, not to 2.2
        (2.35, 2.4, "higher", 1, "Unchanged"),
        (2.24, 2.25, "higher", 1, "Declining"),  # 2.2 now against 2.3 before
        (10.4, 10.0, "higher", 0, "Unchanged"),
        (10.5, 10.0, "higher", 0, "Improving"),
        (0.5, 0.0, None, 0, "Increasing"),
    ],
)
def test_change_in_performance(current, previous, direction, decimals, expected):
    assert change_in_performance(current, previous, direction, decimals) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA])
def test_change_with_missing_value_is_none(missing):
    assert change_in_performance(missing, 3, "higher") is None
    assert change_in_performance(3, missing, "lower") is None


def test_change_checks_direction_even_when_values_are_missing():
    with pytest.raises(ValueError, match="direction .better. is not understood"):
        change_in_performance(None, 3, "better")


def test_round_half_up():
    assert round_half_up(0.125, 2) == Decimal("0.13")  # banker's rounding would give 0.12
    assert round_half_up(2.5, 0) == 3 and round_half_up(3.5, 0) == 4
    assert round_half_up(-2.5, 0) == -3


@given(values, values, st.sampled_from(["higher", "lower", None]))
def test_change_is_antisymmetric(a, b, direction):
    opposite = {
        "Improving": "Declining",
        "Declining": "Improving",
        "Increasing": "Decreasing",
        "Decreasing": "Increasing",
        "Unchanged": "Unchanged",
    }
    assert (
        change_in_performance(b, a, direction) == opposite[change_in_performance(a, b, direction)]
    )


# --- pro rata targets and trajectories ------------------------------------------------------


@pytest.mark.parametrize(("number", "expected"), [(1, 3000), (2, 6000), (3, 9000), (4, 12000)])
def test_straight_line_pro_rata(number, expected):
    assert pro_rata_target(12000, Quarter(2022, number)) == expected


def test_pro_rata_reads_text_months_and_missing_targets():
    assert pro_rata_target(1200, "Q3 2022/23") == 900
    assert pro_rata_target(1200, "Oct 2022") == 700  # 7 months elapsed
    assert pro_rata_target(None, "2022-23-Q3") is None


def test_pro_rata_with_profile():
    last_year = [10, 10, 10, 20, 20, 20, 30, 30, 30, 40, 40, 40]  # total 300
    # end of Q2: (30 + 60) / 300 = 0.3 of 1000
    assert pro_rata_target(1000, "2022-23-Q2", profile=last_year) == pytest.approx(300)
    assert pro_rata_target(1000, "2022-23-Q4", profile=last_year) == pytest.approx(1000)
    assert pro_rata_target(1000, "2022-23-Q1", profile=pd.Series(last_year)) == pytest.approx(100)


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        ([1] * 11, "needs 12 values.*got 11"),
        ([1] * 13, "needs 12 values.*got 13"),
        ([0] * 12, "add up to more than 0"),
        ([1] * 5 + [-1] + [1] * 6, r"Sep \(-1\)"),
        ([1] * 11 + [None], r"Mar \(None\)"),
        (["a"] + [1] * 11, r"Apr \('a'\)"),
    ],
)
def test_bad_profiles_are_explained(profile, message):
    with pytest.raises(ValueError, match=message):
        pro_rata_target(1000, "2022-23-Q3", profile=profile)
    with pytest.raises(ValueError, match=message):
        cumulative_trajectory(1000, profile=profile)


def test_cumulative_trajectory():
    line = cumulative_trajectory(1200)
    assert line == [100.0 * n for n in range(1, 13)]
    weighted = cumulative_trajectory(300, profile=[1] * 6 + [2] * 6)
    assert weighted[5] == pytest.approx(100) and weighted[-1] == pytest.approx(300)
    series = cumulative_trajectory(1200, months="2022-23")
    assert list(series.index[:2]) == ["2022-04", "2022-05"] and series.iloc[-1] == 1200
    assert series.name == "cumulative_target"


@given(
    st.floats(min_value=0, max_value=1e6),
    st.lists(st.integers(min_value=0, max_value=1000), min_size=12, max_size=12),
)
def test_trajectory_agrees_with_pro_rata_and_never_falls(annual, profile):
    assume(sum(profile) > 0)
    line = cumulative_trajectory(annual, profile=profile)
    assert all(a <= b for a, b in zip(line, line[1:], strict=False))
    assert line[-1] == pytest.approx(annual)
    for quarter in Quarter(2022, 1).year.quarters:
        expected = line[quarter.months_elapsed - 1]
        assert pro_rata_target(annual, quarter, profile=profile) == pytest.approx(expected)


def test_cumulative_actual_stops_at_first_gap():
    assert cumulative_actual([5, 7, 3]) == [5, 12, 15]
    assert cumulative_actual([5, float("nan"), 3]) == [5, None, None]
    assert cumulative_actual([]) == []
    series = cumulative_actual(pd.Series([1.0, 2.0, None, 4.0], index=list("abcd"), name="x"))
    assert series.iloc[:2].tolist() == [1.0, 3.0] and series.iloc[2:].isna().all()
    assert list(series.index) == list("abcd") and series.name == "x"


# --- colours --------------------------------------------------------------------------------


def test_contrast_ratio_formula():
    assert contrast_ratio("#000000") == pytest.approx(21)
    assert contrast_ratio("#FFFFFF") == pytest.approx(1)
    assert contrast_ratio("#777777") == pytest.approx(4.48, abs=0.01)  # a known WCAG value
    assert contrast_ratio("#FFFFFF", "#000000") == pytest.approx(21)


@pytest.mark.parametrize("rating", RAG_ORDER)
def test_every_rating_has_an_accessible_colour(rating):
    colour = RAG_COLOURS[rating]
    assert contrast_ratio(colour) >= 3  # graphics against a white page
    assert contrast_ratio(colour) >= 4.5  # as the module promises: white text on it is legible


def test_rag_order_and_colours_are_distinct():
    assert RAG_ORDER[:4] == ("Red", "Amber", "Green", "Blue") and set(STATUSES) <= set(RAG_ORDER)
    assert len({RAG_COLOURS[r] for r in RATINGS}) == 4
    assert {RAG_COLOURS[s] for s in STATUSES} == {RAG_COLOURS["TBC"]}
