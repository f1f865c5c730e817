"""The zygote process itself (`python -m phlib.run.zygote_process PRELOAD`): it imports
ipykernel, runs the preload, then forks one kernel per request read from its pipe and parses
observation files when asked, so that its kernels find them parsed.

`phlib.run.zygote` starts it and talks to it; this module is kept apart so that the worker
processes, which only talk to a zygote, never import what the zygote loads (pandas through
`phlib.inputs.reading`, ipykernel).
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import json
import os
import signal
import sys
import traceback

from phlib.inputs.reading import preread
from phlib.run.forked import KERNEL_MODULE

#: Kernels forked and not yet reaped: only these are killed when the zygote ends (a reaped
#: kernel's pid is free again and may be another process's by then).
LIVE: set[int] = set()


def _reap(signum, frame) -> None:
    with contextlib.suppress(ChildProcessError):
        while pid := os.waitpid(-1, os.WNOHANG)[0]:
            LIVE.discard(pid)


def fork_counted() -> int:
    """`os.fork()`, the child counted in `LIVE` before `_reap` can see it end; 0 in the child
    (which gets SIGCHLD unblocked again)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
    pid = os.fork()
    if pid:
        LIVE.add(pid)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
    return pid


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
    # The kernel itself, imported once here, with what each kernel imports as it starts
    # (debugpy above all: about 60 ms of the 200 a forked kernel spends before its first cell)
    import ipykernel.debugger  # noqa: F401
    import ipykernel.ipkernel  # noqa: F401
    import ipykernel.kernelapp  # noqa: F401

    gc.disable()  # the preload makes many objects and no garbage: no collections meanwhile
    with contextlib.suppress(Exception):
        exec(compile(preload, "<preload>", "exec"), {"__name__": "__preload__"})
    # What is loaded now lives as long as every kernel forked from here: frozen, a kernel's
    # collections never walk it, nor copy the pages it is on by touching it.
    gc.freeze()
    gc.enable()
    signal.signal(signal.SIGCHLD, _reap)
    for line in requests:
        request = json.loads(line)
        if "preread" in request:
            with contextlib.suppress(Exception):  # read_table reports what cannot be read
                preread(request["preread"])
            replies.write(b"0\n")
            replies.flush()
            continue
        pid = fork_counted()
        if pid == 0:
            requests.close()
            replies.close()
            _become_kernel(request)
        replies.write(b"%d\n" % pid)
        replies.flush()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # no more reaping: the pids stay ours
    for pid in sorted(LIVE):  # the worker has gone: so do its kernels (each leads its group,
        with contextlib.suppress(OSError):  # unless it was forked a moment ago)
            os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    os._exit(0)  # nothing to save: skip tearing down pandas, matplotlib and the rest


if __name__ == "__main__":
    serve(sys.argv[1] if len(sys.argv) > 1 else "")
