"""Executing jobs (one notebook for one area) with papermill, and writing what they made.

A `Job` says which notebook to run for which area, with which parameters, and where its
executed notebook and page go; `execute_job` runs it on a started kernel (in a worker process
of `phlib.run.workers`, which keeps kernels warm) and returns a `JobResult`.
`phlib.run.workers.run_jobs` runs a batch in worker processes.

A notebook that fails never stops the batch: its executed notebook (with the error at the
failing cell, as papermill leaves it) is written as `<service>.failed.ipynb` beside a
`<service>.failed.html` page; in public mode that page only says the section failed.

>>> JobResult("peterborough", "lifestyles", "failed", 1.5, error="KeyError: 'x'").ok
False
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
import traceback
from dataclasses import dataclass, field, replace
from pathlib import Path

from phlib import atomic
from phlib.narratives import cells as narrative_cells
from phlib.narratives import store as narratives
from phlib.report.pages import Notice, Page, section_page
from phlib.report.section import Section, render_section
from phlib.run.closing import with_closing_cell

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
        source = with_closing_cell(with_narratives(source, job))
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
        error = one_line(exc)
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


def one_line(exc: BaseException) -> str:
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
    atomic.write_text(notebook_file, nbformat.writes(executed), durable=False)
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
        atomic.write_text(job.out_dir / f"{stem}.html", page, durable=False)
    except Exception as exc:  # export failed: the notebook ran but cannot be shown
        status, error = "failed", f"HTML export failed: {one_line(exc)}"
        detail = (detail + "\n" if detail else "") + traceback.format_exc()
        section = Section(html="", headings=(), title="", error=error)
        if not notebook_file.name.endswith(".failed.ipynb"):
            os.replace(notebook_file, job.out_dir / f"{job.service}.failed.ipynb")
        return JobResult(job.area, job.service, status, 0.0, 0.0, error, detail, section)
    files = (notebook_file.name, f"{stem}.html")
    seconds = cell_seconds(executed)
    return JobResult(job.area, job.service, status, 0.0, seconds, error, detail, section, files)


def longest_first(jobs: list, previous_manifest) -> list:
    """Order jobs so the longest start first (the batch then ends with short ones, keeping
    every worker busy to the end): by each notebook's time in the last run, else by its
    number of code cells (a notebook not timed before goes first).

    >>> from types import SimpleNamespace as NS
    >>> jobs = [NS(area="a", service=s, notebook=None) for s in ("s", "t", "u")]
    >>> last = {"notebooks": [{"area": "a", "service": "s", "seconds": 2.0},
    ...                       {"area": "a", "service": "t", "seconds": 9.0}]}
    >>> [j.service for j in longest_first(jobs, last)]
    ['u', 't', 's']
    """
    seconds = {
        (n.get("area"), n.get("service")): n.get("run_seconds") or n.get("seconds") or 0.0
        for n in (previous_manifest or {}).get("notebooks", [])
        if isinstance(n, dict)
    }
    cells: dict = {}

    def size(job) -> int:
        if job.notebook not in cells:
            try:
                text = Path(job.notebook).read_text(encoding="utf-8")
                cells[job.notebook] = text.count('"cell_type": "code"')
            except (OSError, TypeError):
                cells[job.notebook] = 0
        return cells[job.notebook]

    def rank(job) -> tuple[float, int]:
        return (-seconds.get((job.area, job.service), float("inf")), -size(job))

    return sorted(jobs, key=rank)
