"""Executing jobs (one notebook for one area) with papermill in warm worker processes.

`run_jobs` starts up to `workers` processes. Each stays alive for the whole batch, imports
papermill and nbconvert once, keeps a kernel started ahead of need (`phlib.kernels`) and
exports HTML in-process, so a notebook costs little more than its own cells. The parent hands
out one job at a time, collects each `JobResult` as it finishes and notices a worker that
dies (its job is reported as failed and a fresh worker takes the rest).

A notebook that fails never stops the batch: its executed notebook (with the error at the
failing cell, as papermill leaves it) is written as `<service>.failed.ipynb` beside a
`<service>.failed.html` page; in public mode that page only says the section failed.

>>> JobResult("peterborough", "lifestyles", "failed", 1.5, error="KeyError: 'x'").ok
False
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import sys
import time
import traceback
from collections import deque
from dataclasses import dataclass, field, replace
from multiprocessing.connection import wait
from pathlib import Path

from phlib import atomic
from phlib.export import Section, render_section
from phlib.pages import Notice, Page, section_page

PUBLIC_FAILURE = (
    "This section could not be produced in this run, so it is not shown. "
    "The run log (run.log, kept with the outputs) says why."
)


@dataclass(frozen=True)
class Job:
    """One notebook to execute for one area, and where and how to write its outputs."""

    area: str
    service: str
    notebook: Path
    parameters: dict
    out_dir: Path
    heading: str
    page: Page
    publication: str = "internal"
    narrative_path: Path | None = None
    private_text: tuple[str, ...] = ()
    previous: dict | None = None
    following: dict | None = None
    timeout: int | None = None

    @property
    def key(self) -> str:
        return f"{self.area}/{self.service}"


@dataclass(frozen=True)
class JobResult:
    """What happened to one job: status, timings, the error, the section for the annex."""

    area: str
    service: str
    status: str
    seconds: float
    cell_seconds: float = 0.0
    error: str = ""
    detail: str = ""
    section: Section | None = None
    files: tuple[str, ...] = field(default=())
    log: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def key(self) -> str:
        return f"{self.area}/{self.service}"


def cell_seconds(nb) -> float:
    """The sum of the cells' execution times that papermill recorded in a notebook.

    >>> from nbformat.v4 import new_notebook, new_code_cell
    >>> cells = [new_code_cell("1", metadata={"papermill": {"duration": 0.25}}),
    ...          new_code_cell("2", metadata={"papermill": {"duration": None}})]
    >>> cell_seconds(new_notebook(cells=cells))
    0.25
    """
    total = 0.0
    for cell in nb.cells:
        duration = cell.get("metadata", {}).get("papermill", {}).get("duration")
        total += duration if isinstance(duration, (int, float)) else 0.0
    return total


def with_narratives(nb, job: Job):
    """Fill the notebook's narrative cells from the narrative store before it runs."""
    if job.narrative_path is None:
        return nb
    from phlib import narrative_cells, narratives

    if job.narrative_path.is_file():
        doc = narratives.load(job.narrative_path)
    else:
        quarter = str(job.parameters.get("quarter", ""))
        doc = narratives.NarrativeDoc(quarter, job.area, job.service)
    return narrative_cells.inject(nb, doc)


