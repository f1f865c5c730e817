"""Suite-wide pytest settings for the whole project (tests, doctests of phlib, notebooks).

The shared fixtures are in tests/conftest.py and tests/e2e/conftest.py; this file tells
pytest-xdist how to share the work when `make test` runs the suite in three processes (`-n 3`),
and has nbval start its kernels as phreport does, on Unix sockets in a private folder rather
than on TCP ports another process of the suite could take first (`NbvalKernelManager`), and
once more when one dies before answering (`kernel_started_once_more`).
"""

from __future__ import annotations

import functools

import nbval.kernel
from jupyter_client.manager import KernelManager
from xdist.scheduler import LoadScopeScheduling

from phlib.run.sockets import PrivateSockets

#: Session fixtures that make a real run, by the group of test files that share them.
SHARED = {
    "shared-runs": ("sample_run", "public_run", "good_project"),  # tests/conftest.py
    "e2e-base": ("base_project", "base_run"),  # tests/e2e/conftest.py
}

#: The test files that use them (directly or through a fixture of theirs), by group. A file
#: of one group runs in the same process as the others of its group, so each shared run is
#: made once per session. tests/test_suite_sharing.py checks this table against the fixtures
#: each collected test really uses, and says what to add when a new file uses a shared run.
GROUPS = {
    "shared-runs": (
        "tests/browser/test_accessibility.py",
        "tests/browser/test_look.py",
        "tests/browser/test_offline.py",
        "tests/browser/test_print.py",
        "tests/e2e/test_bad_inputs_cli.py",
        "tests/e2e/test_public_build.py",
        "tests/test_backtests.py",
        "tests/test_cli.py",
        "tests/test_headlines_page.py",
    ),
    "e2e-base": (
        "tests/e2e/test_jupyterlab.py",
        "tests/e2e/test_narrative_safety.py",
        "tests/e2e/test_review_list.py",
    ),
}
GROUP_OF = {file: group for group, files in GROUPS.items() for file in files}

#: The longest files and groups (a minute or more each), started first so that no process
#: is left with a long file at the end while the others wait; the rest follow in the order
#: they are collected.
SLOW_FIRST = ("tests/test_cluster.py", "shared-runs", "tests/e2e/test_incremental.py",
              "e2e-base", "tests/test_lock.py")  # fmt: skip


def _scope(nodeid: str) -> str:
    file = nodeid.split("::", 1)[0]
    return GROUP_OF.get(file, file)


def pytest_collection_modifyitems(session, config, items) -> None:
    rank = {scope: number for number, scope in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(_scope(item.nodeid), len(rank)))  # stable


class SharedRunScheduling(LoadScopeScheduling):
    """Whole files go to one process (module fixtures and a notebook's cells run once, in
    order), the files of one group of shared runs (`GROUPS`) go to the same process, and the
    slowest (`SLOW_FIRST`) are handed out first."""

    def __init__(self, config, log=None):
        super().__init__(config, log)
        config.option.loadscopereorder = False  # keep SLOW_FIRST's order, not test counts

    def _split_scope(self, nodeid: str) -> str:
        return _scope(nodeid)


def pytest_xdist_make_scheduler(config, log):
    return SharedRunScheduling(config, log)


class NbvalKernelManager(PrivateSockets, KernelManager):
    """nbval's kernel manager, its kernels listening on private Unix sockets as phreport's
    do: a TCP port picked for a kernel can be taken by another process of the suite before
    the kernel binds it, and the kernel then hangs for a minute instead of failing."""


def kernel_started_once_more(start):
    """`start` (nbval's `start_new_kernel`), called a second time when the kernel it started
    died before answering, as phreport starts its own kernels once more. A kernel that dies
    again fails its notebook's cells as before."""
    if getattr(start, "once_more", False):
        return start

    @functools.wraps(start)
    def started(*args, **kwargs):
        try:
            return start(*args, **kwargs)
        except RuntimeError:
            return start(*args, **kwargs)

    started.once_more = True
    return started


def pytest_configure(config) -> None:
    nbval.kernel.KernelManager = NbvalKernelManager
    nbval.kernel.start_new_kernel = kernel_started_once_more(nbval.kernel.start_new_kernel)
