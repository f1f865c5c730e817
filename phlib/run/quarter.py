"""Running a quarter: check, lock, gather narratives, execute, assemble, swap into place.

`run_quarter` is what `phreport run` does and `export_quarter` what `phreport export` does
(re-render the pages from the executed notebooks and the narrative store, executing nothing).
Both write only into a staging folder under `outputs/` and swap it in when complete (see
`phlib.run.staging`), so outputs are never half written, and both hold the quarter's lock.
Invalid inputs raise `InputError` and a refused public build raises `PublicationError`, both
before anything is written and before any worker starts. The exit code is 0 when every
notebook ran and 1 when any failed.

A run executes only the notebooks whose key changed since the last run and reuses the others
(`phlib.run.keys`, `phlib.run.plan`, `phlib.run.reuse`); `force` executes every one, and
`explain` prints the plan and writes nothing.

>>> RunOptions().workers_for(3) >= 1
True
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from phlib import atomic
from phlib.narratives.gather import pull
from phlib.report import assemble
from phlib.rules.scorecard import build_scorecard
from phlib.run import manifest, memo
from phlib.run.background import Later
from phlib.run.checks import check_quarter, publication_check
from phlib.run.cluster import ClusterPool
from phlib.run.job_list import (
    build_jobs,
    input_hashes,
    likely_to_execute,
    parameters_for,
    private_text,
    start_line,
    summary_line,
)
from phlib.run.jobs import longest_first
from phlib.run.kernels import preload_with_data
from phlib.run.keys import notebook_keys
from phlib.run.lock import RunLock
from phlib.run.plan import decide, explain
from phlib.run.progress import Console
from phlib.run.redact import public_log, public_manifest
from phlib.run.reuse import reuse_job, write_entry
from phlib.run.review_list import review_list
from phlib.run.staging import Staging
from phlib.run.workers import WorkerPool


@dataclass(frozen=True)
class RunOptions:
    """What the command line chose for a run."""

    areas: tuple[str, ...] | None = None
    services: tuple[str, ...] | None = None
    workers: int | None = None
    publication: str | None = None
    override_publication_checks: bool = False
    timeout: int | None = None
    preload: str | None = None
    force: bool = False
    explain: bool = False
    cluster: str | None = None
    argv: tuple[str, ...] = field(default=())

    def workers_for(self, jobs: int) -> int:
        """The number of worker processes: as asked, else one per core, never more than jobs."""
        wanted = self.workers or os.cpu_count() or 1
        return max(1, min(wanted, max(jobs, 1)))


@dataclass
class RunOutcome:
    """How a run ended."""

    exit_code: int
    folder: Path
    results: list = field(default_factory=list)
    statuses: dict = field(default_factory=dict)


def pull_edits(config, areas, services, keys, console: Console) -> None:
    """Bring analysts' edits in the executed notebooks back into the narrative store."""
    report = pull(config.outputs_dir, config.narratives_dir, config.quarter.id, areas, services,
                  keys)  # fmt: skip
    if report.edited or report.problems:
        console.say(str(report))


def known_keys(inputs) -> dict:
    keys = {s: list(inputs.narrative_keys.get(s, [])) for s in inputs.services}
    if inputs.catalogue is not None:
        for service in inputs.services:
            keys[service] += [i.indicator_id for i in inputs.catalogue.for_service(service)]
    return keys


@contextmanager
def prepared(config, inputs, command: str, console: Console):
    """Take the quarter's lock, finish or undo a half-done swap, and gather analysts'
    notebook edits into the store; yield the staging area. `run` and `export` both start so."""
    with RunLock(config.outputs_dir, config.quarter.id, command) as lock:
        for message in lock.messages:
            console.say(message)
        stage = Staging(config.outputs_dir, config.quarter.id)
        for message in stage.repair():
            console.say(message)
        pull_edits(config, inputs.areas, inputs.services, known_keys(inputs), console)
        yield stage


