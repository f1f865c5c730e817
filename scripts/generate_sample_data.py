"""Generate the sample observations and the quarters' parameter files.

    python scripts/generate_sample_data.py            # rewrite data/observations.csv, parameters/
    python scripts/generate_sample_data.py --out DIR  # write DIR/data/... and DIR/parameters/...

Reads data/catalogue.csv and data/pinned_reference_values.csv; simulates every indicator of
the catalogue for both areas from April 2016 to March 2023 (recipes in sample_profiles.py,
fixed seed, no network), pins every figure printed in the reference reports, and writes the
tidy observations (schema in docs/ARCHITECTURE.md) and one parameter file per quarter from
2017-18-Q1 to 2022-23-Q4. The same inputs always give the same bytes.
"""

from __future__ import annotations

import argparse
import copy
import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sample_breakdowns import aggregate, derive_parts, fit_headline, fit_parts  # noqa: E402
from sample_periods import expand, periods  # noqa: E402
from sample_pins import COMPARATORS, SPANS, Pinner, pins_for, read_pins  # noqa: E402
from sample_profiles import PROFILES  # noqa: E402
from sample_simulate import fill_comparators, fill_targets, simulate  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OBSERVATION_COLUMNS = ("indicator_id", "area", "period", "breakdown", "value", "numerator",
                       "denominator", "target", "stat_neighbour_mean", "england_mean",
                       "comparator_period", "note")  # fmt: skip
PARAMETER_QUARTERS = [p.id for p in periods("quarter") if p.fy >= 1]
TITLE = "Public Health and Adult Social Care Performance Report"


