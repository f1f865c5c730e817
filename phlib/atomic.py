"""Atomic file writes: a reader sees the old file or the new one, never half of one.

`write_bytes` and `write_text` write a temporary file in the target's own folder (so the final
rename stays on one file system), flush and fsync it, give it the target's permissions (or the
usual ones for a new file), then `os.replace` it over the target and fsync the folder. If
anything fails before the rename, the temporary file is removed and the target is untouched.
A process killed mid-write can leave a temporary file named `.<name>.<random>.tmp` beside the
target (`TEMP_GLOB` matches it); the target itself is always complete.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_text(folder / "notes" / "a.md", "first\\n")
>>> (folder / "notes" / "a.md").read_text()
'first\\n'
>>> write_text(folder / "notes" / "a.md", "second\\n")
>>> (folder / "notes" / "a.md").read_text(), sorted(p.name for p in (folder / "notes").iterdir())
('second\\n', ['a.md'])
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import stat
import sys
import tempfile
from pathlib import Path

TEMP_GLOB = ".*.tmp"


def _default_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_NEW_FILE_MODE = _default_mode()


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable where the platform allows it."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # some file systems do not fsync folders; the rename is still atomic
        pass
    finally:
        os.close(fd)


def write_bytes(
    path: str | os.PathLike, data: bytes, *, make_parents: bool = True, durable: bool = True
) -> None:
    """Replace `path` with `data` atomically, creating its folder first if `make_parents`.

    `durable=False` leaves out the two fsyncs, for files inside a staging folder that becomes
    visible only when it is swapped in: `sync_tree` makes them durable together before that.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "b.bin"
    >>> write_bytes(target, b"\\x00\\x01")
    >>> target.read_bytes()
    b'\\x00\\x01'
    """
    target = Path(path)
    folder = target.parent
    if make_parents:
        folder.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = _NEW_FILE_MODE
    fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    if durable:
        _fsync_folder(folder)


def sync_tree(folder: str | os.PathLike) -> None:
    """Make every file written under `folder` durable: one `syncfs` of its file system on
    Linux (far cheaper than an fsync per file), else an fsync of each file."""
    folder = Path(folder)
    libc = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None
    if libc is not None and hasattr(libc, "syncfs"):
        fd = os.open(folder, os.O_RDONLY)
        try:
            if libc.syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())


def write_text(
    path: str | os.PathLike,
    text: str,
    *,
    encoding: str = "utf-8",
    make_parents: bool = True,
    durable: bool = True,
) -> None:
    """Replace `path` with `text` atomically; newlines are written exactly as given.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "c.md"
    >>> write_text(target, "caf\\u00e9\\r\\n")
    >>> target.read_bytes()
    b'caf\\xc3\\xa9\\r\\n'
    """
    write_bytes(path, text.encode(encoding), make_parents=make_parents, durable=durable)
