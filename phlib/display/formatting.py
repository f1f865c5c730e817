"""Formatting of indicator values for people: ``88.0%``, ``3,552.5``, ``3,564``, ``N/A``, ``*``.

Rounding is half up (as a spreadsheet rounds), applied to the value as written, so 2.5 shows
as 3 and 0.125 to two decimals as 0.13. A missing value is ``N/A`` and a suppressed one ``*``:
never ``0``.

>>> format_value(88.0, "percent", 1), format_value(3552.5, "per_100000", 1)
('88.0%', '3,552.5')
>>> format_value(3564, "count"), format_value(None, "count")
('3,564', 'N/A')
>>> format_value(7, "count", suppressed=True)
'*'
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from numbers import Real

UNITS = ("percent", "per_100000", "per_1000", "count")
MISSING = "N/A"
SUPPRESSED = "*"
WITHHELD = "Not published"  # restricted figures in a public build

#: How each unit is named on a chart axis or in alt text.
UNIT_LABELS = {
    "percent": "Percentage",
    "per_100000": "Rate per 100,000",
    "per_1000": "Rate per 1,000",
    "count": "Number",
}


def check_unit(unit: str) -> str:
    """Return `unit` if it is one of `UNITS`, else raise ValueError saying which are allowed.

    >>> check_unit("percent")
    'percent'
    """
    if unit not in UNITS:
        raise ValueError(f"unit {unit!r} is not known; use one of {', '.join(UNITS)}")
    return unit


def default_decimals(unit: str) -> int:
    """Display precision when the catalogue gives none: 1 for percents and rates, 0 for counts.

    >>> default_decimals("percent"), default_decimals("count")
    (1, 0)
    """
    return 0 if check_unit(unit) == "count" else 1


def is_missing(value) -> bool:
    """True for None, NaN, pandas NA/NaT and blank text.

    >>> is_missing(None), is_missing(float("nan")), is_missing(0), is_missing("")
    (True, True, False, True)
    """
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(value != value)  # NaN and pandas NA are not equal to themselves
    except TypeError:  # pandas NA refuses bool()
        return True


def as_number(value) -> float | None:
    """`value` as a float, or None when missing; TypeError for text or other objects.

    >>> as_number(3), as_number(None), as_number(float("inf"))
    (3.0, None, None)
    """
    if is_missing(value):
        return None
    if isinstance(value, bool) or not isinstance(value, Real | Decimal):
        raise TypeError(f"value {value!r} is not a number")
    number = float(value)
    return number if math.isfinite(number) else None


def format_number(value, decimals: int = 0) -> str:
    """A number with thousands separators, rounded half up; ``N/A`` when missing.

    >>> format_number(1234.5), format_number(-0.04, 1), format_number(0.125, 2)
    ('1,235', '0.0', '0.13')
    """
    number = as_number(value)
    if number is None:
        return MISSING
    if decimals < 0:
        raise ValueError(f"decimals must be 0 or more, got {decimals}")
    rounded = Decimal(repr(number)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0.0"
    return f"{rounded:,.{decimals}f}"


def format_value(value, unit: str, decimals: int | None = None, *, suppressed: bool = False) -> str:
    """An indicator value as people read it, in its unit and precision.

    `decimals` defaults to `default_decimals(unit)`. ``*`` when `suppressed`, ``N/A`` when the
    value is missing.

    >>> format_value(19.25, "percent", 1), format_value(0.5, "percent", 0)
    ('19.3%', '1%')
    >>> format_value(float("nan"), "percent", 1), format_value(4477.94, "per_100000")
    ('N/A', '4,477.9')
    """
    check_unit(unit)
    if suppressed:
        return SUPPRESSED
    places = default_decimals(unit) if decimals is None else int(decimals)
    text = format_number(value, places)
    if text != MISSING and unit == "percent":
        return text + "%"
    return text