def read_catalogue(path) -> dict:
    """Catalogue rows by indicator id, in file order, with `target_value` as a float."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row["target_value"] = float(row["target_value"]) if row["target_value"] else None
    return {row["indicator_id"]: row for row in rows}


def _linked(profile, area, series) -> tuple[dict, dict]:
    """Per-period figures taken from other indicators, and their source rows for pinning."""
    linked, sources = {}, {}
    for name, (source_id, source_field) in profile.links.items():
        rows = series[(source_id, area, "")]
        linked[name] = [r[source_field] for r in rows]
        sources[name] = ({r["period"]: r for r in rows}, source_field, set())
        if profile.minus:
            for other in profile.minus:
                minus = series.get((other, area, ""))
                for i, r in enumerate(minus or []):
                    linked[name][i] = max(0, linked[name][i] - (r["value"] or 0))
    if profile.sum_of:
        parts = [series[(part, area, "")] for part in profile.sum_of]  # same periods as the total
        linked["value"] = [
            sum(r["value"] or 0 for r in cells) for cells in zip(*parts, strict=True)
        ]
    return linked, sources


def _pinned_periods(pins, indicator_id, area, frequency) -> set:
    """The periods of one headline series that its own pins hold (single or over a span)."""
    held = set()
    for pin in pins_for(pins, indicator_id, area):
        if pin["field"] in SPANS or pin["field"] in ("value", "numerator", "denominator"):
            held.update(expand(pin["period"], frequency))
    return held


def _fit_parts(profile, area, headline, pins, series, frequency) -> None:
    """Make the parts of a pinned total add up to it again (see `fit_parts`)."""
    parts = {part: series[(part, area, "")] for part in profile.sum_of}
    fixed = {part: _pinned_periods(pins, part, area, frequency) for part in parts}
    fit_parts(headline, parts, fixed)


def _one_area(profile, indicator, area, pins, series) -> None:
    """Build, pin and store the series (headline and breakdowns) of one indicator and area."""
    iid, unit, decimals = profile.id, indicator["unit"], int(indicator["decimals"])
    breakdowns = profile.breakdowns.get(area, [])
    if breakdowns and not profile.parts:
        by_name = {}
        for bd in breakdowns:
            rows = simulate(profile, indicator, area, bd)
            if unit == "count":
                fill_targets(profile, rows, area, bd[3])
            Pinner(rows, indicator, profile).apply(pins_for(pins, iid, area, bd[0]))
            by_name[bd[0]] = rows
        own = pins_for(pins, iid, area)
        bd_pins = [p for p in pins if p["indicator_id"] == iid and p["area"] == area
                   and p["breakdown"]]  # fmt: skip
        fit_headline(by_name, own, bd_pins, indicator)
        headline = aggregate(by_name, unit, decimals)
        if unit != "count":
            fill_targets(profile, headline, area)
        fill_comparators(profile, headline, area, decimals, indicator["frequency"])
        extras = [p for p in own if p["field"] in COMPARATORS | {"target"}]
        Pinner(headline, indicator, profile).apply(extras)
    else:
        linked, sources = _linked(profile, area, series)
        headline = simulate(profile, indicator, area, None, linked)
        fill_targets(profile, headline, area)
        fill_comparators(profile, headline, area, decimals, indicator["frequency"])
        Pinner(headline, indicator, profile, sources).apply(pins_for(pins, iid, area))
        if profile.sum_of:
            _fit_parts(profile, area, headline, pins, series, indicator["frequency"])
        by_name = {}
        if breakdowns:
            by_name = derive_parts(headline, breakdowns, profile, area, decimals)
            for name, rows in by_name.items():
                Pinner(rows, indicator, profile).apply(pins_for(pins, iid, area, name))
    series[(iid, area, "")] = headline
    for name, rows in by_name.items():
        series[(iid, area, name)] = rows


def _gaps_and_notes(profile, indicator, series) -> None:
    for area in profile.areas:
        rows = {r["period"]: r for r in series[(profile.id, area, "")]}
        for spec, note in profile.notes.get(area, {}).items():
            for pid in expand(spec, indicator["frequency"]):
                rows[pid]["note"] = note
        for spec, note in profile.gaps.get(area, {}).items():
            for pid in expand(spec, indicator["frequency"]):
                rows[pid] |= {"value": None, "numerator": None, "denominator": None, "note": note}


def build(catalogue: dict, pins: list[dict]) -> dict:
    """Every series, keyed by (indicator_id, area, breakdown)."""
    missing = set(catalogue) ^ {p.id for p in PROFILES}
    if missing:
        raise ValueError(f"catalogue and profiles disagree on {sorted(missing)}")
    series: dict = {}
    for profile in PROFILES:
        indicator = catalogue[profile.id]
        for area in profile.areas:
            if profile.joint and area != profile.areas[0]:
                rows = copy.deepcopy(series[(profile.id, profile.areas[0], "")])
                Pinner(rows, indicator, profile).apply(pins_for(pins, profile.id, area))
                series[(profile.id, area, "")] = rows
            else:
                _one_area(profile, indicator, area, pins, series)
    for profile in PROFILES:
        _gaps_and_notes(profile, catalogue[profile.id], series)
    return series


def _number(value, decimals: int | None = None) -> str:
    if value is None:
        return ""
    if decimals is not None:
        return f"{float(value):.{decimals}f}"
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:g}"


def observation_rows(catalogue: dict, series: dict) -> list[list[str]]:
    """The observations as text cells, sorted by indicator, area, breakdown and period."""
    out = []
    for (iid, area, breakdown), rows in sorted(series.items()):
        unit, decimals = catalogue[iid]["unit"], int(catalogue[iid]["decimals"])
        shown = 0 if unit == "count" else decimals
        for r in rows:
            out.append([iid, area, r["period"], breakdown, _number(r["value"], shown),
                        _number(r["numerator"]), _number(r["denominator"]), _number(r["target"]),
                        _number(r["stat_neighbour_mean"], decimals),
                        _number(r["england_mean"], decimals), r["comparator_period"] or "",
                        r["note"] or ""])  # fmt: skip
    return out


def parameter_text(quarter: str, services: list[str]) -> str:
    """One quarter's parameter file (format in docs/ARCHITECTURE.md)."""
    return (f"quarter: {quarter}\ntitle: {TITLE}\nareas: [cambridgeshire, peterborough]\n"
            f"services: [{', '.join(services)}]\ndata:\n  catalogue: data/catalogue.csv\n"
            "  areas: data/areas.csv\n  observations: [data/observations.csv]\n"
            "publication: internal\nsuppression: {min: 1, max: 4}\n")  # fmt: skip


def generate(out: Path, root: Path = ROOT) -> None:
    """Write `out`/data/observations.csv and `out`/parameters/*.yaml from `root`'s inputs."""
    catalogue = read_catalogue(root / "data" / "catalogue.csv")
    pins = read_pins(root / "data" / "pinned_reference_values.csv")
    series = build(catalogue, pins)
    (out / "data").mkdir(parents=True, exist_ok=True)
    with open(out / "data" / "observations.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(OBSERVATION_COLUMNS)
        writer.writerows(observation_rows(catalogue, series))
    services = list(dict.fromkeys(row["service"] for row in catalogue.values()))
    (out / "parameters").mkdir(parents=True, exist_ok=True)
    for quarter in PARAMETER_QUARTERS:
        text = parameter_text(quarter, services)
        (out / "parameters" / f"{quarter}.yaml").write_text(text, encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT, help="folder to write into")
    args = parser.parse_args(argv)
    generate(args.out)
    print(f"wrote {args.out / 'data' / 'observations.csv'} and {len(PARAMETER_QUARTERS)} "
          f"parameter files in {args.out / 'parameters'}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
