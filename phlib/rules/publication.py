"""What a build may show: internal builds show everything, public builds withhold some figures.

Two rules apply in a `public` build:

* **Restricted indicators** (for example NDTMS drug and alcohol treatment data, confidential
  until published nationally) show no figures at all: no values, targets, comparators, RAG,
  change or charts. Internal builds show them marked "Not for publication".
* **Small numbers** are suppressed: a count from `min_count` to `max_count` (default 1 to 4)
  is shown as ``*``, and so is any value derived from such a count (a percentage or rate
  whose numerator or denominator is small). Where a total and its parts are shown together,
  `phlib.rules.suppression` adds secondary suppression so a hidden part cannot be worked out by
  subtraction. A suppressed value is never shown as zero.

>>> from types import SimpleNamespace as Indicator
>>> count_indicator = Indicator(unit="count", publication="public")
>>> percent_indicator = Indicator(unit="percent", publication="public")
>>> pub = Publication("public", 1, 4)
>>> pub.hides(count_indicator, value=3)
True
>>> pub.hides(count_indicator, value=0), pub.hides(count_indicator, value=12)
(False, False)
>>> pub.hides(percent_indicator, value=50.0, numerator=2, denominator=4)
True
>>> Publication("internal").hides(count_indicator, value=3)
False
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from phlib.errors import ParameterError, Problem
from phlib.rules.selection import number
from phlib.rules.suppression import suppress_table

MODES = ("internal", "public")


@dataclass(frozen=True)
class Publication:
    """A build's publication mode and its small-number range."""

    mode: str = "internal"
    min_count: int = 1
    max_count: int = 4

    def __post_init__(self):
        problems = []
        if self.mode not in MODES:
            problems.append(
                Problem(
                    file="<parameters>",
                    column="publication",
                    value=self.mode,
                    message="publication mode is not known",
                    fix="use 'internal' or 'public'",
                )
            )
        if not 0 <= int(self.min_count) <= int(self.max_count):
            problems.append(
                Problem(
                    file="<parameters>",
                    column="suppression",
                    value=f"{self.min_count} to {self.max_count}",
                    message="the small-number range must run from a smaller to a larger count",
                    fix="set suppression min and max such as 1 and 4",
                )
            )
        if problems:
            raise ParameterError(problems)

    @property
    def public(self) -> bool:
        return self.mode == "public"

    def withholds(self, indicator) -> bool:
        """True when the indicator's figures must not appear at all (restricted, public build)."""
        return self.public and indicator.publication == "restricted"

    def small(self, count) -> bool:
        """True when `count` is in the small-number range (only ever in a public build)."""
        value = number(count)
        return self.public and value is not None and self.min_count <= value <= self.max_count

    def hides(self, indicator, value=None, numerator=None, denominator=None) -> bool:
        """True when this value must be shown as ``*`` (or, if restricted, withheld)."""
        if self.withholds(indicator):
            return True
        if indicator.unit == "count":
            return self.small(value)
        return self.small(numerator) or self.small(denominator)

    def hidden_parts(self, indicator, parts, total=None) -> list[bool]:
        """Which parts of a total (say districts) must be shown as ``*`` beside that total.

        A part is hidden when `hides` says so; for counts shown beside their total, one more
        part is hidden wherever a single hidden part could be worked out by subtraction
        (secondary suppression, `phlib.rules.suppression.suppress_table`). `parts` are
        ``(value, numerator, denominator)`` triples; missing values count as unknown.

        >>> from types import SimpleNamespace
        >>> count = SimpleNamespace(unit="count", publication="public")
        >>> Publication("public").hidden_parts(count, [(46,), (3,), (103,)], total=152)
        [True, True, False]
        >>> Publication("public").hidden_parts(count, [(46,), (3,), (103,)])
        [False, True, False]
        """
        triples = [tuple(part) + (None,) * (3 - len(part)) for part in parts]
        hidden = [self.hides(indicator, *part) for part in triples]
        if not self.public or indicator.unit != "count" or number(total) is None:
            return hidden
        if self.small(total) or not any(hidden):
            return hidden
        values = [number(v) for v, _, _ in triples]
        counts = [float("nan") if v is None else v for v in values] + [number(total)]
        frame = pd.DataFrame({"count": counts}, index=[*range(len(values)), "total"])
        shown = suppress_table(
            frame, total_row="total", min_count=self.min_count, max_count=self.max_count
        ).table["count"]
        return [h or shown[i] == "*" for i, h in enumerate(hidden)]

    def label(self, indicator) -> str:
        """A short marker shown beside restricted figures in an internal build."""
        if indicator.publication == "restricted" and not self.public:
            return "Not for publication"
        return ""
