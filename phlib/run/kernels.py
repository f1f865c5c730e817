"""Warm Jupyter kernels: start the next kernel while the current notebook runs.

A `KernelPool` lives in one worker process. `prestart()` launches a kernel in a background
thread, waits until it answers and runs a preload (imports the notebooks will need) without
touching its execution count; `take()` hands over a ready kernel manager. Each kernel
runs exactly one notebook, so notebooks never share state (`phlib.run.engine` is the
papermill engine that executes a notebook on such a kernel and kills it afterwards).

Kernels run in their own session, poll their parent and exit if the worker dies; `kill_all`
stops any that are still alive (used when a worker is told to stop).

>>> pool = KernelPool(cwd=".", preload="")
>>> pool.pending, pool.started
(False, 0)
>>> pool.close()
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from queue import Empty

from jupyter_core.utils import ensure_async

# At module level, not in the thread that starts a kernel: jupyter_client imported there while
# the worker's main thread imports papermill (which imports jupyter_client too) fails now and
# then with "partially initialized module 'jupyter_client.manager'".
from phlib.run.forked import ForkedKernelManager
from phlib.run.sockets import PrivateKernelManager
from phlib.run.zygote import Zygote, start_zygote

#: Imports a waiting kernel runs before its notebook arrives, so a notebook pays only for its
#: own work. They only fill module caches (`sys.modules`): no name is defined in the
#: notebook's namespace and the execution count stays at zero, so the outputs are the same as
#: on a cold kernel (tested).
HEAVY_PRELOAD = """\
try:
    import pandas, matplotlib.pyplot, phlib.workbook
except Exception:
    pass
"""
DEFAULT_PRELOAD = HEAVY_PRELOAD


def preload_with_data(preload: str | None, paths) -> str:
    """`preload` (the default when None) followed by parsing the data files `paths` ahead of
    need (`phlib.inputs.reading.preread`); an empty preload (cold kernels) stays empty."""
    preload = DEFAULT_PRELOAD if preload is None else preload
    if not preload.strip():
        return preload
    files = [str(path) for path in paths]
    return f"{preload}\nimport phlib.inputs.reading\nphlib.inputs.reading.preread({files!r})\n"


class KernelStartError(RuntimeError):
    """A kernel could not be started or did not answer in time."""


class KernelPool:
    """At most one spare kernel, started ahead of need, for one worker process."""

    def __init__(
        self,
        cwd,
        preload: str = DEFAULT_PRELOAD,
        kernel_name: str = "python3",
        work_dir=None,
        startup_timeout: float = 180,  # a loaded machine can take a minute to start one
        zygote: Zygote | None = None,
    ):
        self.cwd, self.preload, self.kernel_name = str(cwd), preload, kernel_name
        self.work_dir = Path(work_dir) if work_dir else None
        self.startup_timeout = startup_timeout
        self.started = 0
        self._thread: threading.Thread | None = None
        self._result: tuple | None = None
        self._live: list = []
        self._lock = threading.Lock()
        # With a preload, kernels are forked from a zygote that has run it (the one given,
        # started beside this worker, or one started here; see phlib.run.zygote); without
        # one, each kernel is a fresh interpreter.
        if zygote is None:
            zygote = start_zygote(preload, self.cwd, kernel_name)
        self.zygote: Zygote | None = zygote

    @property
    def pending(self) -> bool:
        """True when a spare kernel is starting or ready."""
        return self._thread is not None

    def prestart(self) -> None:
        """Start a spare kernel in the background (no-op if one is already coming)."""
        if self._thread is not None:
            return
        self._result = None
        self._thread = threading.Thread(target=self._start, name="kernel-prestart", daemon=True)
        self._thread.start()

    def take(self):
        """A started, answering kernel manager for one notebook (waits for the spare one)."""
        self.prestart()
        assert self._thread is not None
        self._thread.join()
        self._thread = None
        km, error = self._result or (None, KernelStartError("the kernel did not start"))
        if error is not None:
            raise KernelStartError(f"could not start a {self.kernel_name} kernel: {error}")
        return km

    def _start(self) -> None:
        try:
            km = asyncio.run(self._start_async())
            self._result = (km, None)
        except Exception as error:  # reported by take()
            self._result = (None, error)

    async def _start_async(self):
        """Start a kernel; a kernel that dies while starting (a TCP port taken by another
        process in the meantime, where Unix sockets are not available, say) is replaced once
        before the error is reported, with the end of what the kernel printed."""
        try:
            return await self._start_once()
        except KernelStartError:
            return await self._start_once()

    async def _start_once(self):
        self.started += 1
        if self.zygote is not None and not self.zygote.alive:
            self.zygote = self.zygote.restarted()  # killed by hand, say: kernels go on
        if self.zygote is not None:
            km = ForkedKernelManager(kernel_name=self.kernel_name)
            km.zygote = self.zygote
        else:
            km = PrivateKernelManager(kernel_name=self.kernel_name)
        if self.work_dir is not None:
            self.work_dir.mkdir(parents=True, exist_ok=True)
            name = f"kernel-{os.getpid()}-{self.started}"
            km.connection_file = str(self.work_dir / f"{name}.json")
            path, keep = self.work_dir / f"{name}.log", True
        else:  # only read if the kernel fails to start
            handle, name = tempfile.mkstemp(prefix="phreport-kernel-", suffix=".log")
            os.close(handle)
            path, keep = Path(name), False
        try:
            with open(path, "ab") as log:
                await km.start_kernel(
                    cwd=self.cwd,
                    stdout=subprocess.DEVNULL,
                    stderr=log,
                    extra_arguments=["--HistoryManager.hist_file=:memory:"],
                )
            with self._lock:
                self._live.append(km)
            await self._wait_ready(km)
        except Exception as error:
            kill(km)
            self.forget(km)
            with contextlib.suppress(Exception):
                await km.cleanup_resources()  # its sockets and messaging context
            raise KernelStartError(f"{error}{_last_lines(path)}") from error
        finally:
            if not keep:
                path.unlink(missing_ok=True)  # the kernel keeps writing to its open copy
        return km

    async def _wait_ready(self, km) -> None:
        client = km.client()
        client.start_channels()
        try:
            await answering(client, self.startup_timeout)
            if self.preload.strip() and self.zygote is None:
                msg_id = client.execute(self.preload, silent=True, store_history=False)
                while True:
                    reply = await client.get_shell_msg(timeout=self.startup_timeout)
                    if reply["parent_header"].get("msg_id") == msg_id:
                        break
        finally:
            client.stop_channels()

    def preread(self, paths) -> None:
        """Parse these data files in the zygote, for the kernels forked after this (files it
        has parsed already are not parsed again; nothing without a zygote)."""
        if self.zygote is not None:
            self.zygote.preread([str(path) for path in paths])

    def forget(self, km) -> None:
        """Stop tracking a kernel that has been shut down."""
        with self._lock:
            if km in self._live:
                self._live.remove(km)

    def close(self) -> None:
        """Shut down the spare kernel, if any, every kernel still tracked, and the zygote."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self.kill_all()
        if self.zygote is not None:
            self.zygote.close()

    def kill_all(self) -> None:
        """Kill every kernel this pool started that may still be running."""
        with self._lock:
            live, self._live = self._live, []
        for km in live:
            kill(km)