class _Capture(logging.Handler):
    """Keeps papermill's warnings about one job for the run log."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(f"{record.levelname.lower()}: {record.getMessage()}")


def execute_job(job: Job, km, engine: str = "phreport") -> JobResult:
    """Run one job on the started kernel `km`; write its notebook and page; never raises."""
    import nbformat
    import papermill

    started = time.perf_counter()
    running = job.out_dir / f".{job.service}.running.ipynb"
    capture = _Capture()
    logger = logging.getLogger("papermill")
    logger.addHandler(capture)
    error, detail, executed = "", "", None
    try:
        job.out_dir.mkdir(parents=True, exist_ok=True)
        source = nbformat.read(str(job.notebook), as_version=4)
        source = with_narratives(source, job)
        executed = papermill.execute_notebook(
            source,
            str(running),
            parameters=job.parameters,
            engine_name=engine,
            km=km,
            progress_bar=False,
            request_save_on_cell_execute=False,
            execution_timeout=job.timeout,
        )
    except Exception as exc:  # the notebook failed; papermill saved it with the error
        error = _one_line(exc)
        detail = "".join(traceback.format_exception_only(type(exc), exc))
        if running.is_file():
            executed = nbformat.read(str(running), as_version=4)
        else:
            detail = traceback.format_exc()
    finally:
        logger.removeHandler(capture)
    if executed is None:
        executed = nbformat.v4.new_notebook()
    _tidy_metadata(executed, job)
    result = _write_outputs(job, executed, error, detail)
    with contextlib.suppress(FileNotFoundError):
        running.unlink()
    seconds = time.perf_counter() - started
    return replace(result, seconds=seconds, log="\n".join(capture.lines))


def _one_line(exc: BaseException) -> str:
    ename = getattr(exc, "ename", None) or type(exc).__name__
    evalue = getattr(exc, "evalue", None)
    text = str(evalue if evalue is not None else exc).strip().splitlines()
    return f"{ename}: {text[0]}" if text else str(ename)


def _tidy_metadata(nb, job: Job) -> None:
    """Record where the notebook came from without absolute paths of the staging folder."""
    meta = nb.metadata.setdefault("papermill", {})
    meta["input_path"] = f"notebooks/{job.notebook.name}"
    meta["output_path"] = f"{job.area}/{job.service}.ipynb"


def _write_outputs(job: Job, executed, error: str, detail: str) -> JobResult:
    import nbformat

    status = "failed" if error else "ok"
    stem = job.service if not error else f"{job.service}.failed"
    notebook_file = job.out_dir / f"{stem}.ipynb"
    atomic.write_text(notebook_file, nbformat.writes(executed))
    public = job.publication == "public"
    notices = ()
    try:
        if error and public:
            section = Section(html="", headings=(), title="", error=error)
            notices = (Notice("failed", PUBLIC_FAILURE),)
        else:
            section = render_section(executed, job.publication, job.private_text)
            if error:
                section = replace(section, error=error)
                text = f"This section failed to run: {error}. The output below stops there."
                notices = (Notice("failed", text),)
        page = section_page(section, job.page, job.heading, notices, job.previous, job.following)
        atomic.write_text(job.out_dir / f"{stem}.html", page)
    except Exception as exc:  # export failed: the notebook ran but cannot be shown
        status, error = "failed", f"HTML export failed: {_one_line(exc)}"
        detail = (detail + "\n" if detail else "") + traceback.format_exc()
        section = Section(html="", headings=(), title="", error=error)
        if not notebook_file.name.endswith(".failed.ipynb"):
            os.replace(notebook_file, job.out_dir / f"{job.service}.failed.ipynb")
        return JobResult(job.area, job.service, status, 0.0, 0.0, error, detail, section)
    files = (notebook_file.name, f"{stem}.html")
    seconds = cell_seconds(executed)
    return JobResult(job.area, job.service, status, 0.0, seconds, error, detail, section, files)


# --- worker processes ------------------------------------------------------------------------


def _die_with_parent() -> None:
    """Ask Linux to kill this worker if the parent dies (a killed run leaves no workers)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _worker(conn, cwd: str, work_dir: str, preload: str, parent: int) -> None:
    from phlib.startup import skip_slow_optional_imports

    skip_slow_optional_imports()
    from phlib.kernels import KernelPool, register_engine

    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if os.getppid() != parent:
        os._exit(1)
    pool = KernelPool(cwd=cwd, preload=preload, work_dir=work_dir or None)

    def stop(signum, frame):
        pool.kill_all()
        os._exit(1)

    signal.signal(signal.SIGTERM, stop)
    pool.prestart()
    engine = register_engine()
    with contextlib.suppress(Exception):
        from phlib.export import exporter

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
                conn.send(JobResult(job.area, job.service, "failed", 0.0, error=_one_line(exc)))
                continue
            if more:
                pool.prestart()
            result = execute_job(job, km, engine)
            pool.forget(km)
            conn.send(result)
    finally:
        pool.close()


@dataclass
class _Worker:
    process: multiprocessing.Process
    conn: object
    job: Job | None = None


class WorkerPool:
    """Worker processes that each keep a kernel warm; start early, then `run` the jobs.

    Starting the pool writes nothing: each worker imports papermill and nbconvert and starts
    its first kernel, so that work overlaps whatever the parent does before the jobs are ready.
    """

    def __init__(self, workers: int, cwd=".", work_dir=None, preload: str | None = None):
        from phlib.kernels import DEFAULT_PRELOAD

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
        process = self._context.Process(
            target=_worker,
            args=(child_conn, self.cwd, self.work_dir, self.preload, os.getpid()),
            name="phreport-worker",
            daemon=True,
        )
        process.start()
        child_conn.close()
        return _Worker(process, parent_conn)

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
        replacement = self._spawn()
        self._workers[self._workers.index(worker)] = replacement
        dispatch(replacement)

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
        self._workers = []


def run_jobs(jobs, workers: int, on_result=None, cwd=".", work_dir=None, preload=None):
    """Execute `jobs` in up to `workers` warm worker processes (see `WorkerPool.run`)."""
    with WorkerPool(workers, cwd, work_dir, preload) as pool:
        return pool.run(jobs, on_result)
