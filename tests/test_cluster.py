"""`phreport run --cluster`: a real `dask scheduler` and real `dask worker` processes.

One scheduler and two workers on 127.0.0.1 (on ports the system picks as they bind) serve the
whole module and are stopped at the end, kernels included, even when a test fails. The
quarter is small (two areas, three services, recent observations only). The unit tests at
the top need no cluster.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from phlib.errors import ClusterError
from phlib.run.cluster import bundle_for, parse_cluster, write_returned
from phlib.run.cluster_worker import WarmKernels, rewrite, swap_paths

ROOT = Path(__file__).resolve().parents[1]
QUARTER = "2022-23-Q3"
SERVICES = "lifestyles,health_checks,stop_smoking"
AREAS = ("cambridgeshire", "peterborough")
BIN = Path(sys.executable).parent
COPIED = ("notebooks", "parameters", "data", "narratives")


# --- units -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("local", ("local", None)),
        ("local:4", ("local", 4)),
        ("tcp://127.0.0.1:8786", ("tcp://127.0.0.1:8786", None)),
        ("scheduler.example.org:8786", ("tcp://scheduler.example.org:8786", None)),
        ("tls://[::1]:8786", ("tls://[::1]:8786", None)),
    ],
)
def test_cluster_addresses_are_read(text, expected):
    assert parse_cluster(text) == expected


@pytest.mark.parametrize("text", ["local:0", "http://host:8786", "host", "tcp://host", "a b:1"])
def test_bad_cluster_addresses_are_refused_with_what_to_give(text):
    with pytest.raises(ClusterError) as caught:
        parse_cluster(text)
    assert "local" in str(caught.value)


def test_bundle_holds_notebooks_and_data_as_bytes_and_folders_by_name(tmp_path):
    (tmp_path / "nb.ipynb").write_text("{}")
    (tmp_path / "d.csv").write_text("a,b\n")
    (tmp_path / "narr").mkdir()
    job = type("J", (), {})()
    job.notebook = tmp_path / "nb.ipynb"
    job.parameters = {"x": str(tmp_path / "d.csv"), "y": [str(tmp_path / "d.csv")],
                      "z": str(tmp_path / "narr"), "q": "2022-23-Q3", "n": 3,
                      "missing": str(tmp_path / "nothing.csv")}  # fmt: skip
    bundle = bundle_for([job])
    assert bundle["files"] == {str(tmp_path / "nb.ipynb"): b"{}", str(tmp_path / "d.csv"): b"a,b\n"}
    assert bundle["folders"] == [str(tmp_path / "narr")]
    (tmp_path / "d.csv").write_text("a,b\n1,2\n")
    assert bundle_for([job])["digest"] != bundle["digest"]


def test_returned_files_are_written_by_plain_name_only(tmp_path):
    job = type("J", (), {"out_dir": tmp_path / "area"})()
    write_returned(job, {"x.html": b"<p>", "../evil.html": b"no", ".hidden": b"no"})
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["x.html"]
    assert (tmp_path / "area" / "x.html").read_bytes() == b"<p>"


def test_parameters_and_text_swap_between_client_and_worker_paths():
    mapping = {"/p/data/o.csv": "/w/1/o.csv", "/p/data": "/w/f"}
    assert rewrite({"o": ["/p/data/o.csv"], "d": "/p/data"}, mapping) == {
        "o": ["/w/1/o.csv"],
        "d": "/w/f",
    }
    back = {v: k for k, v in mapping.items()}
    assert swap_paths('read "/w/1/o.csv" in /w/f', back) == 'read "/p/data/o.csv" in /p/data'


def test_worker_writes_a_bundle_once_into_its_private_folder(tmp_path):
    plugin = WarmKernels()
    plugin.root = tmp_path
    bundle = {"digest": "abc", "files": {"/p/data/o.csv": b"1"}, "folders": ["/p/narratives"]}
    first = plugin.inputs(bundle)
    assert Path(first["/p/data/o.csv"]).read_bytes() == b"1"
    assert Path(first["/p/data/o.csv"]).is_relative_to(tmp_path)
    assert Path(first["/p/narratives"]).is_dir()
    assert plugin.inputs(bundle) == first


# --- a real cluster ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(tmp: Path | None = None) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    if tmp is not None:
        tmp.mkdir(parents=True, exist_ok=True)
        env["TMPDIR"] = str(tmp)
    return env


class Cluster:
    """The scheduler and workers started for this module, and every process they started."""

    def __init__(self, base: Path):
        self.base, self.address = base, ""  # the scheduler's, once it has started
        self.processes: list[subprocess.Popen] = []
        self.folders: list[Path] = []  # each worker's temporary folder
        self.seen: dict[int, psutil.Process] = {}

    def _start(self, args, log: Path, tmp: Path | None = None) -> subprocess.Popen:
        handle = open(log, "wb")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen([str(BIN / "dask"), *args], stdout=handle,
                                   stderr=subprocess.STDOUT, env=environment(tmp),
                                   cwd=self.base, start_new_session=True)  # fmt: skip
        handle.close()
        self.processes.append(process)
        return process

    def scheduler(self) -> None:
        """The scheduler, on a port it binds itself (`--port 0`: no other process can take
        it first), its address read from the file it writes."""
        log, file = self.base / "scheduler.log", self.base / "scheduler.json"
        self._start(["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                     "--scheduler-file", str(file)], log)  # fmt: skip

        def written() -> bool:
            with contextlib.suppress(ValueError, KeyError):  # not yet, or not whole yet
                self.address = json.loads(file.read_text(encoding="utf-8"))["address"]
            return bool(self.address)

        wait_for(written, log)
        assert self.address.startswith("tcp://127.0.0.1:"), self.address

    def worker(self, name: str) -> tuple[subprocess.Popen, Path]:
        """A worker (no nanny, so killing it kills it) with its own temporary folder."""
        log, tmp = self.base / f"{name}.log", self.base / f"{name}-tmp"
        process = self._start(["worker", self.address, "--nthreads", "2", "--no-nanny",
                               "--no-dashboard", "--name", name], log, tmp)  # fmt: skip
        wait_for(lambda: "Registered to:" in log.read_text(errors="replace"), log)
        self.folders.append(tmp)
        return process, tmp

    def running_jobs(self) -> list[Path]:
        """The jobs the workers are running now (each has a folder while it runs)."""
        return [p for tmp in self.folders for p in tmp.glob("phreport-worker-*/jobs/*/out")]

    def remember_children(self) -> None:
        for process in self.processes:
            with contextlib.suppress(psutil.Error):
                for child in psutil.Process(process.pid).children(recursive=True):
                    self.seen[child.pid] = child

    def stop(self) -> None:
        """Workers first, then the scheduler: a worker told to stop while its scheduler is
        closing can hang in Dask's own shutdown."""
        self.remember_children()
        workers = [p for p in self.processes if p.args[1] == "worker"]
        others = [p for p in self.processes if p not in workers]
        for group in (workers, others):
            for process in group:
                with contextlib.suppress(OSError):
                    process.send_signal(signal.SIGTERM)
            for process in group:
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(5)
        for child in self.seen.values():
            with contextlib.suppress(psutil.Error):
                child.kill()