def _last_lines(path: Path, count: int = 3) -> str:
    """The kernel's last lines of error output, to add to the error it caused."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return ""
    lines = [line for line in lines if "running over TCP without encryption" not in line]
    return ("; the kernel said: " + " | ".join(lines[-count:])) if lines else ""


async def answering(client, timeout: float) -> None:
    """Wait until the kernel answers `client` on both its shell and IOPub channels.

    What jupyter_client's `wait_for_ready` checks (a `kernel_info` reply, then a message on
    IOPub, so that a notebook's first outputs cannot be published before the client hears
    them), without its last step: waiting until IOPub has been quiet for 0.2 s, which made
    every kernel, and so every notebook, take 0.2 s longer to start. The messages it would
    have drained answer this wait's requests, and nbclient reads only those of its own.
    IOPub is polled every 10 ms, asking again until it answers.
    """
    deadline = time.monotonic() + timeout
    while True:
        client.kernel_info()
        try:
            reply = await ensure_async(client.get_shell_msg(timeout=1))
        except Empty:
            reply = None
        if reply is not None and reply["msg_type"] == "kernel_info_reply":
            try:
                await ensure_async(client.get_iopub_msg(timeout=0.01))
            except Empty:
                pass
            else:
                return
        if not await ensure_async(client.is_alive()):
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")


def kill(km) -> None:
    """Kill a kernel's process group at once and remove its connection file."""
    provisioner = getattr(km, "provisioner", None)
    pid = getattr(provisioner, "pid", None)
    pgid = getattr(provisioner, "pgid", None)
    with contextlib.suppress(OSError, TypeError):
        if pgid and pgid != os.getpgid(0):
            os.killpg(pgid, signal.SIGKILL)
        elif pid:
            os.kill(pid, signal.SIGKILL)
    process = getattr(provisioner, "process", None)
    with contextlib.suppress(Exception):
        if process is not None:
            process.wait(timeout=5)
    with contextlib.suppress(Exception):
        km.cleanup_connection_file()
    with contextlib.suppress(Exception):
        km.cleanup_ipc_files()
