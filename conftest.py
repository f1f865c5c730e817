"""Suite-wide pytest settings for the whole project (tests, doctests of phlib, notebooks).

The shared fixtures are in tests/conftest.py; this file only tells pytest-xdist how to share
the work when `make test` runs the suite in two processes (`-n 2`).
"""

from __future__ import annotations

from pathlib import Path

from xdist.scheduler import LoadScopeScheduling

ROOT = Path(__file__).parent
SHARED_RUNS = ("sample_run", "public_run", "good_project")


def shared_run_files() -> frozenset[str]:
    """Test files (relative paths, as in node ids) that use a session-wide shared run."""
    return frozenset(
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "tests").rglob("test_*.py")
        if any(name in path.read_text(encoding="utf-8") for name in SHARED_RUNS)
    )


class SharedRunScheduling(LoadScopeScheduling):
    """Whole files go to one process (module fixtures and a notebook's cells run once, in
    order), and every file that reads a shared run goes to the same process, so each shared
    run is still made once per session."""

    def __init__(self, config, log=None):
        super().__init__(config, log)
        self.shared = shared_run_files()

    def _split_scope(self, nodeid: str) -> str:
        file = nodeid.split("::", 1)[0]
        return "shared-runs" if file in self.shared else file


def pytest_xdist_make_scheduler(config, log):
    return SharedRunScheduling(config, log)
