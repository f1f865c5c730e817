"""Gathering analysts' edits from executed notebooks back into the narrative store.

`gather(notebook_path, store)` compares each narrative cell with the hash of the text injected
at the last run (`narrative_hash`):

- unchanged cell: nothing to do;
- edited cell whose store section is unchanged since the run: the store takes the cell's text,
  status `written` (a carried-forward section whose text is kept but whose marker line was
  deleted also becomes `written`: the analyst reviewed it);
- edited cell whose store section changed too (someone edited the Markdown file): a
  CONFLICT. The store takes the cell's text and the store's version is saved beside it in
  `<service>.conflict-<UTC time>.md` (same format, parseable); both are reported;
- a cell edited back to the placeholder or marker alone never erases store text (reported);
- a cell whose key is not in the store nor in `known_keys` is reported and its text is still
  saved as a new section; a tagged cell without a usable key becomes `unkeyed_cell_<n>`.

The store file is written atomically, once, and only when something changed. Beside the
notebook, `.<name>.gathered.json` remembers what was gathered, so gathering the same
notebook twice (say `phreport narratives pull`, then an edit to the Markdown file, then
`phreport run`) does not take the notebook's text again over the newer file.
A missing notebook gathers nothing; a corrupt one raises `NarrativeError` and the store is
not touched. `pull` gathers every notebook of a quarter, checking them all before writing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import nbformat

from phlib import atomic
from phlib.errors import NarrativeError, Problem
from phlib.narratives.cells import (
    cell_hash,
    cell_key,
    cell_text,
    is_narrative,
    read_cell,
    read_headline,
    source_of,
    text_hash,
)
from phlib.narratives.memory import memory_path, read_memory
from phlib.narratives.store import (
    CARRIED,
    KEY_RE,
    SAMPLE,
    WRITTEN,
    NarrativeDoc,
    Section,
    load,
    render,
    save,
    store_path,
)


@dataclass(frozen=True)
class Conflict:
    """A section edited in both the notebook and the store; the store's text is in `side_file`."""

    key: str
    side_file: Path | None


@dataclass
class GatherResult:
    """What gathering one notebook did to one store file."""

    notebook: Path | None = None
    store: Path | None = None
    doc: NarrativeDoc | None = None
    edited: list[str] = field(default_factory=list)
    reviewed: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    conflict_doc: NarrativeDoc | None = None
    written: bool = False
    memory: dict = field(default_factory=dict)

    @property
    def problems(self) -> list[Problem]:
        """Conflicts, unknown keys and emptied cells as warnings saying what to do."""
        nb, out = str(self.notebook), []
        for c in self.conflicts:
            message = f"section '{c.key}' was edited in the notebook and in the store"
            fix = f"the notebook's text is in the store; compare with {c.side_file} and merge"
            out.append(Problem(nb, message, fix, cell=c.key, severity="warning"))
        for key in self.unknown:
            message = f"narrative cell '{key}' is not a known indicator or section"
            fix = "its text was saved in the store under that key; move it to the right section"
            out.append(Problem(nb, message, fix, cell=key, severity="warning"))
        for key in self.kept:
            message = f"narrative cell '{key}' was emptied; the store's text was kept"
            fix = "to delete the text, delete it in the store file"
            out.append(Problem(nb, message, fix, cell=key, severity="warning"))
        return out


def _same_store(meta, doc: NarrativeDoc) -> bool:
    wanted = {"quarter": doc.quarter, "area": doc.area, "service": doc.service}
    return not isinstance(meta, dict) or all(meta.get(k, v) == v for k, v in wanted.items())


def merge(nb, doc: NarrativeDoc, known_keys: Iterable[str] | None = None, memory=None):
    """Apply a notebook's edited narrative cells to `doc`; return a `GatherResult` (no I/O).

    `memory` is what an earlier gather of the same notebook recorded (`result.memory`): per
    key, the hash injected, the hash of the cell text gathered and of the store text it made.
    """
    known = set(doc.sections) | set(known_keys or ())
    memory = memory or {}
    sections, theirs = dict(doc.sections), {}
    result = GatherResult()
    for number, cell in enumerate(nb.cells, 1):
        if not is_narrative(cell):
            continue
        key, text = cell_key(cell), source_of(cell)
        injected = cell_hash(cell)
        current = text_hash(text)
        seen = memory.get(key) if isinstance(memory.get(key), dict) else {}
        seen = seen if seen.get("injected") == injected else {}
        if current in (injected, seen.get("gathered")):
            continue
        got = read_cell(text)
        if key is None or not KEY_RE.fullmatch(key):
            key = f"unkeyed_cell_{number}"
        store = sections.get(key)
        headline = read_headline(text)
        if not (got.commentary or got.actions or headline):
            if store is not None and store.has_text:
                result.kept.append(key)
            continue
        if key not in known and key not in result.unknown:
            result.unknown.append(key)
        actions = got.actions
        if actions is None and store is not None and store.actions is not None:
            actions = ""  # the section keeps its Actions part
        checked = store.checked if store is not None else ()
        ours = Section(key, got.commentary, actions, WRITTEN, headline=headline, checked=checked)
        if store is not None and store.same_text(ours):
            if store.status in (CARRIED, SAMPLE) and not got.marker:
                result.reviewed.append(key)
                sections[key] = replace(store, status=WRITTEN, carried_from=None)
        elif (
            store is not None
            and store.has_text
            and text_hash(cell_text(store))
            not in (
                injected,
                seen.get("store"),
            )
        ):
            theirs[key] = store
            result.conflicts.append(Conflict(key, None))
            sections[key] = ours
        else:
            result.edited.append(key)
            sections[key] = ours
        stored = text_hash(cell_text(sections[key]))
        result.memory[key] = {"injected": injected, "gathered": current, "store": stored}
    result.doc = NarrativeDoc(doc.quarter, doc.area, doc.service, sections)
    if theirs:
        result.conflict_doc = NarrativeDoc(doc.quarter, doc.area, doc.service, theirs)
    return result


