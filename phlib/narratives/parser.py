"""Reading the narrative store format back: `parse` (the format is in `phlib.narratives.store`).

Every problem is collected with its line number (`Problem.row`) and reported in one
`NarrativeError`, so an analyst fixes a broken file in one go.
"""

from __future__ import annotations

import re

from phlib.errors import NarrativeError, PeriodError, Problem
from phlib.narratives.document import (
    CARRIED,
    CHECKED_LABEL,
    HEADING_RE,
    KEY_RE,
    MISSING,
    NAME_RE,
    SAMPLE,
    WRITTEN,
    NarrativeDoc,
    Section,
    unescape_line,
)
from phlib.rules.periods import Quarter

_STATUS = re.compile(r"status:(.*)", re.IGNORECASE)
_CARRIED = re.compile(r"carried forward from (.+)", re.IGNORECASE)
_SUBHEADINGS = ("headline", "commentary", "actions")
_CHECKED = re.compile(re.escape(CHECKED_LABEL) + r"(.*)", re.IGNORECASE)
_TITLE = "write the first line as '# Sexual health — Cambridgeshire — Q3 2022/23'"
_DEEPER = "for a heading inside the text use #### or deeper"


class _Draft:
    """A section while its lines are being read."""

    def __init__(self, key: str, valid: bool):
        self.key, self.valid = key, valid
        self.status, self.carried_from, self.status_seen = WRITTEN, None, False
        self.checked: list[str] = []
        self.parts: dict[str, list[str]] = {}
        self.target: str | None = None

    def section(self) -> Section:
        actions = "\n".join(self.parts["actions"]) if "actions" in self.parts else None
        commentary = "\n".join(self.parts.get("commentary", []))
        headline = "\n".join(self.parts.get("headline", []))
        return Section(self.key, commentary, actions, self.status, self.carried_from, headline,
                       tuple(self.checked))  # fmt: skip


