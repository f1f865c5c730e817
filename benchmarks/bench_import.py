"""Benchmark: `phreport import fingertips` on a large export, against reading the export alone.

Builds an export in Fingertips' documented format (every county and unitary authority,
England, nine regions, deprivation deciles, three ages, ten periods, several indicators),
then times reading it (`read_fingertips`) and the whole import (read, map, check as a run
reads it, write). Prints both times, rows per second and the line `ratio: N.NN` (import time
divided by read time).

    .venv/bin/python benchmarks/bench_import.py [--indicators 8] [--areas 150]

It is not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from phlib.cli import main  # noqa: E402
from phlib.inputs.fingertips import read_fingertips  # noqa: E402

HEADER = [
    "Indicator ID",
    "Indicator Name",
    "Parent Code",
    "Parent Name",
    "Area Code",
    "Area Name",
    "Area Type",
    "Sex",
    "Age",
    "Category Type",
    "Category",
    "Time period",
    "Value",
    "Lower CI 95.0 limit",
    "Upper CI 95.0 limit",
    "Lower CI 99.8 limit",
    "Upper CI 99.8 limit",
    "Count",
    "Denominator",
    "Value note",
    "Recent Trend",
    "Compared to England value or percentiles",
    "Compared to Region value or percentiles",
    "Time period Sortable",
    "New data",
    "Compared to goal",
]


def row(*parts: dict) -> list:
    """One export row from dicts of columns by their published names; the rest blank."""
    given = {"Sex": "Persons"}
    for part in parts:
        given.update(part)
    return [given.get(name, "") for name in HEADER]


NOT_COMPARED = {
    "Compared to England value or percentiles": "Not compared",
    "Compared to Region value or percentiles": "Not compared",
}
ENGLAND = {"Area Code": "E92000001", "Area Name": "England", "Area Type": "Country"}


def build(path: Path, indicators: int, areas: int) -> int:
    rows = []
    codes = [("E10000003", "Cambridgeshire"), ("E06000031", "Peterborough")]
    codes += [(f"E06{n:06d}", f"Area {n}") for n in range(100, 100 + areas - 2)]
    for ft in range(90001, 90001 + indicators):
        for year in range(2012, 2022):
            for age in ("All ages", "0-9 yrs", "65+ yrs"):
                common = {"Indicator ID": ft, "Indicator Name": "Rate/100,000\n", "Age": age,
                          "Time period": year, "Time period Sortable": f"{year}0000"}  # fmt: skip
                rows.append(row(common, ENGLAND, NOT_COMPARED, {
                    "Value": 50.0, "Lower CI 95.0 limit": 49.5, "Upper CI 95.0 limit": 50.5,
                    "Count": 28000, "Denominator": 56000000}))  # fmt: skip
                for region in range(9):
                    rows.append(row(common, NOT_COMPARED, {
                        "Parent Code": "E92000001", "Parent Name": "England",
                        "Area Code": f"E1200000{region + 1}", "Area Name": f"Region {region}",
                        "Area Type": "Region", "Value": 48.0, "Count": 3000,
                        "Denominator": 6200000}))  # fmt: skip
                for code, name in codes:
                    rows.append(row(common, {
                        "Parent Code": "E12000006", "Parent Name": "East of England region",
                        "Area Code": code, "Area Name": name, "Area Type": "County & UA",
                        "Value": 61.5, "Lower CI 95.0 limit": 51.0, "Upper CI 95.0 limit": 73.5,
                        "Count": 124, "Denominator": 201600,
                        "Compared to England value or percentiles": "Worse",
                        "Compared to Region value or percentiles": "Similar"}))  # fmt: skip
                for decile in range(10):
                    rows.append(row(common, ENGLAND, NOT_COMPARED, {
                        "Category Type": "Deprivation deciles", "Category": f"Decile {decile}",
                        "Value": 41.2, "Count": 2100, "Denominator": 5100000}))  # fmt: skip
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
    return len(rows)


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indicators", type=int, default=8)
    parser.add_argument("--areas", type=int, default=150)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "data").mkdir()
        (root / "parameters").mkdir()
        lines = [
            "indicator_id,title,service,unit,direction,target_kind,status,frequency,"
            "publication,fingertips_id"
        ]
        lines += [
            f"ft_{n},Rate {n},commissioning,per_100000,lower,none,Contextual,year,public,{n}"
            for n in range(90001, 90001 + args.indicators)
        ]
        (root / "data" / "catalogue.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (root / "data" / "areas.csv").write_text(
            "area,name,ons_code\ncambridgeshire,Cambridgeshire,E10000003\n"
            "peterborough,Peterborough,E06000031\n",
            encoding="utf-8",
        )
        export = root / "export.csv"
        count = build(export, args.indicators, args.areas)
        started = time.perf_counter()
        read_fingertips(export)
        read = time.perf_counter() - started
        started = time.perf_counter()
        code = main(["import", "fingertips", str(export), "--project", str(root)])
        whole = time.perf_counter() - started
    print(f"export rows: {count}")
    print(f"read only: {read:.2f} s ({count / read:,.0f} rows/s)")
    print(
        f"import (read, map, check, write): {whole:.2f} s ({count / whole:,.0f} rows/s), "
        f"exit {code}"
    )
    print(f"ratio: {whole / read:.2f}")


if __name__ == "__main__":
    main_bench()
