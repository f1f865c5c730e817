"""Number helpers of the sample generator: rounding as people do, fractions, fair shares.

>>> round_half_up(2.25, 1), ratio_value(267, 774, "percent", 1)
(2.3, 34.5)
>>> printed_decimals("54.0"), printed_decimals("73"), matches(34.04, 34.0, 1)
(1, 0, True)
>>> distribute(10, [1, 1, 2]), solve_fraction(34.0, 700, 100, 1)
([3, 2, 5], (238, 700))
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MULTIPLIER = {"percent": 100, "per_100000": 100_000, "per_1000": 1000}


def round_half_up(x: float, decimals: int) -> float:
    """`x` rounded to `decimals` places, halves away from zero (as people round)."""
    return float(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP))


def ratio_value(numerator: int, denominator: int, unit: str, decimals: int) -> float:
    """The published value of numerator/denominator for this unit."""
    return round_half_up(numerator / denominator * MULTIPLIER[unit], decimals)


def printed_decimals(text: str) -> int:
    """Decimal places as printed ("54.0" has 1)."""
    return len(text.split(".")[1]) if "." in text else 0


def matches(actual: float, printed: float, decimals: int) -> bool:
    """True when `actual` shows as `printed` at `decimals` places."""
    return abs(actual - printed) <= 0.5 * 10**-decimals + 1e-9


def distribute(total: int, weights) -> list[int]:
    """Whole numbers summing to `total`, in proportion to `weights` (largest remainder)."""
    if total < 0:
        raise ValueError(f"cannot share out a negative total ({total})")
    weights = [max(0.0, float(w)) for w in weights]
    if sum(weights) == 0:
        weights = [1.0] * len(weights)
    shares = [total * w / sum(weights) for w in weights]
    parts = [int(s // 1) for s in shares]
    order = sorted(range(len(shares)), key=lambda i: (parts[i] - shares[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def solve_fraction(value, d_hint, mult, decimals, fixed_d=False, numerator=None, span=None):
    """(n, d) near `d_hint` whose published value is `value` (n <= d for percentages)."""
    span = span or max(60, int(d_hint * 0.1))
    for step in range(0, span + 1):
        for d in [d_hint + step, d_hint - step] if step else [d_hint]:
            if d < 1:
                continue
            guesses = [numerator] if numerator is not None else []
            n0 = round(value * d / mult)
            guesses = guesses or [n0, n0 - 1, n0 + 1]
            for n in guesses:
                fits = n >= 0 and (mult != 100 or n <= d)
                if fits and round_half_up(n / d * mult, decimals) == value:
                    return n, d
        if fixed_d:
            break
    raise ValueError(f"no numerator/denominator near {d_hint} gives {value}")