class _Reader:
    """Reads a store file line by line, collecting every problem."""

    def __init__(self, path):
        self.path, self.problems = str(path), []
        self.ids, self.title_line, self.seen = None, None, {}
        self.drafts: list[_Draft] = []
        self.current: _Draft | None = None
        self.stray = False  # between headings, in text already reported

    def report(self, line, message, fix, value=None):
        self.problems.append(Problem(self.path, message, fix, row=line, value=value))

    def heading(self, number: int, level: int, text: str) -> None:
        body, current = text.strip(), self.current
        if level == 1 and self.title_line is None and current is None:
            self.title_line, self.ids = number, self.title(number, body)
        elif level == 1:
            self.report(number, "a second level-1 heading", f"keep one title line; {_DEEPER}", body)
        elif level == 2:
            valid = bool(KEY_RE.fullmatch(body)) and body not in self.seen
            if not KEY_RE.fullmatch(body):
                message = "section key is not lower-case letters, digits and underscores"
                fix = f"write the key like sh_sti_offered_2wd or summary; {_DEEPER}"
                self.report(number, message, fix, body)
            elif body in self.seen:
                message = f"section '{body}' appears twice (first at row {self.seen[body]})"
                fix = "move this section's text into the first one, then delete this one"
                self.report(number, message, fix, body)
            self.seen.setdefault(body, number)
            self.current = _Draft(body, valid)
            self.drafts.append(self.current)
        elif current is None:
            self.report(number, "sub-heading before the first section", "start with '## key'", body)
        elif body.lower() not in _SUBHEADINGS or body.lower() in current.parts:
            current.target, self.stray = None, True
            message = "unknown sub-heading"
            if body.lower() in current.parts:
                message = f"'### {body}' appears twice in section '{current.key}'"
            fix = f"use '### Headline', '### Commentary' or '### Actions' once each; {_DEEPER}"
            self.report(number, message, fix, body)
        else:
            current.target = body.lower()
            current.parts[current.target] = []

    def title(self, number: int, body: str) -> tuple | None:
        parts = re.split(r"\s+[—–-]\s+", body)
        if len(parts) != 3:
            self.report(number, "the title is not 'Service — Area — Quarter'", _TITLE, body)
            return None
        service, area = (p.strip().lower().replace(" ", "_") for p in parts[:2])
        try:
            quarter = Quarter.parse(parts[2]).id
        except PeriodError:
            self.report(number, "the title does not end with a quarter", _TITLE, parts[2])
            return None
        if not (NAME_RE.fullmatch(service) and NAME_RE.fullmatch(area)):
            self.report(number, "the title names an invalid service or area", _TITLE, body)
            return None
        return quarter, area, service

    def status(self, number: int, value: str) -> None:
        value, current = value.strip(), self.current
        current.status_seen = True
        carried = _CARRIED.fullmatch(value)
        if value.lower() in (WRITTEN, MISSING, SAMPLE):
            current.status = value.lower()
            return
        if carried:
            try:
                current.status, current.carried_from = CARRIED, Quarter.parse(carried[1]).id
                return
            except PeriodError:
                pass
        fix = "write 'Status: written', 'Status: missing', 'Status: sample' or 'Status: carried "
        fix += "forward from "
        self.report(number, "unknown status", fix + "Q3 2022/23'", value)

    def text(self, number: int, line: str) -> None:
        current = self.current
        if current is not None and current.target is not None:
            current.parts[current.target].append(unescape_line(line))
        elif not line.strip():
            pass
        elif (
            current is not None
            and not current.status_seen
            and not current.parts
            and _STATUS.fullmatch(line.strip())
        ):
            self.status(number, _STATUS.fullmatch(line.strip())[1])
        elif current is not None and not current.parts and _CHECKED.fullmatch(line.strip()):
            figures = _CHECKED.fullmatch(line.strip())[1].split(";")
            current.checked += [f.strip() for f in figures if f.strip()]
        elif not self.stray:
            self.stray = True
            if self.title_line is None and current is None:
                self.report(number, "the file does not start with a title", _TITLE, line)
            elif current is None:
                fix = "move it into a section under '### Commentary', or delete it"
                self.report(number, "text before the first section", fix, line)
            else:
                message = f"text outside '### Commentary' or '### Actions' in '{current.key}'"
                self.report(number, message, "move it under '### Commentary'", line)

    def read(self, text: str) -> NarrativeDoc:
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        for number, raw in enumerate(lines, 1):
            line = raw.rstrip()
            heading = HEADING_RE.match(line)
            if heading and not heading[2]:
                self.stray = False
                self.heading(number, len(heading[3]), heading[4])
            else:
                self.text(number, line)
        if self.title_line is None and not self.problems:
            self.report(1, "the file has no title", _TITLE)
        if self.problems:
            count = f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}"
            raise NarrativeError(self.problems, summary=f"{count} in narrative file {self.path}")
        sections = {d.key: d.section() for d in self.drafts}
        return NarrativeDoc(*self.ids, sections=sections)


def parse(text: str, path="<narrative>") -> NarrativeDoc:
    """Read a store file's text; raise one `NarrativeError` listing every structural problem.

    >>> doc = parse("# Lifestyles — Peterborough — Q4 2022/23\\n\\n## summary\\n"
    ...             "Status: carried forward from Q3 2022/23\\n\\n### Commentary\\n\\nSteady.\\n")
    >>> doc.quarter, doc.sections["summary"].carried_from, doc.sections["summary"].actions
    ('2022-23-Q4', '2022-23-Q3', None)
    >>> parse("# Lifestyles — Peterborough — Q4 2022/23\\n\\n## Summary\\n### Notes\\n", "f.md")
    Traceback (most recent call last):
    ...
    phlib.errors.NarrativeError: 2 problems in narrative file f.md:
      - f.md, row 3: section key is not lower-case letters, digits and underscores (got 'Summary'). Fix: write the key like sh_sti_offered_2wd or summary; for a heading inside the text use #### or deeper
      - f.md, row 4: unknown sub-heading (got 'Notes'). Fix: use '### Headline', '### Commentary' or '### Actions' once each; for a heading inside the text use #### or deeper
    """  # noqa: E501
    return _Reader(path).read(text)
