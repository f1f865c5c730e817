"""What runs inside each Dask worker of a `--cluster` run: warm kernels and one job at a time.

`WarmKernels` is a Dask worker plugin (`as_plugin` makes it one, importing distributed only
when a run uses a cluster). Its `setup` gives the worker one `notebook` resource
(so the scheduler sends it one notebook at a time), makes a private temporary folder and
starts a kernel ahead of need (`phlib.run.kernels.KernelPool`); its `teardown` kills the
kernels and removes the folder. `run_remote` is the task the client submits for each job.
Each run registers its own plugin (`plugin_name`), so runs sharing a cluster never stop each
other's kernels; the `notebook` resource still lets each worker run one notebook at a time.

A worker shares no file system with the client. The client sends a `bundle` (the notebooks
and data files as bytes, keyed by the client's absolute paths); the worker writes it once
into its private folder, runs the job with the paths in the notebook's parameters rewritten
to those copies and its outputs going to a private folder, and returns the `JobResult` with
every file the job wrote as bytes. The worker's own paths are written back as the client's
in what it returns, so a notebook run on a cluster reads the same as one run locally.

>>> swap_paths("x /w/in/obs.csv y", {"/w/in/obs.csv": "/p/data/obs.csv"})
'x /p/data/obs.csv y'
>>> rewrite({"a": "/p/d.csv", "b": ["/p/d.csv", 3], "c": 2}, {"/p/d.csv": "/w/d.csv"})
{'a': '/w/d.csv', 'b': ['/w/d.csv', 3], 'c': 2}
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
import uuid
from dataclasses import replace
from pathlib import Path

from phlib.report.section import exporter
from phlib.run.engine import register_engine
from phlib.run.jobs import Job, JobResult, execute_job, one_line
from phlib.run.kernels import KernelPool
from phlib.run.startup import skip_slow_optional_imports

PLUGIN_PREFIX = "phreport-warm-kernels"
RESOURCE = "notebook"


def swap_paths(text: str, mapping: dict[str, str]) -> str:
    """`text` with each key of `mapping` replaced by its value, longest keys first."""
    for old in sorted(mapping, key=len, reverse=True):
        text = text.replace(old, mapping[old])
    return text


def rewrite(parameters: dict, mapping: dict[str, str]) -> dict:
    """Notebook parameters with every path (a string, or a string in a list) in `mapping`
    replaced by its value."""

    def one(value):
        if isinstance(value, str):
            return mapping.get(value, value)
        if isinstance(value, (list, tuple)):
            return [one(v) for v in value]
        return value

    return {name: one(value) for name, value in parameters.items()}


class WarmKernels:
    """Keeps a kernel warm in one Dask worker and runs phreport's jobs there, one at a time."""

    idempotent = False

    def __init__(self, preload: str = ""):
        self.preload = preload
        self.root: Path | None = None
        self.kernels: KernelPool | None = None
        self.engine = ""

    async def setup(self, worker) -> None:
        skip_slow_optional_imports()
        self.lock, self.ready = threading.Lock(), threading.Event()
        if worker.state.total_resources.get(RESOURCE) != 1:
            await worker.set_resources(**{RESOURCE: 1})
        self.root = Path(tempfile.mkdtemp(prefix="phreport-worker-"))
        (self.root / "work").mkdir()
        self.kernels = KernelPool(cwd=self.root / "work", preload=self.preload)
        threading.Thread(target=self._warm, name="phreport-warm", daemon=True).start()

    def _warm(self) -> None:
        """Import papermill (one thread: concurrent first imports can clash), start the
        first kernel, then compile the page template while it starts."""
        try:
            with contextlib.suppress(Exception):
                self.engine = register_engine()
            self.kernels.prestart()
            with contextlib.suppress(Exception):
                exporter()
        finally:
            self.ready.set()

    def teardown(self, worker) -> None:
        if self.kernels is not None:
            self.kernels.close()
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)

    def inputs(self, bundle: dict) -> dict[str, str]:
        """Write the bundle's files once; return client path -> this worker's copy."""
        assert self.root is not None
        folder = self.root / "inputs" / bundle["digest"]
        mapping = {}
        for number, (client_path, data) in enumerate(sorted(bundle["files"].items())):
            mine = folder / str(number) / Path(client_path).name
            if not mine.is_file():
                mine.parent.mkdir(parents=True, exist_ok=True)
                partial = mine.with_name(f".{mine.name}.part")
                partial.write_bytes(data)
                partial.replace(mine)
            mapping[client_path] = str(mine)
        for number, client_path in enumerate(sorted(bundle["folders"])):
            mine = folder / "folders" / str(number) / Path(client_path).name
            mine.mkdir(parents=True, exist_ok=True)
            mapping[client_path] = str(mine)
        return mapping

    def execute(self, job: Job, narrative: bytes | None, bundle: dict):
        """Run `job` here; returns (JobResult, {file name: bytes}) with the client's paths."""
        assert self.root is not None and self.kernels is not None
        with self.lock:
            self.ready.wait()
            self.engine = self.engine or register_engine()
            mapping = self.inputs(bundle)
            # the kernels after the spare one find these files parsed already
            observations = [mapping[path] for path in job.parameters.get("observation_paths", [])]
            self.kernels.preread(observations)
            place = self.root / "jobs" / uuid.uuid4().hex
            out = place / "out"
            out.mkdir(parents=True)
            story = place / "narrative.md"
            if narrative is not None:
                story.write_bytes(narrative)
            private = job.private_text + ((str(self.root),) if job.private_text else ())
            here = replace(
                job,
                notebook=Path(mapping[str(job.notebook)]),
                parameters=rewrite(job.parameters, mapping),
                out_dir=out,
                narrative_path=story if job.narrative_path is not None else None,
                private_text=private,
            )
            back = {mine: client for client, mine in mapping.items()}
            back[str(out)] = str(job.out_dir)
            back[str(story)] = str(job.narrative_path)
            try:
                km = self.kernels.take()
            except Exception as exc:
                error = f"could not start a kernel on the worker: {one_line(exc)}"
                return JobResult(job.area, job.service, "failed", 0.0, error=error), {}
            self.kernels.prestart()
            try:
                result = execute_job(here, km, self.engine)
            finally:
                self.kernels.forget(km)
            files = {
                p.name: swap_paths(p.read_text(encoding="utf-8"), back).encode("utf-8")
                for p in sorted(out.iterdir())
                if p.is_file() and not p.name.startswith(".")
            }
            shutil.rmtree(place, ignore_errors=True)
            return _restored(result, back), files

    def interrupt(self) -> None:
        """Kill the kernels, so a cancelled run's notebook stops at once."""
        if self.kernels is not None:
            self.kernels.kill_all()


