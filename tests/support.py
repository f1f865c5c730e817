"""Helpers shared by the tests: project copies, toy projects, the `phreport` command line and
kernels started by a test.

The suite runs with `--import-mode=importlib`, so a test folder is not importable by itself;
pytest's `pythonpath = ["tests"]` (pyproject.toml) puts this folder on the import path and any
test imports this module as `import support` (or `from support import ...`). It holds plain
functions and constants; the fixtures that use them live in `tests/conftest.py`.

>>> fingerprint_is_stable = tree_fingerprint(PROJECT / "parameters") == tree_fingerprint(
...     PROJECT / "parameters")
>>> fingerprint_is_stable
True
>>> phreport_command()[-1].endswith(("phreport", "phlib.cli"))
True
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import getpass
import hashlib
import importlib.util
import io
import os
import resource
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from phlib.cli import main
from phlib.rules.period_parsing import parse_period
from phlib.run import kernels
from phlib.workbook import Workbook

PROJECT = Path(__file__).resolve().parents[1]
TESTS = PROJECT / "tests"
CORPUS = TESTS / "bad_inputs"
TOYS = TESTS / "fixtures" / "notebooks"
QUARTER, QUARTER_LABEL = "2022-23-Q3", "Q3 2022/23"
COPIED = ("notebooks", "parameters", "data", "narratives")
RECENT = "2021-04-01"  # the good project keeps observations from here on (quicker checks)
RUN_TIMEOUT = 900


# --- copies of the project ---------------------------------------------------------------------


def copy_inputs(target: Path, trim: bool = False) -> Path:
    """Copy the project's inputs (notebooks, parameters, data, narratives) into `target`;
    with `trim`, only recent observations. Returns `target`."""
    for name in COPIED:
        shutil.copytree(
            PROJECT / name, target / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints")
        )
    if trim:
        keep_recent_observations(target / "data" / "observations.csv")
    return target


def review_sample_narratives(root: Path) -> None:
    """Mark the sample narratives `written`, as an analyst does once they have reviewed them
    (a public build refuses sections whose status is `sample`)."""
    for path in (root / "narratives").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("\nStatus: sample\n", "\nStatus: written\n"), encoding="utf-8")


def copy_project(source: Path, target: Path) -> Path:
    """A copy of a whole project folder (outputs included) for a test that changes it."""
    shutil.copytree(source, target, symlinks=True, ignore=shutil.ignore_patterns(".made"))
    return target


def keep_recent_observations(path: Path) -> None:
    """Drop observations of periods that start before `RECENT` (sample ids sort by date)."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    at = rows[0].index("period")
    kept = [rows[0]] + [r for r in rows[1:] if parse_period(r[at]).start.isoformat() >= RECENT]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(kept)