def wait_for(condition, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(FileNotFoundError):
            if condition():
                return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting; {log}:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    made = Cluster(tmp_path_factory.mktemp("dask"))
    try:
        made.scheduler()
        made.worker("worker-a")
        made.worker("worker-b")
        yield made
    finally:
        made.stop()


def small_project(target: Path) -> Path:
    """A copy of the project's inputs, observations from April 2021 on (quicker)."""
    for name in COPIED:
        shutil.copytree(ROOT / name, target / name,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))  # fmt: skip
    path = target / "data" / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = lines[0].split(",").index("period")
    kept = [line for line in lines[1:] if line.split(",")[at][:4] >= "2021"]
    path.write_text("".join(lines[:1] + kept), encoding="utf-8")
    return target


def phreport(project: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "phreport"), "--project", str(project), *args],
                          capture_output=True, text=True, timeout=timeout,
                          env=environment(), cwd=project)  # fmt: skip


VOLATILE_KEYS = {"start_time", "end_time", "duration", "iopub.execute_input", "iopub.status.busy",
                 "iopub.status.idle", "shell.execute_reply"}  # fmt: skip


def _drop_volatile(value):
    if isinstance(value, dict):
        return {k: _drop_volatile(v) for k, v in value.items() if k not in VOLATILE_KEYS}
    if isinstance(value, list):
        return [_drop_volatile(v) for v in value]
    return value


