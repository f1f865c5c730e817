"""Breakdowns of a sample series: headlines summed from districts or clinics, and parts.

A *summed* breakdown (districts, clinics) adds up to the headline: counts are summed, and
percentages are the summed numerator over the summed denominator. A pin on the headline is
met by changing the breakdowns that have no pin of their own. *Parts* share the headline's
denominator and split (or sample) its numerator, as with contract types. A *total* of other
indicators (four-week quitters of all providers) is their sum; a pin on it is met by changing
the parts that have no pin there (`fit_parts`).

>>> rows = {"A": [{"period": "p", "fy": 0, "value": 3, "numerator": None, "denominator": None,
...                "target": 4}],
...         "B": [{"period": "p", "fy": 0, "value": 5, "numerator": None, "denominator": None,
...                "target": 6}]}
>>> [(r["value"], r["target"]) for r in aggregate(rows, "count", 0)]
[(8, 10)]
"""

from __future__ import annotations

import copy

from sample_numbers import distribute, matches, printed_decimals, round_half_up, solve_fraction
from sample_periods import expand
from sample_simulate import rng_for


def aggregate(by_name: dict, unit: str, decimals: int) -> list[dict]:
    """Headline rows made from summed breakdown rows."""
    first = next(iter(by_name.values()))
    headline = []
    for i, template in enumerate(first):
        row = {k: None for k in template} | {"period": template["period"], "fy": template["fy"]}
        cells = [rows[i] for rows in by_name.values()]
        if unit == "count":
            row["value"] = sum(c["value"] for c in cells)
        else:
            row["numerator"] = sum(c["numerator"] for c in cells)
            row["denominator"] = sum(c["denominator"] for c in cells)
            row["value"] = round_half_up(row["numerator"] / row["denominator"] * 100, decimals)
        if all(c["target"] is not None for c in cells):
            row["target"] = sum(c["target"] for c in cells)
        headline.append(row)
    return headline


def _pinned_names(pins: list[dict], field_names, spec: str) -> set:
    return {p["breakdown"] for p in pins if p["field"] in field_names and p["period"] == spec}


def fit_headline(by_name: dict, headline_pins: list, breakdown_pins: list, indicator) -> None:
    """Change unpinned breakdowns so the summed headline shows the pinned headline values."""
    unit, frequency = indicator["unit"], indicator["frequency"]
    decimals = int(indicator["decimals"])
    for pin in headline_pins:
        field = pin["field"]
        if field not in ("value", "value_sum", "sum_pct_of_target"):
            continue
        value = float(pin["value"])
        if field in ("value_sum", "sum_pct_of_target") and unit == "count":
            ordered = expand(pin["period"], frequency)
            ids = set(ordered)
            pinned = _pinned_names(
                breakdown_pins, ("value_sum", "sum_pct_of_target"), pin["period"]
            )
            cells = [r for n, rows in by_name.items() if n not in pinned
                     for r in rows if r["period"] in ids]  # fmt: skip
            fixed = sum(r["value"] for n, rows in by_name.items() if n in pinned
                        for r in rows if r["period"] in ids)  # fmt: skip
            total = value
            if field == "sum_pct_of_target":
                target = sum(next(r for r in rows if r["period"] == ordered[0])["target"]
                             for rows in by_name.values())  # fmt: skip
                total = round(value / 100 * target)
                while not matches(total / target * 100, value, printed_decimals(pin["value"])):
                    total += 1
            shares = distribute(int(total - fixed), [r["value"] for r in cells])
            for r, v in zip(cells, shares, strict=True):
                r["value"] = v
        elif field == "value" and unit == "percent":
            _fit_percent(by_name, pin, breakdown_pins, value, decimals)


