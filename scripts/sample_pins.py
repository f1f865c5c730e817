"""Pinning printed reference values into a sample series.

`data/pinned_reference_values.csv` lists every figure taken from the reference reports: one
row per indicator, area, breakdown, period and field. Single fields (`value`, `numerator`,
`denominator`, `target`, comparators, `note`) sit at one period; aggregate fields hold over a
span given as a financial year (`2017-18`) or `first:last`:

* `value_sum`, `value_mean`, `numerator_sum`, `denominator_sum`: the total or mean;
* `ratio`: total numerator / total denominator x 100;
* `sum_pct_of_target`: total value / the year's target x 100;
* `pro_rata_target`: (single period) the target x months elapsed / 12.

The generator changes the simulated figures as little as it can so that every pin holds,
keeping numerators, denominators and values consistent.

>>> sorted(SPANS)[:2], "note" in COMPARATORS
(['denominator_sum', 'numerator_sum'], True)
"""

from __future__ import annotations

import csv
from collections import defaultdict

from sample_numbers import (
    MULTIPLIER,
    distribute,
    matches,
    printed_decimals,
    ratio_value,
    solve_fraction,
)
from sample_periods import expand, fy_id
from sample_simulate import fill_targets, refresh_values

PIN_COLUMNS = ("indicator_id", "area", "breakdown", "period", "field", "value", "basis",
               "source", "note")  # fmt: skip
SINGLE = ("value", "numerator", "denominator", "target", "stat_neighbour_mean", "england_mean",
          "comparator_period", "note", "pro_rata_target")  # fmt: skip
SPANS = ("value_sum", "value_mean", "numerator_sum", "denominator_sum", "ratio",
         "sum_pct_of_target")  # fmt: skip
COMPARATORS = {"stat_neighbour_mean", "england_mean", "comparator_period", "note"}


def read_pins(path) -> list[dict]:
    """The pins file as a list of row dicts."""
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


