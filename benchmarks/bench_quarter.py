"""Benchmark: the sample quarter run the plain way, the scripted way and with `phreport run`,
then the daily loop (re-runs after no change, one changed figure, one edited narrative).

The plain way is what one would script without phreport: for each area and service, in turn,
the papermill command line executes the notebook and `jupyter nbconvert --to html` exports it
(each a new process; each writes into a temporary folder). The scripted way is what an
experienced user would write instead: papermill's Python API in a pool of as many processes as
cores, each exporting with nbconvert in-process. Then `phreport run` does the whole quarter
cold. All work on the same temporary copy of the project. The script prints the times; the
floor (the sum of the notebooks' cell execution times, leaving out the parameter cells and the
cells that import, divided by the cores) and how close the cold run came to it; then three
re-runs of the same project: unchanged, after one provider figure changed for one service and
area, and after one narrative was edited, each with the notebooks it executed. The last line
is `ratio: N.NN` (plain time divided by phreport's cold time).

    .venv/bin/python benchmarks/bench_quarter.py [--quarter 2022-23-Q3] [--workers N] [--quick]

`--quick` does the same on a smaller copy (one area, three services, the changed figure's
among them) to check the benchmark itself in a few minutes; its figures are not the quarter's.

It is not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import csv
import json
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
TARGET_RATIO, TARGET_OVERHEAD, TARGET_SCRIPTED = 6.0, 1.15, 1.5
TARGET_UNCHANGED, TARGET_UNCHANGED_SECONDS, TARGET_ONE_CHANGE_SECONDS = 10.0, 3.0, 5.0
CHANGED = ("ss_quitters_total", "cambridgeshire")  # one provider figure, one service and area


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


def _scripted_job(task: tuple) -> bool:
    """One notebook the scripted way: papermill's Python API, then nbconvert in-process."""
    import papermill
    from nbconvert import HTMLExporter

    source, executed, parameters, cwd = task
    try:
        nb = papermill.execute_notebook(source, executed, parameters=parameters, cwd=cwd,
                                        progress_bar=False)  # fmt: skip
        body, _ = HTMLExporter().from_notebook_node(nb)
        Path(executed).with_suffix(".html").write_text(body, encoding="utf-8")
        return True
    except Exception:
        return False


def scripted_pool(project: Path, quarter: str, scratch: Path, cores: int) -> tuple[float, int]:
    """Every notebook through papermill's Python API in a pool of `cores` processes."""
    from concurrent.futures import ProcessPoolExecutor

    data, jobs = quarter_plan(project, quarter)
    tasks = []
    for area, service, number in jobs:
        (scratch / area).mkdir(parents=True, exist_ok=True)
        tasks.append((str(project / "notebooks" / f"{service}.ipynb"),
                      str(scratch / area / f"{service}.ipynb"),
                      notebook_parameters(project, data, quarter, area, number),
                      str(project / "notebooks")))  # fmt: skip
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=cores) as pool:
        done = list(pool.map(_scripted_job, tasks))
    return time.perf_counter() - started, done.count(False)


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


def is_setup(cell) -> bool:
    """A parameters cell or a cell that imports (the floor leaves them out)."""
    tags = cell.get("metadata", {}).get("tags", [])
    if "parameters" in tags or "injected-parameters" in tags:
        return True
    lines = cell.get("source", "").splitlines()
    return any(line.startswith(("import ", "from ")) and " import " in f" {line}"
               for line in lines)  # fmt: skip


