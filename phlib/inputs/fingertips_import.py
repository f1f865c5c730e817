"""Turning a Fingertips export into tidy observations (`phreport import fingertips`).

`map_export` takes the export as `phlib.inputs.fingertips.read_fingertips` reads it and the
catalogue, and returns an `Import`: the tidy rows and what was mapped, left out and why.

- Indicators map through the catalogue's `fingertips_id`. The headline series is the
  catalogue's `fingertips_sex` and `fingertips_age`, by default `Persons` and the all-ages
  series (`All ages`, else the only age, else the age with most rows); other sexes, ages and
  the area's own categories become breakdowns (`Male`, `Persons, 0-9 yrs`).
- Areas map through `areas.csv`'s `ons_code` (or the name). England's row for the same
  period, sex and age gives `england_mean`; the row of the area's parent (its region) gives
  `region_mean`. Other areas and England's deprivation-decile rows are left out.
- `Count` and `Denominator` become `numerator` and `denominator`; the published 95% and 99.8%
  limits, the comparisons with England and the region and the value note are kept.
- Periods are read as Fingertips writes them (`2019 - 21` is three calendar years) and stored
  under their ids; rows whose period cannot be read are left out and counted.

Rows come out sorted, so importing the same export twice writes the same file.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from phlib.errors import PeriodError
from phlib.inputs.areas import area_lookup
from phlib.rules.period_parsing import parse_period

ENGLAND = "E92000001"
COLUMNS = [
    "indicator_id", "area", "period", "breakdown", "value", "numerator", "denominator",
    "england_mean", "region_mean", "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998",
    "compared_to_england", "compared_to_region", "note",
]  # fmt: skip
_LIMITS = {"lower_ci95": "lower_ci95", "upper_ci95": "upper_ci95",
           "lower_ci99_8": "lower_ci998", "upper_ci99_8": "upper_ci998"}  # fmt: skip


@dataclass
class Import:
    """The tidy rows of one export and the account of what happened to the rest."""

    frame: pd.DataFrame
    mapped: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)  # ready-to-paste catalogue rows
    warnings: list[str] = field(default_factory=list)


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def headline_age(rows: pd.DataFrame, wanted: str = "") -> str:
    """The age of the headline series: `wanted`, else `All ages`, else the only or commonest.

    >>> rows = pd.DataFrame({"age": ["0-9 yrs", "All ages", "0-9 yrs"]})
    >>> rows2 = rows[rows.age != "All ages"]
    >>> headline_age(rows), headline_age(rows, "0-9 yrs"), headline_age(rows2)
    ('All ages', '0-9 yrs', '0-9 yrs')
    """
    if wanted:
        return wanted
    ages = Counter(rows["age"])
    if "All ages" in ages:
        return "All ages"
    return ages.most_common(1)[0][0] if ages else ""


def _headline_sex(rows: pd.DataFrame, wanted: str) -> str:
    sexes = set(rows["sex"])
    if wanted:
        return wanted
    return "Persons" if "Persons" in sexes or len(sexes) != 1 else next(iter(sexes))


def guess_unit(name: str) -> str:
    """The catalogue unit an indicator's name suggests.

    >>> guess_unit("Campylobacter rate/100,000"), guess_unit("Smoking prevalence (%)")
    ('per_100000', 'percent')
    """
    lowered = name.lower()
    if re.search(r"100,?000", lowered):
        return "per_100000"
    if re.search(r"/ ?1,?000|per 1,?000", lowered):
        return "per_1000"
    if "%" in lowered or "percent" in lowered or "proportion" in lowered:
        return "percent"
    return "count"


def catalogue_row(fingertips_id: int, name: str, kinds, header: list[str]) -> str:
    """A catalogue row for an export indicator that has none, in the catalogue's column order."""
    frequency = "quarter" if kinds <= {"quarter", "quarters"} else "year"
    values = {
        "indicator_id": f"ft_{fingertips_id}",
        "title": name,
        "service": "commissioning",
        "unit": guess_unit(name),
        "direction": "none",
        "target_kind": "none",
        "status": "Contextual",
        "frequency": frequency,
        "publication": "public",
        "source": "OHID Fingertips",
        "fingertips_id": str(fingertips_id),
    }
    cells = [values.get(column, "") for column in header]
    return ",".join(f'"{c}"' if any(ch in c for ch in ',"\n') else c for c in cells)


def _period(text: str, cache: dict):
    if text not in cache:
        try:
            cache[text] = parse_period(text, published=True)
        except PeriodError:
            cache[text] = None
    return cache[text]


def map_export(export: pd.DataFrame, catalogue, header: list[str] | None = None) -> Import:
    """Map a read export onto the catalogue and areas (see the module docstring)."""
    header = header or ["indicator_id", "title", "service", "unit", "direction", "target_kind",
                        "frequency", "publication", "source", "fingertips_id"]  # fmt: skip
    indicators = catalogue.indicators
    by_fingertips: dict[str, list[str]] = {}
    for iid, ft in indicators["fingertips_id"].items():
        if ft:
            by_fingertips.setdefault(str(ft), []).append(iid)
    areas = area_lookup(catalogue.areas, catalogue.area_codes)
    result = Import(pd.DataFrame(columns=COLUMNS))
    periods: dict = {}
    records: list[dict] = []
    for ft_id, rows in export.groupby("indicator_id", sort=True):
        name = str(rows["indicator_name"].iloc[0]).strip()
        texts = rows["period"].astype(str)
        read = {t: _period(t, periods) for t in texts.unique()}
        bad = sorted(t for t, p in read.items() if p is None)
        targets = by_fingertips.get(str(int(ft_id)), [])
        if not targets:
            kinds = {p.kind for p in read.values() if p is not None}
            result.unmapped.append(catalogue_row(int(ft_id), name, kinds, header))
            result.left_out.append(f"{ft_id} {name}: {len(rows)} rows, not in the catalogue "
                                   "(a row to paste is printed below)")  # fmt: skip
            continue
        if bad:
            count = int(texts.isin(bad).sum())
            result.left_out.append(f"{ft_id} {name}: {count} rows whose period cannot be read "
                                   f"({', '.join(repr(b) for b in bad[:3])})")  # fmt: skip
        rows = rows[~texts.isin(bad)]
        for iid in targets:
            records += _map_indicator(catalogue.indicator(iid), targets[0] == iid, rows, areas,
                                      read, result, ft_id, name)  # fmt: skip
    frame = pd.DataFrame(records, columns=COLUMNS + ["_start", "_end"])
    frame = frame.sort_values(["indicator_id", "area", "breakdown", "_start", "_end"])
    result.frame = frame[COLUMNS].reset_index(drop=True)
    return result


