"""Kernels forked from a process that has already imported what notebooks need.

A fresh kernel spends about a second of processor time importing Python, ipykernel, pandas,
matplotlib and phlib before the notebook's first cell runs. A `Zygote` is a helper process
(`python -m phlib.run.zygote_process`, its loop) that imports ipykernel, runs the preload once
and then waits; each kernel is a `fork()` of it that goes straight to
`IPKernelApp.launch_instance`, so it starts with those modules already in memory and pays only
for its own work. Nothing runs in the zygote that a notebook would see: the preload only
fills module caches, and the zygote starts no kernel, thread or event loop of its own before
forking.

Each kernel gets the command-line arguments, working folder and environment that
jupyter_client would have given a fresh kernel, runs in its own session (so its process group
can be signalled and killed as usual) and takes the zygote as its parent: kernels exit when
the zygote dies. The zygote reads its requests from a pipe and exits, killing its kernels,
when the pipe's writer (the worker that uses it) has gone.

A local run starts each worker's zygote itself, beside the worker, so that the zygote's
imports overlap the worker's own start-up, and hands the pipe to the worker (`handle()`:
the worker receives an attached `Zygote`). The numpy bundled BLAS threads a zygote has are
handled across `fork()` by the library itself; the zygote starts no Python thread.

>>> start_zygote("", ".") is None  # no preload: kernels are fresh interpreters
True
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from multiprocessing.reduction import DupFd

from phlib.run.forked import KERNEL_MODULE, ForkedProcess, interpreter

PROCESS_MODULE = "phlib.run.zygote_process"  # what the zygote process runs

#: The matplotlib backend ipykernel selects when none is set; set before the preload imports
#: matplotlib, as a fresh kernel sets it before the notebook does.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


class ZygoteError(RuntimeError):
    """The zygote process could not be started or could not fork a kernel."""


def start_zygote(preload: str, cwd, kernel_name: str = "python3") -> Zygote | None:
    """A zygote for kernels of `kernel_name` that runs `preload`, or None when kernels are
    better started fresh: no preload, not an ipykernel of a known interpreter, or not Linux
    (Windows has no fork; macOS system libraries are not all safe in a forked child)."""
    if not preload.strip() or not sys.platform.startswith("linux"):
        return None
    python = interpreter(kernel_name)
    return Zygote(preload, str(cwd), python) if python else None


class _Attached(ForkedProcess):
    """The zygote as seen by a worker it was handed to: its pipe, and its pid to watch."""

    def __init__(self, pid: int, stdin, stdout):
        super().__init__(pid)
        self.stdin, self.stdout = stdin, stdout


def _attached(pid, to_fd, from_fd, preload, cwd, python) -> Zygote:
    zygote = Zygote.__new__(Zygote)
    zygote._setup(preload, cwd, python)
    zygote.process = _Attached(pid, os.fdopen(to_fd.detach(), "wb"),
                               os.fdopen(from_fd.detach(), "rb"))  # fmt: skip
    return zygote


class _Handle:
    """A started zygote's pipe, to pass to a spawned worker process (as its argument)."""

    def __init__(self, zygote: Zygote):
        self.zygote = zygote

    def __reduce__(self):
        z = self.zygote
        pipes = (DupFd(z.process.stdin.fileno()), DupFd(z.process.stdout.fileno()))
        return _attached, (z.process.pid, *pipes, z.preload, z.cwd, z.interpreter)


class Zygote:
    """A started zygote process; `fork()` returns the pid of a new kernel process."""

    def __init__(self, preload: str, cwd: str, interpreter: list[str]):
        self._setup(preload, cwd, interpreter)
        env = dict(os.environ)
        env.setdefault("MPLBACKEND", INLINE_BACKEND)
        self.process = subprocess.Popen(
            [*interpreter, "-m", PROCESS_MODULE, preload],
            cwd=cwd,  # as for a fresh kernel: its folder is first on sys.path
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def _setup(self, preload: str, cwd: str, interpreter: list[str]) -> None:
        self._lock = threading.Lock()
        self.preload, self.cwd, self.interpreter = preload, cwd, interpreter
        self.prereads: list[str] = []
        self.prefix = [*interpreter, "-m", KERNEL_MODULE]

    def handle(self) -> _Handle:
        """What to pass to a spawned worker: it gets this zygote, attached to the pipe."""
        return _Handle(self)

    def handed_over(self) -> None:
        """After the worker has started: let go of the pipe, so the zygote sees the worker
        go; `close` later only collects the zygote's exit."""
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()

    def fork(self, argv: list[str], cwd: str, env: dict, stderr: str | None) -> int:
        """Ask for a kernel started with `argv` (after `-m ipykernel_launcher`); its pid."""
        reply = self._ask({"argv": argv, "cwd": cwd, "env": env, "stderr": stderr})
        if not reply.strip().isdigit():
            raise ZygoteError("the kernel zygote stopped before it could fork a kernel")
        return int(reply)

    def _ask(self, request: dict) -> bytes:
        """Send one request line and read its one reply line."""
        with self._lock:
            stdin, stdout = self.process.stdin, self.process.stdout
            assert stdin is not None and stdout is not None
            try:
                stdin.write(json.dumps(request).encode("utf-8") + b"\n")
                stdin.flush()
                return stdout.readline()
            except OSError as exc:
                raise ZygoteError(f"the kernel zygote stopped: {exc}") from exc

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def restarted(self) -> Zygote:
        """A new zygote like this one (which has stopped), with the same files parsed."""
        self.close()
        again = Zygote(self.preload, self.cwd, self.interpreter)
        if self.prereads:
            again.preread(self.prereads)
        return again

    def preread(self, paths: list[str]) -> None:
        """Have the zygote parse these data files now (`phlib.inputs.reading.preread`), so
        the kernels it forks from now on find them parsed; files it has parsed already are
        not sent again."""
        new = [path for path in dict.fromkeys(paths) if path not in self.prereads]
        if new:
            self.prereads += new
            self._ask({"preread": new})

    def close(self) -> None:
        """Stop the zygote; it kills any kernel it forked that is still running."""
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
