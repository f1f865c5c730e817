"""Tests for phlib.run.lock and phlib.run.staging, and for runs that are locked out or killed.

The run-level tests drive the `phreport` console script on a small project whose notebooks
are the toy notebooks (so each run takes seconds) and whose data are the project's own.
"""

import hashlib
import json
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import support

from phlib.errors import RunLockedError
from phlib.run.lock import RunLock, pid_alive
from phlib.run.staging import COMPLETE, Staging

QUARTER = "2022-23-Q3"
SERVICES_OF_TOY = ("sexual_health", "stop_smoking")


# --- the lock ------------------------------------------------------------------------------


def dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    pid = int(done.stdout)
    assert not pid_alive(pid)
    return pid


def write_lock(outputs: Path, **info) -> Path:
    path = outputs / ".locks" / f"{QUARTER}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    base = {"host": socket.gethostname(), "started": "2023-02-07T10:00:00", "command": "x"}
    path.write_text(json.dumps(base | info))
    return path


def test_lock_records_the_holder_and_is_released(tmp_path):
    lock = RunLock(tmp_path, QUARTER)
    assert lock.acquire() == []
    holder = lock.holder()
    assert holder["pid"] == os.getpid() and holder["host"] == socket.gethostname()
    lock.release()
    assert lock.holder() is None and lock.path.exists()
    with RunLock(tmp_path, QUARTER):
        pass


def test_second_lock_of_the_same_quarter_is_refused_with_the_holder(tmp_path):
    with RunLock(tmp_path, QUARTER), pytest.raises(RunLockedError) as caught:
        RunLock(tmp_path, QUARTER).acquire()
    message = str(caught.value)
    assert f"pid {os.getpid()}" in message and socket.gethostname() in message
    assert "in progress" in message
    with RunLock(tmp_path, "2022-23-Q4"), RunLock(tmp_path, QUARTER):
        pass  # other quarters are independent


def test_stale_lock_of_a_dead_run_is_cleared_with_a_message(tmp_path):
    pid = dead_pid()
    write_lock(tmp_path, pid=pid)
    lock = RunLock(tmp_path, QUARTER)
    messages = lock.acquire()
    assert len(messages) == 1 and f"pid {pid}" in messages[0] and "stale" in messages[0]
    assert lock.holder()["pid"] == os.getpid()
    lock.release()


def test_lock_naming_a_live_pid_that_holds_nothing_is_stale(tmp_path):
    write_lock(tmp_path, pid=os.getppid())  # alive, but it never took the lock: a reused pid
    with RunLock(tmp_path, QUARTER) as lock:
        assert "stale" in lock.messages[0]


def test_unreadable_lock_file_is_cleared(tmp_path):
    path = write_lock(tmp_path, pid=1)
    path.write_text("{half written")
    with RunLock(tmp_path, QUARTER) as lock:
        assert lock.messages and lock.holder()["pid"] == os.getpid()


# --- staging and the swap ------------------------------------------------------------------


