"""`phreport` starts quickly: importing `phlib.cli` leaves unloaded the heavy packages that
only some commands need (scipy's statistics, matplotlib, openpyxl). Timing itself is measured
by the benchmarks, never asserted here; this checks which modules a fresh process loads."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
import support

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("scipy", "matplotlib", "openpyxl")


def loaded_after(statement: str) -> list[str]:
    code = f"{statement}; import sys; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    return ast.literal_eval(support.python_output(code).strip().splitlines()[-1])


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


SPAWNING_SCRIPT = """\
import multiprocessing, sys, time
from pathlib import Path

with open(sys.argv[1], "a") as marker:  # once per process that imports this file
    print(__name__, file=marker)

if __name__ == "__main__":
    from phlib.run.startup import main_module_hidden
    context = multiprocessing.get_context("spawn")
    process = context.Process(target=time.sleep, args=(0,))
    if sys.argv[2] == "hidden":
        with main_module_hidden():
            process.start()
    else:
        process.start()
    process.join()
    print(hasattr(sys.modules["__main__"], "__file__"), sys.modules["__main__"].__spec__)
"""


@pytest.mark.parametrize("how, imports", [("hidden", ["__main__"]),
                                          ("plain", ["__main__", "__mp_main__"])])  # fmt: skip
def test_a_spawned_worker_does_not_import_the_main_module_again(tmp_path, how, imports):
    # phreport's workers are spawned; without main_module_hidden each would import the
    # `phreport` script again, and with it phlib.cli and pandas
    script, marker = tmp_path / "script.py", tmp_path / "marker.txt"
    script.write_text(SPAWNING_SCRIPT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(script), str(marker), how], capture_output=True,
                          text=True, timeout=120, env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert marker.read_text().split() == imports
    assert done.stdout.split() == ["True", "None"]  # the main module is whole again after


FORMAT_CHECKERS = """\
import sys
{first}
import nbformat
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
nbformat.validate(nb)  # notebooks are still validated against their schema
print(sorted(m for m in {names!r} if sys.modules.get(m) is not None))
"""


SLOWEST_ONLY = 'sys.modules["rfc3987_syntax"] = None  # seconds to import: not needed here'


@pytest.mark.parametrize("first, loaded", [("import phlib.run.startup", False),
                                           (SLOWEST_ONLY, True)])  # fmt: skip
def test_reading_notebooks_skips_jsonschemas_optional_format_checkers(first, loaded):
    # each costs import time in every process that reads a notebook, for format checks
    # that no notebook schema asks for; without phlib.run.startup they are imported
    from phlib.run.startup import SLOW_OPTIONAL

    names = tuple(n for n in SLOW_OPTIONAL if n != "rfc3987_syntax")
    code = FORMAT_CHECKERS.format(first=first, names=names)
    found = ast.literal_eval(support.python_output(code).strip().splitlines()[-1])
    assert (found == sorted(names)) if loaded else (found == []), found
