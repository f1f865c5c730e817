"""The papermill engine phreport runs notebooks with (`phlib.run.engine`) and the wait for a
kernel to answer (`phlib.run.kernels.answering`): what papermill's own engine gives, without
its waits around each notebook."""

from __future__ import annotations

from queue import Empty

import nbformat
import papermill
import pytest
import support
from nbformat.v4 import new_code_cell, new_notebook

from phlib.run.engine import register_engine
from phlib.run.kernels import KernelPool, answering, kill
from phlib.run.sockets import PrivateKernelManager

#: Cells whose outputs come early, late, on stderr, as rich display and as a result: the
#: first is printed as soon as the cell starts, so a client that is not yet hearing IOPub
#: would lose it.
CELLS = [
    "print('first', flush=True)",
    "import sys\nprint('to stderr', file=sys.stderr)",
    "from IPython.display import HTML, display\ndisplay(HTML('<b>bold</b>'))",
    "import time\ntime.sleep(0.2)\nprint('late')\n6 * 7",
]


@pytest.fixture
def pool(tmp_path):
    kernels = KernelPool(cwd=tmp_path, preload="")
    yield kernels
    kernels.close()


async def first_output_after_answering(km) -> str:
    client = km.client()
    client.start_channels()
    try:
        await answering(client, timeout=60)
        msg_id = client.execute("print('heard', flush=True)")
        while True:
            msg = await client.get_iopub_msg(timeout=60)
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
                return msg["content"]["text"].strip()
    finally:
        client.stop_channels()


def test_a_client_hears_the_first_output_once_the_kernel_has_answered(pool):
    km = pool.take()
    try:
        for _ in range(3):  # each time with a new client, whose IOPub has just connected
            assert support.in_thread(first_output_after_answering(km)) == "heard"
    finally:
        support.kill_kernel(km)
        pool.forget(km)


def test_answering_reports_a_kernel_that_has_died(pool):
    km = pool.take()
    kill(km)
    pool.forget(km)

    async def ask():
        client = km.client()
        client.start_channels()
        try:
            await answering(client, timeout=60)
        finally:
            client.stop_channels()

    with pytest.raises(RuntimeError, match="Kernel died before replying to kernel_info"):
        support.in_thread(ask())
    km.context.destroy(linger=0)


def outputs(nb) -> list:
    return [(c.execution_count, c.outputs) for c in nb.cells]


def test_a_notebook_gives_what_papermills_own_engine_gives_and_its_kernel_is_killed(pool, tmp_path):
    nb = new_notebook(cells=[new_code_cell(code) for code in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}  # fmt: skip
    stock = papermill.execute_notebook(
        nb, str(tmp_path / "stock.ipynb"), kernel_name="python3", progress_bar=False,
        kernel_manager_class=PrivateKernelManager,  # as phreport's kernels: no port to lose
    )  # fmt: skip
    km = pool.take()
    ours = papermill.execute_notebook(
        nb, str(tmp_path / "ours.ipynb"), kernel_name="python3", progress_bar=False,
        engine_name=register_engine(), km=km,
    )  # fmt: skip
    pool.forget(km)
    assert outputs(ours) == outputs(stock)
    texts = [o.get("text", "") for c in ours.cells for o in c.outputs]
    assert "first\n" in texts and "late\n" in texts
    assert ours.metadata["language_info"] == stock.metadata["language_info"]
    assert km.provisioner is None or km.provisioner.process.poll() is not None, "still running"
    assert nbformat.read(tmp_path / "ours.ipynb", as_version=4).cells[0].outputs == (
        ours.cells[0].outputs
    )


class ScriptedClient:
    """A kernel client whose IOPub answers only after `silent` requests, whose kernel may be
    dead: what `answering` must cope with, which a real kernel shows only now and then."""

    def __init__(self, silent: int, alive: bool = True):
        self.silent, self.alive, self.asked = silent, alive, 0

    def kernel_info(self) -> str:
        self.asked += 1
        return f"request-{self.asked}"

    async def get_shell_msg(self, timeout=None):
        if not self.alive:
            raise Empty
        return {"msg_type": "kernel_info_reply"}

    async def get_iopub_msg(self, timeout=None):
        if self.asked <= self.silent:
            raise Empty
        return {"msg_type": "status"}

    async def is_alive(self) -> bool:
        return self.alive


def test_answering_asks_again_until_iopub_is_heard():
    client = ScriptedClient(silent=3)
    support.in_thread(answering(client, timeout=60))
    assert client.asked == 4


def test_answering_gives_up_on_a_dead_kernel_or_after_its_timeout():
    with pytest.raises(RuntimeError, match="Kernel died"):
        support.in_thread(answering(ScriptedClient(silent=0, alive=False), timeout=60))
    with pytest.raises(RuntimeError, match="didn't respond in 0 seconds"):
        support.in_thread(answering(ScriptedClient(silent=10**9), timeout=0))
