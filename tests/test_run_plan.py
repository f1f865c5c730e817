"""Keys of notebooks and the run plan (`phlib.run.keys`, `phlib.run.plan`, `phlib.run.reuse`),
on the project's real catalogue and observations, without running any notebook."""

from __future__ import annotations

import io
import json
import shutil
import threading
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest

from phlib.hashes import file_hashes, sha256
from phlib.inputs.config import load_parameters
from phlib.report.section import Heading, Section
from phlib.run import keys as keys_module
from phlib.run import quarter
from phlib.run.checks import check_quarter
from phlib.run.job_list import likely_to_execute
from phlib.run.jobs import Job, JobResult
from phlib.run.keys import (
    canonical_parameters,
    indicators_read,
    notebook_digest,
    notebook_keys,
    row_digests,
)
from phlib.run.plan import Decision, decide, explain, why
from phlib.run.progress import Console
from phlib.run.quarter import parameters_for
from phlib.run.reuse import content_digest, entry_is_intact, narratives_digest, write_entry
from phlib.run.workers import WorkerPool

PROJECT = Path(__file__).resolve().parents[1]
QUARTER = "2022-23-Q3"


@pytest.fixture(scope="module")
def sample():
    config = load_parameters(PROJECT / "parameters" / f"{QUARTER}.yaml", PROJECT)
    inputs = check_quarter(
        config, ("cambridgeshire", "peterborough"), ("stop_smoking", "commissioning")
    )
    return config, inputs


def keys_for(config, inputs, observations=None, catalogue=None):
    changed = replace(
        inputs,
        observations=observations if observations is not None else inputs.observations,
        catalogue=catalogue or inputs.catalogue,
    )
    return notebook_keys(config, changed, parameters_for)


def test_a_notebook_reads_its_service_and_every_indicator_its_code_names(sample):
    config, inputs = sample
    nb = keys_module.read_notebook(config.notebooks_dir / "commissioning.ipynb")
    _, words = notebook_digest(nb)
    ids = indicators_read(inputs.catalogue, "commissioning", words)
    own = [i.indicator_id for i in inputs.catalogue.for_service("commissioning")]
    assert set(own) <= set(ids)
    extra = {"cells": [{"cell_type": "code", "source": 'wb.card("ss_quit_rate")',
                        "metadata": {}}]}  # fmt: skip
    _, words = notebook_digest(extra)
    assert indicators_read(inputs.catalogue, "commissioning", words) == sorted(
        set(own) | {"ss_quit_rate"}
    )


def test_one_changed_observation_changes_only_the_keys_that_read_it(sample):
    config, inputs = sample
    before = keys_for(config, inputs)
    frame = inputs.observations.copy()
    at = frame.index[(frame["indicator_id"] == "ss_quit_rate") & (frame["area"] == "peterborough")]
    frame.loc[at[-1], "value"] = frame.loc[at[-1], "value"] + 1
    after = keys_for(config, inputs, observations=frame)
    changed = {pair for pair in before if before[pair][0] != after[pair][0]}
    assert changed == {("peterborough", "stop_smoking")}
    old, new = (
        before[("peterborough", "stop_smoking")][1],
        after[("peterborough", "stop_smoking")][1],
    )
    assert why(old, new) == "observations for ss_quit_rate changed"


def test_where_a_row_was_read_from_is_not_part_of_the_key(sample):
    _, inputs = sample
    moved = inputs.observations.assign(
        source_file="/elsewhere/observations.csv", source_row=inputs.observations["source_row"] + 7
    )
    assert row_digests(moved) == row_digests(inputs.observations)


