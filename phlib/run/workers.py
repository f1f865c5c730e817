"""Worker processes that execute jobs with a kernel kept warm, and the pool that feeds them.

`WorkerPool` starts up to N processes (spawned, so nothing of the parent is shared). Each
stays alive for the whole batch, imports papermill and nbconvert once, keeps a kernel started
ahead of need (`phlib.run.kernels`) and exports HTML in-process. The parent hands out one job at a
time, collects each `JobResult` as it finishes and notices a worker that dies (its job is
reported as failed and a fresh worker takes the rest). A worker dies with its parent: a killed
run leaves no workers behind, and their kernels exit when they see their parent gone.

>>> WorkerPool(0).size
1
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait

import phlib.run.startup as startup  # first: before anything imports nbformat
from phlib.report.section import exporter
from phlib.run import sockets
from phlib.run.engine import register_engine
from phlib.run.jobs import Job, JobResult, execute_job, one_line
from phlib.run.kernels import DEFAULT_PRELOAD, KernelPool
from phlib.run.zygote import Zygote, start_zygote


def _die_with_parent() -> None:
    """Ask Linux to kill this worker if the parent dies (a killed run leaves no workers)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _worker(conn, cwd: str, work_dir: str, preload: str, parent: int, zygote=None) -> None:
    startup.skip_slow_optional_imports()
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if os.getppid() != parent:
        os._exit(1)
    pool = KernelPool(cwd=cwd, preload=preload, work_dir=work_dir or None, zygote=zygote)

    def stop(signum, frame):
        pool.kill_all()
        sockets.remove()
        os._exit(1)

    signal.signal(signal.SIGTERM, stop)
    # papermill (and through it jupyter_client) is imported here, before the kernel thread
    # starts: two threads importing jupyter_client at once can see it half initialised.
    engine = register_engine()
    pool.prestart()
    with contextlib.suppress(Exception):
        exporter()  # compile the template while the first kernel starts
    try:
        while True:
            try:
                message = conn.recv()
            except EOFError:
                break
            if message is None:
                break
            job, more = message
            try:
                km = pool.take()
            except Exception as exc:
                conn.send(JobResult(job.area, job.service, "failed", 0.0, error=one_line(exc)))
                continue
            if more:
                pool.prestart()
            result = execute_job(job, km, engine)
            pool.forget(km)
            conn.send(result)
    finally:
        pool.close()
        sockets.remove()  # at exit, which os._exit skips
    conn.close()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # told to stop: skip tearing the interpreter down (the run waits for this)


@dataclass
class _Worker:
    process: multiprocessing.Process
    conn: object
    zygote: Zygote | None = None
    job: Job | None = None


class WorkerPool:
    """Worker processes that each keep a kernel warm; start early, then `run` the jobs.

    Starting the pool writes nothing: each worker imports papermill and nbconvert and starts
    its first kernel, so that work overlaps whatever the parent does before the jobs are ready.
    """

    def __init__(self, workers: int, cwd=".", work_dir=None, preload: str | None = None):
        self.size = max(1, int(workers))
        self.cwd, self.work_dir = str(cwd), str(work_dir) if work_dir else ""
        self.preload = DEFAULT_PRELOAD if preload is None else preload
        self._context = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []

    def __enter__(self) -> WorkerPool:
        return self.start()

    def __exit__(self, kind, value, tb) -> None:
        self.close(graceful=kind is None)

    def start(self, count: int | None = None) -> WorkerPool:
        """Start the worker processes (at most `count`, default the pool's size)."""
        wanted = self.size if count is None else min(self.size, count)
        while len(self._workers) < wanted:
            self._workers.append(self._spawn())
        return self

    def _spawn(self) -> _Worker:
        parent_conn, child_conn = self._context.Pipe()
        # The worker's kernel zygote starts here, beside the worker, so that its imports
        # overlap the worker's own; the worker gets its pipe.
        zygote = start_zygote(self.preload, self.cwd)
        handle = zygote.handle() if zygote is not None else None
        process = self._context.Process(
            target=_worker,
            args=(child_conn, self.cwd, self.work_dir, self.preload, os.getpid(), handle),
            name="phreport-worker",
            daemon=True,
        )
        with startup.main_module_hidden():  # the worker imports phlib.run.workers, not phlib.cli
            process.start()
        child_conn.close()
        if zygote is not None:
            zygote.handed_over()
        return _Worker(process, parent_conn, zygote)

    def run(self, jobs, on_result=None) -> list[JobResult]:
        """Execute `jobs`; returns their results in the jobs' order.

        `on_result(result)` is called in the parent as each job finishes (for progress).
        """
        jobs = list(jobs)
        if not jobs:
            return []
        self.start(len(jobs))
        queue = deque(jobs)
        results: dict[str, JobResult] = {}

        def dispatch(worker: _Worker) -> None:
            worker.job = queue.popleft() if queue else None
            if worker.job is not None:
                with contextlib.suppress(OSError):
                    worker.conn.send((worker.job, bool(queue)))

        def finish(result: JobResult) -> None:
            results[result.key] = result
            if on_result is not None:
                on_result(result)

        try:
            for worker in self._workers:
                dispatch(worker)
            while any(w.job for w in self._workers):
                busy = [w for w in self._workers if w.job]
                ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], 1.0)
                for worker in busy:
                    if worker.conn in ready:
                        try:
                            finish(worker.conn.recv())
                        except (EOFError, OSError):
                            pass
                        else:
                            dispatch(worker)
                            continue
                    if worker.job and not worker.process.is_alive():
                        self._replace(worker, finish, dispatch)
        except BaseException:
            self.close(graceful=False)
            raise
        return [results[job.key] for job in jobs if job.key in results]

    def _replace(self, worker: _Worker, finish, dispatch) -> None:
        job, code = worker.job, worker.process.exitcode
        text = f"the worker process stopped unexpectedly (exit code {code})"
        finish(JobResult(job.area, job.service, "failed", 0.0, error=text))
        if worker.zygote is not None:
            worker.zygote.close()  # it kills the dead worker's kernel and exits
        replacement = self._spawn()
        self._workers[self._workers.index(worker)] = replacement
        dispatch(replacement)

    def release(self) -> None:
        """Tell the idle workers to stop, without waiting: they shut their kernels down while
        the parent goes on; `close` then waits for them."""
        for worker in self._workers:
            if worker.job is None:
                with contextlib.suppress(OSError):
                    worker.conn.send(None)

    def close(self, graceful: bool = True) -> None:
        """Stop the workers: idle ones finish cleanly, busy ones are terminated."""
        for worker in self._workers:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        deadline = time.monotonic() + (10 if graceful else 0)
        for worker in self._workers:
            worker.process.join(max(0.1, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.terminate()
                worker.process.join(5)
            with contextlib.suppress(OSError):
                worker.conn.close()
            if worker.zygote is not None:  # it exits once its worker has gone
                worker.zygote.close()
        self._workers = []


def run_jobs(jobs, workers: int, on_result=None, cwd=".", work_dir=None, preload=None):
    """Execute `jobs` in up to `workers` warm worker processes ."""
    with WorkerPool(workers, cwd, work_dir, preload) as pool:
        return pool.run(jobs, on_result)
