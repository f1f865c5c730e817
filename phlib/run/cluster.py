"""Running a quarter's notebooks on a Dask distributed cluster (`phreport run --cluster`).

`ClusterPool` has the interface of `phlib.run.workers.WorkerPool` (`start`, `run(jobs,
on_result)`, `close(graceful)`), so a run chooses one or the other and nothing else changes.
`--cluster tcp://host:8786` connects to a running `dask scheduler`; `--cluster local` (or
`local:N`) starts a `LocalCluster` of one process per core (or N) for the run.

`start` connects, waits for a worker and registers the `WarmKernels` plugin
(`phlib.run.cluster_worker`) on every worker: each keeps a kernel warm and runs one notebook
at a time. It raises `ClusterError` (exit 2) before the run writes anything when the
scheduler cannot be reached or has no workers. A LocalCluster starts in the background while
the inputs are checked; if it cannot start, `run` raises that error (the previous outputs are
kept). `run` sends the notebooks and data files as
bytes (once per worker), submits one task per job, longest first, and as each finishes
writes the files it returned into the job's folder here: only this process writes the
project. The scheduler runs again, on another worker, a job whose worker died; a job that
still cannot run is reported as failed like a notebook that fails. An interrupted run
cancels its tasks and stops the kernels running them.

>>> parse_cluster("local:3"), parse_cluster("tcp://10.0.0.5:8786"), parse_cluster("h:8786")
(('local', 3), ('tcp://10.0.0.5:8786', None), ('tcp://h:8786', None))
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import uuid
from pathlib import Path

from phlib import atomic
from phlib.errors import ClusterError
from phlib.run.background import Later
from phlib.run.cluster_worker import (
    RESOURCE,
    as_plugin,
    interrupt_kernels,
    plugin_name,
    run_remote,
)
from phlib.run.jobs import Job, JobResult, one_line
from phlib.run.kernels import DEFAULT_PRELOAD

CONNECT_SECONDS = 10
WORKER_WAIT_SECONDS = 60
SCHEMES = ("tcp", "tls", "ucx", "ws", "wss")
HOW_TO_FIX = (
    "Start the scheduler with `dask scheduler` (it listens on port 8786) and on each worker "
    "machine `dask worker {address} --nthreads 1`, check the host name, the port and that no "
    "firewall blocks it; or run on this machine with --cluster local."
)


def parse_cluster(text: str) -> tuple[str, int | None]:
    """('local', workers or None) for a LocalCluster, else (scheduler address, None).

    >>> parse_cluster("local")
    ('local', None)
    >>> parse_cluster("ftp://x:1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    phlib.errors.ClusterError: --cluster 'ftp://x:1' is not an address ...
    """
    text = text.strip()
    found = re.fullmatch(r"local(?::(\d+))?", text)
    if found:
        count = int(found.group(1)) if found.group(1) else None
        if count == 0:
            raise ClusterError("--cluster local:0 starts no workers; give local:1 or more.")
        return "local", count
    found = re.fullmatch(r"(?:([a-z]+)://)?([^\s/:]+|\[[0-9a-fA-F:]+\]):(\d{1,5})", text)
    if not found or (found.group(1) and found.group(1) not in SCHEMES):
        raise ClusterError(
            f"--cluster {text!r} is not an address phreport can use: give the scheduler's "
            "address such as tcp://host:8786, or local (local:N for N workers) to start a "
            "cluster on this machine."
        )
    return f"{found.group(1) or 'tcp'}://{found.group(2)}:{found.group(3)}", None


def bundle_for(jobs) -> dict:
    """The files the jobs read (their notebooks and every file named in their parameters) as
    bytes, and the folders named there, keyed by the client's absolute paths."""
    files: dict[str, bytes] = {}
    folders: set[str] = set()

    def add(value) -> None:
        if isinstance(value, (list, tuple)):
            for item in value:
                add(item)
        elif isinstance(value, str) and os.path.isabs(value):
            path = Path(value)
            if path.is_file() and value not in files:
                files[value] = path.read_bytes()
            elif path.is_dir():
                folders.add(value)

    for job in jobs:
        add(str(job.notebook))
        for value in job.parameters.values():
            add(value)
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    for name in sorted(folders):
        digest.update(name.encode() + b"\1")
    return {"digest": digest.hexdigest()[:20], "files": files, "folders": sorted(folders)}


def write_returned(job: Job, files: dict[str, bytes]) -> None:
    """Write the files a worker returned for `job` into the job's folder (atomically)."""
    for name, data in files.items():
        if "/" in name or "\\" in name or name.startswith("."):
            continue  # a worker returns plain file names only
        atomic.write_bytes(job.out_dir / name, data, durable=False)


class ClusterPool:
    """Runs jobs on a Dask cluster with the interface of `WorkerPool`."""

    def __init__(self, address: str, preload: str | None = None):
        self.address, self.workers = parse_cluster(address)
        self.preload = DEFAULT_PRELOAD if preload is None else preload
        self.size = 0
        self.client = None
        self.cluster = None
        self._futures: dict = {}
        self._starting: Later | None = None
        self.run_id = uuid.uuid4().hex[:8]
        self.plugin = plugin_name(self.run_id)

    def __enter__(self) -> ClusterPool:
        return self.start()

    def __exit__(self, kind, value, tb) -> None:
        self.close(graceful=kind is None)

    def start(self) -> ClusterPool:
        """Connect to the scheduler, wait for a worker and register the plugin (a
        LocalCluster starts in the background meanwhile; `run` waits for it)."""
        if self.client is not None or self._starting is not None:
            return self
        for name in ("distributed", "tornado"):
            logging.getLogger(name).setLevel(logging.ERROR)
        if self.address == "local":
            self.size = self.workers or os.cpu_count() or 1
            self._starting = Later(self._connect)
            self._starting.start()
        else:
            self._connect()
        return self

    def _connect(self) -> None:
        from distributed import Client

        if self.address == "local":
            self.cluster = _local_cluster(self.size)
            target, shown = self.cluster, f"a local cluster of {self.size} workers"
        else:
            target, shown = self.address, f"the Dask scheduler at {self.address}"
        try:
            self.client = Client(target, timeout=CONNECT_SECONDS, set_as_default=False)
        except (OSError, TimeoutError) as error:
            self._disconnect()
            raise ClusterError(
                f"cannot reach {shown} ({one_line(error)}). "
                + HOW_TO_FIX.format(address=self.address)
            ) from None
        try:
            self.client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
        except (OSError, TimeoutError):
            self._disconnect()
            raise ClusterError(
                f"{shown} has no workers after {WORKER_WAIT_SECONDS} s. "
                + HOW_TO_FIX.format(address=self.address)
            ) from None
        self.client.register_plugin(as_plugin(self.preload), name=self.plugin)
        self.size = len(self.client.scheduler_info(n_workers=-1).get("workers", {})) or 1

    def _ready(self) -> None:
        """Wait for a LocalCluster starting in the background (raises what it raised)."""
        starting, self._starting = self._starting, None
        if starting is not None:
            starting.result()

    def run(self, jobs, on_result=None) -> list[JobResult]:
        """Execute `jobs` on the cluster; returns their results in the jobs' order.

        `on_result(result)` is called here as each job finishes, after its files are written.
        """
        from distributed import as_completed

        jobs = list(jobs)
        if not jobs:
            return []
        self.start()
        self._ready()
        client = self.client
        results: dict[str, JobResult] = {}
        try:
            [bundle] = client.scatter([bundle_for(jobs)], broadcast=True, hash=False)
            run = f"{self.run_id}-{uuid.uuid4().hex[:4]}"
            for rank, job in enumerate(jobs):
                narrative = None
                if job.narrative_path is not None and Path(job.narrative_path).is_file():
                    narrative = Path(job.narrative_path).read_bytes()
                future = client.submit(
                    run_remote, self.plugin, job, narrative, bundle,
                    key=f"phreport-{run}-{rank}-{job.area}-{job.service}",
                    resources={RESOURCE: 1}, pure=False, retries=1, priority=len(jobs) - rank,
                )  # fmt: skip
                self._futures[future] = job
            for future in as_completed(list(self._futures), loop=client.loop):
                job = self._futures.pop(future)
                try:
                    result, files = future.result()
                except Exception as error:
                    text = f"the cluster could not run this notebook: {one_line(error)}"
                    result, files = JobResult(job.area, job.service, "failed", 0.0, error=text), {}
                write_returned(job, files)
                results[job.key] = result
                future.release()
                if on_result is not None:
                    on_result(result)
            bundle.release()
        except BaseException:
            self.cancel()
            raise
        return [results[job.key] for job in jobs if job.key in results]

    def cancel(self) -> None:
        """Cancel this run's tasks and stop the notebooks running on the workers."""
        if self.client is None:
            return
        futures, self._futures = list(self._futures), {}
        with contextlib.suppress(Exception):
            self.client.cancel(futures, force=True)
        with contextlib.suppress(Exception):
            self.client.run(interrupt_kernels, self.plugin, on_error="ignore")

    def release(self) -> None:
        """Nothing to let go early: the cluster's workers outlive the run."""

    def close(self, graceful: bool = True) -> None:
        """Remove the plugin (its kernels stop), disconnect, stop a LocalCluster."""
        with contextlib.suppress(Exception):
            self._ready()
        if not graceful:
            self.cancel()
        self._disconnect()

    def _disconnect(self) -> None:
        if self.client is not None:
            with contextlib.suppress(Exception):
                self.client.unregister_worker_plugin(self.plugin)
            with contextlib.suppress(Exception):
                self.client.close(timeout=10)
            self.client = None
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close(timeout=20)
            self.cluster = None


def _local_cluster(workers: int):
    from distributed import LocalCluster

    return LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        scheduler_port=0,
        dashboard_address=None,
        resources={RESOURCE: 1},
        silence_logs=logging.ERROR,
    )
