"""`phreport export`: refresh a quarter's pages without executing anything.

Analysts' edits in the executed notebooks are gathered into the narrative store first; then
each executed notebook gets the store's current text in its narrative cells and is exported
again, and the annexes and index are rebuilt. Like a run, it works in a staging folder under
the quarter's lock and swaps the result into place.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

from phlib import atomic
from phlib.errors import InputError, Problem
from phlib.hashes import file_hashes
from phlib.narratives import cells as narrative_cells
from phlib.narratives import store as narratives
from phlib.narratives.memory import memory_of
from phlib.report import assemble
from phlib.report.pages import section_page
from phlib.report.section import render_section
from phlib.run import manifest, memo
from phlib.run.checks import check_quarter, publication_check
from phlib.run.jobs import JobResult
from phlib.run.quarter import assemble_private, prepared
from phlib.run.redact import public_log, public_manifest


def _refresh_section(config, folder: Path, area: str, service: str, prov, area_names, private):
    import nbformat

    path = folder / area / f"{service}.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    store = narratives.store_path(config.narratives_dir, config.quarter.id, area, service)
    doc = (
        narratives.load(store)
        if store.is_file()
        else narratives.NarrativeDoc(config.quarter.id, area, service)
    )
    nb = narrative_cells.inject(nb, doc)
    atomic.write_text(path, nbformat.writes(nb), durable=False)
    section = render_section(nb, config.publication, private)
    heading = assemble.service_heading(config, service)
    frame = assemble.page(config, prov, area_names.get(area, area))
    shown = [s for s in config.services if (folder / area / f"{s}.html").is_file()]
    at = shown.index(service) if service in shown else -1
    before = shown[at - 1] if at > 0 else None
    after = shown[at + 1] if 0 <= at < len(shown) - 1 else None
    link = {s: {"href": f"{s}.html", "text": assemble.service_heading(config, s)} for s in shown}
    html = section_page(section, frame, heading, (), link.get(before), link.get(after))
    atomic.write_text(folder / area / f"{service}.html", html, durable=False)
    return section


def export_quarter(config, areas, services, console, argv=()) -> int:
    """Re-render the pages of `areas` x `services` (default all) from executed notebooks."""
    clock = time.perf_counter()
    inputs = check_quarter(config, areas, services)
    live = config.outputs_dir / config.quarter.id
    if not (live / "manifest.json").is_file():
        fix = f"run 'phreport run {config.quarter.id}' first"
        raise InputError([Problem(f"outputs/{config.quarter.id}", "there are no outputs", fix)])
    ran_as = (manifest.read(live / "manifest.json") or {}).get("parameters", {}).get("publication")
    if ran_as and ran_as != config.publication:
        raise InputError([Problem(
            f"outputs/{config.quarter.id}/manifest.json",
            f"the notebooks were executed for the {ran_as} build, so they cannot be exported "
            f"for the {config.publication} one (what a build shows is decided as it runs)",
            f"run 'phreport run {config.quarter.id} --publication {config.publication}'",
            column="publication", value=config.publication,
        )])  # fmt: skip
    scorecard, card_key = memo.scorecard_for(config, inputs)
    overridden = (manifest.read(live / "manifest.json") or {}).get("publication_override", {})
    publication_check(config, inputs, scorecard, bool(overridden.get("used")))
    with prepared(config, inputs, "phreport export", console) as stage:
        previous = manifest.read(live / "manifest.json") or {}
        with stage.building() as folder:
            everything = [p.relative_to(live).as_posix() for p in live.rglob("*") if p.is_file()]
            stage.carry(p for p in everything
                        if not Path(p).name.startswith(".") or memory_of(Path(p).name))  # fmt: skip
            hashes = previous.get("inputs", {})
            now = file_hashes(config.data_paths, config.project_root)
            if any(hashes.get(k) != v for k, v in now.items()):
                console.say("warning: the data files changed since the last run; the figures "
                            f"are from that run. Run 'phreport run {config.quarter.id}' "
                            "to update them.")  # fmt: skip
            commit = previous.get("code", {}).get("commit", "unknown")
            prov = assemble.provenance(config, datetime.now().astimezone(), commit, hashes)
            area_names = dict(inputs.catalogue.areas)
            private = assemble_private(config)
            results = []
            for area in inputs.areas:
                for service in inputs.services:
                    if (folder / area / f"{service}.ipynb").is_file():
                        section = _refresh_section(config, folder, area, service, prov,
                                                   area_names, private)  # fmt: skip
                        results.append(JobResult(area, service, "ok", 0.0, section=section))
            after = assemble.statuses(config, [], set(), live, previous)
            assemble.write_annexes(folder, config, prov, inputs.areas, after, results,
                                   area_names, private)  # fmt: skip
            summary = (
                f"Refreshed {len(results)} sections from the executed notebooks and the "
                f"narrative store in {time.perf_counter() - clock:.0f} s; "
                f"{config.publication} build."
            )
            public = config.publication == "public"
            review, checked_key = memo.review_for(config, inputs, scorecard, card_key)
            if not public:  # the scorecard's figures are not yet redacted
                memo.keep_scorecard(folder, card_key, scorecard)
                memo.keep_review(folder, checked_key, review)
            assemble.write_index(folder, config, prov, after, scorecard, area_names, summary,
                                 review)  # fmt: skip
            previous["exported"] = {
                "at": datetime.now().astimezone().isoformat(timespec="seconds"),
                "command": " ".join(["phreport", *argv]),
                "sections": [f"{r.area}/{r.service}" for r in results],
            }
            log_path = live / "run.log"
            log = log_path.read_text(encoding="utf-8") if log_path.is_file() else ""
            log += "\n".join([*console.lines, summary]) + "\n"
            if public:
                previous = public_manifest(previous, private)
                log = "\n".join(public_log(log.splitlines(), private)) + "\n"
            manifest.write(folder / "manifest.json", previous)
            atomic.write_text(folder / "run.log", log, durable=False)
        console.say(summary)
    return 0