def run_quarter(config, options: RunOptions, console: Console) -> RunOutcome:
    """Run a quarter (see the module docstring); returns the outcome with its exit code."""
    if options.publication:
        config = replace(config, publication=options.publication)
    started, clock = datetime.now().astimezone(), time.perf_counter()
    planned = len(options.areas or config.areas) * len(options.services or config.services)
    workers = options.workers_for(planned)
    inputs = check_quarter(config, options.areas, options.services)  # before any worker starts
    pool = _early_pool(config, options, workers)
    for problem in inputs.warnings:
        console.say(f"warning: {problem}")
    card_key = memo.scorecard_key(config)
    scorecard = memo.recall_scorecard(config.outputs_dir / config.quarter.id, card_key)
    if scorecard is None:  # worked out in the background while the workers run
        scorecard = Later(build_scorecard, inputs.catalogue, inputs.observations,
                          config.quarter, list(config.areas), list(config.services))  # fmt: skip
    blockers = []
    if config.publication == "public":
        scorecard = scorecard.result() if isinstance(scorecard, Later) else scorecard
        blockers = publication_check(config, inputs, scorecard,
                                     options.override_publication_checks)  # fmt: skip
        for blocker in blockers:
            console.say(f"publication check overridden: {blocker}")
    if options.cluster:  # Dask distributed; checked before anything is written
        pool = ClusterPool(options.cluster, preload=options.preload).start()
        workers = pool.size
    elif pool is None:
        pool = WorkerPool(workers, cwd=config.notebooks_dir, preload=_preload(config, options))
    try:
        keys = notebook_keys(config, inputs, parameters_for, assemble_private(config))
        live = config.outputs_dir / config.quarter.id
        plan = decide(keys, manifest.read(live / "manifest.json"), live, options.force)
        if options.explain:
            console.say(explain(plan, config.quarter.label))
            pool.close()
            return RunOutcome(0, live)
        if not options.cluster:  # a cluster's workers are already there
            needed = sum(d.execute for d in plan.values())
            if needed:
                pool.start(needed)
            else:
                pool.close(graceful=False)  # an early worker that is not needed after all
        with prepared(config, inputs, "phreport run", console) as stage:
            outcome = _execute(config, options, inputs, (scorecard, card_key), stage, pool,
                               console, started, clock, workers, blockers, keys)  # fmt: skip
    except BaseException:
        pool.close(graceful=False)
        raise
    pool.close()
    return outcome


def _execute(config, options, inputs, card, stage, pool, console, started, clock, workers,
             blockers, keys) -> RunOutcome:  # fmt: skip
    """Execute or reuse each notebook into the staging folder, assemble the pages around them
    and swap it in; `card` is the scorecard (perhaps still to work out) and its key."""
    live = stage.live
    scorecard, card_key = card
    previous = manifest.read(live / "manifest.json")
    plan = decide(keys, previous, live, options.force)  # again: the lock is held now
    area_names = dict(inputs.catalogue.areas)
    hashes = input_hashes(config, inputs)
    checked_key = memo.review_key(config, inputs, card_key, hashes)
    remembered = memo.recall_review(live, checked_key) if config.publication != "public" else None
    commit = manifest.git_commit(config.project_root)
    prov = assemble.provenance(config, started, commit, hashes)
    with stage.building() as folder:
        jobs = build_jobs(config, inputs, folder, prov, area_names, live, options.timeout)
        jobs = longest_first(jobs, previous)
        console.say(start_line(len(jobs), config.quarter.label, inputs.areas, workers))
        progress = console.progress(len(jobs), decisions=plan)
        review = None
        if config.publication != "public" and remembered is None:
            review = Later(_review, config, inputs, scorecard)
        try:
            if isinstance(scorecard, Later):
                scorecard.start()  # while the workers run, the scorecard is worked out here
            if review is not None:
                review.start()  # and then the review list
            results = run_plan(jobs, plan, pool, live, progress)
        finally:
            progress.close()
        if isinstance(scorecard, Later):
            scorecard = scorecard.result()
        pairs = {(j.area, j.service) for j in jobs}
        after = assemble.statuses(config, results, pairs, live, previous)
        stage.carry(assemble.carried_files(config, inputs.areas, inputs.services, live, after))
        private = assemble_private(config)
        assemble.write_annexes(folder, config, prov, inputs.areas, after, results, area_names,
                               private)  # fmt: skip
        seconds = time.perf_counter() - clock
        used = min(workers, sum(d.execute for d in plan.values()))
        summary = summary_line(after, seconds, used, config, plan)
        review = review.result() if review is not None else (remembered or ())
        if config.publication != "public":  # the scorecard's figures are not yet redacted
            memo.keep_scorecard(folder, card_key, scorecard)
            memo.keep_review(folder, checked_key, review)
        assemble.write_index(folder, config, prov, after, scorecard, area_names, summary, review)
        failed = [r for r in results if not r.ok]
        _write_log(folder, console, results, summary, config)
        data = manifest.build(
            config=config, areas=inputs.areas, services=inputs.services, results=results,
            statuses=after, started=started.isoformat(timespec="seconds"),
            finished=datetime.now().astimezone().isoformat(timespec="seconds"),
            workers=workers, argv=options.argv, commit=commit, inputs=hashes,
            override=bool(blockers), blockers=blockers, messages=console.lines[:50],
            decisions=plan, previous=previous,
        )  # fmt: skip
        data["produced"] = prov.produced
        if config.publication == "public":
            data = public_manifest(data, private_text(config))
        manifest.write(folder / "manifest.json", data)
        pull_edits(config, inputs.areas, inputs.services, known_keys(inputs), console)
    console.say(summary)
    for result in failed:
        console.say(f"FAILED {result.key}: {result.error}")
    console.say(f"Outputs: {live / 'index.html'}")
    return RunOutcome(1 if failed else 0, live, results, after)


