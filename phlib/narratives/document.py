"""The narrative model: `Section`, `NarrativeDoc` and their canonical Markdown (`render`).

The file format is described in `phlib.narratives.store`, which also reads it back (`parse`).

>>> s = Section("asc_230", "  Rose again.  \\n\\n", "")
>>> s.commentary, s.actions, s.status, s.has_text
('  Rose again.', '', 'written', True)
>>> Section("asc_230").status
'missing'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from phlib.rules.periods import Quarter

WRITTEN, CARRIED, MISSING = "written", "carried_forward", "missing"
SAMPLE = "sample"  # made-up commentary that comes with the workbook, never to be published
KEY_RE = re.compile(r"[a-z0-9_]+")
NAME_RE = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")
QUARTER_RE = re.compile(r"\d{4}-\d{2}-Q[1-4]")
# a line that Markdown reads as a level 1-3 heading; group 2 holds escaping backslashes
HEADING_RE = re.compile(r"^( {0,3})(\\*)(#{1,3})(?=[ \t]|$)(.*)$")
CHECKED_LABEL = "Checked figures:"  # the line marking figures an analyst confirmed


def normalise_text(text: str) -> str:
    """Text as the store keeps it: `\\n` line ends, no trailing spaces, no outer blank lines.

    >>> normalise_text("\\r\\n  \\n  Indented line  \\r\\n\\n\\nNext\\t\\n\\n")
    '  Indented line\\n\\n\\nNext'
    """
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def display_name(key: str) -> str:
    """How an area or service key reads in a title.

    >>> display_name("adult_social_care")
    'Adult social care'
    """
    words = key.replace("_", " ")
    return words[:1].upper() + words[1:]


def quarter_label(quarter: str) -> str:
    """The label people read for a quarter id.

    >>> quarter_label("2022-23-Q3")
    'Q3 2022/23'
    """
    return Quarter.parse(quarter).label


@dataclass(frozen=True)
class Section:
    """One key's commentary and actions (`None`: the section has no actions) and its status."""

    key: str
    commentary: str = ""
    actions: str | None = ""
    status: str = WRITTEN
    carried_from: str | None = None
    headline: str = ""  # the analyst's headline, replacing the one generated from the data
    checked: tuple[str, ...] = ()  # figures the analyst confirmed (see phlib.narratives.store)

    def __post_init__(self):
        if not isinstance(self.key, str) or not KEY_RE.fullmatch(self.key):
            raise ValueError(f"section key {self.key!r} is not lower-case [a-z0-9_]+")
        if self.status not in (WRITTEN, CARRIED, MISSING, SAMPLE):
            raise ValueError(
                f"status {self.status!r} is not {WRITTEN}, {CARRIED}, {MISSING} or {SAMPLE}"
            )
        set_ = object.__setattr__
        set_(self, "commentary", normalise_text(self.commentary))
        set_(self, "headline", " ".join(normalise_text(self.headline).split()))
        checked = (" ".join(str(figure).split()) for figure in self.checked)
        set_(self, "checked", tuple(figure for figure in checked if figure))
        if self.actions is not None:
            set_(self, "actions", normalise_text(self.actions))
        if not self.has_text:
            set_(self, "status", MISSING)
        elif self.status == MISSING:
            set_(self, "status", WRITTEN)
        if self.status == CARRIED:
            if not isinstance(self.carried_from, str) or not QUARTER_RE.fullmatch(
                self.carried_from
            ):
                raise ValueError(f"carried_from {self.carried_from!r} is not a quarter id")
        else:
            set_(self, "carried_from", None)

    @property
    def has_text(self) -> bool:
        return bool(self.commentary or self.actions)

    @property
    def status_label(self) -> str:
        """`written`, `missing`, `sample` or `carried forward from Q3 2022/23`.

        >>> Section("a", "text", status=CARRIED, carried_from="2022-23-Q2").status_label
        'carried forward from Q2 2022/23'
        """
        if self.status == CARRIED:
            return f"carried forward from {quarter_label(self.carried_from)}"
        return self.status

    def same_text(self, other: Section) -> bool:
        """True when both sections hold the same commentary and actions."""
        mine = (self.commentary, self.actions or "", self.headline)
        return mine == (other.commentary, other.actions or "", other.headline)


@dataclass(frozen=True)
class NarrativeDoc:
    """A store file: which quarter, area and service, and its sections by key, in order."""

    quarter: str
    area: str
    service: str
    sections: dict[str, Section] = field(default_factory=dict)

    def __post_init__(self):
        for what, value, pattern in (
            ("quarter", self.quarter, QUARTER_RE),
            ("area", self.area, NAME_RE),
            ("service", self.service, NAME_RE),
        ):
            if not isinstance(value, str) or not pattern.fullmatch(value):
                raise ValueError(f"{what} {value!r} does not match {pattern.pattern}")
        for key, section in self.sections.items():
            if key != section.key:
                raise ValueError(f"section stored under {key!r} has key {section.key!r}")

    @property
    def title(self) -> str:
        parts = (display_name(self.service), display_name(self.area), quarter_label(self.quarter))
        return " — ".join(parts)

    def with_section(self, section: Section) -> NarrativeDoc:
        """A copy with `section` added or replaced (a new key goes last)."""
        return replace(self, sections={**self.sections, section.key: section})


def escape_lines(text: str) -> list[str]:
    """The lines of `text` with one more backslash before any level 1-3 heading mark.

    >>> escape_lines("# One\\n\\\\## Two\\n#### Four\\n#hashtag")
    ['\\\\# One', '\\\\\\\\## Two', '#### Four', '#hashtag']
    """
    return [HEADING_RE.sub(r"\1\\\2\3\4", line) for line in text.split("\n")] if text else []


def unescape_line(line: str) -> str:
    """Undo `escape_lines` for one line.

    >>> unescape_line("\\\\\\\\## Two"), unescape_line("## Two")
    ('\\\\## Two', '## Two')
    """
    match = HEADING_RE.match(line)
    if match and match.group(2):
        return match.group(1) + match.group(2)[1:] + match.group(3) + match.group(4)
    return line


def render(doc: NarrativeDoc) -> str:
    """The canonical Markdown of `doc`, in the format described in `phlib.narratives.store`.

    >>> doc = NarrativeDoc("2022-23-Q3", "peterborough", "stop_smoking", {
    ...     "ss_quits": Section("ss_quits", "Quits rose.", "- Keep going.")})
    >>> print(render(doc), end="")
    # Stop smoking — Peterborough — Q3 2022/23
    <BLANKLINE>
    ## ss_quits
    Status: written
    <BLANKLINE>
    ### Commentary
    <BLANKLINE>
    Quits rose.
    <BLANKLINE>
    ### Actions
    <BLANKLINE>
    - Keep going.
    """
    lines = [f"# {doc.title}", ""]
    for section in doc.sections.values():
        lines += [f"## {section.key}", f"Status: {section.status_label}"]
        if section.checked:
            lines.append(f"{CHECKED_LABEL} {'; '.join(section.checked)}")
        lines.append("")
        parts = [("Headline", section.headline)] if section.headline else []
        parts.append(("Commentary", section.commentary))
        if section.actions is not None:
            parts.append(("Actions", section.actions))
        for heading, text in parts:
            lines += [f"### {heading}", ""] + escape_lines(text) + ([""] if text else [])
    while lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"