def cell_seconds(outputs: Path, floor: bool = False) -> float:
    """The sum of every executed notebook's cell execution times (papermill's durations);
    with `floor`, without parameter and import cells."""
    total = 0.0
    for path in sorted(outputs.glob("*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if floor and is_setup(cell):
                continue
            duration = cell.get("metadata", {}).get("papermill", {}).get("duration")
            total += duration if isinstance(duration, (int, float)) else 0.0
    return total


def executed_count(project: Path, quarter: str) -> int:
    """How many notebooks the last run executed (from its manifest)."""
    data = json.loads((project / "outputs" / quarter / "manifest.json").read_text())
    return sum(bool(n.get("executed")) for n in data["notebooks"])


def change_one_figure(project: Path) -> None:
    """Add one to the latest value of one indicator for one area (one provider return)."""
    path = project / "data" / "observations.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    mine = [r for r in rows if (r["indicator_id"], r["area"]) == CHANGED and r["value"]
            and not r["breakdown"]]  # fmt: skip
    row = max(mine, key=lambda r: r["period"])
    row["value"] = f"{float(row['value']) + 1:g}"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def edit_narrative(project: Path, quarter: str) -> str:
    """Write a new commentary for the changed section; returns the text."""
    from phlib.narratives.store import NarrativeDoc, Section, load, save, store_path

    area, service = CHANGED[1], "stop_smoking"
    path = store_path(project / "narratives", quarter, area, service)
    doc = load(path) if path.is_file() else NarrativeDoc(quarter, area, service)
    text = "Quitters rose after the January campaign (benchmark edit)."
    sections = {**doc.sections, "summary": Section("summary", text)}
    save(NarrativeDoc(quarter, area, service, sections), path)
    return text


def daily_loop(project: Path, quarter: str, workers: int, cold: float) -> None:
    """The re-runs an analyst makes during the day, timed, with what each executed."""
    again, _ = phreport_run(project, quarter, workers)
    ran = executed_count(project, quarter)
    met = cold / again >= TARGET_UNCHANGED and again < TARGET_UNCHANGED_SECONDS
    print(
        f"unchanged re-run: {again:.1f} s, {ran} executed; {cold / again:.1f}x faster than "
        f"cold (target at least {TARGET_UNCHANGED:.0f}x and under "
        f"{TARGET_UNCHANGED_SECONDS:.0f} s: {'met' if met else 'not met'})"
    )
    change_one_figure(project)
    one, _ = phreport_run(project, quarter, workers)
    ran = executed_count(project, quarter)
    print(f"one provider figure changed ({'/'.join(CHANGED)}): {one:.1f} s, {ran} executed "
          f"(target one notebook, under {TARGET_ONE_CHANGE_SECONDS:.0f} s: "
          f"{'met' if ran == 1 and one < TARGET_ONE_CHANGE_SECONDS else 'not met'})")  # fmt: skip
    text = edit_narrative(project, quarter)
    edited, _ = phreport_run(project, quarter, workers)
    ran = executed_count(project, quarter)
    page = project / "outputs" / quarter / CHANGED[1] / "stop_smoking.html"
    shown = text in page.read_text(encoding="utf-8")
    print(f"narrative edited: {edited:.1f} s, {ran} executed, HTML refreshed: "
          f"{'yes' if shown else 'no'} (target nothing executed, HTML refreshed: "
          f"{'met' if ran == 0 and shown else 'not met'})")  # fmt: skip


def make_quick(project: Path, quarter: str) -> None:
    """Cut the copy's parameter file to one area and three services, keeping the changed
    figure's area and service (for `--quick`)."""
    path = project / "parameters" / f"{quarter}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["areas"] = [CHANGED[1]]
    data["services"] = list(dict.fromkeys([*data["services"][:2], "stop_smoking"]))
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quarter", default="2022-23-Q3")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--quick", action="store_true", help="one area and three services (checks the script)"
    )
    args = parser.parse_args(argv)
    cores = os.cpu_count() or 1
    scratch = Path(tempfile.mkdtemp(prefix="bench-quarter-"))
    try:
        project = scratch / "project"
        for name in COPIED:
            shutil.copytree(ROOT / name, project / name)
        if args.quick:
            make_quick(project, args.quarter)
            print("quick: one area and three services; not the quarter's figures")
        _, jobs = quarter_plan(project, args.quarter)
        print(f"{len(jobs)} notebooks of {args.quarter} on {cores} cores", flush=True)
        plain, failures = plain_loop(project, args.quarter, scratch / "plain")
        print(f"plain loop (papermill CLI + jupyter nbconvert, sequential): {plain:.1f} s"
              + (f" ({failures} failed)" if failures else ""), flush=True)  # fmt: skip
        scripted, failures = scripted_pool(project, args.quarter, scratch / "scripted", cores)
        print(
            f"scripted (papermill API in a pool of {cores} processes, nbconvert in-process): "
            f"{scripted:.1f} s" + (f" ({failures} failed)" if failures else ""),
            flush=True,
        )
        fast, code = phreport_run(project, args.quarter, args.workers)
        print(f"phreport run --workers {args.workers} (cold): {fast:.1f} s (exit code {code})")
        print(f"scripted / phreport: {scripted / fast:.2f} (target at least {TARGET_SCRIPTED}: "
              f"{'met' if scripted / fast >= TARGET_SCRIPTED else 'not met'})")  # fmt: skip
        outputs = project / "outputs" / args.quarter
        cells, work = cell_seconds(outputs), cell_seconds(outputs, floor=True)
        ideal = work / cores
        print(f"sum of cell execution times: {cells:.1f} s; without parameter and import cells "
              f"{work:.1f} s; / {cores} cores = floor {ideal:.1f} s")  # fmt: skip
        within = fast <= TARGET_OVERHEAD * ideal
        print(f"phreport within {TARGET_OVERHEAD}x of the floor: {'yes' if within else 'no'} "
              f"({fast / ideal:.2f}x)")  # fmt: skip
        print(
            f"for comparison, counting the import cells (which open each Workbook): "
            f"{cells / cores:.1f} s, phreport cold {fast / (cells / cores):.2f}x of it"
        )
        daily_loop(project, args.quarter, args.workers, fast)
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
