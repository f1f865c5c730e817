"""Drawing one sample series from its `Profile`: values, numerators, denominators, targets.

A series is a list of row dicts (one per period, oldest first) with the keys of `ROW`.
Randomness comes from one `numpy.random.Generator` per series, seeded from the run seed and
the series' name, so each series is the same whatever else is generated.

>>> [round(covid_shape(m, 0.5), 2) for m in (47, 48, 60, 84)]
[0.3, 1.0, 0.75, 0.52]
"""

from __future__ import annotations

import math
import zlib

import numpy as np
from sample_numbers import ratio_value, round_half_up
from sample_periods import MONTHS_PER, calendar_month, fy_id, periods

SEED = 20230207
COVID_START = 48  # April 2020
ROW = ("period", "fy", "value", "numerator", "denominator", "target", "stat_neighbour_mean",
       "england_mean", "comparator_period", "note")  # fmt: skip


def covid_shape(m: float, persist: float) -> float:
    """How much of the pandemic effect applies in month index `m` (1 at its height)."""
    s = m - COVID_START
    if s < -1:
        return 0.0
    if s < 0:
        return 0.3
    if s < 3:
        return 1.0
    if s < 12:
        return 0.75
    return persist + (0.75 - persist) * math.exp(-(s - 12) / 9)


def rng_for(*names: str) -> np.random.Generator:
    """The random generator of one series."""
    return np.random.default_rng([SEED, zlib.crc32("|".join(names).encode())])


def blank_rows(frequency: str) -> list[dict]:
    """One empty row per period of the sample range."""
    return [dict.fromkeys(ROW) | {"period": p.id, "fy": p.fy} for p in periods(frequency)]


def _drivers(profile, per, frequency):
    """(years since April 2016, seasonal wave, pandemic shape) of one period."""
    t = per.mid / 12
    wave = 0.0
    if frequency != "year":
        month = calendar_month(round(per.mid))[1]
        wave = math.cos(2 * math.pi * (month - profile.peak) / 12)
    return t, wave, covid_shape(per.mid, profile.persist)


def _percent(profile, a, offset, t, wave, shape, per, rng) -> float:
    """A percentage level (0-100) for one period, with noise."""
    level = profile.level[a] + offset + profile.trend * t + profile.season * wave
    level += profile.covid * shape + rng.normal(0, profile.sd)
    if profile.quarter_share:
        level *= per.months_elapsed / 12
    return level


def _denominator(profile, a, share, t, shape, per, rng) -> int:
    base = profile.den[a] * share
    if profile.den_mode == "fy":
        return max(1, round(base * (1 + profile.den_trend) ** per.fy))
    grown = base * (1 + profile.den_trend) ** t
    if profile.den_mode == "stock":
        return max(1, round(grown * (1 + rng.normal(0, 0.004))))
    return max(1, int(rng.poisson(grown * (1 - profile.den_covid * shape))))


def _anchored(anchors: dict, frequency: str, index: int) -> float | None:
    """Straight-line value between anchor periods (None before the first anchor)."""
    ids = [p.id for p in periods(frequency)]
    points = sorted((ids.index(k), v) for k, v in anchors.items())
    if index < points[0][0]:
        return None
    for (i0, v0), (i1, v1) in zip(points, points[1:], strict=False):  # neighbouring pairs
        if index <= i1:
            return v0 + (v1 - v0) * (index - i0) / (i1 - i0)
    return points[-1][1]