def _area_key(row, areas: dict) -> str | None:
    """The report's key for an export row's area (by ONS code, else name), or None."""
    code = str(row.area_code).strip().lower()
    return areas.get(code) or areas.get(" ".join(str(row.area_name).split()).lower())


def _map_indicator(indicator, first: bool, rows, areas, read, result, ft_id, name) -> list:
    """The tidy rows of one catalogue indicator from its export rows."""
    sex = _headline_sex(rows, indicator.fingertips_sex)
    own = rows[rows["is_headline"] & (rows["sex"] == sex)]
    age = headline_age(own, indicator.fingertips_age)
    iid = indicator.indicator_id
    if own.empty or age not in set(own["age"]):
        series = f"{sex}, {age or 'any age'}"
        result.warnings.append(f"{iid}: the export has no {series} series; check "
                               "fingertips_sex and fingertips_age in the catalogue")  # fmt: skip
        return []
    comparators: dict[tuple, float] = {}
    for row in rows[rows["is_headline"]].itertuples(index=False):
        comparators[(row.area_code, row.period, row.sex, row.age)] = row.value
    records, others, deciles, kinds = [], Counter(), 0, Counter()
    keys = [_area_key(row, areas) for row in rows.itertuples(index=False)]
    parents = {p for p, k in zip(rows["parent_code"], keys, strict=True) if k}
    for row, key in zip(rows.itertuples(index=False), keys, strict=True):
        if key is None:
            if row.category_type:
                deciles += 1
            elif row.area_code != ENGLAND and row.area_code not in parents:
                others[row.area_type or "other"] += 1
            continue
        headline = row.sex == sex and row.age == age and row.is_headline
        if not headline and not first:
            continue
        parts = [row.sex if row.sex != sex else "", row.age if row.age != age else "",
                 row.category if not row.is_headline else ""]  # fmt: skip
        period = read[str(row.period)]
        kinds[period.kind] += 1
        record = {
            "indicator_id": iid, "area": key, "period": period.id,
            "breakdown": ", ".join(p for p in parts if p) if not headline else "",
            "value": row.value, "numerator": row.count, "denominator": row.denominator,
            "england_mean": comparators.get((ENGLAND, row.period, row.sex, row.age)),
            "region_mean": comparators.get((row.parent_code, row.period, row.sex, row.age))
            if row.parent_code and row.parent_code != ENGLAND else None,
            "compared_to_england": row.compared_to_england,
            "compared_to_region": row.compared_to_region if row.parent_code != ENGLAND else "",
            "note": " ".join(str(row.value_note).split()),
            "_start": period.start, "_end": period.end,
        }  # fmt: skip
        for source, target in _LIMITS.items():
            record[target] = getattr(row, source)
        records.append(record)
    breakdowns = sum(1 for r in records if r["breakdown"])
    shown = ", ".join(sorted({parse_period(r["period"]).label for r in records},
                             key=lambda t: parse_period(t, published=True))[-1:])  # fmt: skip
    result.mapped.append(
        f"{ft_id} {name} -> {iid}: {len(records)} rows ({len(records) - breakdowns} headline "
        f"{sex}, {age}; {breakdowns} breakdowns), latest period {shown or 'none'}"
    )
    if others:
        listed = ", ".join(f"{n} {t}" for t, n in sorted(others.items()))
        result.left_out.append(f"{iid}: rows of areas not in areas.csv ({listed}); England and "
                               "the areas' regions are kept as comparators")  # fmt: skip
    if deciles:
        result.left_out.append(f"{iid}: {deciles} deprivation-decile and other category rows "
                               "of areas outside the report")  # fmt: skip
    frequencies = {parse_period(r["period"]).frequency for r in records}
    if frequencies and indicator.frequency not in frequencies:
        result.warnings.append(
            f"{iid}: the catalogue's frequency is {indicator.frequency!r} but the export's "
            f"periods are {', '.join(sorted(kinds))}: set its frequency to "
            f"{' or '.join(sorted(frequencies))} or the cards will show no data"
        )
    return records


def to_csv(frame: pd.DataFrame) -> str:
    """The tidy rows as CSV text, numbers written the same way every time."""

    def cell(value) -> str:
        if _blank(value) or value is pd.NA:
            return ""
        if isinstance(value, float):
            return f"{value:.12g}"
        text = str(value)
        return f'"{text.replace(chr(34), chr(34) * 2)}"' if re.search(r'[,"\n]', text) else text

    lines = [",".join(COLUMNS)]
    for row in frame[COLUMNS].itertuples(index=False):
        lines.append(",".join(cell(v) for v in row))
    return "\n".join(lines) + "\n"