def test_a_catalogue_row_and_the_area_row_are_parts_of_the_key(sample):
    config, inputs = sample
    before = keys_for(config, inputs)
    table = inputs.catalogue.indicators.copy()
    table.loc["com_budget_spent", "title"] = "Budget spent (revised)"
    after = keys_for(config, inputs, catalogue=replace(inputs.catalogue, indicators=table))
    changed = {pair for pair in before if before[pair][0] != after[pair][0]}
    assert changed == {("cambridgeshire", "commissioning"), ("peterborough", "commissioning")}
    pair = ("cambridgeshire", "commissioning")
    assert why(before[pair][1], after[pair][1]) == "catalogue rows for com_budget_spent changed"
    areas = {**inputs.catalogue.areas, "peterborough": "City of Peterborough"}
    renamed = keys_for(config, inputs, catalogue=replace(inputs.catalogue, areas=areas))
    changed = {pair for pair in before if before[pair][0] != renamed[pair][0]}
    assert changed == {("peterborough", "stop_smoking"), ("peterborough", "commissioning")}


def test_narrative_text_is_not_in_a_notebook_key_but_code_and_fixed_text_are():
    cell = nbformat.v4.new_markdown_cell(
        "#### Commentary\n\nold", metadata={"tags": ["narrative"],
                                            "phlib": {"narrative_key": "summary"}})  # fmt: skip
    code = nbformat.v4.new_code_cell("wb.heading()")
    nb = nbformat.v4.new_notebook(cells=[code, cell])
    base = notebook_digest(nb)[0]
    cell.source = "#### Commentary\n\nnew text"
    assert notebook_digest(nb)[0] == base
    code.source = "wb.scorecard()"
    assert notebook_digest(nb)[0] != base
    code.source = "wb.heading()"
    nb.cells.append(nbformat.v4.new_markdown_cell("### Notes"))
    assert notebook_digest(nb)[0] != base


def test_parameters_are_canonical_and_relative_to_the_project():
    a = canonical_parameters({"catalogue_path": "/p/data/c.csv", "observation_paths": ("/p/o.csv",),
                              "quarter": "2022-23-Q3"}, "/p")  # fmt: skip
    b = canonical_parameters({"quarter": "2022-23-Q3", "observation_paths": ["/q/o.csv"],
                              "catalogue_path": "/q/data/c.csv"}, "/q")  # fmt: skip
    assert a == b and list(a) == sorted(a)


def test_phlib_and_the_dependency_set_are_parts_of_the_key(tmp_path, sample):
    config, _ = sample
    (tmp_path / "phlib").mkdir()
    (tmp_path / "phlib" / "a.py").write_text("x = 1\n")
    first = keys_module.tree_digest(tmp_path / "phlib")
    (tmp_path / "phlib" / "a.py").write_text("x = 2\n")
    assert keys_module.tree_digest(tmp_path / "phlib") != first
    (tmp_path / "constraints.txt").write_text("pandas==2.0\n")
    pinned = keys_module.dependencies_digest(tmp_path)
    (tmp_path / "constraints.txt").write_text("pandas==2.1\n")
    assert keys_module.dependencies_digest(tmp_path) != pinned
    assert keys_module.dependencies_digest(config.project_root)


def _entry(key: str, parts: dict, status="ok") -> dict:
    return {"area": "a", "service": "s", "status": status, "key": key, "parts": parts}


def _cached_folder(tmp_path: Path, key: str) -> Path:
    folder = tmp_path / "live" / "a"
    folder.mkdir(parents=True)
    cell = nbformat.v4.new_code_cell("1", outputs=[nbformat.v4.new_output(
        "stream", name="stdout", text="one")])  # fmt: skip
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), folder / "s.ipynb")
    write_entry(folder, "s", key, Section("<p>one</p>", (Heading(2, "x", "X"),), "X"))
    return folder


def test_decisions_say_why_a_notebook_runs_or_is_reused(tmp_path):
    parts = {"phlib": "p", "observations": {"ss_quitters": "1"}}
    folder = _cached_folder(tmp_path, "k1")
    live = folder.parent
    keys = {("a", "s"): ("k1", parts)}
    last = {"notebooks": [_entry("k1", parts)]}
    assert decide(keys, last, live)[("a", "s")].reason == "unchanged"
    assert not decide(keys, last, live)[("a", "s")].execute
    assert decide(keys, last, live, force=True)[("a", "s")].reason == "forced"
    assert decide(keys, None, live)[("a", "s")].reason == "new notebook"
    failed = {"notebooks": [_entry(None, parts, status="previous")]}
    assert decide(keys, failed, live)[("a", "s")].reason == "it did not run successfully last time"
    new_parts = {"phlib": "p", "observations": {"ss_quitters": "2"}}
    changed = decide({("a", "s"): ("k2", new_parts)}, last, live)[("a", "s")]
    assert changed.execute and changed.reason == "observations for ss_quitters changed"
    assert "run   a/s: observations for ss_quitters changed" in explain({("a", "s"): changed}, "Q")


