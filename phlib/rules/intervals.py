"""Confidence intervals for indicators and their comparison with a benchmark (such as England).

Statistical process control is in `phlib.rules.spc`, small-number suppression in
`phlib.rules.suppression`.

Confidence intervals follow the OHID (formerly PHE) Public Health Technical Guidance, as used
by Fingertips and the PHEindicatormethods R package:

- proportions and percentages: Wilson score method (`wilson_ci`);
- crude rates (per 100,000, per 1,000, ...): Byar's method for 10 or more events and the exact
  method from the chi-square distribution below 10 events (`byar_ci`).

``confidence`` may be written as a fraction (0.95, 0.998) or as a percentage (95, 99.8).
Inputs need not be whole numbers: Fingertips publishes counts such as 33.5 for averaged data.

>>> wilson_ci(266, 10380)            # percent, 95%
(2.275733144432..., 2.884606224631...)
>>> byar_ci(374.5, 222817, multiplier=1000)
(1.514811426365..., 1.859905769464...)
>>> compare_to_benchmark(2.56, 2.28, 2.88, benchmark=2.1, direction="lower")
'Worse'
"""

from __future__ import annotations

import math

from phlib.rules.direction import normalise_direction

__all__ = [
    "BYAR_THRESHOLD",
    "COMPARISONS",
    "STANDARD_Z",
    "byar_ci",
    "compare_to_benchmark",
    "wilson_ci",
    "z_value",
]

#: Below this many events `byar_ci` uses the exact (chi-square) method instead of Byar's.
BYAR_THRESHOLD = 10

#: `scipy.stats.norm.ppf` of the levels reports use, to the last bit (a test checks them), so
#: working out an interval does not import scipy.stats (seconds) in every process.
STANDARD_Z = {0.95: 1.959963984540054, 0.99: 2.5758293035489004, 0.998: 3.090232306167813}

#: Every answer `compare_to_benchmark` can give.
COMPARISONS = ("Better", "Similar", "Worse", "Higher", "Lower", "Not compared")


def _confidence(confidence: float) -> float:
    """Return the confidence level as a fraction, accepting 0.95 or 95."""
    try:
        level = float(confidence)
    except (TypeError, ValueError):
        raise ValueError(
            f"confidence must be a number such as 0.95 or 95, got {confidence!r}"
        ) from None
    if 1 < level < 100:
        level /= 100
    if not 0 < level < 1:
        raise ValueError(
            f"confidence must be between 0 and 1 (0.95) or between 1 and 100 (95), "
            f"got {confidence!r}"
        )
    return level


def z_value(confidence: float = 0.95) -> float:
    """The two-sided standard normal quantile for a confidence level.

    >>> round(z_value(0.95), 6), round(z_value(99.8), 6)
    (1.959964, 3.090232)
    """
    level = _confidence(confidence)
    if level in STANDARD_Z:
        return STANDARD_Z[level]
    # deferred, and scipy.special rather than scipy.stats (the same quantile, a fifth of the
    # import time): most processes never need it
    from scipy.special import ndtri

    return float(ndtri(1 - (1 - level) / 2))


