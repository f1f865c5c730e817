"""Fixtures of the end-to-end tests: a copy of the project that has run one section for real.

`base_project` copies the project's inputs (notebooks, parameters, data, narratives) into a
temporary folder and runs `phreport run 2022-23-Q3 --areas cambridgeshire --services
sexual_health` there once per session; `base_run` is that run. Each test that changes files
takes `project`, its own copy of that folder (outputs included), so tests never see each
other's edits and only the run they are about costs time. `phreport(project, *args)` runs the
real command line in a subprocess and fails the test with its output on an unexpected exit.
"""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import pytest
import support
from support import Done, copy_inputs, run_phreport

QUARTER = support.QUARTER
AREA = "cambridgeshire"
SERVICE = "sexual_health"
SCOPE = ("--areas", AREA, "--services", SERVICE)
RUN_TIMEOUT = 600


@pytest.fixture(scope="session")
def phreport():
    """`phreport(project, *args, accept=(0,))` runs the command line and returns a `Done`."""
    return functools.partial(run_phreport, timeout=RUN_TIMEOUT)


@pytest.fixture(scope="session")
def base_project(tmp_path_factory) -> Path:
    """A copy of the project after one real run of one area and one service (do not edit)."""
    root = copy_inputs(tmp_path_factory.mktemp("e2e-base") / "project")
    return root


@pytest.fixture(scope="session")
def base_run(base_project) -> Done:
    """The run that made `base_project`'s outputs."""
    done = run_phreport(base_project, "run", QUARTER, *SCOPE, timeout=RUN_TIMEOUT)
    page = base_project / "outputs" / QUARTER / AREA / f"{SERVICE}.html"
    assert page.is_file(), f"the run wrote no {page}:\n{done.output}"
    return done


@pytest.fixture
def project(base_project, base_run, tmp_path) -> Path:
    """This test's own copy of `base_project`, outputs included."""
    target = tmp_path / "project"
    shutil.copytree(base_project, target, symlinks=True)
    return target
