"""KPI, comparison and contract tables as pandas Stylers, and their accessible HTML.

A KPI table reads as the printed annexes do: the measure, its threshold (or target), then one
column per period. A rated cell shows its RAG word beside the value (``73% Red``) as well as
its colour. Missing values show ``N/A``; a value given as ``"*"`` is suppressed and shows
``*`` with no rating. Every text from data is escaped. A Styler's own HTML
lacks header scopes, so show tables with `table_html`, which adds ``scope="col"`` to the column
headers, makes each row's first cell a ``<th scope="row">`` and drops the ids and empty style.

>>> styler = kpi_table([("STI needs offered appointment in 2 days", 90,
...                      {"Jul 2018": 73, "Aug 2018": 58}, "percent", 0, {"Jul 2018": "Red"})],
...                    ["Jul 2018", "Aug 2018"], "Offered an appointment", number="Table 3.1")
>>> styler.caption
'Table 3.1: Offered an appointment'
>>> html = table_html(styler)
>>> '<th scope="col">Threshold</th>' in html, '73% <span class="rag-word">Red</span>' in html
(True, True)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pandas as pd
from pandas.io.formats.style import Styler

from phlib.display.formatting import (
    MISSING,
    SUPPRESSED,
    WITHHELD,
    check_unit,
    format_number,
    format_value,
)
from phlib.display.markup import esc
from phlib.display.numbering import figure_label, numbered_caption
from phlib.display.style import rag_class

__all__ = ["KpiRow", "kpi_table", "comparison_table", "contracts_table", "table_html"]


@dataclass(frozen=True)
class KpiRow:
    """One measure of a KPI table: its threshold or target and its value (and RAG) per period."""

    measure: str
    target: float | None
    values: Mapping[str, float | str | None]  # a value, None (missing) or "*" (suppressed)
    unit: str = "percent"
    decimals: int | None = None
    rags: Mapping[str, str] = field(default_factory=dict)
    target_text: str = ""  # shown when there is no numeric target, e.g. "TBC"


def _caption(caption: str, number) -> str:
    label = "" if number is None else figure_label(number, kind="table")
    return esc(numbered_caption(label, caption) if label else caption)


def _check_columns(columns: Sequence[str]) -> None:
    seen = set()
    for column in columns:
        if column in seen:
            raise ValueError(f"column {column!r} appears twice; periods must be distinct")
        seen.add(column)


def _styler(frame: pd.DataFrame, cell_classes: pd.DataFrame, caption: str, css: str) -> Styler:
    styler = frame.style.hide(axis="index")
    styler = styler.format(escape="html", subset=[frame.columns[0]])
    styler = styler.format_index(escape="html", axis=1)
    styler = styler.set_td_classes(cell_classes)
    return styler.set_caption(caption).set_table_attributes(f'class="{css}"')


def _rated(value, unit: str, decimals, rag) -> tuple[str, str]:
    if isinstance(value, str) and value.strip() == SUPPRESSED:
        return SUPPRESSED, "value suppressed"  # no rating: it would hint at the number
    if isinstance(value, str) and value.strip() == WITHHELD:
        return WITHHELD, "value withheld"  # a restricted indicator in a public build
    text = esc(format_value(value, unit, decimals))
    word = str(rag).strip() if rag is not None else ""
    if text == MISSING or not word:
        return text, "value"
    return f'{text} <span class="rag-word">{esc(word)}</span>', f"value rag-cell {rag_class(word)}"


def kpi_table(
    rows: Iterable[KpiRow | tuple],
    periods: Sequence[str],
    caption: str,
    number: int | str | None = None,
    *,
    target_label: str = "Threshold",
    measure_label: str = "Measure",
) -> Styler:
    """Measures down, periods across: Measure | Threshold | period 1 | period 2 | ...

    `rows` are `KpiRow`s or tuples in its field order: ``(measure, target, values, unit,
    decimals, rags)``, the last three optional. `number` ("Table 3.1", or 2) numbers the
    caption.
    """
    periods = [str(p) for p in periods]
    columns = [measure_label, target_label, *periods]
    _check_columns(columns)
    data, classes = [], []
    for row in rows:
        row = row if isinstance(row, KpiRow) else KpiRow(*row)
        check_unit(row.unit)
        if row.target is None and row.target_text.strip():
            target = esc(row.target_text.strip())
        else:
            target = esc(format_value(row.target, row.unit, row.decimals))
        cells = [
            _rated(row.values.get(p), row.unit, row.decimals, row.rags.get(p)) for p in periods
        ]
        data.append([row.measure, target, *(text for text, _ in cells)])
        classes.append(["measure", "target", *(css for _, css in cells)])
    frame = pd.DataFrame(data, columns=columns, dtype=object)
    cell_classes = pd.DataFrame(classes, columns=columns, dtype=object)
    return _styler(frame, cell_classes, _caption(caption, number), "kpi")


def comparison_table(
    years: Sequence[str],
    area_values: Sequence,
    sn_values: Sequence,
    england_values: Sequence,
    area_name: str,
    caption: str,
    unit: str = "percent",
    decimals: int | None = None,
    number: int | str | None = None,
) -> Styler:
    """The area, its statistical neighbours' mean and England's mean over financial years.

    >>> s = comparison_table(["2020/21", "2021/22"], [88, None], [91.7, 91.0], [91.8, 90.5],
    ...                      "Cambridgeshire", "New client contacts")
    >>> s.data.iloc[0].tolist()
    ['Cambridgeshire', '88.0%', 'N/A']
    """
    years = [str(y) for y in years]
    columns = ["Comparator", *years]
    _check_columns(columns)
    data = []
    for name, values in (
        (area_name, area_values),
        ("Statistical neighbour mean", sn_values),
        ("England mean", england_values),
    ):
        values = list(values)
        if len(values) != len(years):
            raise ValueError(f"{name} has {len(values)} values but there are {len(years)} years")
        data.append([name, *(esc(format_value(v, unit, decimals)) for v in values)])
    frame = pd.DataFrame(data, columns=columns, dtype=object)
    cell_classes = pd.DataFrame([["measure"] + ["value"] * len(years)] * 3, columns=columns)
    return _styler(frame, cell_classes, _caption(caption, number), "kpi comparison")


def _contract_text(counts) -> str:
    if counts is None:
        return MISSING
    if isinstance(counts, str):  # "*" (suppressed) or "Not published" (withheld)
        return counts
    delivering, sent = counts
    if sent is None:
        return MISSING
    text = f"{format_number(delivering)} of {format_number(sent)}"
    if sent and delivering is not None:
        text += f" ({format_value(100 * delivering / sent, 'percent', 0)})"
    return text


def contracts_table(
    rows: Iterable[tuple[str, Mapping[str, tuple[int | None, int | None] | None]]],
    providers: Sequence[str],
    caption: str,
    number: int | str | None = None,
) -> Styler:
    """Contracts returned and delivering of those sent out, per service and provider type.

    Each row is ``(service, {provider: (delivering, sent_out) or None})``; a provider without
    a contract for that service shows ``N/A``, and text in place of the counts (``*`` for
    suppressed counts in a public build) is shown as it is.

    >>> s = contracts_table([("Stop smoking", {"GP practices": (9, 23),
    ...                                         "Community pharmacies": (1, 16)}),
    ...                      ("NHS Health Checks", {"GP practices": (19, 23),
    ...                                             "Community pharmacies": "*"})],
    ...                     ["GP practices", "Community pharmacies"], "Primary care contracts")
    >>> s.data.values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['Stop smoking', '9 of 23 (39%)', '1 of 16 (6%)'],
     ['NHS Health Checks', '19 of 23 (83%)', '*']]
    """
    providers = [str(p) for p in providers]
    headers = [f"{p}: delivering of sent out" for p in providers]
    columns = ["Service", *headers]
    _check_columns(columns)
    data = [
        [service, *(_contract_text(counts.get(p)) for p in providers)] for service, counts in rows
    ]
    frame = pd.DataFrame(data, columns=columns, dtype=object)
    cell_classes = pd.DataFrame(
        [["measure"] + ["value"] * len(providers)] * len(data), columns=columns, dtype=object
    )
    return _styler(frame, cell_classes, _caption(caption, number), "kpi contracts")


_STYLER_CLASS = re.compile(
    r"(col_heading|row_heading|index_name|blank|data|level\d+|col\d+|row\d+)"
)


def _own_classes(value: str | None) -> str:
    """The class names that this module set, without the Styler's positional ones."""
    return " ".join(c for c in (value or "").split() if not _STYLER_CLASS.fullmatch(c))


