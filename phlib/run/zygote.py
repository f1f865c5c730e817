"""Kernels forked from a process that has already imported what notebooks need.

A fresh kernel spends about a second of processor time importing Python, ipykernel, pandas,
matplotlib and phlib before the notebook's first cell runs. A `Zygote` is a helper process
(`python -m phlib.run.zygote`) that imports ipykernel, runs the preload once and then waits;
each kernel is a `fork()` of it that goes straight to `IPKernelApp.launch_instance`, so it
starts with those modules already in memory and pays only for its own work. Nothing runs in
the zygote that a notebook would see: the preload only fills module caches, and the zygote
starts no kernel, thread or event loop of its own before forking.

Each kernel gets the command-line arguments, working folder and environment that
jupyter_client would have given a fresh kernel, runs in its own session (so its process group
can be signalled and killed as usual) and takes the zygote as its parent: kernels exit when
the zygote dies, and the zygote dies with the worker that started it.

`ForkedKernelManager` is an `AsyncKernelManager` that asks its zygote for the kernel process
instead of starting a new interpreter; `ForkedProcess` gives jupyter_client the `Popen`-like
handle it expects for a process that is not its child.

>>> ForkedProcess(os.getpid()).poll() is None
True
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import traceback

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager

from phlib.inputs.reading import preread

#: The matplotlib backend ipykernel selects when none is set; set before the preload imports
#: matplotlib, as a fresh kernel sets it before the notebook does.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
KERNEL_MODULE = "ipykernel_launcher"


class ZygoteError(RuntimeError):
    """The zygote process could not be started or could not fork a kernel."""


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
        """Wait for the process to end (`subprocess.TimeoutExpired` after `timeout` s)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired([str(self.pid)], timeout)
            time.sleep(0.02)
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


class Zygote:
    """A started zygote process; `fork()` returns the pid of a new kernel process."""

    def __init__(self, preload: str, cwd: str, interpreter: list[str]):
        self._lock = threading.Lock()
        self.preload, self.cwd, self.interpreter = preload, cwd, interpreter
        self.prereads: list[str] = []
        self.prefix = [*interpreter, "-m", KERNEL_MODULE]
        env = dict(os.environ)
        env.setdefault("MPLBACKEND", INLINE_BACKEND)
        self.process = subprocess.Popen(
            [*interpreter, "-m", "phlib.run.zygote", preload],
            cwd=cwd,  # as for a fresh kernel: its folder is first on sys.path
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def fork(self, argv: list[str], cwd: str, env: dict, stderr: str | None) -> int:
        """Ask for a kernel started with `argv` (after `-m ipykernel_launcher`); its pid."""
        request = {"argv": argv, "cwd": cwd, "env": env, "stderr": stderr}
        with self._lock:
            stdin, stdout = self.process.stdin, self.process.stdout
            assert stdin is not None and stdout is not None
            try:
                stdin.write(json.dumps(request).encode("utf-8") + b"\n")
                stdin.flush()
                reply = stdout.readline()
            except OSError as exc:
                raise ZygoteError(f"the kernel zygote stopped: {exc}") from exc
        if not reply.strip().isdigit():
            raise ZygoteError("the kernel zygote stopped before it could fork a kernel")
        return int(reply)

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
        the kernels it forks from now on find them parsed."""
        self.prereads += [path for path in paths if path not in self.prereads]
        with self._lock:
            stdin, stdout = self.process.stdin, self.process.stdout
            assert stdin is not None and stdout is not None
            try:
                stdin.write(json.dumps({"preread": list(paths)}).encode("utf-8") + b"\n")
                stdin.flush()
                stdout.readline()
            except OSError as exc:
                raise ZygoteError(f"the kernel zygote stopped: {exc}") from exc

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


class ForkedKernelManager(AsyncKernelManager):
    """Starts its kernel as a fork of `zygote` when the kernel is this Python's ipykernel."""

    zygote: Zygote | None = None

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


def _reap(signum, frame) -> None:
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def _become_kernel(request: dict) -> None:
    """In the forked child: turn into the kernel the request asks for; never returns."""
    code = 1
    try:
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        null = os.open(os.devnull, os.O_RDWR)
        err = null
        if request.get("stderr"):
            err = os.open(request["stderr"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        os.dup2(null, 0)
        os.dup2(null, 1)
        os.dup2(err, 2)
        os.chdir(request["cwd"])
        parent = os.getppid()
        os.environ.clear()
        os.environ.update(request["env"], JPY_PARENT_PID=str(parent))
        # ipykernel reads JPY_PARENT_PID when it is imported (here, in the zygote), so the
        # parent it must watch is passed as an option: the kernel exits when the zygote does.
        argv = [*request["argv"], f"--IPKernelApp.parent_handle={parent}"]
        sys.argv = [KERNEL_MODULE, *argv]
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=argv)
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:
        traceback.print_exc()
    finally:
        with contextlib.suppress(BaseException):
            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def serve(preload: str) -> None:
    """The zygote's main loop: one JSON request per line in, one kernel pid per line out."""
    requests = os.fdopen(os.dup(0), "rb")
    replies = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    import ipykernel.kernelapp  # noqa: F401 (the kernel itself, imported once here)

    with contextlib.suppress(Exception):
        exec(compile(preload, "<preload>", "exec"), {"__name__": "__preload__"})
    signal.signal(signal.SIGCHLD, _reap)
    kernels = []
    for line in requests:
        request = json.loads(line)
        if "preread" in request:
            with contextlib.suppress(Exception):  # read_table reports what cannot be read
                preread(request["preread"])
            replies.write(b"0\n")
            replies.flush()
            continue
        pid = os.fork()
        if pid == 0:
            requests.close()
            replies.close()
            _become_kernel(request)
        kernels.append(pid)
        replies.write(b"%d\n" % pid)
        replies.flush()
    for pid in kernels:  # the worker has gone: so do its kernels (each leads its group)
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)


if __name__ == "__main__":
    serve(sys.argv[1] if len(sys.argv) > 1 else "")
