r"""Narrative cells: the Markdown cells of a notebook that show and edit the narrative store.

A narrative cell is a Markdown cell tagged `narrative` whose metadata names its key::

    {"tags": ["narrative"],
     "phlib": {"narrative_key": "sh_sti_offered_2wd",
               "narrative_hash": "<sha256 of the source injected at the last run>",
               "narrative_status": "carried forward from Q2 2022/23"}}

In `notebooks/<service>.ipynb` the cell holds its key and placeholder text (`new_cell` makes
one; a placeholder without `#### Actions` marks a section without actions, like `summary`).
Before a run, `inject` fills every narrative cell from the store. The cell text is::

    > *Carried forward from Q2 2022/23: review and edit.*

    #### Commentary

    The commentary.

    #### Actions

    - The actions.

The first line (and the blank line after it) is there only for carried-forward sections, or
reads `> *No commentary yet.*` for missing ones, so a draft shows what needs review; it is
dropped when the cell is read back. `#### Actions` is left out for sections without actions.
In the text, a line that would read as one of these headings is written with a backslash
before its first `#`, and the backslash is removed on reading, so `read_cell(cell_text(s))`
gives back exactly the section's text. Reading an edited cell is forgiving: any heading level
and `Commentary:`/`Actions:` are recognised, text above the first heading is commentary, and a
heading given twice continues its part. To accept carried-forward text unchanged, delete the
marker line: the section becomes `written`.

`phlib.narratives.gather` brings edited cells back into the store (`gather`, `pull`).

>>> from phlib.narratives.store import NarrativeDoc, Section
>>> doc = NarrativeDoc("2022-23-Q3", "cambridgeshire", "sexual_health",
...     {"sh_a": Section("sh_a", "Rose.", "- Act.", "carried_forward", "2022-23-Q2")})
>>> nb = inject(new_notebook([new_cell("sh_a"), new_cell("summary", actions=False)]), doc)
>>> print(nb.cells[0].source)
> *Carried forward from Q2 2022/23: review and edit.*
<BLANKLINE>
#### Commentary
<BLANKLINE>
Rose.
<BLANKLINE>
#### Actions
<BLANKLINE>
- Act.
>>> print(nb.cells[1].source)
> *No commentary yet.*
<BLANKLINE>
#### Commentary
>>> narrative_keys(nb), absent_keys(nb, doc), nb.cells[1].metadata["phlib"]["narrative_status"]
(['sh_a', 'summary'], [], 'missing')
"""

from __future__ import annotations

import copy
import hashlib
import re
from typing import NamedTuple

import nbformat

from phlib.narratives.store import (
    CARRIED,
    KEY_RE,
    MISSING,
    SAMPLE,
    NarrativeDoc,
    Section,
    normalise_text,
    quarter_label,
)

TAG = "narrative"
_HEADING = re.compile(
    r"^( {0,3})(\\*)(#{1,6}[ \t]*(headline|commentary|actions)[ \t]*:?)$", re.IGNORECASE
)
_MARKER = re.compile(
    r"> \*(Carried forward from .+: review and edit\.|No commentary yet\.|Sample text: .+)\*"
)


class CellText(NamedTuple):
    """A narrative cell read back: its commentary, actions (`None`: no heading), marker seen."""

    commentary: str
    actions: str | None
    marker: bool


SAMPLE_MARKER = "Sample text"


def text_hash(text: str) -> str:
    """The sha256 hex digest of a cell source, as kept in `narrative_hash`.

    >>> text_hash("")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def source_of(cell) -> str:
    """A cell's source as one string (nbformat allows a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def marker(section: Section) -> str | None:
    """The visible review line for a section, or `None` for written sections."""
    if section.status == CARRIED:
        return f"> *Carried forward from {quarter_label(section.carried_from)}: review and edit.*"
    if section.status == MISSING:
        return "> *No commentary yet.*"
    if section.status == SAMPLE:
        return f"> *{SAMPLE_MARKER}: made-up commentary that comes with the workbook. Replace it.*"
    return None


def _escape(text: str) -> list[str]:
    return [_HEADING.sub(r"\1\\\2\3", line) for line in text.split("\n")] if text else []