def read_notebook(path: Path):
    """Read an executed notebook; a file that cannot be read raises `NarrativeError`.

    It is read as `nbformat.read` reads it, without checking it against the notebook schema
    (half the time of reading it): a notebook that fails that check is read all the same, and
    nbformat would only have logged it.
    """
    try:
        return nbformat.convert(nbformat.reader.reads(Path(path).read_text(encoding="utf-8")), 4)
    except Exception as error:  # any failure to read means the file cannot be used
        message = f"the notebook cannot be read ({type(error).__name__}: {error})"
        fix = (
            "restore it from the outputs backup, or delete it (its edits are lost) and "
            "re-run; the narrative store was not changed"
        )
        raise NarrativeError([Problem(str(path), message, fix)]) from None


def _side_file(store: Path, when: datetime) -> Path:
    stamp = when.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    path, n = store.with_name(f"{store.stem}.conflict-{stamp}.md"), 1
    while path.exists():
        n += 1
        path = store.with_name(f"{store.stem}.conflict-{stamp}-{n}.md")
    return path


def _prepare(notebook, store, known_keys):
    """Read a notebook and its store (raising on any problem) without writing anything."""
    notebook = Path(notebook)
    if not notebook.exists():
        return None
    nb = read_notebook(notebook)
    meta = nb.metadata.get("phlib", {}).get("narratives")
    if isinstance(store, NarrativeDoc):
        doc, path = store, None
    else:
        path = Path(store)
        if path.exists():
            doc = load(path)
        else:
            try:
                doc = NarrativeDoc(path.parent.parent.name, path.parent.name, path.stem)
            except ValueError:
                message = "cannot tell which quarter, area and service this store file is for"
                fix = "give the path as narratives/<quarter>/<area>/<service>.md"
                raise NarrativeError([Problem(str(path), message, fix)]) from None
    if not _same_store(meta, doc):
        message = f"the notebook was filled from {meta}, not from this store file"
        fix = "gather it into the store file of its own quarter, area and service"
        raise NarrativeError([Problem(str(notebook), message, fix, value=str(path or doc.title))])
    return notebook, nb, doc, path, known_keys


def _finish(prepared, now: datetime | None) -> GatherResult:
    notebook, nb, doc, path, known_keys = prepared
    memory = read_memory(notebook) if path is not None else {}
    result = merge(nb, doc, known_keys, memory)
    result.notebook, result.store = notebook, path
    if path is None:
        return result
    if result.conflict_doc is not None:
        side = _side_file(path, now or datetime.now(UTC))
        atomic.write_text(side, render(result.conflict_doc))
        result.conflicts = [Conflict(c.key, side) for c in result.conflicts]
    if result.doc != doc or (not path.exists() and result.doc.sections):
        save(result.doc, path)
        result.written = True
    if result.memory:
        memory.update(result.memory)
        atomic.write_text(memory_path(notebook), json.dumps(memory, indent=1, sort_keys=True))
    return result


def gather(notebook, store, known_keys: Iterable[str] | None = None, *, now=None):
    """Bring a notebook's edited narrative cells into `store` (a store file path, or a
    `NarrativeDoc`, in which case nothing is written and `result.doc` holds the outcome).

    >>> gather("no/such/notebook.ipynb", "narratives/x.md").written
    False
    """
    prepared = _prepare(notebook, store, known_keys)
    if prepared is None:
        return GatherResult(notebook=Path(notebook), store=None)
    return _finish(prepared, now)


@dataclass
class PullReport:
    """Every `GatherResult` of a quarter, and their warnings together."""

    results: list[GatherResult] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return [p for r in self.results for p in r.problems]

    @property
    def edited(self) -> list[tuple[Path, str]]:
        return [(r.store, k) for r in self.results for k in r.edited + r.reviewed]

    @property
    def conflicts(self) -> list[tuple[Path, Conflict]]:
        return [(r.store, c) for r in self.results for c in r.conflicts]

    def __str__(self) -> str:
        files = sum(r.written for r in self.results)
        head = f"Gathered {len(self.edited)} edited section(s) into {files} narrative file(s)."
        return "\n".join([head] + [f"  - {p}" for p in self.problems])


def pull(
    outputs_dir,
    narratives_root,
    quarter: str,
    areas: Iterable[str],
    services: Iterable[str],
    known_keys_by_service: Mapping[str, Iterable[str]] | None = None,
    *,
    now=None,
) -> PullReport:
    """Gather `outputs_dir/<quarter>/<area>/<service>.ipynb` into the store, for every area and
    service; every notebook and store file is read and checked before anything is written.

    >>> print(pull("no/outputs", "no/narratives", "2022-23-Q3", ["peterborough"], ["lifestyles"]))
    Gathered 0 edited section(s) into 0 narrative file(s).
    """
    known_keys_by_service = known_keys_by_service or {}
    services = list(services)
    prepared, problems = [], []
    for area in areas:
        for service in services:
            store = store_path(narratives_root, quarter, area, service)
            notebook = Path(outputs_dir) / quarter / area / f"{service}.ipynb"
            try:
                item = _prepare(notebook, store, known_keys_by_service.get(service))
            except NarrativeError as error:
                problems += error.problems
                continue
            if item is not None:
                prepared.append(item)
    if problems:
        raise NarrativeError(problems)
    return PullReport([_finish(item, now) for item in prepared])