def _fit_percent(by_name, pin, breakdown_pins, value, decimals) -> None:
    period = pin["period"]
    cells = {n: next(r for r in rows if r["period"] == period) for n, rows in by_name.items()}
    pinned = _pinned_names(breakdown_pins, ("value",), period)
    big_d = sum(c["denominator"] for c in cells.values())
    if matches(sum(c["numerator"] for c in cells.values()) / big_d * 100, value, decimals):
        return
    free = [n for n in cells if n not in pinned]
    if free:
        wanted = solve_fraction(value, big_d, 100, decimals, fixed_d=True)[0]
        delta = wanted - sum(c["numerator"] for c in cells.values())
        sign = 1 if delta >= 0 else -1
        shares = distribute(abs(delta), [cells[n]["denominator"] for n in free])
        for n, share in zip(free, shares, strict=True):
            c = cells[n]
            c["numerator"] = min(c["denominator"], max(0, c["numerator"] + sign * share))
            c["value"] = round_half_up(c["numerator"] / c["denominator"] * 100, decimals)
        return
    printed = {n: float(p["value"]) for p in breakdown_pins for n in [p["breakdown"]]
               if p["period"] == period and p["field"] == "value"}  # fmt: skip
    rng = rng_for(pin["indicator_id"], pin["area"], "fit", period)
    base = {n: c["denominator"] for n, c in cells.items()}
    for trial in range(20_000):
        ds = {n: d + (int(rng.integers(-d // 12, d // 12 + 1)) if trial else 0)
              for n, d in base.items()}  # fmt: skip
        try:
            ns = {n: solve_fraction(printed[n], ds[n], 100, decimals, fixed_d=True)[0] for n in ds}
        except ValueError:
            continue
        if round_half_up(sum(ns.values()) / sum(ds.values()) * 100, decimals) == value:
            for n, c in cells.items():
                c["numerator"], c["denominator"] = ns[n], ds[n]
                c["value"] = round_half_up(ns[n] / ds[n] * 100, decimals)
            return
    raise ValueError(f"cannot make the breakdowns at {period} add up to {value}")


def derive_parts(headline: list, parts: list, profile, area: str, decimals: int) -> dict:
    """Breakdown rows sharing the headline's denominators and splitting its numerator."""
    rng = rng_for(profile.id, area, "parts")
    partition = abs(sum(p[1] for p in parts) - 1) < 1e-6
    by_name = {name: [] for name, *_ in parts}
    for row in headline:
        left = row["numerator"]
        for k, (name, share, *_) in enumerate(parts):
            cell = copy.deepcopy(row) | {
                "target": None,
                "stat_neighbour_mean": None,
                "england_mean": None,
                "comparator_period": None,
            }
            if partition and k == len(parts) - 1:
                n = left
            elif partition:
                n = int(rng.binomial(left, min(1.0, share / sum(p[1] for p in parts[k:]))))
            else:
                n = int(rng.binomial(row["numerator"], share))
            left -= n
            cell["numerator"] = n
            cell["value"] = round_half_up(n / row["denominator"] * 100, decimals)
            by_name[name].append(cell)
    return by_name


def fit_parts(total: list, parts: dict, fixed: dict) -> None:
    """Change the parts (series of other indicators) so they add up to a pinned `total`.

    `parts` maps an indicator id to its rows, `fixed` an indicator id to the periods its own
    pins hold. In each period where the total differs from the sum of its parts, the
    difference is shared among the parts not pinned there, in proportion to their values.
    """
    for i, row in enumerate(total):
        cells = {name: rows[i] for name, rows in parts.items()}
        if row["value"] is None or any(c["value"] is None for c in cells.values()):
            continue
        delta = int(row["value"]) - sum(c["value"] for c in cells.values())
        if not delta:
            continue
        free = [c for name, c in cells.items() if row["period"] not in fixed.get(name, ())]
        room = sum(c["value"] for c in free)
        if not free or room + delta < 0:
            raise ValueError(f"the pinned total at {row['period']} ({row['value']}) cannot be "
                             f"reached by changing its unpinned parts")  # fmt: skip
        shares = distribute(room + delta, [c["value"] for c in free])
        for c, v in zip(free, shares, strict=True):
            c["value"] = v
