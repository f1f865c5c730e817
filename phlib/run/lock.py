"""The per-quarter run lock: one `phreport run` (or export) of a quarter at a time.

The lock is `outputs/.locks/<quarter>.lock`. A run holds an exclusive `flock` on it for as long
as it lives (the operating system drops the lock when the process dies, however it dies) and
writes who holds it: pid, host, start time and command. A second run is refused with a
`RunLockedError` naming the holder. A lock file that still names a run although nobody holds
it is stale (that run was killed): it is cleared, and `acquire` says so.

Where `flock` is not available the pid is checked instead: a run on this host whose process
is gone (or whose pid now belongs to a process started later) is stale.

>>> import tempfile
>>> outputs = tempfile.mkdtemp()
>>> with RunLock(outputs, "2022-23-Q3") as lock:
...     lock.path.name, lock.holder()["pid"] == os.getpid()
('2022-23-Q3.lock', True)
>>> RunLock(outputs, "2022-23-Q3").holder() is None
True
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
from datetime import datetime
from pathlib import Path

from phlib.errors import RunLockedError

try:
    import fcntl
except ImportError:  # Windows: fall back to the pid check
    fcntl = None  # type: ignore[assignment]


def process_start(pid: int) -> str | None:
    """When a process started, as the kernel counts it (Linux), or None when unknown.

    >>> process_start(os.getpid()) is None or process_start(os.getpid()).isdigit()
    True
    """
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[-1].split()[19]


def pid_alive(pid: int) -> bool:
    """True when a process with this id exists on this machine.

    >>> pid_alive(os.getpid())
    True
    """
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


class RunLock:
    """The lock of one quarter's outputs (see the module docstring)."""

    def __init__(self, outputs_dir, quarter_id: str, command: str = "phreport run"):
        self.path = Path(outputs_dir) / ".locks" / f"{quarter_id}.lock"
        self.quarter_id, self.command = quarter_id, command
        self.messages: list[str] = []
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def holder(self) -> dict | None:
        """What the lock file says about the run holding it (None when it names no run)."""
        try:
            text = self.path.read_text(encoding="utf-8").strip()
        except OSError:
            return None
        if not text:
            return None
        try:
            data = json.loads(text)
        except ValueError:
            return {"pid": -1, "host": "?", "started": "?", "command": "?"}
        return data if isinstance(data, dict) else None

    def _describe(self, info: dict) -> str:
        return (
            f"pid {info.get('pid')} on {info.get('host')}, started {info.get('started')} "
            f"({info.get('command')})"
        )

    def acquire(self) -> list[str]:
        """Take the lock or raise `RunLockedError`; returns messages (a stale lock cleared)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if fcntl is not None:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    self._refuse(self.holder() or {})
            info = self.holder()
            if info is not None:
                if self._still_running(info):
                    self._refuse(info)
                self.messages.append(
                    f"Cleared a stale lock on {self.quarter_id}: the run it names "
                    f"({self._describe(info)}) is no longer running."
                )
            self._write(fd)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return self.messages

    def _still_running(self, info: dict) -> bool:
        """A run named in the file that nobody flocks: alive only if its process still is."""
        if info.get("host") != socket.gethostname():
            return fcntl is None  # another machine: trust flock where we have it
        pid = info.get("pid")
        if not isinstance(pid, int) or pid == os.getpid() or not pid_alive(pid):
            return False
        if fcntl is not None:
            return False  # alive but not holding the lock: the pid has been reused
        start = info.get("process_start")
        return start is None or start == process_start(pid)

    def _refuse(self, info: dict) -> None:
        who = self._describe(info) if info else "another run"
        raise RunLockedError(
            f"Another phreport run of {self.quarter_id} is in progress ({who}). Wait for it to "
            f"finish. If you are sure it is not running, delete {self.path}."
        )

    def _write(self, fd: int) -> None:
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": datetime.now().astimezone().isoformat(timespec="seconds"),
            "command": self.command,
            "process_start": process_start(os.getpid()),
            "python": sys.executable,
        }
        data = (json.dumps(info, indent=1) + "\n").encode()
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, data)
        os.fsync(fd)

    def release(self) -> None:
        """Empty the lock file and let go (the file stays, so no run can lock a stale copy)."""
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)
        with contextlib.suppress(OSError):
            if fcntl is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None
