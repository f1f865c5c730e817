"""Cache entries of executed notebooks, and reusing them instead of executing again.

Beside each executed notebook a run writes `<area>/<service>.cache.json`, only after the
notebook ran and exported successfully, atomically, and inside the staging folder that is
swapped in whole at the end of the run (so a killed run leaves no entry behind). The entry
holds the notebook's key, a hash of the executed notebook's bytes (checked first: the same
bytes need no reading) and of its content (every cell but the narrative text, for a notebook
whose narrative cells an analyst edited), a hash of its narrative cells and the rendered
section (the HTML fragment of its cells), so a later run with the same key can:

- check the executed notebook was not changed outside a run (else it executes again);
- fill its narrative cells from the store, as a fresh run would;
- reuse the rendered section when the narratives are the same, or render it again when they
  changed (nbconvert in-process, no kernel), and wrap it in a page of this run.

>>> cell = {"cell_type": "code", "source": "1", "outputs": []}
>>> edited = {**cell, "outputs": [{"output_type": "stream", "name": "stdout", "text": "x"}]}
>>> content_digest({"cells": [cell]}) == content_digest({"cells": [edited]})
False
"""

from __future__ import annotations

import contextlib
import json
import shutil
import time
from dataclasses import asdict
from pathlib import Path

import nbformat
from nbformat.v4.rwbase import rejoin_lines

from phlib import atomic
from phlib.hashes import sha256
from phlib.narratives.cells import is_narrative
from phlib.report.pages import section_page
from phlib.report.section import Heading, Section, render_section
from phlib.run.jobs import Job, JobResult, with_narratives
from phlib.run.keys import digest

FORMAT = 1


def cache_path(folder: Path, service: str) -> Path:
    return Path(folder) / f"{service}.cache.json"


def _tags(cell) -> list:
    tags = cell.get("metadata", {}).get("tags", [])
    return list(tags) if isinstance(tags, list) else []


def content_digest(nb) -> str:
    """A hash of an executed notebook's cells (sources, tags and outputs) without the text of
    its narrative cells."""
    cells = []
    for cell in nb.get("cells", []):
        if is_narrative(cell):
            key = cell.get("metadata", {}).get("phlib", {}).get("narrative_key")
            cells.append(["narrative", key])
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        cells.append([cell.get("cell_type"), source, _tags(cell), cell.get("outputs", [])])
    return digest(cells)


def narratives_digest(nb) -> str:
    """A hash of a notebook's narrative cells (text and metadata)."""
    found = []
    for cell in nb.get("cells", []):
        if is_narrative(cell):
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            found.append([source, cell.get("metadata", {})])
    return digest(found)


def _read(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def entry_is_intact(folder: Path, service: str, key: str) -> str | None:
    """None when the cache entry of `service` in `folder` can be trusted for `key`, else why
    not (the notebook then executes again)."""
    entry = _read(cache_path(folder, service))
    notebook = Path(folder) / f"{service}.ipynb"
    if not isinstance(entry, dict) or entry.get("format") != FORMAT or not notebook.is_file():
        return "its outputs from the last run are missing"
    if entry.get("key") != key:
        return "its cache entry is for other inputs"
    with contextlib.suppress(OSError):
        if entry.get("bytes") == sha256(notebook):
            return None  # the very file the entry was written for (no need to read it)
    nb = _read(notebook)  # changed since: only a narrative cell's text may have
    if not isinstance(nb, dict):
        return "its outputs from the last run are missing"
    if entry.get("content") != content_digest(nb):
        return "the executed notebook was changed outside a run"
    return None


def write_entry(folder: Path, service: str, key: str, section: Section) -> None:
    """Record a successfully executed notebook (already written in `folder`) for reuse."""
    notebook = Path(folder) / f"{service}.ipynb"
    nb = _read(notebook) or {}
    entry = {
        "format": FORMAT,
        "key": key,
        "bytes": sha256(notebook),
        "content": content_digest(nb),
        "narratives": narratives_digest(nb),
        "section": asdict(section),
    }
    atomic.write_text(cache_path(folder, service), json.dumps(entry) + "\n", durable=False)


def _section(data: dict) -> Section:
    headings = tuple(Heading(**h) for h in data.get("headings", []))
    return Section(data["html"], headings, data.get("title", ""), data.get("error", ""))


def reuse_job(job: Job, live: Path, key: str) -> JobResult:
    """Write a job's outputs from the last run's (in `live`) into `job.out_dir`, as a fresh run
    would: narratives from the store, the page in this run's frame, a new cache entry."""
    started = time.perf_counter()
    source = Path(live) / job.area
    entry = _read(cache_path(source, job.service)) or {}
    nb = rejoin_lines(nbformat.from_dict(_read(source / f"{job.service}.ipynb")))
    filled = with_narratives(nb, job)
    job.out_dir.mkdir(parents=True, exist_ok=True)
    notebook_file = job.out_dir / f"{job.service}.ipynb"
    if narratives_digest(filled) == entry.get("narratives") and "section" in entry:
        shutil.copyfile(source / f"{job.service}.ipynb", notebook_file)
        section = _section(entry["section"])
        refreshed = False
    else:
        atomic.write_text(notebook_file, nbformat.writes(filled), durable=False)
        section = render_section(filled, job.publication, job.private_text)
        refreshed = True
    page = section_page(section, job.page, job.heading, (), job.previous, job.following)
    atomic.write_text(job.out_dir / f"{job.service}.html", page, durable=False)
    if refreshed:
        write_entry(job.out_dir, job.service, key, section)
    else:
        shutil.copyfile(cache_path(source, job.service), cache_path(job.out_dir, job.service))
    files = (notebook_file.name, f"{job.service}.html")
    seconds = time.perf_counter() - started
    return JobResult(job.area, job.service, "ok", seconds, 0.0, "", "", section, files)
