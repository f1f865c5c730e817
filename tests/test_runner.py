"""Tests for phlib.run.jobs and phlib.run.kernels: real kernels running the small toy notebooks.

One batch (shared by most tests) runs the toy section for two areas, a broken notebook, and
public-mode jobs, in two warm worker processes.
"""

import os
import shutil
import signal
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from bs4 import BeautifulSoup

from phlib.narratives.store import NarrativeDoc, Section, save, store_path
from phlib.report.pages import Page, Provenance
from phlib.run.jobs import Job, cell_seconds
from phlib.run.workers import WorkerPool, run_jobs

TOYS = Path(__file__).parent / "fixtures" / "notebooks"
QUARTER = "2022-23-Q3"
PAGE = Page("Report", "Q3 2022/23", Provenance("today", "Q3 2022/23", (), "abc"), "Toyland")

pytestmark = pytest.mark.slow


def job(root: Path, area: str, service: str, notebook: str, **extra) -> Job:
    parameters = {
        "quarter": QUARTER,
        "area": area,
        "catalogue_path": str(root / "data" / "catalogue.csv"),
        "areas_path": str(root / "data" / "areas.csv"),
        "observation_paths": [str(root / "data" / "observations.csv")],
        "narratives_dir": str(root / "narratives"),
        "publication": extra.get("publication", "internal"),
        "suppression_min": 1,
        "suppression_max": 4,
        "section_number": 2,
    }
    return Job(
        area=area,
        service=service,
        notebook=root / "notebooks" / notebook,
        parameters=parameters,
        out_dir=root / "out" / area,
        heading="2. Toy section",
        page=PAGE,
        narrative_path=store_path(root / "narratives", QUARTER, area, service),
        **extra,
    )


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("runner")
    (root / "notebooks").mkdir()
    for name in ("toy_section.ipynb", "toy_broken.ipynb"):
        shutil.copy(TOYS / name, root / "notebooks" / name)
    doc = NarrativeDoc(QUARTER, "alpha", "toy", {"summary": Section("summary", "Uptake rose.")})
    save(doc, store_path(root / "narratives", QUARTER, "alpha", "toy"))
    private = (str(root),)
    jobs = [
        job(root, "alpha", "toy", "toy_section.ipynb"),
        job(root, "beta", "toy", "toy_section.ipynb"),
        job(root, "alpha", "broken", "toy_broken.ipynb"),
        job(root, "gamma", "toy", "toy_section.ipynb", publication="public", private_text=private),
        job(root, "gamma", "broken", "toy_broken.ipynb", publication="public",
            private_text=private),
    ]  # fmt: skip
    seen, sockets = [], root / "tmp"  # the workers' temporary folder: their kernels' sockets
    sockets.mkdir()

    def on_result(result):
        seen.append(result)
        during.update(path.name for path in sockets.glob("phk-*/k*-*") if path.is_socket())

    during: set[str] = set()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TMPDIR", str(sockets))
        results = run_jobs(jobs, 2, on_result=on_result, cwd=root / "notebooks")
    return root, jobs, results, seen, during, sorted(sockets.iterdir())


def test_results_come_back_in_job_order_and_progress_sees_each(batch):
    root, jobs, results, seen, *_ = batch
    assert [(r.area, r.service) for r in results] == [(j.area, j.service) for j in jobs]
    assert sorted(r.key for r in seen) == sorted(j.key for j in jobs)
    assert [r.status for r in results] == ["ok", "ok", "failed", "ok", "failed"]
    assert not list(root.glob("out/**/.*.running.ipynb"))


