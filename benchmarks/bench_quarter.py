"""Benchmark: the sample quarter run the plain way and with `phreport run`.

The plain way is what one would script without phreport: for each area and service, in turn,
the papermill command line executes the notebook and `jupyter nbconvert --to html` exports it
(each a new process; each writes into a temporary folder). Then `phreport run` does the whole
quarter. Both work on the same temporary copy of the project. The script prints both times,
the sum of the notebooks' cell execution times (from phreport's executed notebooks) divided by
the cores, whether phreport came within 1.3 times that, and last the line `ratio: N.NN` (plain
time divided by phreport time).

    .venv/bin/python benchmarks/bench_quarter.py [--quarter 2022-23-Q3] [--workers N]

It is not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
COPIED = ("notebooks", "parameters", "data", "narratives")
TARGET_RATIO, TARGET_OVERHEAD = 4.0, 1.3


def tool(name: str) -> str:
    """A command installed beside this Python (the project's virtual environment)."""
    found = Path(sys.executable).with_name(name)
    return str(found) if found.is_file() else name


def quarter_plan(project: Path, quarter: str) -> tuple[dict, list[tuple[str, str, int]]]:
    """The quarter's parameter file and its (area, service, section number) jobs."""
    data = yaml.safe_load((project / "parameters" / f"{quarter}.yaml").read_text())
    jobs = [
        (area, service, number)
        for area in data["areas"]
        for number, service in enumerate(data["services"], start=1)
    ]
    return data, jobs


def notebook_parameters(project: Path, data: dict, quarter: str, area: str, number: int) -> dict:
    """The parameters phreport passes, for the papermill command line (absolute paths)."""
    paths = data["data"]["observations"]
    paths = [paths] if isinstance(paths, str) else paths
    suppression = data.get("suppression", {"min": 1, "max": 4})
    return {
        "quarter": quarter,
        "area": area,
        "catalogue_path": str(project / data["data"]["catalogue"]),
        "areas_path": str(project / data["data"]["areas"]),
        "observation_paths": [str(project / p) for p in paths],
        "publication": data.get("publication", "internal"),
        "suppression_min": suppression["min"],
        "suppression_max": suppression["max"],
        "section_number": number,
    }


def plain_loop(project: Path, quarter: str, scratch: Path) -> tuple[float, int]:
    """Run every notebook with the papermill CLI then nbconvert, one after another."""
    data, jobs = quarter_plan(project, quarter)
    failures = 0
    started = time.perf_counter()
    for area, service, number in jobs:
        folder = scratch / area
        folder.mkdir(parents=True, exist_ok=True)
        executed = folder / f"{service}.ipynb"
        params = yaml.safe_dump(notebook_parameters(project, data, quarter, area, number))
        run = subprocess.run(
            [tool("papermill"), str(project / "notebooks" / f"{service}.ipynb"), str(executed),
             "-y", params, "--cwd", str(project / "notebooks"), "--no-progress-bar"],
            capture_output=True, text=True,
        )  # fmt: skip
        export = subprocess.run(
            [tool("jupyter"), "nbconvert", "--to", "html", str(executed), "--output-dir",
             str(folder)],
            capture_output=True, text=True,
        )  # fmt: skip
        failures += run.returncode != 0 or export.returncode != 0
        print(f"  plain {area}/{service}: {'ok' if not run.returncode else 'failed'}", flush=True)
    return time.perf_counter() - started, failures


def phreport_run(project: Path, quarter: str, workers: int) -> tuple[float, int]:
    """Run the quarter with phreport; returns the time and the exit code."""
    started = time.perf_counter()
    done = subprocess.run(
        [tool("phreport"), "run", quarter, "--workers", str(workers), "--project", str(project)],
        capture_output=True, text=True,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
    return seconds, done.returncode


def cell_seconds(outputs: Path) -> float:
    """The sum of every executed notebook's cell execution times (papermill's durations)."""
    total = 0.0
    for path in sorted(outputs.glob("*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            duration = cell.get("metadata", {}).get("papermill", {}).get("duration")
            total += duration if isinstance(duration, (int, float)) else 0.0
    return total


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quarter", default="2022-23-Q3")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    cores = os.cpu_count() or 1
    scratch = Path(tempfile.mkdtemp(prefix="bench-quarter-"))
    try:
        project = scratch / "project"
        for name in COPIED:
            shutil.copytree(ROOT / name, project / name)
        _, jobs = quarter_plan(project, args.quarter)
        print(f"{len(jobs)} notebooks of {args.quarter} on {cores} cores", flush=True)
        plain, failures = plain_loop(project, args.quarter, scratch / "plain")
        print(f"plain loop (papermill CLI + jupyter nbconvert, sequential): {plain:.1f} s"
              + (f" ({failures} failed)" if failures else ""), flush=True)  # fmt: skip
        fast, code = phreport_run(project, args.quarter, args.workers)
        print(f"phreport run --workers {args.workers}: {fast:.1f} s (exit code {code})")
        cells = cell_seconds(project / "outputs" / args.quarter)
        ideal = cells / cores
        print(f"sum of cell execution times: {cells:.1f} s; / {cores} cores = {ideal:.1f} s")
        within = fast <= TARGET_OVERHEAD * ideal
        print(f"phreport within {TARGET_OVERHEAD}x of that: {'yes' if within else 'no'} "
              f"({fast / ideal:.2f}x)")  # fmt: skip
        ratio = plain / fast
        verdict = "met" if ratio >= TARGET_RATIO else "not met"
        print(f"target ratio at least {TARGET_RATIO:.0f}: {verdict}")
        print(f"ratio: {ratio:.2f}")
    finally:
        if args.keep:
            print(f"kept {scratch}", file=sys.stderr)
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
