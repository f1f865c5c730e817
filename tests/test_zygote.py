"""Kernels forked from a zygote: preloaded, in their own session, gone when the zygote goes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import support

from phlib.run.forked import ForkedKernelManager, ForkedProcess, interpreter
from phlib.run.kernels import KernelPool, KernelStartError, preload_with_data

PROBE = (
    "import os, sys\n"
    "print(repr(('fractions' in sys.modules, os.getpgid(0) == os.getpid(), os.getppid(),"
    " os.getcwd(), os.environ.get('PROBE_VALUE'))))"
)


def gone(pid: int, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
            return True  # exited; its parent has not collected it yet
        time.sleep(0.1)
    return False


@pytest.fixture
def forked(tmp_path, monkeypatch):
    """A kernel pool whose preload imports `fractions` (nothing else loads it)."""
    monkeypatch.setenv("PROBE_VALUE", "from-the-worker")
    pool = KernelPool(cwd=tmp_path, preload="import fractions")
    yield pool
    pool.close()


def test_a_forked_kernel_starts_with_the_preload_in_its_own_session_and_folder(forked, tmp_path):
    assert forked.zygote is not None
    km = forked.take()
    try:
        assert isinstance(km, ForkedKernelManager)
        count, text = support.run_code(km, PROBE)
        assert count == 1, "the preload does not count as a cell"
        preloaded, own_group, parent, cwd, value = eval(text)
        assert preloaded, "the zygote's preload is not in the forked kernel"
        assert own_group, "the kernel does not lead its own process group"
        assert parent == forked.zygote.process.pid
        assert cwd == str(tmp_path)
        assert value == "from-the-worker", "the kernel did not get the worker's environment"
    finally:
        support.kill_kernel(km)


def test_kernels_stop_when_the_zygote_stops(forked):
    km = forked.take()
    pid = km.provisioner.pid
    assert support.run_code(km, "print(1)")[1] == "1"
    forked.zygote.close()
    assert gone(pid), "a forked kernel outlived its zygote"
    forked.forget(km)
    km.context.destroy(linger=0)


def test_a_killed_forked_kernel_is_seen_as_finished(forked):
    km = forked.take()
    process = km.provisioner.process
    assert process.poll() is None
    support.kill_kernel(km)
    assert process.wait(timeout=10) is not None
    forked.forget(km)


def test_without_a_preload_each_kernel_is_a_fresh_interpreter(tmp_path):
    pool = KernelPool(cwd=tmp_path, preload="")
    try:
        assert pool.zygote is None
        km = pool.take()
        count, text = support.run_code(km, PROBE)
        assert eval(text)[0] is False and eval(text)[2] == os.getpid()
        support.kill_kernel(km)
    finally:
        pool.close()


def test_only_ipykernel_kernels_are_forked():
    assert interpreter("python3")[0] == sys.executable
    assert interpreter("no-such-kernel") is None


def test_forked_process_follows_a_process_that_is_not_its_child():
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    handle = ForkedProcess(sleeper.pid)
    assert handle.poll() is None
    with pytest.raises(subprocess.TimeoutExpired):
        handle.wait(timeout=0.2)
    handle.send_signal(signal.SIGKILL)
    sleeper.wait(5)
    assert handle.wait(timeout=5) == 0 and handle.poll() == 0


def test_a_kernel_that_dies_while_starting_is_tried_again_then_reported_with_its_words(
    tmp_path, monkeypatch
):
    spec = tmp_path / "kernels" / "kernels" / "dies-at-once"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-c", "import sys; sys.stderr.write('no port for me\\n'); sys.exit(3)"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv + ["{connection_file}"], "display_name": "x", "language": "x"})
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "kernels"))
    pool = KernelPool(cwd=tmp_path, preload="import fractions", kernel_name="dies-at-once")
    try:
        assert pool.zygote is None, "only ipykernel kernels are forked"
        with pytest.raises(KernelStartError) as caught:
            pool.take()
        assert "the kernel said: no port for me" in str(caught.value)
        assert pool.started == 2, "a kernel that dies at start is tried once more"
    finally:
        pool.close()


def observations_file(folder: Path) -> Path:
    data = folder / "observations.csv"
    data.write_text("indicator_id,area,period,value\nsh_a,north,Q3 2022/23,56\n")
    return data


def parsed_in_a_new_kernel(pool: KernelPool) -> str:
    """The files a kernel from `pool` finds parsed already (the kernel is then stopped)."""
    km = pool.take()
    try:
        return support.run_code(
            km, "from phlib.inputs import reading\nprint(sorted(reading._PARSED))"
        )[1]
    finally:
        support.kill_kernel(km)
        pool.forget(km)


def test_the_data_files_are_parsed_once_in_the_zygote_and_found_by_every_kernel(tmp_path):
    data = observations_file(tmp_path)
    assert preload_with_data("", [data]) == "", "cold kernels stay cold"
    pool = KernelPool(cwd=tmp_path, preload=preload_with_data("import fractions", [data]))
    try:
        for _ in range(2):
            assert parsed_in_a_new_kernel(pool) == repr([str(data.resolve())])
    finally:
        pool.close()


def test_data_files_named_later_are_parsed_for_the_kernels_forked_after(tmp_path):
    data = observations_file(tmp_path)
    pool = KernelPool(cwd=tmp_path, preload="import fractions")
    try:
        pool.preread([data])
        assert parsed_in_a_new_kernel(pool) == repr([str(data.resolve())])
    finally:
        pool.close()


def test_a_zygote_that_has_stopped_is_started_again_with_its_files(tmp_path):
    data = observations_file(tmp_path)
    pool = KernelPool(cwd=tmp_path, preload="import fractions")
    try:
        pool.preread([data])
        first = pool.zygote.process.pid
        os.kill(first, signal.SIGKILL)
        pool.zygote.process.wait(10)
        assert parsed_in_a_new_kernel(pool) == repr([str(data.resolve())])
        assert pool.zygote.process.pid != first
    finally:
        pool.close()


REAPING = """\
import os, signal, time
from phlib.run import zygote_process as z
signal.signal(signal.SIGCHLD, z._reap)  # as the zygote does
gone = z.fork_counted()
if gone == 0:
    os._exit(0)
alive = z.fork_counted()
if alive == 0:
    time.sleep(60)
    os._exit(0)
deadline = time.monotonic() + 30
while gone in z.LIVE and time.monotonic() < deadline:
    time.sleep(0.01)
print(sorted(z.LIVE) == [alive], signal.pthread_sigmask(signal.SIG_BLOCK, []) == set())
os.kill(alive, signal.SIGKILL)
"""


def test_a_zygote_kills_only_the_kernels_it_has_not_reaped():
    # a reaped kernel's pid is free again and may be another process's by the time the
    # zygote ends: only kernels still unreaped (their pid still theirs) are killed then
    out = support.python_output(REAPING)
    assert out.split() == ["True", "True"]  # and SIGCHLD is not left blocked
