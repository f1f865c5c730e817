"""Fixtures of the end-to-end tests: a copy of the project that has run one section for real.

`base_project` copies the project's inputs (notebooks, parameters, data, narratives) into a
temporary folder and runs `phreport run 2022-23-Q3 --areas cambridgeshire --services
sexual_health` there once per session; `base_run` is that run. Each test that changes files
takes `project`, its own copy of that folder (outputs included), so tests never see each
other's edits and only the run they are about costs time. `phreport(project, *args)` runs the
real command line in a subprocess and fails the test with its output on an unexpected exit.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
QUARTER = "2022-23-Q3"
AREA = "cambridgeshire"
SERVICE = "sexual_health"
SCOPE = ("--areas", AREA, "--services", SERVICE)
COPIED = ("notebooks", "parameters", "data", "narratives")
RUN_TIMEOUT = 600


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
    """This virtual environment's phreport (or `python -m phlib.cli` when not installed)."""
    script = Path(sys.executable).with_name("phreport")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "phlib.cli"]


def run_phreport(project: Path, *args: str, accept=(0,), timeout=RUN_TIMEOUT) -> Done:
    """Run `phreport *args` in `project`; fail the test unless it exits with a code in `accept`."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    clock, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(
        [*phreport_command(), *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    seconds, cpu = time.perf_counter() - clock, _children_cpu() - cpu
    result = Done(args, done.returncode, done.stdout, done.stderr, seconds, cpu)
    if done.returncode not in accept:
        pytest.fail(
            f"`phreport {' '.join(args)}` in {project} exited with {done.returncode} "
            f"(expected {accept})\n--- stdout\n{done.stdout[-4000:]}\n--- stderr\n"
            f"{done.stderr[-4000:]}",
            pytrace=False,
        )
    return result


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def copy_inputs(target: Path) -> Path:
    """Copy the project's inputs into `target` (created) and return it."""
    for name in COPIED:
        shutil.copytree(
            PROJECT / name, target / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints")
        )
    return target


@pytest.fixture(scope="session")
def phreport():
    """`phreport(project, *args, accept=(0,))` runs the command line and returns a `Done`."""
    return run_phreport


@pytest.fixture(scope="session")
def base_project(tmp_path_factory) -> Path:
    """A copy of the project after one real run of one area and one service (do not edit)."""
    root = copy_inputs(tmp_path_factory.mktemp("e2e-base") / "project")
    return root


@pytest.fixture(scope="session")
def base_run(base_project) -> Done:
    """The run that made `base_project`'s outputs."""
    done = run_phreport(base_project, "run", QUARTER, *SCOPE)
    page = base_project / "outputs" / QUARTER / AREA / f"{SERVICE}.html"
    assert page.is_file(), f"the run wrote no {page}:\n{done.output}"
    return done


@pytest.fixture
def project(base_project, base_run, tmp_path) -> Path:
    """This test's own copy of `base_project`, outputs included."""
    target = tmp_path / "project"
    shutil.copytree(base_project, target, symlinks=True)
    return target