def test_a_cache_entry_is_not_trusted_when_its_files_were_changed_or_removed(tmp_path):
    folder = _cached_folder(tmp_path, "k1")
    assert entry_is_intact(folder, "s", "k1") is None
    assert entry_is_intact(folder, "s", "k2") == "its cache entry is for other inputs"
    nb = nbformat.read(folder / "s.ipynb", as_version=4)
    nb.cells[0].outputs[0]["text"] = "two"
    nbformat.write(nb, folder / "s.ipynb")
    assert entry_is_intact(folder, "s", "k1") == "the executed notebook was changed outside a run"
    (folder / "s.cache.json").write_text("{not json")
    assert entry_is_intact(folder, "s", "k1") == "its outputs from the last run are missing"


def test_an_entry_trusts_its_notebooks_bytes_else_its_content_without_the_narratives(tmp_path):
    folder = tmp_path / "live" / "a"
    folder.mkdir(parents=True)
    note = nbformat.v4.new_markdown_cell(
        "As run.", metadata={"tags": ["narrative"], "phlib": {"narrative_key": "summary"}}
    )
    code = nbformat.v4.new_code_cell("1", outputs=[nbformat.v4.new_output(
        "stream", name="stdout", text="one")])  # fmt: skip
    nbformat.write(nbformat.v4.new_notebook(cells=[note, code]), folder / "s.ipynb")
    write_entry(folder, "s", "k1", Section("<p>one</p>", (), "X"))
    entry = json.loads((folder / "s.cache.json").read_text())
    assert entry["bytes"] == sha256(folder / "s.ipynb")
    assert entry_is_intact(folder, "s", "k1") is None
    nb = nbformat.read(folder / "s.ipynb", as_version=4)
    nb.cells[0].source = "Edited by an analyst in JupyterLab."
    nbformat.write(nb, folder / "s.ipynb")
    assert entry_is_intact(folder, "s", "k1") is None  # other bytes, the same content
    nb.cells[1].outputs[0]["text"] = "two"
    nbformat.write(nb, folder / "s.ipynb")
    assert entry_is_intact(folder, "s", "k1") == "the executed notebook was changed outside a run"


def test_content_and_narrative_digests_split_a_notebook_in_two():
    cell = nbformat.v4.new_markdown_cell(
        "old", metadata={"tags": ["narrative"], "phlib": {"narrative_key": "summary"}}
    )
    nb = json.loads(nbformat.writes(nbformat.v4.new_notebook(cells=[cell])))
    content, narratives = content_digest(nb), narratives_digest(nb)
    nb["cells"][0]["source"] = "new"
    assert content_digest(nb) == content and narratives_digest(nb) != narratives


def test_a_section_kept_by_a_run_of_other_areas_keeps_its_key_and_is_reused(tmp_path):
    from phlib.run.manifest import cache_fields

    parts = {"phlib": "p"}
    folder = _cached_folder(tmp_path, "k1")
    earlier = {"notebooks": [_entry("k1", parts)]}
    kept = cache_fields("a", "s", "carried", None, {}, earlier)
    assert kept["key"] == "k1" and kept["executed"] is False
    later = {"notebooks": [{"area": "a", "service": "s", "status": "carried", **kept}]}
    assert cache_fields("a", "s", "carried", None, {}, later)["key"] == "k1"
    decision = decide({("a", "s"): ("k1", parts)}, later, folder.parent)[("a", "s")]
    assert not decision.execute and decision.reason == "unchanged"
    failed = {"notebooks": [_entry(None, parts, status="previous")]}
    assert cache_fields("a", "s", "carried", None, {}, failed)["key"] is None


def copied_project(root: Path) -> Path:
    for name in ("parameters", "data", "notebooks"):
        shutil.copytree(PROJECT / name, root / name)
    return root


