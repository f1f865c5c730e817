"""Kernels listen on Unix sockets in a private folder, not on TCP ports (`phlib.run.sockets`):
phreport's kernels, forked or not, and the kernels nbval and the suite's papermill runs start."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import nbval.kernel
import pytest
import support

from phlib.run import sockets
from phlib.run.kernels import KernelPool


def socket_files(km) -> list[Path]:
    return sorted(Path(km.ip).parent.glob(Path(km.ip).name + "-*"))


@pytest.mark.parametrize("preload", ["import fractions", ""], ids=["forked", "fresh"])
def test_a_kernel_listens_on_its_own_unix_sockets_and_they_go_with_it(preload, tmp_path):
    pool = KernelPool(cwd=tmp_path, preload=preload, work_dir=tmp_path / "work")
    try:
        km = pool.take()
        assert (pool.zygote is not None) == bool(preload)
        info = json.loads(Path(km.connection_file).read_text())
        assert info["transport"] == "ipc" and info["ip"] == km.ip
        assert Path(km.ip).parent == sockets.folder()
        files = socket_files(km)
        assert len(files) == 5 and all(stat.S_ISSOCK(f.stat().st_mode) for f in files)
        assert support.run_code(km, "print(6 * 7)") == (1, "42")
        support.kill_kernel(km)
        pool.forget(km)
        assert socket_files(km) == [], "a killed kernel's sockets are left behind"
    finally:
        pool.close()


def test_the_socket_folder_is_private_to_its_process_and_removed_when_it_ends(tmp_path):
    assert stat.S_IMODE(sockets.folder().stat().st_mode) == 0o700
    first, second = sockets.fresh_address(), sockets.fresh_address()
    assert first != second and Path(first).parent == Path(second).parent == sockets.folder()
    code = (
        "import os, sys\nfrom phlib.run import sockets\n"
        "mine = sockets.folder()\n"
        "child = os.fork()\n"
        "if child == 0:\n"
        "    print(sockets.folder(), flush=True)\n"
        "    sys.exit(0)\n"
        "os.waitpid(child, 0)\n"
        "print(mine, mine.is_dir())\n"
    )
    out = support.python_output(code, TMPDIR=str(tmp_path))
    child, parent = out.splitlines()
    mine, kept = parent.split()
    assert child != mine, "a forked child shares its parent's socket folder"
    assert kept == "True", "a forked child's exit removed its parent's folder"
    assert not Path(mine).exists() and not Path(child).exists(), "a socket folder outlived us"


def test_kernels_keep_tcp_where_a_socket_name_would_be_too_long(tmp_path, monkeypatch):
    deep = tmp_path / ("x" * 90)
    deep.mkdir()
    monkeypatch.setattr(sockets, "_folder", (os.getpid(), deep))
    km = sockets.PrivateKernelManager()
    assert (km.transport, km.ip) == ("tcp", "127.0.0.1")


def test_nbvals_kernels_listen_on_unix_sockets_too():
    assert issubclass(nbval.kernel.KernelManager, sockets.PrivateSockets)  # pytest_configure
    km, kc = nbval.kernel.start_new_kernel(kernel_name="python3")
    try:
        assert km.transport == "ipc" and len(socket_files(km)) == 5
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert socket_files(km) == []