def simulate(profile, indicator: dict, area: str, breakdown=None, linked=None) -> list[dict]:
    """The series of `profile` for one area (and breakdown), before pins and gaps.

    `indicator` is the catalogue row; `linked` maps a field to a list of per-period numbers
    taken from another indicator.
    """
    frequency, unit = indicator["frequency"], indicator["unit"]
    decimals = int(indicator["decimals"])
    a = list(profile.areas).index(area) if not profile.joint else 0
    name, share, offset = breakdown[:3] if breakdown else ("", 1.0, None)
    rng = rng_for(profile.id, area if not profile.joint else "joint", name)
    linked = linked or {}
    rows = blank_rows(frequency)
    ppy = 12 // MONTHS_PER[frequency]
    stock = profile.level[a] * share * (offset or 1.0)
    flows = 0
    for i, (row, per) in enumerate(zip(rows, periods(frequency), strict=True)):
        t, wave, shape = _drivers(profile, per, frequency)
        if "value" in linked:
            row["value"] = linked["value"][i]
        elif profile.kind == "count":
            mean = profile.level[a] * share * (offset or 1.0) * (1 + profile.trend) ** t
            mean *= (1 + profile.season * wave) * max(0.0, 1 - profile.covid * shape)
            mean *= math.exp(rng.normal(0, profile.sd) - profile.sd**2 / 2)
            row["value"] = max(profile.min_value, int(rng.poisson(max(mean, 0.0))))
        elif profile.kind == "stock":
            stock *= (1 + profile.trend) ** (1 / ppy)
            stock += rng.normal(0, profile.sd * profile.level[a] * share)
            value = max(0, round(stock))
            previous = rows[i - 1]["value"] if i else 0
            row["value"] = max(value, previous) if profile.monotone else value
        elif profile.kind == "pct":
            if profile.anchors:
                base = _anchored(profile.anchors[area], frequency, i)
                level = None if base is None else base + rng.normal(0, profile.sd)
            else:
                level = _percent(profile, a, offset or 0.0, t, wave, shape, per, rng)
            if level is not None:
                level = min(profile.hi, max(profile.lo, level))
                row["value"] = round_half_up(level, decimals)
        elif profile.kind == "prop":
            p = min(0.999, max(0.001, _percent(profile, a, offset or 0.0, t, wave, shape, per,
                                               rng) / 100))  # fmt: skip
            if "numerator" in linked:
                n = linked["numerator"][i]
                d = max(n, 1, round(n / p))
            else:
                if "denominator" in linked:
                    d = linked["denominator"][i]
                else:
                    d = _denominator(profile, a, share, t, shape, per, rng)
                n = int(rng.binomial(d, p)) if d else 0
            row["numerator"], row["denominator"] = n, d
        elif profile.kind == "rate":
            d = round(profile.den[a] * (1 + profile.den_trend) ** per.fy)
            mean = profile.level[a] * d / 100_000 / ppy * (1 + profile.trend) ** t
            mean *= (1 + profile.season * wave) * max(0.0, 1 - profile.covid * shape)
            flow = int(rng.poisson(mean))
            flows = flow + (flows if profile.ytd and i and per.fy == rows[i - 1]["fy"] else 0)
            row["numerator"], row["denominator"] = flows, d
    refresh_values(rows, unit, decimals)
    return rows


def refresh_values(rows: list[dict], unit: str, decimals: int, keep=()) -> None:
    """Recompute each value from its numerator and denominator (except periods in `keep`)."""
    for row in rows:
        if row["period"] in keep or row["denominator"] in (None, 0):
            continue
        if row["numerator"] is not None:
            row["value"] = ratio_value(row["numerator"], row["denominator"], unit, decimals)


def fill_targets(profile, rows: list[dict], area: str, t_share: float = 1.0) -> None:
    """Set each row's target from the profile (a "prev_year" target is last year's total)."""
    spec = (profile.targets or {}).get(area)
    if spec is None:
        return
    for fy in range(7):
        if spec == "prev_year":
            if fy == 0:
                target = profile.first_target[list(profile.areas).index(area)] * t_share
            else:
                target = sum(r["value"] or 0 for r in rows if r["fy"] == fy - 1)
        else:
            target = (spec[fy] if isinstance(spec, list) else spec) * t_share
        for row in rows:
            if row["fy"] == fy:
                row["target"] = round(target) if t_share != 1 else target


def fill_comparators(profile, rows: list[dict], area: str, decimals: int, frequency: str):
    """England and statistical neighbour means, one pair per financial year (headline only)."""
    if frequency == "month" or not (profile.eng or profile.sn):
        return
    a = list(AREAS_ORDER).index(area)
    rng = rng_for(profile.id, area, "comparators")
    national = rng_for(profile.id, "england")
    for fy in range(7):
        shape = covid_shape(12 * fy + 6, profile.persist)
        fixed = profile.comp.get(fy_id(fy), {})
        values = {}
        for key, level in (("eng", profile.eng and profile.eng[0]),
                           ("sn", profile.sn and profile.sn[a])):  # fmt: skip
            if level is None:
                continue
            change = profile.eng[1] if profile.eng else 0.0
            value = level + change * fy
            effect = 0.3 * profile.covid if profile.comp_covid is None else profile.comp_covid
            if profile.kind == "rate":
                value *= 1 - effect * shape
            else:
                value += effect * shape
            noise = (national if key == "eng" else rng).normal(0, 0.01 * abs(level))
            values[key] = round_half_up(value + noise, decimals)
        if "eng" in fixed:
            values["eng"] = fixed["eng"]
        if area in fixed.get("sn", {}):
            values["sn"] = fixed["sn"][area]
        for row in rows:
            if row["fy"] == fy:
                row["england_mean"] = values.get("eng")
                row["stat_neighbour_mean"] = values.get("sn")
                row["comparator_period"] = fixed.get("period")


AREAS_ORDER = ("cambridgeshire", "peterborough")
