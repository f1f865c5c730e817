"""The narrative store: commentary and actions as Markdown, one file per quarter, area, service.

A file lives at `narratives/<quarter>/<area>/<service>.md` (see `store_path`) and looks like::

    # Sexual health — Cambridgeshire — Q3 2022/23

    ## sh_sti_offered_2wd
    Status: written

    ### Commentary

    Text the analyst wrote. Paragraphs, lists, **bold**, tables and #### headings are fine.

    ### Actions

    - Action one.

    ## summary
    Status: carried forward from Q2 2022/23

    ### Commentary

    Text copied from last quarter, not yet reviewed.

The format, line by line:

- Line 1 is the title `# <Service> — <Area> — <Quarter label>`. Service and area are their keys
  with `_` shown as a space and the first letter in capitals; the quarter is its label.
- Each section starts with `## <key>`; a key is `[a-z0-9_]+` (an indicator id or a section id
  such as `summary`) and appears once per file. Sections keep the order of the file.
- The next line is `Status: written`, `Status: missing`, `Status: sample` (the made-up
  commentary that comes with the workbook: shown marked as sample, refused by a public build)
  or `Status: carried forward from Q3 2022/23` (the quarter the text was copied from).
- Optionally, `Checked figures: 20,000; 12.5%`: figures an analyst confirmed are right although
  they match none of the quarter's (`phlib.run.stale_check`); `all` accepts every figure.
  Separated by `;` (figures hold commas). Dropped when the section is carried forward.
- Then an optional `### Headline` (the analyst's headline, replacing the one generated from
  the data; one paragraph), `### Commentary` and, for sections that have actions,
  `### Actions`, each followed by a blank line and its text. Nothing else may stand between
  `## <key>` and the text headings.
- Inside the text, a line that would read as a level 1-3 heading (`#`, `##` or `###` then a
  space) is written with a backslash before its first `#` (`\\## Like this`); the backslash is
  removed on reading. Use `####` or deeper for headings inside commentary.
- The file ends with one newline.

Status rules: a section without text is always `missing`; a `missing` section that has text is
read as `written`. Text is normalised on the way in: line ends become `\\n`, trailing whitespace
is removed from every line (so end a line with `\\` for a Markdown hard line break) and blank
lines at the start and end of the text are dropped; every other character is kept exactly.
When editing a carried-forward section in this file by hand, change its status line to
`Status: written`.

Anything else — text before the first section other than the title, an unknown `###` heading,
a repeated key or sub-heading, a key with other characters, an unknown status — is broken
structure: `parse` raises one `NarrativeError` listing every problem with its line number.

Reading is forgiving where nothing can be lost: a missing `Status:` line is taken from the
text (`written` or `missing`), sub-headings may be in any case, and the title may use `-` or `–`
for `—`; `render` writes the canonical form back. Area and service keys are
`[a-z0-9]+(_[a-z0-9]+)*` so that the title reads back to the same keys.

The pieces: `phlib.narratives.document` holds `Section`, `NarrativeDoc` and `render`;
`phlib.narratives.parser` holds `parse`; this module gathers them and adds the store's files
(`store_path`, `store_files`, `load`, `save`, `check_keys`); `phlib.narratives.review` carries a
quarter forward and lists what needs review; `phlib.narratives.cells` links sections to notebook
cells.

>>> doc = NarrativeDoc("2022-23-Q3", "cambridgeshire", "sexual_health", {
...     "summary": Section("summary", "Uptake *rose*.\\n\\n## Not a section", None)})
>>> text = render(doc)
>>> print(text)
# Sexual health — Cambridgeshire — Q3 2022/23
<BLANKLINE>
## summary
Status: written
<BLANKLINE>
### Commentary
<BLANKLINE>
Uptake *rose*.
<BLANKLINE>
\\## Not a section
<BLANKLINE>
>>> parse(text) == doc and render(parse(text)) == text
True
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from phlib import atomic
from phlib.errors import NarrativeError, Problem
from phlib.narratives.document import (
    CARRIED,
    KEY_RE,
    MISSING,
    NAME_RE,
    QUARTER_RE,
    SAMPLE,
    WRITTEN,
    NarrativeDoc,
    Section,
    display_name,
    normalise_text,
    quarter_label,
    render,
)
from phlib.narratives.parser import parse

__all__ = [
    "CARRIED",
    "KEY_RE",
    "MISSING",
    "NAME_RE",
    "QUARTER_RE",
    "SAMPLE",
    "WRITTEN",
    "NarrativeDoc",
    "Section",
    "check_keys",
    "display_name",
    "load",
    "normalise_text",
    "parse",
    "quarter_label",
    "render",
    "save",
    "store_files",
    "store_path",
]


def _name_problem(root, what: str, value, pattern) -> Problem | None:
    if isinstance(value, str) and pattern.fullmatch(value):
        return None
    examples = {"quarter": "2022-23-Q3", "area": "cambridgeshire", "service": "sexual_health"}
    message = f"{what} is not a safe narratives folder or file name ({pattern.pattern})"
    return Problem(str(root), message, f"use a {what} key such as {examples[what]}", value=value)


def store_path(root, quarter: str, area: str, service: str) -> Path:
    """Where the narratives of one quarter, area and service live under `root`.

    Each part is checked, so nothing can be read or written outside `root`.

    >>> store_path("narratives", "2022-23-Q3", "cambridgeshire", "sexual_health").as_posix()
    'narratives/2022-23-Q3/cambridgeshire/sexual_health.md'
    >>> store_path("narratives", "2022-23-Q3", "../etc", "x")
    Traceback (most recent call last):
    ...
    phlib.errors.NarrativeError: 1 problem found in the inputs:
      - narratives: area is not a safe narratives folder or file name ([a-z0-9]+(?:_[a-z0-9]+)*) (got '../etc'). Fix: use a area key such as cambridgeshire
    """  # noqa: E501
    checks = (("quarter", quarter, QUARTER_RE), ("area", area, NAME_RE))
    checks += (("service", service, NAME_RE),)
    problems = [p for p in (_name_problem(root, *check) for check in checks) if p]
    if problems:
        raise NarrativeError(problems)
    return Path(root) / quarter / area / f"{service}.md"


def store_files(root, quarter: str) -> list[tuple[str, str, Path]]:
    """`(area, service, path)` of every store file of a quarter, sorted; side files excluded.

    >>> store_files("no/such/folder", "2022-23-Q3")
    []
    """
    folder = store_path(root, quarter, "a", "s").parent.parent
    if not folder.is_dir():
        return []
    found = []
    for area in sorted(p for p in folder.iterdir() if p.is_dir() and NAME_RE.fullmatch(p.name)):
        for path in sorted(area.glob("*.md")):
            if NAME_RE.fullmatch(path.stem):
                found.append((area.name, path.stem, path))
    return found


def load(path) -> NarrativeDoc:
    """Read a store file; its title must agree with its place in the store folders.

    >>> load("no/such/file.md")
    Traceback (most recent call last):
    ...
    phlib.errors.NarrativeError: 1 problem found in the inputs:
      - no/such/file.md: narrative file not found. Fix: check the path, or run 'phreport narratives carry' to start the quarter
    """  # noqa: E501
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        fix = "check the path, or run 'phreport narratives carry' to start the quarter"
        raise NarrativeError([Problem(str(path), "narrative file not found", fix)]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        fix = "save the file as UTF-8 (in most editors: Save As, Encoding UTF-8)"
        problem = Problem(str(path), "the file is not UTF-8 text", fix, row=line)
        raise NarrativeError([problem]) from None
    doc = parse(text, path)
    layout = (path.parent.parent.name, path.parent.name, path.stem)
    if (
        QUARTER_RE.fullmatch(layout[0])
        and NAME_RE.fullmatch(layout[1])
        and NAME_RE.fullmatch(layout[2])
        and layout != (doc.quarter, doc.area, doc.service)
    ):
        message = f"the title says {doc.title!r} but the file's folder is for another"
        fix = f"correct the title to '# {NarrativeDoc(*layout).title}' or move the file"
        raise NarrativeError([Problem(str(path), message, fix, row=1)])
    return doc


def save(doc: NarrativeDoc, path) -> None:
    """Write `doc` to `path` atomically (the old file stays whole if anything fails).

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "summary.md"
    >>> doc = NarrativeDoc("2022-23-Q3", "peterborough", "lifestyles")
    >>> save(doc, target); load(target) == doc
    True
    """
    atomic.write_text(path, render(doc))


def check_keys(doc: NarrativeDoc, known_keys: Iterable[str], path="<narrative>") -> list[Problem]:
    """Warnings for sections whose key is not known; such sections are kept, never dropped.

    >>> doc = NarrativeDoc("2022-23-Q3", "peterborough", "lifestyles",
    ...                    {"old_kpi": Section("old_kpi", "Text")})
    >>> [(p.severity, p.value) for p in check_keys(doc, {"summary"})]
    [('warning', 'old_kpi')]
    """
    known = set(known_keys)
    return [
        Problem(
            str(path),
            f"section '{key}' is not an indicator or section of {doc.service}; it is kept",
            "correct the key, or move the text to the right section and delete this one",
            value=key,
            severity="warning",
        )
        for key in doc.sections
        if key not in known
    ]