class Pinner:
    """Applies the pins of one series (one indicator, area and breakdown)."""

    def __init__(self, rows, indicator, profile, linked_sources=None):
        self.rows = {r["period"]: r for r in rows}
        self.order = [r["period"] for r in rows]
        self.unit, self.decimals = indicator["unit"], int(indicator["decimals"])
        self.frequency = indicator["frequency"]
        self.default_target = indicator["target_value"]
        self.profile = profile
        self.sources = linked_sources or {}  # field -> (rows by period, field, frozen periods)
        self.frozen: set[str] = set()
        self.keep: set[str] = set()

    @property
    def has_fraction(self) -> bool:
        return self.profile.kind in ("prop", "rate")

    def fixed_d(self) -> bool:
        return self.profile.kind == "rate" or self.profile.den_mode == "fy"

    def apply(self, pins: list[dict]) -> None:
        singles = defaultdict(dict)
        for pin in pins:
            if pin["field"] in SINGLE:
                singles[pin["period"]][pin["field"]] = pin["value"]
        for period, fields in singles.items():
            self._single(period, fields)
        self._year_groups(singles)
        spans = [p for p in pins if p["field"] in SPANS]
        spans.sort(
            key=lambda p: (len(expand(p["period"], self.frequency)), SPANS.index(p["field"]))
        )
        for pin in spans:
            self._span(pin)
            if (self.profile.targets or {}).get(pin["area"]) == "prev_year":
                fill_targets(self.profile, list(self.rows.values()), pin["area"])
        self._tidy()

    def _single(self, period, fields) -> None:
        row = self.rows[period]
        for name in COMPARATORS & fields.keys():
            text = fields[name]
            row[name] = text if name in ("comparator_period", "note") else float(text)
        if "target" in fields:
            target = float(fields["target"])
            if not (target == self.default_target and row["target"] is None):
                for other in self.rows.values():
                    if other["fy"] == row["fy"]:
                        other["target"] = int(target) if target.is_integer() else target
        numeric = {
            k: float(v) for k, v in fields.items() if k in ("value", "numerator", "denominator")
        }
        if not numeric:
            return
        self.frozen.add(period)
        if not self.has_fraction:
            row["value"] = numeric["value"] if self.profile.kind == "pct" else int(numeric["value"])
            return
        n, d = numeric.get("numerator"), numeric.get("denominator")
        if n is not None:
            row["numerator"] = int(n)
        if d is not None:
            row["denominator"] = int(d)
        if "value" not in numeric:
            if d is not None and n is None:
                row["numerator"] = min(row["denominator"], row["numerator"])
            return
        value = numeric["value"]
        mult = MULTIPLIER[self.unit]
        if n is not None and d is not None:
            row["value"] = value
            self.keep.add(period)
        elif n is not None:
            row["numerator"], row["denominator"] = solve_fraction(
                value,
                max(int(n), round(n * mult / max(value, 1e-9))),
                mult,
                self.decimals,
                numerator=int(n),
            )
        elif self.fixed_d() and d is None:
            return  # solved with the rest of its financial year in _year_groups
        elif d is not None or "denominator" in self.sources:
            self._solve_fixed_denominator(row, value, mult)
        else:
            row["numerator"], row["denominator"] = solve_fraction(
                value, row["denominator"], mult, self.decimals
            )

    def _solve_fixed_denominator(self, row, value, mult) -> None:
        source = self.sources.get("denominator")
        d0 = row["denominator"]
        for step in range(0, 41):
            for d in [d0 + step, d0 - step] if step else [d0]:
                if step and (source is None or row["period"] in source[2] or d < 1):
                    continue
                try:
                    n, d = solve_fraction(value, d, mult, self.decimals, fixed_d=True)
                except ValueError:
                    continue
                row["numerator"], row["denominator"] = n, d
                if step:
                    source[0][row["period"]][source[1]] = d
                return
        raise ValueError(f"cannot pin {value} at {row['period']} with a fixed denominator")

    def _year_groups(self, singles) -> None:
        """Denominators fixed within a year (populations, contracts sent out)."""
        if not (self.has_fraction and self.fixed_d()):
            return
        mult = MULTIPLIER[self.unit]
        for fy in sorted({self.rows[p]["fy"] for p in singles}):
            year = [r for r in self.rows.values() if r["fy"] == fy]
            pinned = {p: f for p, f in singles.items() if self.rows[p]["fy"] == fy}
            given = [float(f["denominator"]) for f in pinned.values() if "denominator" in f]
            wanted = {p: float(f["value"]) for p, f in pinned.items()
                      if "value" in f and "numerator" not in f}  # fmt: skip
            d0 = year[0]["denominator"]
            for step in range(0, 400):
                d = int(given[0]) if given else d0 + (step + 1) // 2 * (-1) ** step
                try:
                    solved = {p: solve_fraction(v, d, mult, self.decimals, fixed_d=True)[0]
                              for p, v in wanted.items()}  # fmt: skip
                    break
                except ValueError:
                    if given:
                        raise
            else:
                raise ValueError(f"no denominator for {fy_id(fy)} gives the pinned values")
            for r in year:
                if r["period"] in solved:
                    r["numerator"] = solved[r["period"]]
                elif r["period"] not in pinned or "numerator" not in pinned[r["period"]]:
                    r["numerator"] = min(d, round(r["numerator"] * d / r["denominator"]))
                r["denominator"] = d

    def _span(self, pin) -> None:
        ids = expand(pin["period"], self.frequency)
        rows = [self.rows[i] for i in ids]
        free = [r for r in rows if r["period"] not in self.frozen]
        value, decimals = float(pin["value"]), printed_decimals(pin["value"])
        field = pin["field"]
        if field in ("value_sum", "value_mean", "sum_pct_of_target"):
            total = self._wanted_total(rows, field, value, decimals)
            if self.profile.kind == "rate":
                self._rate_total(rows, free, total)
            elif total is not None:
                fixed = sum(r["value"] for r in rows if r not in free)
                shares = distribute(int(total - fixed), [r["value"] for r in free])
                for r, v in zip(free, shares, strict=True):
                    r["value"] = v
        elif field in ("numerator_sum", "denominator_sum"):
            key = field.split("_")[0]
            if key in self.sources or key in self.profile.links:
                return  # taken from another indicator: checked, not changed
            fixed = sum(r[key] for r in rows if r not in free)
            shares = distribute(int(value) - fixed, [r[key] for r in free])
            for r, v in zip(free, shares, strict=True):
                r[key] = v
                other = "denominator" if key == "numerator" else "numerator"
                if r["numerator"] > r["denominator"]:
                    if other in self.sources or other in self.profile.links:
                        raise ValueError(f"pinned {field} breaks the linked {other}")
                    r[other] = v
        elif field == "ratio":
            n = sum(r["numerator"] for r in rows)
            d = sum(r["denominator"] for r in rows)
            if matches(n / d * 100, value, decimals):
                return
            target_d = solve_fraction(value, round(n * 100 / value), 100, decimals,
                                      numerator=n)[1]  # fmt: skip
            shares = distribute(target_d, [r["denominator"] for r in rows])
            for r, v in zip(rows, shares, strict=True):
                r["denominator"] = max(v, r["numerator"], 1)
        self.frozen.update(ids)

    def _wanted_total(self, rows, field, value, decimals):
        if field == "value_sum":
            return value
        if field == "value_mean":
            return round(value * len(rows))
        target = rows[0]["target"] if rows[0]["target"] is not None else self.default_target
        current = sum(r["value"] for r in rows)
        if matches(current / target * 100, value, decimals):
            return None
        total = round(value / 100 * target)
        while not matches(total / target * 100, value, decimals):
            total += 1
        return total

    def _rate_total(self, rows, free, total) -> None:
        """Adjust numerators so the rounded rates of `rows` add up to `total`."""
        mult, last, first = MULTIPLIER[self.unit], free[-1], free[0]
        start = first["numerator"]
        for tweak in range(0, 200):
            if first is not last:
                first["numerator"] = max(0, start + (tweak + 1) // 2 * (-1) ** tweak)
            rest = sum(ratio_value(r["numerator"], r["denominator"], self.unit, self.decimals)
                       for r in rows if r is not last)  # fmt: skip
            guess = round((total - rest) * last["denominator"] / mult)
            for n in range(max(0, guess - 3), guess + 4):
                shown = ratio_value(n, last["denominator"], self.unit, self.decimals)
                if matches(rest + shown, total, self.decimals):
                    last["numerator"] = n
                    return
            if first is last:
                break
        raise ValueError("cannot reach the pinned total of rates")

    def _tidy(self) -> None:
        rows = [self.rows[p] for p in self.order]
        if self.profile.ytd:
            for i, r in enumerate(rows):
                if r["period"] in self.frozen:
                    continue
                if i and rows[i - 1]["fy"] == r["fy"]:
                    r["numerator"] = max(r["numerator"], rows[i - 1]["numerator"])
                later = [x["numerator"] for x in rows[i + 1 :] if x["fy"] == r["fy"]
                         and x["period"] in self.frozen]  # fmt: skip
                if later:
                    r["numerator"] = min(r["numerator"], later[0])
        if self.profile.monotone:
            for i, r in enumerate(rows):
                if r["period"] in self.frozen:
                    continue
                if i:
                    r["value"] = max(r["value"], rows[i - 1]["value"])
                later = [x["value"] for x in rows[i + 1 :] if x["period"] in self.frozen]
                if later:
                    r["value"] = min(r["value"], later[0])
        refresh_values(rows, self.unit, self.decimals, keep=self.keep)


def pins_for(pins: list[dict], indicator_id: str, area: str, breakdown: str = "") -> list[dict]:
    """The pins of one series."""
    return [p for p in pins if p["indicator_id"] == indicator_id and p["area"] == area
            and p["breakdown"] == breakdown]  # fmt: skip
