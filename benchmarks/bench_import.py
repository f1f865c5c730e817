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


def build(path: Path, indicators: int, areas: int) -> int:
    rows = []
    codes = [("E10000003", "Cambridgeshire"), ("E06000031", "Peterborough")]
    codes += [(f"E06{n:06d}", f"Area {n}") for n in range(100, 100 + areas - 2)]
    for ft in range(90001, 90001 + indicators):
        for year in range(2012, 2022):
            for age in ("All ages", "0-9 yrs", "65+ yrs"):
                rows.append(
                    [
                        ft,
                        "Rate/100,000\n",
                        "",
                        "",
                        "E92000001",
                        "England",
                        "Country",
                        "Persons",
                        age,
                        "",
                        "",
                        year,
                        50.0,
                        49.5,
                        50.5,
                        "",
                        "",
                        28000,
                        56000000,
                        "",
                        "",
                        "Not compared",
                        "Not compared",
                        f"{year}0000",
                        "",
                        "",
                    ]
                )
                for region in range(9):
                    rows.append(
                        [
                            ft,
                            "Rate/100,000\n",
                            "E92000001",
                            "England",
                            f"E1200000{region + 1}",
                            f"Region {region}",
                            "Region",
                            "Persons",
                            age,
                            "",
                            "",
                            year,
                            48.0,
                            "",
                            "",
                            "",
                            "",
                            3000,
                            6200000,
                            "",
                            "",
                            "Not compared",
                            "Not compared",
                            f"{year}0000",
                            "",
                            "",
                        ]
                    )
                for code, name in codes:
                    rows.append(
                        [
                            ft,
                            "Rate/100,000\n",
                            "E12000006",
                            "East of England region",
                            code,
                            name,
                            "County & UA",
                            "Persons",
                            age,
                            "",
                            "",
                            year,
                            61.5,
                            51.0,
                            73.5,
                            "",
                            "",
                            124,
                            201600,
                            "",
                            "",
                            "Worse",
                            "Similar",
                            f"{year}0000",
                            "",
                            "",
                        ]
                    )
                for decile in range(10):
                    rows.append(
                        [
                            ft,
                            "Rate/100,000\n",
                            "",
                            "",
                            "E92000001",
                            "England",
                            "Country",
                            "Persons",
                            age,
                            "Deprivation deciles",
                            f"Decile {decile}",
                            year,
                            41.2,
                            "",
                            "",
                            "",
                            "",
                            2100,
                            5100000,
                            "",
                            "",
                            "Not compared",
                            "Not compared",
                            f"{year}0000",
                            "",
                            "",
                        ]
                    )
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