def normalised_outputs(folder: Path) -> dict[str, object]:
    """Every output file, with the run's times (produced, durations, timestamps) and the
    random id of the injected parameters cell blanked."""
    produced = json.loads((folder / "manifest.json").read_text())["produced"]
    found: dict[str, object] = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if not path.is_file() or name in ("manifest.json", "run.log"):
            continue
        if name.endswith(".cache.json"):  # the reuse entry: its key must match; the rest
            entry = json.loads(path.read_text(encoding="utf-8"))  # hashes random cell ids
            found[name] = {"format": entry.get("format"), "key": entry.get("key")}
            continue
        if path.suffix == ".ipynb":
            notebook = _drop_volatile(json.loads(path.read_text(encoding="utf-8")))
            for cell in notebook["cells"]:  # papermill gives this cell a random id
                if "injected-parameters" in cell["metadata"].get("tags", []):
                    cell["id"] = "injected"
            found[name] = notebook
            continue
        text = path.read_text(encoding="utf-8").replace(produced, "PRODUCED")
        found[name] = re.sub(r"Ran in \d+ s with \d+ workers?", "Ran in S", text)
    return found


def test_a_cluster_run_writes_what_a_local_run_writes(cluster, tmp_path):
    project = small_project(tmp_path / "project")
    local = phreport(project, "run", QUARTER, "--services", SERVICES, "--workers", "2")
    assert local.returncode == 0, local.stdout + local.stderr
    outputs = project / "outputs" / QUARTER
    expected = normalised_outputs(outputs)
    shutil.rmtree(project / "outputs")
    done = phreport(project, "run", QUARTER, "--services", SERVICES, "--cluster", cluster.address)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "with 2 workers" in done.stderr
    found = normalised_outputs(outputs)
    assert sorted(found) == sorted(expected)
    assert len([n for n in found if n.endswith(".html") and "/" in n]) == 2 * 3 + 2
    for name in expected:
        assert found[name] == expected[name], f"{name} differs between the local and cluster run"
    notebook = nbformat.read(outputs / "peterborough" / "lifestyles.ipynb", as_version=4)
    assert notebook.metadata.papermill.parameters["catalogue_path"] == str(
        project / "data" / "catalogue.csv"
    )


def _failing(notebook: Path) -> None:
    nb = nbformat.read(notebook, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell('raise RuntimeError("stopped on purpose")'))
    nbformat.write(nb, notebook)


def test_a_killed_worker_has_its_job_run_elsewhere_and_a_failing_notebook_is_isolated(
    cluster, tmp_path
):
    project = small_project(tmp_path / "project")
    _failing(project / "notebooks" / "stop_smoking.ipynb")
    victim, victim_tmp = cluster.worker("worker-victim")
    run = subprocess.Popen([str(BIN / "phreport"), "--project", str(project), "run", QUARTER,
                            "--services", SERVICES, "--cluster", cluster.address],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           env=environment(), cwd=project)  # fmt: skip
    try:
        busy = lambda: any(victim_tmp.glob("phreport-worker-*/jobs/*/out"))  # noqa: E731
        wait_for(busy, cluster.base / "worker-victim.log", seconds=300)
        cluster.remember_children()
        victim.send_signal(signal.SIGKILL)
        cluster.folders.remove(victim_tmp)  # its job folder stays behind: not a running job
        output, _ = run.communicate(timeout=600)
    finally:
        if run.poll() is None:
            run.kill()
            run.communicate()  # reaps it and closes its pipe
    assert victim.wait(10) == -signal.SIGKILL
    assert run.returncode == 1, output
    outputs = project / "outputs" / QUARTER
    for area in AREAS:
        for service in ("lifestyles", "health_checks"):
            assert (outputs / area / f"{service}.html").is_file(), output
        assert (outputs / area / "stop_smoking.failed.html").is_file(), output
        assert not (outputs / area / "stop_smoking.html").exists()
    data = json.loads((outputs / "manifest.json").read_text())
    states = sorted((n["area"], n["service"], n["status"]) for n in data["notebooks"])
    assert len(states) == 6
    assert [s for s in states if s[2] != "ok"] == [
        ("cambridgeshire", "stop_smoking", "failed"),
        ("peterborough", "stop_smoking", "failed"),
    ]
    assert "stopped on purpose" in (outputs / "run.log").read_text()


