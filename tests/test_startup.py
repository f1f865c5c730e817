"""`phreport` starts quickly: importing `phlib.cli` leaves unloaded the heavy packages that
only some commands need (scipy's statistics, matplotlib, openpyxl). Timing itself is measured
by the benchmarks, never asserted here; this checks which modules a fresh process loads."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("scipy", "matplotlib", "openpyxl")


def loaded_after(statement: str) -> list[str]:
    code = f"{statement}; import sys; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr
    return ast.literal_eval(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "statement",
    [
        "import phlib.cli",
        "from phlib.cli import build_parser; build_parser().format_help()",
        "import phlib.run.stale_check, phlib.rules.intervals, phlib.inputs.observations",
    ],
)
def test_starting_phreport_loads_no_heavy_package_it_may_not_need(statement):
    assert loaded_after(statement) == []


def test_the_check_detects_a_heavy_import():
    # the same check sees scipy once an interval is worked out from counts
    worked = "from phlib.rules.intervals import byar_ci; byar_ci(3, 1000)"
    assert loaded_after(worked) == ["scipy"]