def _preload(config, options) -> str:
    """What each worker's kernel zygote runs first: the imports, then the observation files
    parsed once, so a notebook reading its area from them skips parsing (local workers share
    this file system)."""
    return preload_with_data(options.preload, config.observation_paths)


def _early_pool(config, options, workers: int):
    """One worker started as soon as the inputs are valid, when the run will probably execute
    a notebook (`likely_to_execute`), so its kernel warms up while the keys, the plan and the
    narratives are worked out; all of them for a run with no outputs yet. None for
    `--explain`, `--cluster` and public builds (refused, when they are, before any worker
    starts)."""
    if options.explain or options.cluster or config.publication == "public":
        return None
    previous = manifest.read(config.outputs_dir / config.quarter.id / "manifest.json")
    services = options.services or config.services
    if not likely_to_execute(config, services, previous, options.force):
        return None
    pool = WorkerPool(workers, cwd=config.notebooks_dir, preload=_preload(config, options))
    return pool.start(workers if not previous else 1)


def _review(config, inputs, scorecard) -> list:
    """The review list, once the scorecard (perhaps still being worked out) is ready."""
    return review_list(
        config, inputs, scorecard.result() if isinstance(scorecard, Later) else scorecard
    )


def run_plan(jobs, plan, pool, live: Path, progress) -> list:
    """Hand what the plan executes to the pool and reuse the rest meanwhile (in a background
    thread, so the kernels start on their notebooks at once), then record a cache entry for
    each notebook that executed successfully."""
    to_run = [job for job in jobs if plan[(job.area, job.service)].execute]
    to_reuse = [job for job in jobs if not plan[(job.area, job.service)].execute]
    reused = Later(_reuse_all, to_reuse, plan, live, progress)
    if to_run:
        reused.start()
    try:
        executed = pool.run(to_run, progress.update)
    finally:
        reused.wait()  # nothing writes into the staging folder once the run ends
    results = reused.result()
    pool.release()  # the workers shut their kernels down while the pages are assembled
    by_key = {result.key: result for result in executed}
    for job in to_run:
        result = by_key.get(job.key)
        if result is not None and result.ok:
            write_entry(job.out_dir, job.service, plan[(job.area, job.service)].key,
                        result.section)  # fmt: skip
    return results + executed


def _reuse_all(jobs, plan, live: Path, progress) -> list:
    """The results of reusing `jobs`' outputs, in their order, each shown as it is done."""
    results = []
    for job in jobs:
        results.append(reuse_job(job, live, plan[(job.area, job.service)].key))
        progress.update(results[-1])
    return results


def assemble_private(config) -> tuple[str, ...]:
    """What to scrub from pages assembled in this process (public builds only)."""
    return private_text(config) if config.publication == "public" else ()


def _write_log(folder: Path, console: Console, results, summary: str, config) -> None:
    """`run.log`; a public build's keeps each failure's error, not its traceback or output."""
    public = config.publication == "public"
    lines = list(console.lines) + ["", summary, ""]
    for result in results:
        if result.error or result.log:
            lines.append(f"--- {result.key}: {result.status}")
            lines += [result.error] if result.error else []
            if not public:
                lines += result.detail.splitlines() + result.log.splitlines()
    if public:
        lines = public_log(lines, private_text(config))
    atomic.write_text(folder / "run.log", "\n".join(lines) + "\n", durable=False)
