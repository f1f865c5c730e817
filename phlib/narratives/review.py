"""Starting a quarter from the last one's narratives, and finding what still needs review.

`carry_forward(root, from_quarter, to_quarter)` copies every `<area>/<service>.md` of
`from_quarter` into `to_quarter`. A section with text arrives as
`Status: carried forward from <label of from_quarter>`; a section without text arrives as
`missing`. The label always names the quarter the text was copied from: text carried forward
twice without review says `carried forward from Q3` in Q4, so the file it came from is always
the one to compare with. An existing target file is merged, never overwritten: each of its
sections that has text is kept as it is (and reported as skipped); only new keys and sections
without text take the carried text. Every file is checked before anything is written.

`review_status(...)` lists the sections of a quarter that are `missing` or still carried
forward: `phreport check` shows them, and a public build refuses to go ahead while any remain.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from phlib.errors import NarrativeError, PeriodError, Problem
from phlib.narratives.store import (
    CARRIED,
    MISSING,
    SAMPLE,
    NarrativeDoc,
    Section,
    load,
    quarter_label,
    save,
    store_files,
    store_path,
)
from phlib.rules.periods import Quarter


@dataclass
class CarryReport:
    """What `carry_forward` did: files written, sections carried, sections kept as they were."""

    from_quarter: str
    to_quarter: str
    written: list[Path] = field(default_factory=list)
    carried: list[tuple[Path, str]] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [
            f"Carried {len(self.carried)} section(s) from {quarter_label(self.from_quarter)} "
            f"to {quarter_label(self.to_quarter)} in {len(self.written)} file(s)."
        ]
        lines += [f"  kept existing text: {path}, section '{key}'" for path, key in self.skipped]
        return "\n".join(lines)


def _quarter(root, text) -> Quarter:
    try:
        return Quarter.parse(text)
    except PeriodError as error:
        problem = Problem(str(root), "not a quarter", str(error), value=text)
        raise NarrativeError([problem]) from None


def _carried(section: Section, from_quarter: str) -> Section:
    if not section.has_text:
        return Section(section.key, "", "" if section.actions is not None else None)
    return Section(section.key, section.commentary, section.actions, CARRIED, from_quarter)


def _load_all(paths: Iterable[Path]) -> dict[Path, NarrativeDoc]:
    docs, problems = {}, []
    for path in paths:
        try:
            docs[path] = load(path)
        except NarrativeError as error:
            problems += error.problems
    if problems:
        raise NarrativeError(problems)
    return docs


def carry_forward(root, from_quarter: str, to_quarter: str) -> CarryReport:
    """Copy `from_quarter`'s narratives into `to_quarter`, marked carried forward (see above).

    >>> import tempfile
    >>> from phlib.narratives.store import NarrativeDoc, Section, load, save, store_path
    >>> root = tempfile.mkdtemp()
    >>> old = NarrativeDoc("2022-23-Q2", "peterborough", "lifestyles",
    ...                    {"summary": Section("summary", "Steady.", None)})
    >>> save(old, store_path(root, "2022-23-Q2", "peterborough", "lifestyles"))
    >>> print(carry_forward(root, "2022-23-Q2", "2022-23-Q3"))
    Carried 1 section(s) from Q2 2022/23 to Q3 2022/23 in 1 file(s).
    >>> new = load(store_path(root, "2022-23-Q3", "peterborough", "lifestyles"))
    >>> new.sections["summary"].status_label
    'carried forward from Q2 2022/23'
    """
    source, target = _quarter(root, from_quarter), _quarter(root, to_quarter)
    if not source < target:
        fix = "carry forward from an earlier quarter to a later one"
        message = f"cannot carry narratives from {source.label} to {target.label}"
        raise NarrativeError([Problem(str(root), message, fix)])
    files = store_files(root, source.id)
    if not files:
        folder = Path(root) / source.id
        message = f"no narrative files for {source.label} in {folder}"
        fix = "check the quarter, or write that quarter's narratives first"
        raise NarrativeError([Problem(str(folder), message, fix)])
    targets = {path: store_path(root, target.id, area, service) for area, service, path in files}
    sources = _load_all(path for _, _, path in files)
    existing = _load_all(path for path in targets.values() if path.exists())
    report = CarryReport(source.id, target.id)
    for path, doc in sources.items():
        out = targets[path]
        before = existing.get(out, NarrativeDoc(target.id, doc.area, doc.service))
        sections = dict(before.sections)
        for key, section in doc.sections.items():
            if key in sections and sections[key].has_text:
                if section.has_text:
                    report.skipped.append((out, key))
                continue
            sections[key] = _carried(section, source.id)
            if section.has_text:
                report.carried.append((out, key))
        after = NarrativeDoc(target.id, doc.area, doc.service, sections)
        if out not in existing or after != before:
            save(after, out)
            report.written.append(out)
    return report


@dataclass(frozen=True)
class ReviewItem:
    """A section that is missing or still carried forward, and where it is."""

    path: Path
    area: str
    service: str
    key: str
    status: str
    carried_from: str | None = None

    @property
    def problem(self) -> Problem:
        """The item as a warning `Problem` that says how to resolve it."""
        if self.status == SAMPLE:
            message = f"section '{self.key}' holds the sample text, not commentary on this area"
            fix = (
                "replace it in the executed notebook and run 'phreport narratives pull', "
                "or edit the file and set 'Status: written'"
            )
        elif self.status == CARRIED:
            message = (
                f"section '{self.key}' is carried forward from "
                f"{quarter_label(self.carried_from)} and not yet reviewed"
            )
            fix = (
                "edit it in the executed notebook and run 'phreport narratives pull', "
                "or edit the file and set 'Status: written'"
            )
        else:
            message = f"section '{self.key}' has no commentary yet"
            fix = "write it in the executed notebook or under '### Commentary' in the file"
        return Problem(str(self.path), message, fix, value=self.key, severity="warning")

    def __str__(self) -> str:
        return str(self.problem)


def review_status(
    root,
    quarter: str,
    areas: Iterable[str],
    services: Iterable[str],
    keys_by_service: Mapping[str, Iterable[str]],
) -> list[ReviewItem]:
    """Sections of a quarter, for each area and service, that are missing or carried forward.

    The keys to check for a service come from `keys_by_service` (a service it does not name is
    checked by the sections its files hold). A file that does not exist counts every key as
    missing. Broken files raise one `NarrativeError` listing every problem.

    >>> import tempfile
    >>> items = review_status(tempfile.mkdtemp(), "2022-23-Q3", ["peterborough"],
    ...                       ["lifestyles"], {"lifestyles": ["summary"]})
    >>> [(item.key, item.status) for item in items]
    [('summary', 'missing')]
    """
    services = list(services)
    places = [(a, s, store_path(root, quarter, a, s)) for a in areas for s in services]
    docs = _load_all(path for _, _, path in places if path.exists())
    items = []
    for area, service, path in places:
        doc = docs.get(path, NarrativeDoc(quarter, area, service))
        keys = keys_by_service.get(service, list(doc.sections))
        for key in keys:
            section = doc.sections.get(key) or Section(key)
            if section.status in (MISSING, CARRIED, SAMPLE):
                items.append(
                    ReviewItem(path, area, service, key, section.status, section.carried_from)
                )
    return items
