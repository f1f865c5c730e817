"""Where a kernel listens: Unix sockets in a private folder instead of TCP ports.

On TCP, jupyter_client picks free ports for a new kernel and closes them again; the kernel
binds them up to a second later, when it has started. Another process can take one of them in
between. ipykernel then fails to bind and, instead of exiting, hangs as it closes its other
sockets, so its manager waits out its whole start-up timeout (a minute or three) before it
reports anything. Unix sockets (ZeroMQ's `ipc` transport) have names, not numbers: each kernel
gets names no other kernel is given, in a folder only this user can open, so nothing can take
them and no other local user can connect to a kernel.

`PrivateSockets` is a mixin for a jupyter_client kernel manager that makes this the default;
`PrivateKernelManager` is jupyter_client's `AsyncKernelManager` with it, the manager of every
kernel phreport starts (`phlib.run.kernels`, `phlib.run.forked`). Where Unix sockets are not
available (Windows) or the temporary folder's path is too long for a socket's name, kernels
keep TCP.

>>> from jupyter_client.manager import KernelManager
>>> class Manager(PrivateSockets, KernelManager):
...     pass
>>> km = Manager()
>>> km.transport, Path(km.ip).parent == folder()
('ipc', True)
"""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import tempfile
from pathlib import Path

from jupyter_client.connect import ConnectionFileMixin
from jupyter_client.localinterfaces import localhost
from jupyter_client.manager import AsyncKernelManager
from traitlets import default

#: The longest socket name Linux accepts is 107 bytes; a kernel's five are its address
#: followed by "-1" to "-5" (each address is fresh, so no older socket pushes them higher).
LONGEST_ADDRESS = 96

_folder: tuple[int, Path] | None = None
_numbers = itertools.count(1)


def folder() -> Path:
    """This process's private socket folder (mode 0700), made on first use and removed when
    the process exits (`remove`, which processes that end with `os._exit` call themselves)."""
    global _folder
    if _folder is None or _folder[0] != os.getpid():  # a forked child makes its own
        path = Path(tempfile.mkdtemp(prefix="phk-"))
        if _folder is None:
            atexit.register(remove)
        _folder = (os.getpid(), path)
    return _folder[1]


def remove() -> None:
    """Remove this process's socket folder with anything left in it; a kernel started after
    this gets a new folder. A forked child never removes its parent's."""
    global _folder
    if _folder is not None and _folder[0] == os.getpid():
        shutil.rmtree(_folder[1], ignore_errors=True)
        _folder = None


def available() -> bool:
    """Whether kernels here can listen on Unix sockets in the private folder."""
    if os.name != "posix":
        return False
    return len(str(folder() / "k0000000-0000")) <= LONGEST_ADDRESS


def fresh_address() -> str:
    """A socket address no kernel of this process has had (a path in `folder()`)."""
    return str(folder() / f"k{os.getpid()}-{next(_numbers)}")


class PrivateSockets(ConnectionFileMixin):
    """Kernel-manager mixin: the kernel listens on fresh Unix sockets in `folder()`."""

    @default("transport")
    def _private_transport(self) -> str:
        return "ipc" if available() else "tcp"

    @default("ip")
    def _private_ip(self) -> str:
        return fresh_address() if self.transport == "ipc" else localhost()


class PrivateKernelManager(PrivateSockets, AsyncKernelManager):
    """jupyter_client's `AsyncKernelManager`, its kernel listening on private Unix sockets."""