class _Accessible(HTMLParser):
    """Rewrites a Styler's HTML: header scopes, row headers, no ids, no style block."""

    def __init__(self, row_headers: bool):
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.row_headers = row_headers
        self.skip = False
        self.part = ""
        self.first = False
        self.cells: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "style":
            self.skip = True
            return
        attrs = [(k, _own_classes(v) if k == "class" else v) for k, v in attrs if k != "id"]
        attrs = [(k, v) for k, v in attrs if not (k == "class" and not v)]
        if tag in ("thead", "tbody"):
            self.part = tag
        elif tag == "tr":
            self.first = True
        elif tag in ("th", "td"):
            if self.part == "thead":
                attrs.append(("scope", "col"))
            elif self.first and self.row_headers:
                tag = "th"
                attrs.append(("scope", "row"))
            self.first = False
            self.cells.append(tag)
        text = "".join(f' {k}="{esc(v)}"' if v is not None else f" {k}" for k, v in attrs)
        self.out.append(f"<{tag}{text}>")

    def handle_endtag(self, tag):
        if tag == "style":
            self.skip = False
            return
        if tag in ("th", "td") and self.cells:
            tag = self.cells.pop()
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.out.append(data)

    def handle_entityref(self, name):
        self.out.append(f"&{name};")

    def handle_charref(self, name):
        self.out.append(f"&#{name};")


def table_html(styler: Styler, *, row_headers: bool = True) -> str:
    """Accessible HTML of a table Styler (see the module docstring).

    >>> html = table_html(comparison_table(["2021/22"], [1], [2], [3], "Fenland", "Rate"))
    >>> html.startswith('<table class="kpi comparison"><caption>Rate</caption>')
    True
    >>> '<th class="measure" scope="row">Fenland</th>' in html
    True
    """
    parser = _Accessible(row_headers)
    parser.feed(styler.to_html())
    parser.close()
    return "".join(parser.out)
