"""Figure and table numbers within one notebook: "Figure 3.1", "Figure 3.2", "Table 3.1".

The section number is the service's position in the report (1 to 10). Figures and tables are
counted separately unless `shared=True`, which gives one running sequence as some printed
annexes use ("Table 1", "Figure 2", ...).

>>> n = Numbering(3)
>>> n.figure(), n.figure(), n.table()
('Figure 3.1', 'Figure 3.2', 'Table 3.1')
>>> label_id("Figure 3.2"), numbered_caption("Table 3.1", "Referrals by month")
('fig-3-2', 'Table 3.1: Referrals by month')
"""

from __future__ import annotations

import re

_KINDS = {"figure": "Figure", "table": "Table"}
_ID_PREFIX = {"figure": "fig", "table": "tab"}


class Numbering:
    """Hands out the next figure or table label of one section."""

    def __init__(self, section: int | str | None = None, *, shared: bool = False):
        text = "" if section is None else str(section).strip()
        if text and not re.fullmatch(r"[0-9A-Za-z]+(\.[0-9A-Za-z]+)*", text):
            raise ValueError(
                f"section {section!r} is not a section number; use a number such as 3 or 3.2"
            )
        self.section = text
        self.shared = shared
        self._counts = {"figure": 0, "table": 0}

    def _next(self, kind: str) -> str:
        key = "figure" if self.shared else kind
        self._counts[key] += 1
        number = self._counts[key]
        prefix = f"{self.section}." if self.section else ""
        return f"{_KINDS[kind]} {prefix}{number}"

    def figure(self) -> str:
        """The next figure label.

        >>> Numbering().figure()
        'Figure 1'
        """
        return self._next("figure")

    def table(self) -> str:
        """The next table label.

        >>> n = Numbering(2, shared=True)
        >>> n.table(), n.figure()
        ('Table 2.1', 'Figure 2.2')
        """
        return self._next("table")

    @property
    def counts(self) -> dict:
        """How many figures and tables have been numbered so far."""
        return dict(self._counts)


def label_id(label: str) -> str:
    """The HTML id of a label: ``fig-3-2`` for "Figure 3.2", ``tab-1`` for "Table 1".

    >>> label_id("Table 1"), label_id("Figure 20a")
    ('tab-1', 'fig-20a')
    """
    match = re.fullmatch(r"\s*(figure|table)\s+(.+?)\s*", str(label), flags=re.IGNORECASE)
    if match:
        kind, number = match.group(1).lower(), match.group(2)
        prefix = _ID_PREFIX[kind]
    else:
        prefix, number = "item", str(label)
    tail = re.sub(r"[^a-z0-9]+", "-", number.lower()).strip("-")
    return f"{prefix}-{tail}" if tail else prefix


def figure_label(number: int | str, section: int | str | None = None, kind: str = "figure") -> str:
    """A label from a number: ``figure_label(2, 3)`` is "Figure 3.2"; a label passes through.

    >>> figure_label(2, 3), figure_label("Figure 4.1"), figure_label("5")
    ('Figure 3.2', 'Figure 4.1', 'Figure 5')
    >>> figure_label(1, kind="table")
    'Table 1'
    """
    text = str(number).strip()
    if re.match(r"(figure|table)\b", text, flags=re.IGNORECASE):
        return text
    word = _KINDS[kind]
    if section is not None and str(section).strip():
        return f"{word} {str(section).strip()}.{text}"
    return f"{word} {text}"


def numbered_caption(label: str, caption: str) -> str:
    """``"<label>: <caption>"``, or the label alone when the caption is blank.

    >>> numbered_caption("Figure 1", "")
    'Figure 1'
    """
    caption = str(caption or "").strip()
    return f"{label}: {caption}" if caption else label