def cell_text(section: Section) -> str:
    """The source `inject` puts in a section's cell (see the module docstring).

    >>> print(cell_text(Section("k", "#### Actions\\n\\nAs planned.", "")))
    #### Commentary
    <BLANKLINE>
    \\#### Actions
    <BLANKLINE>
    As planned.
    <BLANKLINE>
    #### Actions
    """
    mark = marker(section)
    lines = [mark, ""] if mark else []
    parts = [("Headline", section.headline)] if section.headline else []
    parts.append(("Commentary", section.commentary))
    if section.actions is not None:
        parts.append(("Actions", section.actions))
    for heading, text in parts:
        lines += [f"#### {heading}", ""] + _escape(text) + ([""] if text else [])
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines)


def read_cell(text: str) -> CellText:
    """Read a narrative cell's source back into commentary and actions.

    >>> read_cell("> *No commentary yet.*\\n\\nTyped first.\\n#### Commentary\\n\\nMore.")
    CellText(commentary='Typed first.\\n\\nMore.', actions=None, marker=True)
    """
    parts: dict[str, list[str]] = {}
    prefix, target, seen_marker = [], None, False
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.rstrip()
        heading = _HEADING.match(line)
        if heading and not heading[2]:
            target = heading[4].lower()
            if target in parts:
                parts[target].append("")
            parts.setdefault(target, [])
        elif heading:
            (parts[target] if target else prefix).append(heading[1] + heading[2][1:] + heading[3])
        elif target is None and _MARKER.fullmatch(line.strip()):
            seen_marker = True
        else:
            (parts[target] if target else prefix).append(line)
    pieces = (normalise_text("\n".join(lines)) for lines in (prefix, parts.get("commentary", [])))
    commentary = "\n\n".join(piece for piece in pieces if piece)
    actions = normalise_text("\n".join(parts["actions"])) if "actions" in parts else None
    return CellText(commentary, actions, seen_marker)


def read_headline(text: str) -> str:
    """The analyst's headline in a narrative cell (the text under `#### Headline`), one line.

    >>> read_headline("#### Headline\\n\\nUptake rose.\\n\\n#### Commentary\\n\\nMore.")
    'Uptake rose.'
    """
    lines, inside = [], False
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        heading = _HEADING.match(raw.rstrip())
        if heading and not heading[2]:
            inside = heading[4].lower() == "headline"
        elif inside:
            lines.append(raw)
    return " ".join(" ".join(lines).split())


def _metadata(cell, name: str, default):
    metadata = cell.get("metadata")
    value = metadata.get(name, default) if isinstance(metadata, dict) else default
    return value if isinstance(value, type(default)) else default


def is_narrative(cell) -> bool:
    """True for a Markdown cell tagged `narrative`."""
    return cell.get("cell_type") == "markdown" and TAG in _metadata(cell, "tags", [])


def cell_key(cell) -> str | None:
    """The key a narrative cell names in its metadata, if any."""
    key = _metadata(cell, "phlib", {}).get("narrative_key")
    return key if isinstance(key, str) else None


def cell_hash(cell) -> str | None:
    """The hash of the text injected into a narrative cell at the last run, if any."""
    value = _metadata(cell, "phlib", {}).get("narrative_hash")
    return value if isinstance(value, str) else None


def narrative_keys(nb) -> list[str]:
    """The keys of a notebook's narrative cells, in order (cells without a key are left out)."""
    return [key for cell in nb.cells if is_narrative(cell) and (key := cell_key(cell))]


def coverage(nb) -> dict[str, tuple[str, ...]]:
    """Indicator id -> the narrative keys whose cells comment on it.

    A cell lists the indicators it covers in `metadata.phlib.indicators`; an indicator is
    always covered by a key equal to its own id, where there is one.

    >>> cell = new_cell("access")
    >>> cell.metadata["phlib"]["indicators"] = ["sh_a", "sh_b"]
    >>> coverage(new_notebook([cell, new_cell("sh_b")]))
    {'sh_a': ('access',), 'sh_b': ('access', 'sh_b'), 'access': ('access',)}
    """
    found: dict[str, list[str]] = {}
    for cell in nb.cells:
        key = cell_key(cell) if is_narrative(cell) else None
        if key is None:
            continue
        listed = cell.get("metadata", {}).get("phlib", {}).get("indicators") or []
        for indicator in [i for i in listed if isinstance(i, str)] + [key]:
            keys = found.setdefault(indicator, [])
            if key not in keys:
                keys.append(key)
    return {indicator: tuple(keys) for indicator, keys in found.items()}