def _number(name: str, value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return number


def wilson_ci(numerator, denominator, confidence=0.95, multiplier=100) -> tuple[float, float]:
    """Wilson score confidence interval for a proportion, on the value's scale.

    Returns ``(lower, upper)`` of ``numerator / denominator x multiplier`` (percent by
    default; pass ``multiplier=1`` for a proportion). Works for 0 and for
    ``numerator == denominator``, where one limit is exactly 0 or ``multiplier``.

    >>> wilson_ci(372, 14581)                        # Fingertips 91871, Knowsley 2015/16
    (2.307561942097..., 2.819963515976...)
    >>> wilson_ci(0, 50)
    (0.0, 7.134759...)
    >>> wilson_ci(50, 50, multiplier=1)
    (0.928652..., 1.0)
    >>> wilson_ci(5, 4)
    Traceback (most recent call last):
    ...
    ValueError: numerator (5) is larger than denominator (4); a proportion needs ...
    """
    x = _number("numerator", numerator)
    n = _number("denominator", denominator)
    if x < 0:
        raise ValueError(f"numerator must not be negative, got {numerator!r}")
    if n <= 0:
        raise ValueError(f"denominator must be greater than 0, got {denominator!r}")
    if x > n:
        raise ValueError(
            f"numerator ({numerator}) is larger than denominator ({denominator}); "
            "a proportion needs numerator <= denominator"
        )
    z = z_value(confidence)
    q = 1 - x / n
    centre = 2 * x + z * z
    spread = z * math.sqrt(z * z + 4 * x * q)
    scale = 2 * (n + z * z)
    lower = max(0.0, (centre - spread) / scale)
    upper = min(1.0, (centre + spread) / scale)
    if x == 0:
        lower = 0.0
    if x == n:
        upper = 1.0
    return lower * multiplier, upper * multiplier


def byar_ci(count, denominator, confidence=0.95, multiplier=100_000) -> tuple[float, float]:
    """Confidence interval for a crude rate ``count / denominator x multiplier``.

    Byar's approximation for 10 or more events; the exact Poisson interval from the
    chi-square distribution for fewer than 10 (a count of 0 gives a lower limit of 0).

    >>> byar_ci(33.5, 63576, multiplier=1000)        # Fingertips 93735, Knowsley 2019/20
    (0.363766922481..., 0.738167322228...)
    >>> byar_ci(0, 1000, multiplier=1)               # exact method: upper = -ln(0.025)
    (0.0, 0.003688879...)
    >>> byar_ci(-1, 100)
    Traceback (most recent call last):
    ...
    ValueError: count must not be negative, got -1
    """
    o = _number("count", count)
    n = _number("denominator", denominator)
    if o < 0:
        raise ValueError(f"count must not be negative, got {count!r}")
    if n <= 0:
        raise ValueError(f"denominator must be greater than 0, got {denominator!r}")
    level = _confidence(confidence)
    if o >= BYAR_THRESHOLD:
        z = z_value(level)
        low = o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3
        high = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * math.sqrt(o + 1))) ** 3
    else:
        from scipy.special import chdtri  # deferred: see z_value; chdtri(k, q) = chi2.isf(q, k)

        alpha = 1 - level
        low = float(chdtri(2 * o, 1 - alpha / 2)) / 2 if o > 0 else 0.0
        if math.isnan(low):  # a vanishingly small count: the limit tends to 0
            low = 0.0
        high = float(chdtri(2 * o + 2, alpha / 2)) / 2
    return low / n * multiplier, high / n * multiplier


def _missing(value) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def compare_to_benchmark(value, lower, upper, benchmark, direction) -> str:
    """Compare a value's confidence interval with a benchmark, as Fingertips does.

    The interval lies wholly above the benchmark: "Better" when higher is better, "Worse"
    when lower is better, "Higher" when there is no preferred direction; wholly below:
    "Worse", "Better" or "Lower"; otherwise (including touching it) "Similar". Any missing
    input gives "Not compared". ``direction`` is "higher", "lower", "↑", "↓", "none" or None.

    >>> compare_to_benchmark(25.0, 22.1, 28.3, benchmark=20.0, direction="higher")
    'Better'
    >>> compare_to_benchmark(25.0, 22.1, 28.3, benchmark=20.0, direction="↓")
    'Worse'
    >>> compare_to_benchmark(25.0, 22.1, 28.3, benchmark=30.0, direction=None)
    'Lower'
    >>> compare_to_benchmark(25.0, 22.1, 28.3, benchmark=22.1, direction="higher")
    'Similar'
    >>> compare_to_benchmark(25.0, None, 28.3, benchmark=20.0, direction="higher")
    'Not compared'
    """
    better = normalise_direction(direction)
    if any(_missing(v) for v in (value, lower, upper, benchmark)):
        return "Not compared"
    low = _number("lower", lower)
    high = _number("upper", upper)
    mark = _number("benchmark", benchmark)
    if low > high:
        raise ValueError(f"lower limit ({lower}) is above upper limit ({upper})")
    if low > mark:
        side = "higher"
    elif high < mark:
        side = "lower"
    else:
        return "Similar"
    if better is None:
        return side.capitalize()
    return "Better" if side == better else "Worse"
