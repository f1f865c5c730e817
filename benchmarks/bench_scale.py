"""Benchmark: how a run's cost grows with its size, on the local pool and on a LocalCluster.

Makes a synthetic project with scripts/national.py for each size (20, 100 and 300 notebooks:
2, 10 and 30 areas of 10 services), whose observations file holds exactly those areas, as a
team with more areas has a bigger file (`--same-file`: one project with the largest size's
areas for every size), and runs `phreport run` on it two ways on the same cores: the local
worker pool (`--workers N`) and Dask distributed (`--cluster local:N`). Every run starts
from no outputs. For each it prints:

- notebooks per second;
- the client's own share of the run: the time after the last notebook came back (waiting for
  the scorecard, annexes, index, scorecard.csv, manifest, swap, stopping the workers) and,
  separately, before the first notebook was sent (validation, lock, narratives);
- peak memory per worker (a worker process with its kernels, largest of the workers).

The last line is `growth: N.NN`, the time per notebook at the largest size divided by the
time per notebook at the smallest, the worse of the two ways (the goal: at most 1.10).

    .venv/bin/python benchmarks/bench_scale.py [--workers N] [--sizes 20,100,300] [--same-file]
    .venv/bin/python benchmarks/bench_scale.py --quick     # 2, 4 and 6 notebooks: a check

It is not a test: timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
QUARTER = "2022-23-Q3"
ALL_SERVICES = ("sexual_health", "drugs_alcohol", "lifestyles", "stop_smoking", "health_checks",
                "contraception", "healthy_child", "adult_social_care", "better_care_fund",
                "commissioning")  # fmt: skip
QUICK_SERVICES = ("lifestyles", "health_checks")


def _national():
    spec = importlib.util.spec_from_file_location("national", ROOT / "scripts" / "national.py")
    module = sys.modules.setdefault("national", importlib.util.module_from_spec(spec))
    spec.loader.exec_module(module)
    return module


@dataclass
class Measured:
    way: str
    notebooks: int
    seconds: float
    before: float  # start -> "Running N notebooks" (validation, lock, narratives)
    after: float  # last notebook back -> exit (scorecard wait, annexes, index, manifest)
    peak_mb: float
    exit_code: int

    @property
    def per_notebook(self) -> float:
        return self.seconds / self.notebooks


class MemoryWatch(threading.Thread):
    """Polls the run's worker processes (children of phreport) with their kernels."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self.done.is_set():
            try:
                for worker in root.children():
                    if "resource_tracker" in " ".join(worker.cmdline()):
                        continue
                    tree = [worker, *worker.children(recursive=True)]
                    rss = sum(p.memory_info().rss for p in tree if p.is_running())
                    self.peak = max(self.peak, rss)
            except psutil.Error:
                pass
            self.done.wait(0.5)


def run_once(project: Path, areas: list[str], services, way: str, workers: int) -> Measured:
    shutil.rmtree(project / "outputs", ignore_errors=True)
    extra = (
        ["--workers", str(workers)] if way == "local pool" else ["--cluster", f"local:{workers}"]
    )
    phreport = str(Path(sys.executable).with_name("phreport"))
    command = [phreport, "--project", str(project), "run", QUARTER, "--areas", ",".join(areas),
               "--services", ",".join(services), *extra]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    clock = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, env=env, cwd=project)  # fmt: skip
    watch = MemoryWatch(process.pid)
    watch.start()
    first = last = None
    lines = []
    for line in process.stdout:
        lines.append(line)
        now = time.perf_counter()
        if line.startswith("Running ") and first is None:
            first = now
        if line.startswith("["):
            last = now
    code = process.wait()
    end = time.perf_counter()
    watch.done.set()
    watch.join()
    if code not in (0, 1):
        sys.stdout.write("".join(lines[-30:]))
        raise SystemExit(f"the {way} run exited with {code}")
    for line in lines:
        if line.startswith("FAILED "):
            print(f"  ({way}) {line.strip()}")
    count = len(areas) * len(services)
    return Measured(way, count, end - clock, (first or clock) - clock, end - (last or end),
                    watch.peak / 1e6, code)  # fmt: skip


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--sizes", default="20,100,300", help="notebooks per run")
    parser.add_argument("--quick", action="store_true", help="2, 4, 6 notebooks (a check)")
    parser.add_argument(
        "--same-file", action="store_true", help="one file, with the largest size's areas"
    )
    args = parser.parse_args(argv)
    services = QUICK_SERVICES if args.quick else ALL_SERVICES
    sizes = [2, 4, 6] if args.quick else [int(s) for s in args.sizes.split(",")]
    counts = [max(1, size // len(services)) for size in sizes]
    national = _national()
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as folder:
        results: dict[str, list[Measured]] = {"local pool": [], "LocalCluster": []}
        projects: dict[int, tuple[Path, list]] = {}
        for count in counts:
            made_for = max(counts) if args.same_file else count
            if made_for not in projects:
                project = Path(folder) / f"project-{made_for}"
                made = national.generate(project, made_for, national.SINCE, QUARTER,
                                         list(services))  # fmt: skip
                projects[made_for] = (project, made)
            project, made = projects[made_for]
            data_mb = (project / "data" / "observations.csv").stat().st_size / 1e6
            print(f"{count} of {len(made)} synthetic areas x {len(services)} services, "
                  f"observations {data_mb:.1f} MB; {args.workers} workers; "
                  f"{os.cpu_count()} cores.")  # fmt: skip
            areas = [a.key for a in made[:count]]
            for way in results:
                found = run_once(project, areas, services, way, args.workers)
                results[way].append(found)
                print(
                    f"{way:>12} {found.notebooks:4d} notebooks: {found.seconds:7.1f} s, "
                    f"{found.notebooks / found.seconds:5.2f} notebooks/s, "
                    f"client after the notebooks {found.after:5.1f} s "
                    f"({100 * found.after / found.seconds:4.1f}%), before {found.before:5.1f} s "
                    f"({100 * found.before / found.seconds:4.1f}%), "
                    f"peak memory per worker {found.peak_mb:6.0f} MB, exit {found.exit_code}",
                    flush=True,
                )
    growths = []
    for way, found in results.items():
        growth = found[-1].per_notebook / found[0].per_notebook
        growths.append(growth)
        print(f"growth ({way}): {growth:.2f} (time per notebook at {found[-1].notebooks} / at "
              f"{found[0].notebooks})")  # fmt: skip
    print(f"growth: {max(growths):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