def slow_down(notebook: Path, seconds: float) -> None:
    """Add a cell that waits, after the parameters, so a run is surely mid-notebook."""
    nb = nbformat.read(notebook, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    cell = nbformat.v4.new_code_cell(f"import time\ntime.sleep({seconds})")
    cell["id"] = "slow-down"
    nb.cells.insert(at + 1, cell)
    nbformat.write(nb, notebook)


@contextlib.contextmanager
def interruptible_children():
    """Processes started inside take Ctrl-C (SIGINT) as a terminal gives it, even when this
    one ignores it: a shell starts a background job (`make test &`) with SIGINT ignored, and
    an ignored signal stays ignored across exec, where a handled one is reset to its default."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def test_ctrl_c_cancels_the_jobs_and_leaves_the_previous_outputs_whole(cluster, tmp_path):
    project = small_project(tmp_path / "project")
    first = phreport(project, "run", QUARTER, "--areas", "peterborough", "--services",
                     "lifestyles", "--cluster", cluster.address)  # fmt: skip
    assert first.returncode == 0, first.stdout + first.stderr
    outputs = project / "outputs"
    before = {p.relative_to(outputs).as_posix(): p.read_bytes() for p in outputs.rglob("*")
              if p.is_file()}  # fmt: skip
    for service in SERVICES.split(","):  # notebooks still running when Ctrl-C lands
        slow_down(project / "notebooks" / f"{service}.ipynb", seconds=90)
    earlier = set(cluster.running_jobs())  # none, unless a job of another test was left

    def new_jobs() -> set[Path]:
        return set(cluster.running_jobs()) - earlier

    with interruptible_children():
        run = subprocess.Popen([str(BIN / "phreport"), "--project", str(project), "run",
                                QUARTER, "--services", SERVICES, "--cluster", cluster.address],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env=environment(), cwd=project)  # fmt: skip
    try:
        # Ctrl-C once phreport has started the run ("Running ...") and a job of its own runs
        lines: list[str] = []
        while not (lines and lines[-1].startswith("Running ")):
            lines.append(run.stdout.readline())
            assert lines[-1], "phreport ended before it started the run:\n" + "".join(lines)
        wait_for(new_jobs, cluster.base / "worker-a.log", seconds=300)
        run.send_signal(signal.SIGINT)
        output = "".join(lines) + run.communicate(timeout=120)[0]
    finally:
        if run.poll() is None:
            run.kill()
            run.communicate()  # reaps it and closes its pipe
    assert run.returncode == 130, output
    assert "interrupted" in output
    after = {p.relative_to(outputs).as_posix(): p.read_bytes() for p in outputs.rglob("*")
             if p.is_file()}  # fmt: skip
    assert after == before
    # the notebooks would sleep for 90 s: their kernels must have been stopped
    wait_for(lambda: not new_jobs(), cluster.base / "worker-a.log", seconds=30)
    time.sleep(3)
    for name in ("worker-a", "worker-b"):
        log = (cluster.base / f"{name}.log").read_text(errors="replace")
        assert "Function: interrupt_kernels" not in log, f"stopping the kernels failed:\n{log}"
    assert not new_jobs(), "a cancelled run's jobs were still started"


def test_an_unreachable_scheduler_is_exit_2_naming_it_and_writes_nothing(tmp_path):
    project = small_project(tmp_path / "project")
    before = sorted(str(p.relative_to(project)) for p in project.rglob("*"))
    address = f"tcp://127.0.0.1:{free_port()}"
    done = phreport(project, "run", QUARTER, "--cluster", address, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert address in done.stderr and "dask scheduler" in done.stderr
    assert sorted(str(p.relative_to(project)) for p in project.rglob("*")) == before


def test_a_local_cluster_started_for_the_run_runs_it(tmp_path):
    project = small_project(tmp_path / "project")
    done = phreport(project, "run", QUARTER, "--areas", "cambridgeshire", "--services",
                    "lifestyles", "--cluster", "local:1")  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "with 1 worker;" in done.stderr
    assert (project / "outputs" / QUARTER / "cambridgeshire" / "lifestyles.html").is_file()
    data = json.loads((project / "outputs" / QUARTER / "manifest.json").read_text())
    assert [n["status"] for n in data["notebooks"]] == ["ok"]
