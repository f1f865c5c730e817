"""Tests for phlib.rules.intervals: intervals against published values, benchmark comparison."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm, poisson

from phlib.rules import intervals as stats
from phlib.rules.intervals import byar_ci, compare_to_benchmark, wilson_ci, z_value

FIXTURE = Path(__file__).parent / "fixtures" / "ci_reference.csv"


def same_to_4sf(ours: float, published: float) -> bool:
    """True when two numbers agree when both are rounded to 4 significant figures."""
    if published == 0:
        return abs(ours) < 1e-12
    digits = 3 - math.floor(math.log10(abs(published)))
    return round(ours, digits) == round(published, digits)


def reference_rows() -> list[dict]:
    with FIXTURE.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_fixture_rows_all_name_a_source():
    rows = reference_rows()
    assert len(rows) >= 10
    assert all(row["source"].strip() for row in rows)
    assert {row["confidence"] for row in rows} == {"95", "99.8"}


@pytest.mark.parametrize("row", reference_rows(), ids=lambda r: r["source"][:60])
def test_intervals_agree_with_published_values_to_4_significant_figures(row):
    method = {"wilson": wilson_ci, "byar": byar_ci}[row["method"]]
    lower, upper = method(
        float(row["count"]),
        float(row["denominator"]),
        confidence=float(row["confidence"]),
        multiplier=float(row["multiplier"]),
    )
    checked = 0
    for ours, published in ((lower, row["lower"]), (upper, row["upper"])):
        if published:
            assert same_to_4sf(ours, float(published)), (ours, published)
            checked += 1
    if row["value"]:
        value = float(row["count"]) / float(row["denominator"]) * float(row["multiplier"])
        assert same_to_4sf(value, float(row["value"]))
    assert checked >= 1


def test_same_to_4sf_can_fail():
    assert same_to_4sf(0.36377, 0.363766922481549)
    assert not same_to_4sf(0.3639, 0.363766922481549)


# --- exact (chi-square) method below 10 events ------------------------------------------
# Classical exact Poisson 95% limits for a count O (Garwood 1936): O=0 -> (0, -ln 0.025 =
# 3.6889); O=1 -> (-ln 0.975 = 0.025318, 5.5716); O=5 -> (1.6235, 11.668); O=9 -> (4.1154,
# 17.085). With denominator 1 and multiplier 1 the rate limits are the count limits.
@pytest.mark.parametrize(
    "count, lower, upper",
    [(0, 0.0, 3.6889), (1, 0.025318, 5.5716), (5, 1.6235, 11.668), (9, 4.1154, 17.085)],
)
def test_exact_poisson_limits_below_ten_events(count, lower, upper):
    low, high = byar_ci(count, 1, multiplier=1)
    assert low == pytest.approx(lower, rel=1e-4, abs=1e-12)
    assert high == pytest.approx(upper, rel=1e-4)


@pytest.mark.parametrize("count", [1, 2, 3, 6, 9])
@pytest.mark.parametrize("confidence", [0.95, 0.998])
def test_exact_limits_satisfy_the_poisson_tail_definition(count, confidence):
    # Independent check: the upper limit U has P(X <= O | U) = alpha/2 and the lower limit L
    # has P(X >= O | L) = alpha/2.
    alpha = 1 - confidence
    low, high = byar_ci(count, 1, confidence=confidence, multiplier=1)
    assert poisson.cdf(count, high) == pytest.approx(alpha / 2, rel=1e-6)
    assert poisson.sf(count - 1, low) == pytest.approx(alpha / 2, rel=1e-6)


def test_byar_is_used_from_ten_events():
    # Byar for O = 10 at 95%, z = 1.959964:
    #   lower = 10 (1 - 1/90 - 1.959964/(3 sqrt 10))^3 = 10 x 0.782291^3 = 4.7874
    #   upper = 11 (1 - 1/99 + 1.959964/(3 sqrt 11))^3 = 11 x 1.186883^3 = 18.391
    # The exact lower limit would be chi2(0.025, 20) / 2 = 4.7954, so the method shows.
    low, high = byar_ci(10, 1, multiplier=1)
    assert low == pytest.approx(4.7874, rel=1e-4)
    assert high == pytest.approx(18.391, rel=1e-4)
    assert low != pytest.approx(4.7954, rel=1e-3)


def test_byar_at_99_8_percent_by_hand():
    # O = 100, z = 3.090232: lower = 100 (1 - 1/900 - 3.090232/30)^3 = 100 x 0.895881^3
    # = 71.903; upper = 101 (1 - 1/909 + 3.090232/(3 sqrt 101))^3 = 101 x 1.101396^3 = 134.94.
    # Per 100,000 of a population of 50,000 these double.
    low, high = byar_ci(100, 50_000, confidence=99.8)
    assert low == pytest.approx(143.81, rel=1e-4)
    assert high == pytest.approx(269.89, rel=1e-4)


def test_wilson_at_the_edges():
    low, high = wilson_ci(0, 20)
    assert low == 0.0
    # upper = z^2 / (n + z^2) = 3.841459 / 23.841459 = 16.11%
    assert high == pytest.approx(16.1125, rel=1e-4)
    low, high = wilson_ci(20, 20)
    assert high == 100.0
    assert low == pytest.approx(100 - 16.1125, rel=1e-4)


def test_multiplier_only_scales():
    low, high = wilson_ci(7, 30, multiplier=1)
    assert wilson_ci(7, 30) == pytest.approx((low * 100, high * 100))
    low, high = byar_ci(42, 12345, multiplier=1)
    assert byar_ci(42, 12345) == pytest.approx((low * 100_000, high * 100_000))


def test_confidence_as_percent_or_fraction():
    assert wilson_ci(30, 90, confidence=99.8) == wilson_ci(30, 90, confidence=0.998)
    assert z_value(95) == pytest.approx(1.959964, abs=1e-6)


@pytest.mark.parametrize("level", [*stats.STANDARD_Z, 0.9, 0.8])
def test_z_value_is_scipy_normal_quantile_to_the_last_bit(level):
    assert z_value(level) == float(norm.ppf(1 - (1 - level) / 2))


@pytest.mark.parametrize(
    "args, message",
    [
        ((-1, 10), "numerator must not be negative"),
        ((11, 10), r"numerator \(11\) is larger than denominator \(10\)"),
        ((0, 0), "denominator must be greater than 0"),
        ((1, -5), "denominator must be greater than 0"),
        (("x", 10), "numerator must be a number"),
        ((float("nan"), 10), "numerator must be a finite number"),
    ],
)
def test_wilson_rejects_bad_input_clearly(args, message):
    with pytest.raises(ValueError, match=message):
        wilson_ci(*args)


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        ((-3, 100), {}, "count must not be negative"),
        ((3, 0), {}, "denominator must be greater than 0"),
        ((3, 100), {"confidence": 0}, "confidence must be between"),
        ((3, 100), {"confidence": 150}, "confidence must be between"),
        ((3, 100), {"confidence": "high"}, "confidence must be a number"),
    ],
)
def test_byar_rejects_bad_input_clearly(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        byar_ci(*args, **kwargs)


# --- properties ---------------------------------------------------------------------------
proportions = st.integers(min_value=1, max_value=100_000).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
)


@settings(deadline=None)
@given(proportions)
def test_wilson_contains_the_estimate_and_widens_at_99_8(xn):
    x, n = xn
    low95, high95 = wilson_ci(x, n)
    low998, high998 = wilson_ci(x, n, confidence=99.8)
    estimate = x / n * 100
    assert 0 <= low998 <= low95 <= estimate <= high95 <= high998 <= 100
    assert high998 - low998 > high95 - low95


@settings(deadline=None)
@given(proportions)
def test_wilson_is_symmetric_under_reflection(xn):
    x, n = xn
    low, high = wilson_ci(x, n, multiplier=1)
    low_r, high_r = wilson_ci(n - x, n, multiplier=1)
    assert low == pytest.approx(1 - high_r, abs=1e-9)
    assert high == pytest.approx(1 - low_r, abs=1e-9)


@settings(deadline=None)
@given(
    st.one_of(st.integers(0, 50_000), st.floats(0, 50_000, allow_nan=False)),
    st.floats(1, 1e8, allow_nan=False),
)
def test_rate_interval_contains_the_rate_and_widens_at_99_8(count, population):
    low95, high95 = byar_ci(count, population)
    low998, high998 = byar_ci(count, population, confidence=99.8)
    rate = count / population * 100_000
    assert 0 <= low998 <= low95 <= rate <= high95 <= high998
    assert high998 - low998 > high95 - low95
    if count == 0:
        assert low95 == 0


# --- benchmark comparison -----------------------------------------------------------------
@pytest.mark.parametrize(
    "lower, upper, benchmark, direction, expected",
    [
        (22.0, 28.0, 20.0, "higher", "Better"),
        (22.0, 28.0, 20.0, "lower", "Worse"),
        (22.0, 28.0, 30.0, "higher", "Worse"),
        (22.0, 28.0, 30.0, "lower", "Better"),
        (22.0, 28.0, 25.0, "higher", "Similar"),
        (22.0, 28.0, 28.0, "higher", "Similar"),  # touching the limit is not significant
        (22.0, 28.0, 20.0, "↑", "Better"),
        (22.0, 28.0, 20.0, "↓", "Worse"),
        (22.0, 28.0, 20.0, None, "Higher"),
        (22.0, 28.0, 30.0, "none", "Lower"),
        (22.0, 28.0, 25.0, "none", "Similar"),
        (22.0, 28.0, 20.0, "Higher", "Better"),
    ],
)
def test_compare_to_benchmark(lower, upper, benchmark, direction, expected):
    assert compare_to_benchmark(25.0, lower, upper, benchmark, direction) == expected


@pytest.mark.parametrize(
    "value, lower, upper, benchmark",
    [
        (None, 1, 2, 3),
        (1.5, None, 2, 3),
        (1.5, 1, float("nan"), 3),
        (1.5, 1, 2, None),
    ],
)
def test_missing_inputs_are_not_compared(value, lower, upper, benchmark):
    assert compare_to_benchmark(value, lower, upper, benchmark, "higher") == "Not compared"


def test_compare_rejects_unknown_direction_and_crossed_limits():
    with pytest.raises(ValueError, match="direction 'upwards' is not understood"):
        compare_to_benchmark(1, 0, 2, 1, "upwards")
    with pytest.raises(ValueError, match="lower limit"):
        compare_to_benchmark(1, 3, 2, 1, "higher")


def test_fingertips_rows_compare_as_published():
    # Fingertips marked these 93735 rows (lower is better) "Better" than England, so
    # England's rate lay above each upper limit; 3.0 per 1,000 is such a benchmark.
    for count, households in ((33.5, 63576), (374.5, 222817), (17.75, 80153)):
        low, high = byar_ci(count, households, multiplier=1000)
        assert compare_to_benchmark(1.0, low, high, 3.0, "lower") == "Better"


def test_intervals_defines_what_it_exports_and_re_exports_nothing():
    for name in stats.__all__:
        assert getattr(stats, name) is not None, name
        obj = getattr(stats, name)
        if callable(obj):
            assert obj.__module__ == "phlib.rules.intervals", name
    assert not hasattr(stats, "spc") and not hasattr(stats, "suppress_counts")