def test_good_notebook_is_executed_with_its_parameters_in_a_fresh_kernel(batch):
    root, _, results, *_ = batch
    for area in ("alpha", "beta"):
        nb = nbformat.read(root / "out" / area / "toy.ipynb", as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code" and c.get("execution_count")]
        assert code[0].execution_count == 1, "a new kernel for every notebook"
        printed = "".join(o.get("text", "") for c in code for o in c.outputs)
        assert f"toy output for {area} in {QUARTER}, section 2" in printed
        assert nb.metadata.papermill.parameters.area == area
        assert (root / "out" / area / "toy.html").is_file()
    assert results[0].cell_seconds >= 0.3 and results[0].seconds >= results[0].cell_seconds


def test_narrative_cells_are_filled_from_the_store(batch):
    root, *_ = batch
    nb = nbformat.read(root / "out" / "alpha" / "toy.ipynb", as_version=4)
    narrative = next(c for c in nb.cells if "narrative" in c.metadata.get("tags", []))
    assert "Uptake rose." in narrative.source
    assert "Uptake rose." in (root / "out" / "alpha" / "toy.html").read_text()
    other = nbformat.read(root / "out" / "beta" / "toy.ipynb", as_version=4)
    assert "No commentary yet" in next(
        c.source for c in other.cells if "narrative" in c.metadata.get("tags", [])
    )


def test_failed_notebook_is_kept_with_the_error_at_the_failing_cell(batch):
    root, _, results, *_ = batch
    failed = results[2]
    assert failed.error.startswith("ValueError: toy failure in alpha")
    folder = root / "out" / "alpha"
    assert not (folder / "broken.ipynb").exists() and not (folder / "broken.html").exists()
    nb = nbformat.read(folder / "broken.failed.ipynb", as_version=4)
    errors = [i for i, c in enumerate(nb.cells) for o in c.get("outputs", [])
              if o.output_type == "error"]  # fmt: skip
    assert len(errors) == 1
    after = [c for c in nb.cells[errors[0] + 1 :] if c.cell_type == "code"]
    assert after and all(c.execution_count is None for c in after)
    assert any("papermill-error-cell-tag" in c.metadata.get("tags", []) for c in nb.cells)
    html = (folder / "broken.failed.html").read_text()
    assert "toy failure in alpha" in html and "failed to run" in html
    assert "this part of alpha works" in html


def test_public_pages_hide_errors_paths_and_stderr(batch):
    root, _, results, *_ = batch
    page = (root / "out" / "gamma" / "broken.failed.html").read_text()
    text = BeautifulSoup(page, "html.parser").get_text()
    assert "could not be produced" in text
    assert "ValueError" not in page and "Traceback" not in page and str(root) not in page
    good = (root / "out" / "gamma" / "toy.html").read_text()
    assert str(root) not in good and "narratives at" not in good
    assert "[local path]/notebooks" in good
    assert results[4].error, "the run still knows why it failed"


def test_the_workers_kernels_listen_on_unix_sockets_that_go_with_the_workers(batch):
    *_, during, left = batch
    assert len(during) >= 5, f"no kernel of the run listened on Unix sockets: {during}"
    assert left == [], "the workers left their socket folders behind"


def test_cell_seconds_adds_papermill_durations(batch):
    root, *_ = batch
    nb = nbformat.read(root / "out" / "beta" / "toy.ipynb", as_version=4)
    total = sum(c.metadata.get("papermill", {}).get("duration") or 0 for c in nb.cells)
    assert cell_seconds(nb) == pytest.approx(total)


def test_a_worker_that_dies_fails_only_its_own_job(tmp_path):
    (tmp_path / "notebooks").mkdir()
    shutil.copy(TOYS / "toy_section.ipynb", tmp_path / "notebooks" / "toy_section.ipynb")
    slow = nbformat.read(TOYS / "toy_section.ipynb", as_version=4)
    slow.cells.insert(3, nbformat.v4.new_code_cell("import time\ntime.sleep(60)"))
    nbformat.write(slow, tmp_path / "notebooks" / "slow.ipynb")
    jobs = [job(tmp_path, "alpha", "slow", "slow.ipynb")]
    jobs += [job(tmp_path, area, "toy", "toy_section.ipynb") for area in ("a1", "a2", "a3")]
    killed = []
    with WorkerPool(2, cwd=tmp_path / "notebooks") as pool:

        def kill_the_slow_worker(result):
            for worker in pool._workers:
                if not killed and worker.job is not None and worker.job.service == "slow":
                    killed.append(worker.process.pid)
                    os.kill(worker.process.pid, signal.SIGKILL)

        results = pool.run(jobs, on_result=kill_the_slow_worker)
    assert killed
    assert results[0].status == "failed" and "stopped unexpectedly" in results[0].error
    assert [r.status for r in results[1:]] == ["ok", "ok", "ok"]


def test_a_workers_kernels_come_from_a_zygote_started_beside_it_that_goes_with_it(tmp_path):
    """The run starts each worker's zygote; kernels are its children; when the worker is
    killed, the zygote takes its kernels down and exits."""
    (tmp_path / "notebooks").mkdir()
    probe = nbformat.read(TOYS / "toy_section.ipynb", as_version=4)
    probe.cells.insert(1, nbformat.v4.new_code_cell(
        "import os, time\nprint(os.getppid(), os.getpid())\ntime.sleep(60)"))  # fmt: skip
    nbformat.write(probe, tmp_path / "notebooks" / "probe.ipynb")
    pool = WorkerPool(1, cwd=tmp_path / "notebooks").start()
    try:
        zygote = pool._workers[0].zygote
        assert zygote is not None, "no zygote was started beside the worker"
        assert zygote.process.stdin.closed, "the run kept the worker's end of the pipe"
        seen = {}
        worker = pool._workers[0]
        worker.conn.send((job(tmp_path, "alpha", "probe", "probe.ipynb"), False))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not seen:
            for child in psutil.Process(zygote.process.pid).children():
                seen[child.pid] = child
            time.sleep(0.2)
        assert seen, "the zygote forked no kernel"
        os.kill(worker.process.pid, signal.SIGKILL)
        assert zygote.process.wait(20) == 0, "the zygote did not exit when its worker died"
        _, alive = psutil.wait_procs(list(seen.values()), timeout=10)  # killed: let it die
        assert not alive, f"kernels outlived their zygote: {alive}"
    finally:
        pool.close(graceful=False)
