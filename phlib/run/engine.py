"""The papermill engine that executes a notebook on a kernel from a `KernelPool`.

papermill's own engine (through nbclient) starts a kernel for each notebook and, around its
cells, spends about 0.3 s waiting on that kernel: 0.2 s after connecting, until the kernel
has been quiet for that long (jupyter_client's `wait_for_ready`), and 0.1 s after the last
cell, polling every tenth of a second for the killed kernel to go. Here the kernel is already
running (`phlib.run.kernels.KernelPool`), so the engine connects to it, checks that it answers
on both channels (`phlib.run.kernels.answering`, the same checks without the quiet period),
runs the cells as papermill does, then kills the kernel at once (`phlib.run.kernels.kill`:
SIGKILL to its process group, as papermill's "immediate" shutdown does, then it is reaped).
The cells, their outputs and the notebook written are papermill's.

papermill (and nbclient with it) is imported when the engine is built (`warm_engine`): only
worker processes execute notebooks.
"""

from __future__ import annotations

from jupyter_core.utils import ensure_async, run_sync

from phlib.run.kernels import answering, kill


def warm_engine():
    """The papermill engine class that runs a notebook on a kernel from a `KernelPool`."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine
    from papermill.log import logger

    class WarmKernelClient(PapermillNotebookClient):
        """papermill's notebook client, connecting to and killing a running kernel without
        the waits nbclient adds (see the module docstring)."""

        async def async_start_new_kernel_client(self):
            assert self.km is not None
            self.kc = self.km.client()
            await ensure_async(self.kc.start_channels())
            try:
                await answering(self.kc, self.startup_timeout)
            except Exception:
                await self._async_cleanup_kernel()
                raise
            self.kc.allow_stdin = False
            return self.kc

        start_new_kernel_client = run_sync(async_start_new_kernel_client)

        async def _async_cleanup_kernel(self) -> None:
            assert self.km is not None
            try:
                kill(self.km)
            finally:
                await ensure_async(self.km.cleanup_resources())
                if self.kc is not None:
                    await ensure_async(self.kc.stop_channels())
                    self.kc = None
                    self.km = None

        _cleanup_kernel = run_sync(_async_cleanup_kernel)

    class WarmKernelEngine(NBClientEngine):
        """Executes on the kernel passed as `km`, then kills that kernel."""

        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man,
            kernel_name,
            log_output=False,
            stdout_file=None,
            stderr_file=None,
            start_timeout=60,
            execution_timeout=None,
            km=None,
            **kwargs,
        ):
            client = WarmKernelClient(
                nb_man,
                km=km,
                kernel_name=kernel_name,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                shutdown_kernel="immediate",
            )
            return client.execute(cleanup_kc=True)

    return WarmKernelEngine


def register_engine(name: str = "phreport") -> str:
    """Register the warm-kernel engine with papermill under `name` and return the name."""
    from papermill.engines import papermill_engines

    papermill_engines.register(name, warm_engine())
    return name