def absent_keys(nb, doc: NarrativeDoc) -> list[str]:
    """Store keys that no cell of `nb` shows; they stay in the store, untouched."""
    shown = set(narrative_keys(nb))
    return [key for key in doc.sections if key not in shown]


def new_cell(key: str, actions: bool = True):
    """A placeholder narrative cell for a source notebook.

    >>> cell = new_cell("asc_230")
    >>> cell.metadata["tags"], cell.metadata["phlib"], read_cell(cell.source).actions
    (['narrative'], {'narrative_key': 'asc_230'}, '')
    """
    if not KEY_RE.fullmatch(key):
        raise ValueError(f"narrative key {key!r} is not lower-case [a-z0-9_]+")
    source = cell_text(Section(key, "", "" if actions else None))
    metadata = {"tags": [TAG], "phlib": {"narrative_key": key}}
    return nbformat.v4.new_markdown_cell(source, metadata=metadata)


def new_notebook(cells):
    """A notebook holding `cells` (for tests and examples)."""
    return nbformat.v4.new_notebook(cells=list(cells))


def inject(nb, doc: NarrativeDoc):
    """A copy of `nb` with every narrative cell filled from `doc` and its hash recorded.

    A key the store lacks shows as missing, with actions if its placeholder has
    `#### Actions`. Cells whose key is not `[a-z0-9_]+` are left as they are. The notebook's
    metadata records which store file it was filled from (`phlib.narratives.store`).
    `nb` is not changed. The copy's narrative cells and metadata are copies; its other cells
    are `nb`'s own (an executed notebook's outputs are most of its size), so change neither.
    """
    nb = copy.copy(nb)
    nb.metadata = copy.deepcopy(nb.metadata)
    nb.cells = [copy.deepcopy(cell) if is_narrative(cell) else cell for cell in nb.cells]
    for cell in nb.cells:
        key = cell_key(cell) if is_narrative(cell) else None
        if key is None or not KEY_RE.fullmatch(key):
            continue
        section = doc.sections.get(key)
        if section is None:
            placeholder = read_cell(source_of(cell))
            section = Section(key, "", "" if placeholder.actions is not None else None)
        text = cell_text(section)
        cell.source = text
        meta = cell.metadata.get("phlib")
        meta = dict(meta) if isinstance(meta, dict) else {}
        meta.update(
            narrative_key=key,
            narrative_hash=text_hash(text),
            narrative_status=section.status_label,
        )
        cell.metadata["phlib"] = meta  # other keys (such as "indicators") are kept
    store = {"quarter": doc.quarter, "area": doc.area, "service": doc.service}
    nb.metadata.setdefault("phlib", {})["narratives"] = store
    return nb


_PART = re.compile(r"^#### (Headline|Commentary|Actions)\s*$")


def shown_text(source: str) -> str:
    r"""A narrative cell's text as a page shows it: part headings with nothing under them
    (an empty `#### Actions`, kept in the notebook as a place to type) are left out, so a
    printed page never ends on a bare heading.

    >>> shown_text("#### Commentary\n\nRose.\n\n#### Actions\n")
    '#### Commentary\n\nRose.\n'
    >>> shown_text("#### Commentary\n\n#### Actions\n\nCall them.")
    '#### Actions\n\nCall them.\n'
    """
    lines = source.split("\n")
    kept: list[str] = []
    for number, line in enumerate(lines):
        rest = [x for x in lines[number + 1 :] if x.strip()]
        if _PART.match(line) and (not rest or _PART.match(rest[0])):
            continue
        kept.append(line)
    while len(kept) > 1 and not kept[0].strip():
        kept.pop(0)
    text = "\n".join(kept).rstrip()
    return text + "\n" if text else ""