def tree(folder: Path) -> dict:
    return {
        p.relative_to(folder).as_posix(): p.read_text()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def staged(outputs: Path, text: str, complete: bool) -> Path:
    stage = Staging(outputs, QUARTER)
    folder = stage.create()
    (folder / "index.html").write_text(text)
    if complete:
        (folder / COMPLETE).write_text("1")
    return folder


@pytest.fixture
def outputs(tmp_path) -> Path:
    live = tmp_path / QUARTER
    live.mkdir()
    (live / "index.html").write_text("old")
    (live / "area").mkdir()
    (live / "area" / "a.html").write_text("old a")
    return tmp_path


def test_commit_replaces_the_outputs_and_leaves_nothing_behind(outputs):
    stage = Staging(outputs, QUARTER)
    (stage.create() / "index.html").write_text("new")
    stage.work.mkdir()
    stage.commit()
    assert tree(outputs / QUARTER) == {"index.html": "new"}
    assert list((outputs / ".staging").iterdir()) == []


def test_repair_removes_unfinished_staging_and_keeps_old_outputs(outputs):
    staged(outputs, "half", complete=False)
    staged(outputs, "complete but never swapped", complete=True)
    messages = Staging(outputs, QUARTER).repair()
    assert len(messages) == 2
    assert tree(outputs / QUARTER) == {"index.html": "old", "area/a.html": "old a"}
    assert list((outputs / ".staging").iterdir()) == []


def test_repair_after_old_moved_aside_rolls_forward_to_complete_new(outputs):
    new = staged(outputs, "new", complete=True)
    os.rename(outputs / QUARTER, outputs / ".staging" / f"{QUARTER}.previous")
    assert new.exists() and not (outputs / QUARTER).exists()
    messages = Staging(outputs, QUARTER).repair()
    assert "new outputs are in place" in messages[0]
    assert tree(outputs / QUARTER) == {"index.html": "new"}
    assert list((outputs / ".staging").iterdir()) == []


def test_repair_after_old_moved_aside_without_complete_new_restores_old(outputs):
    staged(outputs, "half", complete=False)
    os.rename(outputs / QUARTER, outputs / ".staging" / f"{QUARTER}.previous")
    messages = Staging(outputs, QUARTER).repair()
    assert "Restored the previous outputs" in messages[0]
    assert tree(outputs / QUARTER) == {"index.html": "old", "area/a.html": "old a"}


def test_repair_after_new_moved_in_deletes_the_half_deleted_old(outputs):
    old = outputs / ".staging" / f"{QUARTER}.previous"
    old.parent.mkdir()
    os.rename(outputs / QUARTER, old)
    (old / "index.html").unlink()  # killed part-way through deleting the old copy
    new = staged(outputs, "new", complete=True)
    os.rename(new, outputs / QUARTER)
    Staging(outputs, QUARTER).repair()
    assert tree(outputs / QUARTER) == {"index.html": "new"}
    assert not old.exists()


# --- runs locked out or killed -------------------------------------------------------------


def phreport(project: Path, *args: str) -> list[str]:
    return [*support.phreport_command(), *args, "--project", str(project)]


def toy_project(root: Path) -> Path:
    """A project whose two services are the toy section notebook, with a little real data."""
    return support.toy_project(root, SERVICES_OF_TOY)


def run(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(phreport(project, "run", QUARTER, "--workers", "1", *args),
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def snapshot(project: Path) -> dict:
    live = project / "outputs" / QUARTER
    return {
        p.relative_to(live).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(live.rglob("*"))
        if p.is_file()
    }


def assert_complete(project: Path, names) -> None:
    live = project / "outputs" / QUARTER
    assert set(snapshot(project)) == set(names)
    for name in names:
        if name.endswith(".html"):
            assert (live / name).read_text().rstrip().endswith("</html>"), name
    data = json.loads((live / "manifest.json").read_text())
    assert {n["status"] for n in data["notebooks"]} == {"ok"}


@pytest.mark.slow
def test_a_second_run_is_refused_while_the_lock_is_held(tmp_path):
    project = toy_project(tmp_path)
    with RunLock(project / "outputs", QUARTER):
        done = run(project)
    assert done.returncode == 3, done.stderr
    assert "Another phreport run of 2022-23-Q3 is in progress" in done.stderr
    assert f"pid {os.getpid()}" in done.stderr
    assert not (project / "outputs" / QUARTER).exists()
    assert not list((project / "outputs").glob(".staging/*"))


@pytest.mark.slow
def test_a_killed_run_never_breaks_the_outputs_and_the_next_run_repairs(tmp_path):
    project = toy_project(tmp_path)
    write_lock(project / "outputs", pid=dead_pid())
    started = time.monotonic()
    first = run(project)
    duration = time.monotonic() - started
    assert first.returncode == 0, first.stderr
    assert "Cleared a stale lock" in first.stderr
    names = set(snapshot(project))
    assert {"index.html", "scorecard.csv", "manifest.json", "cambridgeshire/annex.html"} <= names
    rng = random.Random(20230207)
    fractions = [0.25, 0.6, 0.95]
    for fraction in fractions:
        before = snapshot(project)
        # --force: an unchanged run would reuse every notebook and end before the kill
        command = phreport(project, "run", QUARTER, "--workers", "1", "--force")
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(duration * fraction * rng.uniform(0.9, 1.1))
        process.kill()
        process.wait()
        Staging(project / "outputs", QUARTER).repair()  # what the next run does first
        after = snapshot(project)
        if after != before:
            assert_complete(project, names)  # finished, or killed mid-swap: the new outputs
    final = run(project)
    assert final.returncode == 0, final.stderr
    assert_complete(project, names)
    assert not list((project / "outputs" / ".staging").iterdir())
    assert RunLock(project / "outputs", QUARTER).holder() is None


def test_a_partial_run_keeps_what_it_does_not_replace(tmp_path):
    from phlib.report.assemble import carried_files
    from phlib.report.index import SectionStatus

    live = tmp_path / QUARTER
    for name in ("index.html", "run.log", "notes-for-the-board.txt", "cambridgeshire/annex.html",
                 "cambridgeshire/annex.pdf", "cambridgeshire/sexual_health.html",
                 "cambridgeshire/stop_smoking.html", "cambridgeshire/stop_smoking.failed.html",
                 "peterborough/annex.pdf", "peterborough/sexual_health.html",
                 "peterborough/sexual_health.ipynb", "peterborough/lifestyles.html"):  # fmt: skip
        (live / name).parent.mkdir(parents=True, exist_ok=True)
        (live / name).write_text("x")
    after = {("peterborough", "sexual_health"): SectionStatus(
        "peterborough", "sexual_health", "1. Sexual health", "previous", "KeyError")}  # fmt: skip
    kept = carried_files(None, ["peterborough"], ["sexual_health", "lifestyles"], live, after)
    assert kept == [
        "notes-for-the-board.txt",
        "cambridgeshire/annex.html",
        "cambridgeshire/annex.pdf",
        "cambridgeshire/sexual_health.html",
        "cambridgeshire/stop_smoking.failed.html",
        "cambridgeshire/stop_smoking.html",
        "peterborough/sexual_health.html",
        "peterborough/sexual_health.ipynb",
    ]
