"""The grouping that lets the pytest-xdist processes share the expensive session runs
(conftest.py at the root) agrees with the fixtures the tests really use.

For each test file, every fixture its tests need (pytest's closure, so a fixture of a
folder's conftest.py that takes `sample_run` counts) is read from the session's own items
when it collected every test file, as each process of `make test` does; otherwise (a run of
some files only) tests/ is collected in a subprocess with a small plugin that records the
same. A file that uses a shared run but is missing from `GROUPS` would make that run a
second time in another process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import support

ROOT = Path(__file__).resolve().parents[1]


def fixtures_by_file(items) -> dict[str, list[str]]:
    """Test file -> every fixture its collected tests use (notebook cells have none)."""
    found: dict[str, set] = {}
    for item in items:
        found.setdefault(item.nodeid.split("::")[0], set()).update(
            getattr(item, "fixturenames", ())
        )
    return {file: sorted(names) for file, names in found.items()}


def every_test_file() -> set[str]:
    return {p.relative_to(ROOT).as_posix() for p in (ROOT / "tests").rglob("test_*.py")}


@pytest.fixture(scope="module")
def used(request, tmp_path_factory) -> dict[str, list[str]]:
    """What this session collected, when it collected every test file (`make test`: each
    pytest-xdist process collects them all); else a collection of tests/ in a subprocess."""
    collected = fixtures_by_file(request.session.items)
    if every_test_file() <= set(collected):
        return {f: names for f, names in collected.items() if f.startswith("tests/")}
    report = tmp_path_factory.mktemp("fixtures") / "used.json"
    plugins = ROOT / "tests" / "fixtures" / "plugins"
    env = {**os.environ, "FIXTURE_REPORT": str(report),
           "PYTHONPATH": os.pathsep.join([str(plugins), str(ROOT)])}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "-p", "fixture_report", "tests"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(report.read_text(encoding="utf-8"))


def test_every_file_that_uses_a_shared_run_is_in_its_group(used):
    conf = support.root_conftest()
    problems = []
    for file, names in sorted(used.items()):
        groups = {g for g, shared in conf.SHARED.items() if set(shared) & set(names)}
        declared = conf.GROUP_OF.get(file)
        if len(groups) > 1:
            problems.append(f"{file} uses the runs of {sorted(groups)}: use one group's runs")
        elif groups and declared not in groups:
            problems.append(f"{file} uses {sorted(set(names) & set(conf.SHARED[min(groups)]))}"
                            f": add it to GROUPS[{min(groups)!r}] in conftest.py")  # fmt: skip
        elif not groups and declared:
            problems.append(f"{file} uses no shared run: take it out of GROUPS in conftest.py")
    assert not problems, "\n".join(problems)
    assert set(conf.GROUP_OF) <= set(used), "GROUPS names a file that has no tests"


def test_the_scheduler_keeps_a_group_together_and_other_files_apart():
    conf = support.root_conftest()
    scheduling = conf.SharedRunScheduling.__new__(conf.SharedRunScheduling)
    assert scheduling._split_scope("tests/test_cli.py::test_x") == "shared-runs"
    assert scheduling._split_scope("tests/browser/test_look.py::test_y[a]") == "shared-runs"
    assert scheduling._split_scope("tests/e2e/test_review_list.py::t") == "e2e-base"
    assert scheduling._split_scope("tests/test_periods.py::t") == "tests/test_periods.py"