def tree_fingerprint(root: Path) -> dict[str, str]:
    """Every file (sha256) and folder ('dir') under `root`, by relative path; {} if absent."""
    if not root.exists():
        return {}
    found = {}
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        found[name] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def input_fingerprint(root: Path, skip=("outputs", "narratives")) -> dict[str, str]:
    """sha256 of every file of a project outside the folders in `skip`, by relative path."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.relative_to(root).parts[0] not in skip
    }


# --- small projects whose notebooks are the toy notebooks --------------------------------------


def small_data(folder: Path, services, per_service: int = 3) -> None:
    """The project's areas, and its catalogue and observations cut down to a few indicators
    of `services` (so that checking the inputs takes little time)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT / "data" / "areas.csv", folder / "areas.csv")
    with open(PROJECT / "data" / "catalogue.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    kept = []
    for service in services:
        kept += [r for r in rows if r["service"] == service][:per_service]
    ids = {r["indicator_id"] for r in kept}
    with open(folder / "catalogue.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(kept)
    with open(PROJECT / "data" / "observations.csv", newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, found = reader.fieldnames, [r for r in reader if r["indicator_id"] in ids]
    with open(folder / "observations.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(found)


def toy_project(root: Path, services=("sexual_health", "stop_smoking"), broken=(),
                data_services=None) -> Path:  # fmt: skip
    """A project whose notebooks are the toy notebooks (quick to run), with a little real data:
    `services` run `toy_section.ipynb`, `broken` ones `toy_broken.ipynb`; the data hold a few
    indicators of `data_services` (by default the services of the project)."""
    for name in ("parameters", "notebooks", "narratives"):
        (root / name).mkdir(parents=True)
    small_data(root / "data", data_services or (*services, *broken))
    for service in (*services, *broken):
        toy = "toy_broken.ipynb" if service in broken else "toy_section.ipynb"
        shutil.copy(TOYS / toy, root / "notebooks" / f"{service}.ipynb")
    (root / "parameters" / f"{QUARTER}.yaml").write_text(
        f"quarter: {QUARTER}\nareas: [cambridgeshire, peterborough]\n"
        f"services: [{', '.join((*services, *broken))}]\n"
        "data: {catalogue: data/catalogue.csv, areas: data/areas.csv, "
        "observations: [data/observations.csv]}\n"
    )
    return root


# --- a Workbook on a folder of small inputs ---------------------------------------------------


def open_workbook(inputs: Path, publication="internal", area="north", quarter=QUARTER, **extra):
    """`Workbook.open` for the sexual health section on `inputs/catalogue.csv`, `areas.csv`
    and `observations.csv` (a folder a test file builds), as section 3; `extra` keywords are
    passed on as they are (a test of unknown ones gives them here)."""
    return Workbook.open(
        quarter,
        area,
        "sexual_health",
        catalogue_path=str(inputs / "catalogue.csv"),
        areas_path=str(inputs / "areas.csv"),
        observation_paths=[str(inputs / "observations.csv")],
        publication=publication,
        section_number=3,
        **extra,
    )


# --- the command line --------------------------------------------------------------------------


@dataclass
class Done:
    """A finished phreport command: its exit code, what it printed and how long it took."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    cpu_seconds: float  # user + system time of the command and the processes it waited for

    @property
    def output(self) -> str:
        """Everything the command printed."""
        return self.stdout + self.stderr


def phreport_command() -> list[str]:
    """This virtual environment's `phreport` console script (or `python -m phlib.cli`)."""
    script = Path(sys.executable).with_name("phreport")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "phlib.cli"]


def run_phreport(project: Path, *args: str, accept=(0,), timeout=RUN_TIMEOUT) -> Done:
    """Run `phreport *args` in `project` (its working folder); fail the test unless it exits
    with a code in `accept` (`accept=None` takes any code and leaves the checks to the test)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    clock, cpu = time.perf_counter(), children_cpu()
    done = subprocess.run(
        [*phreport_command(), *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    seconds, cpu = time.perf_counter() - clock, children_cpu() - cpu
    result = Done(args, done.returncode, done.stdout, done.stderr, seconds, cpu)
    if accept is not None and done.returncode not in accept:
        pytest.fail(
            f"`phreport {' '.join(args)}` in {project} exited with {done.returncode} "
            f"(expected {accept})\n--- stdout\n{done.stdout[-4000:]}\n--- stderr\n"
            f"{done.stderr[-4000:]}",
            pytrace=False,
        )
    return result


def children_cpu() -> float:
    """User + system seconds of the child processes this process has waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def phreport_subprocess(*args: str, cwd: Path | None = None, timeout: int = RUN_TIMEOUT):
    """The real console script in a child process (a `subprocess.CompletedProcess`)."""
    return subprocess.run(
        [*phreport_command(), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


def python_run(code: str, **env: str) -> subprocess.CompletedProcess:
    """`code` run in a fresh interpreter with the project on its import path (and `env`
    added to the environment), its output captured as text."""
    environment = {**os.environ, "PYTHONPATH": str(PROJECT), **env}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=environment)  # fmt: skip


def python_output(code: str, **env: str) -> str:
    """What `code` printed (`python_run`); fails the test unless it exits with 0."""
    done = python_run(code, **env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def phreport_in_process(*args: str) -> tuple[int, str]:
    """`phlib.cli.main(args)` in this process: (exit code, what it printed)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue() + err.getvalue()


def root_conftest():
    """The project's root conftest.py as a fresh module (its tables and helpers, for tests
    of the suite itself)."""
    spec = importlib.util.spec_from_file_location("root_conftest", PROJECT / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the good project of the bad-input tests ---------------------------------------------------


def good_project(base_temp: Path) -> Path:
    """A project copy (recent observations only) after a real internal run of one area and
    two services (drugs_alcohol, stop_smoking), made once per session under `base_temp`
    (`tests/conftest.py` gives it as the `good_project` fixture)."""
    root = base_temp / "e2e-good-project"
    done = root / ".made"
    if done.is_file():
        return root
    if root.exists():
        shutil.rmtree(root)
    copy_inputs(root, trim=True)
    clock = time.perf_counter()
    result = phreport_subprocess(
        "run", QUARTER, "--areas", "cambridgeshire", "--services", "drugs_alcohol,stop_smoking",
        "--workers", "1", "--project", str(root),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert (root / "outputs" / QUARTER / "cambridgeshire" / "drugs_alcohol.html").is_file()
    done.write_text(f"{time.perf_counter() - clock:.1f}\n")
    return root


# --- what public pages must not show -----------------------------------------------------------


def private_paths(project: Path) -> list[str]:
    """Local paths no public page may show: the project's, home folders, the environment's."""
    found = {str(project), str(project.resolve()), "/root/", "/home/", str(Path(sys.prefix))}
    return sorted(found)


def user_name() -> str:
    """The login name of whoever runs the tests ('' when unknown)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


def read_cases(path: Path) -> list[dict]:
    """The rows of a corpus manifest (CSV with a header)."""
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --- kernels started by a test ----------------------------------------------------------------


def run_code(km, code: str) -> tuple[int, str]:
    """Execute `code` on the kernel `km`; its execution count and printed text."""

    async def go():
        client = km.client()
        client.start_channels()
        try:
            await kernels.answering(client, timeout=60)
            msg_id = client.execute(code)
            text, count = [], None
            while True:
                msg = await client.get_iopub_msg(timeout=60)
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] == "stream":
                    text.append(msg["content"]["text"])
                if msg["msg_type"] == "execute_input":
                    count = msg["content"]["execution_count"]
                if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                    return count, "".join(text).strip()
        finally:
            client.stop_channels()

    return in_thread(go())


def in_thread(coroutine):
    """Run `coroutine` to its end in a thread of its own (a session's browser tests may hold
    an event loop in this one); its result."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def kill_kernel(km) -> None:
    """Kill the kernel and close its manager's messaging context."""
    kernels.kill(km)
    km.context.destroy(linger=0)
