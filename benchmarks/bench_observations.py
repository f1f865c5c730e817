"""Benchmark: `load_observations` on a project's observations, all rows and one area.

Times the reading and checking of every row (as `phreport run` validates a quarter) and of
one area's rows (as a notebook reads them through `Workbook.open`), each the first time in
this process and the best of `--repeat` further times; then the same with
`row_by_row=True` (every row checked one by one, the reference path) where the installed
phlib has it. Prints the times and `ratio: N.NN` (row by row / column checks, all rows).

    .venv/bin/python benchmarks/bench_observations.py [--data data] [--area peterborough]

Run it with `PYTHONPATH` set to another checkout to time that one. It is not a test:
timings depend on the machine.
"""

from __future__ import annotations

import argparse
import inspect
import statistics
import time
from pathlib import Path

from phlib.inputs.catalogue import load_catalogue
from phlib.inputs.observations import load_observations

ROOT = Path(__file__).resolve().parents[1]


def timed(call, repeat: int) -> tuple[float, float, float]:
    """(first, best, median) of 1 + `repeat` calls, in seconds."""
    times = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times[0], min(times[1:]), statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--area", default="peterborough")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    catalogue = load_catalogue(args.data / "catalogue.csv", args.data / "areas.csv")
    paths = [args.data / "observations.csv"]
    modes = {"load_observations": {}}
    if "row_by_row" in inspect.signature(load_observations).parameters:
        modes["row_by_row=True"] = {"row_by_row": True}
    best = {}
    for mode, options in modes.items():
        for label, areas in (("all rows", None), (f"area {args.area}", [args.area])):
            rows = len(load_observations(paths, catalogue, areas=areas, **options))
            first, best[mode, label], median = timed(
                lambda a=areas, o=options: load_observations(paths, catalogue, areas=a, **o),
                args.repeat,
            )
            print(
                f"{mode:17} {label:22} {rows:7} rows  first {first:6.3f} s  "
                f"best {best[mode, label]:6.3f} s  median {median:6.3f} s"
            )
    if len(modes) > 1:
        for label in ("all rows", f"area {args.area}"):
            ratio = best["row_by_row=True", label] / best["load_observations", label]
            print(f"{label}: row by row / column checks = {ratio:.2f}")
        ratio = best["row_by_row=True", "all rows"] / best["load_observations", "all rows"]
        print(f"ratio: {ratio:.2f}")


if __name__ == "__main__":
    main()
