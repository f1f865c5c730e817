"""RAG ratings, change in performance and year-to-date targets, as the report's Key defines them.

The rating compares the current value with the target *relatively*. With the relative gap

    gap = (current - target) / |target|   when higher is better
    gap = (target - current) / |target|   when lower is better

the rating is **Red** when gap < -10% (off target by more than 10%), **Amber** when
-10% <= gap < 0 (off target by 10% or less), **Green** when 0 <= gap <= 5% (on target, up to
5% over) and **Blue** when gap > 5%. So exactly 10% off is Amber and exactly 5% over is Green.
The arithmetic is decimal (each number is read as it prints), so 54.0 against 60.0 is exactly
10% off and Amber; and a gap within one part in a billion of a boundary counts as on it, so the
float error of a computed target (0.1 + 0.2 against 0.3) cannot change a rating.

When no rating can be computed the indicator's status is shown instead (`Baseline`,
`Contextual`, `In Development` or `TBC`), or `TBC` when it has none: that is when the target or
the current value is missing, or when the indicator has no direction (on or off target is then
undefined). A target of zero has no relative gap; the limit of the rule is used: equal (within
one billionth) is Green, any amount better is Blue, any amount worse is Red.

>>> rag_rating(54.0, 60.0, "higher"), rag_rating(63.0, 60.0, "higher"), rag_rating(64, 60, "up")
('Amber', 'Green', 'Blue')
>>> rag_rating(None, 60.0, "higher", status="Baseline"), rag_rating(5, None, "lower")
('Baseline', 'TBC')
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import pandas as pd

from phlib.rules.direction import normalise_direction
from phlib.rules.period_parsing import parse_period
from phlib.rules.periods import FinancialYear

RATINGS = ("Red", "Amber", "Green", "Blue")  # worst to best
STATUSES = ("Baseline", "Contextual", "In Development", "TBC")
RAG_ORDER = RATINGS + STATUSES
_AMBER_FROM, _BLUE_ABOVE = Decimal("-0.10"), Decimal("0.05")
_TOLERANCE = Decimal("1e-9")  # gaps this close to a boundary count as on it


def is_missing(value) -> bool:
    """True for None, NaN, pandas NA and NaT.

    >>> is_missing(float("nan")), is_missing(pd.NA), is_missing(0)
    (True, True, False)
    """
    return value is None or (not isinstance(value, (str, Sequence)) and bool(pd.isna(value)))


def _decimal(value, name: str) -> Decimal:
    if isinstance(value, (bool, str)) or not isinstance(value, (numbers.Real, Decimal)):
        raise TypeError(f"{name} must be a number, not {type(value).__name__} {value!r}")
    if isinstance(value, numbers.Integral):
        return Decimal(int(value))
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:  # for example a Fraction
        number = Decimal(float(value))
    if not number.is_finite():
        raise ValueError(f"{name} must be finite, got {value!r}")
    return number


def _status(status) -> str | None:
    if is_missing(status) or (isinstance(status, str) and not status.strip()):
        return None
    for known in STATUSES:
        if isinstance(status, str) and status.strip().lower() == known.lower():
            return known
    raise ValueError(f"unknown status {status!r}: use one of {', '.join(STATUSES)} or leave blank")


def rag_rating(current, target, direction, status=None) -> str:
    """Red, Amber, Green or Blue by the relative gap to target (module docstring), else status.

    Values are numbers (int, float, Decimal, numpy or pandas scalars); text is a TypeError.

    >>> rag_rating(21.25, 20.4, "\u2191")  # 4.2% over
    'Green'
    >>> rag_rating(11.0, 10.0, "lower"), rag_rating(9.0, 10.0, "lower")  # 10% worse, 10% better
    ('Amber', 'Blue')
    >>> rag_rating(0, 0, "lower"), rag_rating(1, 0, "lower"), rag_rating(3.5, 4.0, None)
    ('Green', 'Red', 'TBC')
    """
    way, shown = normalise_direction(direction), _status(status) or "TBC"
    if is_missing(target) or is_missing(current) or way is None:
        return shown
    now, goal = _decimal(current, "current"), _decimal(target, "target")
    better = now - goal if way == "higher" else goal - now
    gap = better if goal == 0 else better / abs(goal)
    if goal == 0 and abs(gap) > _TOLERANCE:
        return "Blue" if gap > 0 else "Red"
    if gap < _AMBER_FROM - _TOLERANCE:
        return "Red"
    if gap < -_TOLERANCE:
        return "Amber"
    return "Green" if gap <= _BLUE_ABOVE + _TOLERANCE else "Blue"


def round_half_up(value, decimals: int = 1) -> Decimal:
    """Round as people read numbers: halves go away from zero (2.25 -> 2.3, 0.5 -> 1).

    >>> round_half_up(2.25), round_half_up(2.5, 0), round_half_up(-0.05)
    (Decimal('2.3'), Decimal('3'), Decimal('-0.1'))
    """
    return _decimal(value, "value").quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)


def change_in_performance(current, previous, direction, decimals: int = 1) -> str | None:
    """Improving, Declining or Unchanged (equal once both are rounded half up to `decimals`).

    Without a direction the answer is Increasing or Decreasing; when either value is missing
    it is None.

    >>> change_in_performance(21.25, 21.76, "\u2191"), change_in_performance(42, 57, "lower")
    ('Declining', 'Improving')
    >>> change_in_performance(34.04, 33.95, "higher"), change_in_performance(5, 3, None, 0)
    ('Unchanged', 'Increasing')
    """
    way = normalise_direction(direction)
    if is_missing(current) or is_missing(previous):
        return None
    now, before = round_half_up(current, decimals), round_half_up(previous, decimals)
    if now == before:
        return "Unchanged"
    if way is None:
        return "Increasing" if now > before else "Decreasing"
    return "Improving" if (now > before) == (way == "higher") else "Declining"


def _profile(profile) -> list[float]:
    values = list(profile)
    if len(values) != 12:
        raise ValueError(
            f"a monthly profile needs 12 values, April to March; got {len(values)}. "
            "Give one value per month of the financial year"
        )
    names = [m.label.split()[0] for m in FinancialYear(2000).months]
    numbers_, bad = [], []
    for name, value in zip(names, values, strict=True):
        try:
            number = None if is_missing(value) else _decimal(value, "profile value")
        except (TypeError, ValueError):
            number = None
        if number is None or number < 0:
            bad.append(f"{name} ({value!r})")
        numbers_.append(float(number or 0))
    if bad:
        raise ValueError(f"monthly profile values must be numbers of 0 or more: {', '.join(bad)}")
    if math.fsum(numbers_) <= 0:
        raise ValueError("a monthly profile must add up to more than 0; give some month a weight")
    return numbers_


def _share(elapsed: int, profile) -> float:
    if profile is None:
        return elapsed / 12
    weights = _profile(profile)
    return math.fsum(weights[:elapsed]) / math.fsum(weights)


def pro_rata_target(annual_target, quarter, profile=None) -> float | None:
    """The year-to-date target at the end of `quarter` (a Quarter, Month or their text).

    Straight line: annual x months elapsed / 12. With `profile`, twelve monthly weights in
    financial-year order (April first; for example last year's monthly outturn): annual x the
    profile's sum to date / its total. A missing annual target gives None.

    >>> pro_rata_target(15000, "2022-23-Q3")
    11250.0
    >>> pro_rata_target(1200, "Q1 2022/23", profile=[2] * 3 + [1] * 9)  # 1200 x 6 / 15
    480.0
    """
    if is_missing(annual_target):
        return None
    annual = float(_decimal(annual_target, "annual target"))
    return annual * _share(parse_period(quarter).months_elapsed, profile)


def cumulative_trajectory(annual_target, months=None, profile=None):
    """The cumulative target at the end of each month, April to March (12 values).

    Straight line or by `profile` (as for `pro_rata_target`). With `months` (a FinancialYear or
    its text) the result is a pandas Series indexed by month id, ready to chart; otherwise a
    list.

    >>> cumulative_trajectory(1200)[:3]
    [100.0, 200.0, 300.0]
    >>> cumulative_trajectory(120, "2022/23").loc[["2022-04", "2023-03"]].tolist()
    [10.0, 120.0]
    """
    annual = float(_decimal(annual_target, "annual target"))
    if profile is not None:
        _profile(profile)
    values = [annual * _share(n, profile) for n in range(1, 13)]
    if months is None:
        return values
    year = FinancialYear.parse(months)
    return pd.Series(values, index=[m.id for m in year.months], name="cumulative_target")


def cumulative_actual(monthly_values):
    """Running total of monthly values that stops at the first missing month.

    A list gives a list (None from the first gap); a Series gives a Series (NaN from the gap).

    >>> cumulative_actual([5, 7, None, 4])
    [5, 12, None, None]
    """
    totals, running, stopped = [], 0, False
    for value in list(monthly_values):
        stopped = stopped or is_missing(value)
        running = running if stopped else running + value
        totals.append(None if stopped else running)
    if isinstance(monthly_values, pd.Series):
        return pd.Series(
            totals, index=monthly_values.index, dtype="float64", name=monthly_values.name
        )
    return totals
