"""Putting a run's pieces together in the staging folder: section states, annexes, the index,
`scorecard.csv`, `run.log` and `manifest.json`.

>>> when = datetime(2023, 2, 7, 9, 5)
>>> produced_text(when)
'7 February 2023, 09:05'
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from phlib import atomic
from phlib.hashes import relative, short_hash
from phlib.inputs.catalogue import SERVICES
from phlib.narratives.memory import memory_of
from phlib.report.index import (
    SectionStatus,
    annex_html,
    failed_part,
    index_html,
    page_anchors,
    previous_notice,
)
from phlib.report.overview import many_areas
from phlib.report.pages import AnnexPart, Page, Provenance
from phlib.report.scorecard_file import scorecard_csv
from phlib.report.section import render_section


def produced_text(when: datetime) -> str:
    """How pages show when they were produced."""
    return f"{when.day} {when:%B %Y, %H:%M}"


def service_heading(config, service: str) -> str:
    """The numbered heading of a service in this quarter's report ("3. Stop smoking")."""
    number = config.services.index(service) + 1
    return f"{number}. {SERVICES.get(service, service.replace('_', ' ').capitalize())}"


def provenance(config, when: datetime, commit: str, hashes: dict[str, str]) -> Provenance:
    """The footer of every page of a run: when, which quarter, which data, which code."""
    data = []
    for path in config.data_paths:
        digest = hashes.get(_relative(path, config.project_root))
        if digest:
            data.append((Path(path).name, short_hash(digest)))
    mode = "Public" if config.publication == "public" else "Internal"
    return Provenance(produced_text(when), config.quarter.label, tuple(data), commit, mode)


def _relative(path, root) -> str:
    return relative(path, root)


def page(config, prov: Provenance, area_name: str = "", index_href="../index.html") -> Page:
    """The frame of a page of this run (for an area's pages, or the index with no area)."""
    return Page(config.title, config.quarter.label, prov, area_name, index_href)


def statuses(config, results, run_pairs, live: Path, previous_manifest) -> dict:
    """The state of every (area, service) of the quarter after this run."""
    by_pair = {(r.area, r.service): r for r in results}
    earlier = {
        (n.get("area"), n.get("service")): n
        for n in (previous_manifest or {}).get("notebooks", [])
        if isinstance(n, dict)
    }
    produced = (previous_manifest or {}).get("produced", "")
    found = {}
    for area in config.areas:
        for service in config.services:
            heading = service_heading(config, service)
            page_exists = (live / area / f"{service}.html").is_file()
            result = by_pair.get((area, service))
            if result is not None:
                state = "ok" if result.ok else ("previous" if page_exists else "failed")
                error = result.error
            elif (area, service) in run_pairs:
                state, error = ("previous" if page_exists else "failed"), "not run"
            elif page_exists:
                before = earlier.get((area, service), {})
                state = "previous" if before.get("status") == "previous" else "carried"
                error = before.get("error", "")
            elif (live / area / f"{service}.failed.html").is_file():
                state, error = "failed", earlier.get((area, service), {}).get("error", "")
            else:
                continue
            found[(area, service)] = SectionStatus(area, service, heading, state, error, produced)
    return found


#: What a run writes beside the index (everything else found there is kept).
RUN_FILES = frozenset({"index.html", "scorecard.csv", "manifest.json", "run.log"})


def carried_files(config, run_areas, run_services, live: Path, statuses_after) -> list[str]:
    """Files of the live outputs the staging folder must keep: sections this run did not
    produce (other areas or services) and the previous pages of sections that failed. A kept
    notebook keeps its gather memory (`.<service>.ipynb.gathered.json`) too. An area's annex
    (and its printed PDF) is kept only for areas the run leaves alone, and files someone put
    beside the index are kept.

    >>> import tempfile
    >>> live = Path(tempfile.mkdtemp())
    >>> (live / "peterborough").mkdir()
    >>> for name in ("lifestyles.ipynb", ".lifestyles.ipynb.gathered.json", ".x.tmp"):
    ...     _ = (live / "peterborough" / name).write_text("{}")
    >>> carried_files(None, ["cambridgeshire"], ["lifestyles"], live, {})
    ['peterborough/.lifestyles.ipynb.gathered.json', 'peterborough/lifestyles.ipynb']
    """
    keep = []
    if not live.is_dir():
        return keep
    for path in sorted(p for p in live.iterdir() if p.is_file()):
        if path.name not in RUN_FILES and not path.name.startswith("."):
            keep.append(path.name)
    for area_dir in sorted(p for p in live.iterdir() if p.is_dir()):
        area = area_dir.name
        for path in sorted(area_dir.iterdir()):
            name = memory_of(path.name) or path.name
            if not path.is_file() or name.startswith("."):
                continue
            service = name.split(".", 1)[0]
            rerun = area in run_areas and service in run_services
            if service == "annex":
                take = area not in run_areas
            elif not rerun:
                take = True
            else:
                status = statuses_after.get((area, service))
                take = (
                    status is not None
                    and status.state == "previous"
                    and name in (f"{service}.html", f"{service}.ipynb")
                )
            if take:
                keep.append(f"{area}/{path.name}")
    return keep


def write_annexes(
    folder: Path, config, prov: Provenance, areas, statuses_after, results, area_names, private
):
    """Write `<area>/annex.html` for each area of the run, sections in report order.

    A section a result brings is used as it is; any other is exported again from the
    executed notebook in the staging folder (a page kept from an earlier run)."""
    sections = {(r.area, r.service): r.section for r in results if r.ok and r.section}
    failures = {(r.area, r.service): r.section for r in results if not r.ok}
    for area in areas:
        parts = []
        for service in config.services:
            status = statuses_after.get((area, service))
            if status is None:
                continue
            if status.state == "failed":
                parts.append(failed_part(status, failures.get((area, service)), config.publication))
                continue
            section = sections.get((area, service))
            if section is None:
                section = render_section(
                    folder / area / f"{service}.ipynb", config.publication, private
                )
            notices = (previous_notice(status, config.publication),)
            notices = notices if status.state == "previous" else ()
            parts.append(AnnexPart(service, status.heading, section, notices))
        frame = page(config, prov, area_names.get(area, area))
        atomic.write_text(folder / area / "annex.html", annex_html(frame, parts), durable=False)


def write_index(
    folder: Path,
    config,
    prov: Provenance,
    statuses_after,
    scorecard,
    area_names,
    summary: str,
    review=(),
):
    """Write `index.html` and `scorecard.csv` for the whole quarter (with the review list)."""
    areas = [(a, area_names.get(a, a)) for a in config.areas]
    services = [(s, service_heading(config, s)) for s in config.services]
    frame = page(config, prov, "", "index.html")
    small = (config.suppression_min, config.suppression_max)
    anchors = {}  # with many areas the index links to sections, not to cards
    if not many_areas(len(areas)):
        anchors = {
            key: page_anchors((folder / status.page_href).read_text(encoding="utf-8"))
            for key, status in statuses_after.items()
            if status.page_href and (folder / status.page_href).is_file()
        }
    html = index_html(
        frame,
        areas,
        services,
        statuses_after,
        scorecard,
        config.publication,
        summary,
        small,
        anchors,
        review,
    )
    atomic.write_text(folder / "index.html", html, durable=False)
    atomic.write_text(
        folder / "scorecard.csv", scorecard_csv(scorecard, config.publication, small), durable=False
    )
