"""Kernel processes that jupyter_client did not start: a handle on them and the manager.

`ForkedProcess` gives jupyter_client the `Popen`-like handle it expects for a process that is
not a child of this one (a kernel forked by the zygote, or the zygote itself in a worker);
`ForkedKernelManager` is a kernel manager (`phlib.run.sockets.PrivateKernelManager`) that
asks a zygote (`phlib.run.zygote`) for its kernel process instead of starting a new
interpreter; `interpreter` says which kernels a zygote can stand in for.

>>> ForkedProcess(os.getpid()).poll() is None
True
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
import time

from jupyter_client.kernelspec import KernelSpecManager

from phlib.run.sockets import PrivateKernelManager

KERNEL_MODULE = "ipykernel_launcher"


class ForkedProcess:
    """A `Popen`-like handle on a process that is a child of the zygote, not of this one."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        self._fd: int | None = None
        with contextlib.suppress(AttributeError, OSError):
            self._fd = os.pidfd_open(pid)

    def poll(self) -> int | None:
        """None while the process runs; its (unknown, so 0 or -signal) code once it is gone."""
        if self.returncode is None and not self._alive():
            self.returncode = 0
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
        return self.returncode

    def _alive(self) -> bool:
        if self._fd is not None:
            return not select.select([self._fd], [], [], 0)[0]
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the process to end (`subprocess.TimeoutExpired` after `timeout` s): woken
        by its pidfd as it ends where Linux gives one, else checking every 20 ms."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise subprocess.TimeoutExpired([str(self.pid)], timeout)
            if self._fd is not None:
                select.select([self._fd], [], [], left)
            else:
                time.sleep(0.02 if left is None else min(0.02, left))
        return self.returncode  # type: ignore[return-value]

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def interpreter(kernel_name: str) -> list[str] | None:
    """The interpreter and its options a kernel of `kernel_name` starts with, or None if that
    kernel is not an ipykernel (which a zygote cannot stand in for)."""
    try:
        argv = list(KernelSpecManager().get_kernel_spec(kernel_name).argv)
    except Exception:
        return None
    if argv and argv[0] in {
        "python",
        f"python{sys.version_info[0]}",
        "python{}.{}".format(*sys.version_info[:2]),
    }:
        argv[0] = sys.executable  # as jupyter_client does
    for at in range(1, len(argv) - 1):
        if argv[at : at + 2] == ["-m", KERNEL_MODULE]:
            return argv[:at]
    return None


class ForkedKernelManager(PrivateKernelManager):
    """Starts its kernel as a fork of `zygote` when the kernel is this Python's ipykernel."""

    zygote = None  # a phlib.run.zygote.Zygote

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        zygote, provisioner = self.zygote, self.provisioner
        if zygote is None or kernel_cmd[: len(zygote.prefix)] != zygote.prefix:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        assert provisioner is not None
        cwd = str(kw.get("cwd") or os.getcwd())
        stderr = getattr(kw.get("stderr"), "name", None)
        env = dict(kw.get("env") or os.environ)
        argv = kernel_cmd[len(zygote.prefix) :]
        pid = zygote.fork(argv, cwd, env, stderr if isinstance(stderr, str) else None)
        provisioner.process = ForkedProcess(pid)
        provisioner.pid, provisioner.pgid, provisioner.cwd = pid, pid, cwd
        self._reconcile_connection_info(provisioner.connection_info)