def test_a_worker_is_started_early_only_when_a_run_will_probably_execute(tmp_path):
    project = copied_project(tmp_path)
    config = load_parameters(project / "parameters" / f"{QUARTER}.yaml", project)
    services = config.services
    assert likely_to_execute(config, services, None)  # no previous run: everything executes
    paths = list(config.data_paths) + [config.path]
    paths += [config.notebooks_dir / f"{s}.ipynb" for s in services]
    ok = {"area": "cambridgeshire", "service": "stop_smoking", "status": "ok"}
    previous = {"inputs": file_hashes(paths, project), "notebooks": [ok]}
    assert not likely_to_execute(config, services, previous)
    assert likely_to_execute(config, services, previous, force=True)
    failed = {**previous, "notebooks": [{**ok, "status": "failed"}]}
    assert likely_to_execute(config, services, failed)
    observations = project / "data" / "observations.csv"
    observations.write_text(observations.read_text() + "\n", encoding="utf-8")
    assert likely_to_execute(config, services, previous)  # a data file changed


def test_released_workers_stop_without_being_waited_for():
    pool = WorkerPool(1, preload="").start()
    worker = pool._workers[0].process
    pool.release()
    worker.join(180)
    assert not worker.is_alive() and worker.exitcode == 0
    pool.close()  # nothing left to wait for
    assert pool._workers == []


# --- running the plan: executing and reusing at once ------------------------------------


class InstantPool:
    """Stands in for the worker pool: each job 'fails' at once (so no cache entry is
    written), after saying it has its jobs."""

    def __init__(self, handed: threading.Event):
        self.handed = handed

    def run(self, jobs, on_result):
        self.handed.set()
        results = [JobResult(job.area, job.service, "failed", 0.1) for job in jobs]
        for result in results:
            on_result(result)
        return results

    def release(self) -> None:
        pass


def test_the_pool_has_its_notebooks_before_the_others_are_reused(monkeypatch, tmp_path):
    # each reuse waits until the pool has been given the notebooks to run: were the reuse
    # done first (as it once was, leaving the kernels idle meanwhile), it would time out
    handed = threading.Event()

    def reuse_after_handing(job, live, key):
        assert handed.wait(10), "the outputs were reused before the pool had its notebooks"
        return JobResult(job.area, job.service, "ok", 0.0)

    monkeypatch.setattr(quarter, "reuse_job", reuse_after_handing)
    jobs = [Job(area, service, tmp_path / f"{service}.ipynb", {}, tmp_path, "", None)
            for area, service in (("a", "x"), ("a", "y"), ("b", "x"))]  # fmt: skip
    plan = {(job.area, job.service): Decision(job.area, job.service, job.service == "y",
                                              "", "k", {}) for job in jobs}  # fmt: skip
    console = Console(io.StringIO())
    progress = console.progress(len(jobs), tty=False)
    results = quarter.run_plan(jobs, plan, InstantPool(handed), tmp_path, progress)
    assert [(r.key, r.status) for r in results] == [("a/x", "ok"), ("b/x", "ok"),
                                                    ("a/y", "failed")]  # fmt: skip
    lines = console.stream.getvalue().splitlines()
    assert sorted(line.split()[0] for line in lines) == ["[1/3]", "[2/3]", "[3/3]"]


def test_with_nothing_to_execute_the_outputs_are_reused_in_this_thread(monkeypatch, tmp_path):
    threads = []

    def reuse_here(job, live, key):
        threads.append(threading.current_thread())
        return JobResult(job.area, job.service, "ok", 0.0)

    monkeypatch.setattr(quarter, "reuse_job", reuse_here)
    job = Job("a", "x", tmp_path / "x.ipynb", {}, tmp_path, "", None)
    plan = {("a", "x"): Decision("a", "x", False, "", "k", {})}
    progress = Console(io.StringIO()).progress(1, tty=False)
    results = quarter.run_plan([job], plan, InstantPool(threading.Event()), tmp_path, progress)
    assert [r.key for r in results] == ["a/x"] and threads == [threading.main_thread()]