def _restored(result: JobResult, back: dict[str, str]) -> JobResult:
    section = result.section
    if section is not None:
        section = replace(section, html=swap_paths(section.html, back),
                          error=swap_paths(section.error or "", back))  # fmt: skip
    return replace(
        result,
        error=swap_paths(result.error, back),
        detail=swap_paths(result.detail, back),
        log=swap_paths(result.log, back),
        section=section,
    )


def as_plugin(preload: str = ""):
    """A `WarmKernels` that is a `distributed.WorkerPlugin`, ready to register."""
    from distributed import WorkerPlugin

    class WarmKernelsPlugin(WarmKernels, WorkerPlugin):
        """`WarmKernels` as Dask sees it (pickled by value, so defined here)."""

    return WarmKernelsPlugin(preload)


def _worker():
    from distributed import get_worker

    return get_worker()


def plugin_name(run: str) -> str:
    """The name of one run's `WarmKernels` plugin.

    >>> plugin_name("1a2b")
    'phreport-warm-kernels-1a2b'
    """
    return f"{PLUGIN_PREFIX}-{run}"


def run_remote(plugin: str, job: Job, narrative: bytes | None, bundle: dict):
    """The task of one job on a Dask worker (needs the run's `WarmKernels` plugin)."""
    found = _worker().plugins.get(plugin)
    if found is None:
        raise RuntimeError(f"the {plugin} worker plugin is not registered on this worker")
    return found.execute(job, narrative, bundle)


def interrupt_kernels(plugin_name: str, dask_worker=None) -> None:
    """Run on each worker (`Client.run`, which passes the worker as `dask_worker`: there is
    no task, so `get_worker` finds none) when a run is cancelled: stop the run's notebook
    running there."""
    plugin = (dask_worker or _worker()).plugins.get(plugin_name)
    if plugin is not None:
        plugin.interrupt()
