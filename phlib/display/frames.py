"""An analyst's own pandas DataFrame as a numbered table in the house style.

`frame_table` returns a Styler that `phlib.display.tables.table_html` turns into the same
accessible HTML as the built-in tables (class ``kpi``, a numbered caption, ``scope`` on the
headers, the first column as row headers). Numbers get thousands separators and, per column,
the decimal places their values need (at most two); a missing value is ``N/A`` (blank text
stays blank); a value hidden by the build's publication rules (rows listed in the frame's
``attrs["hidden"]``, as `phlib.rules.disclosure.disclosed` leaves them) shows its marker,
``*`` or ``Not published``, never 0. Every text, heading and the caption are escaped. An index
of labels (named, or not whole numbers) becomes the first column; row numbers do not.

>>> import pandas as pd
>>> from phlib.display.tables import table_html
>>> frame = pd.DataFrame({"District": ["Ely", "<March>"], "Checks": [1234.0, float("nan")]})
>>> frame.attrs["hidden"] = {1: "*"}
>>> html = table_html(frame_table(frame, "Checks & visits", "Table 2.3"))
>>> html.startswith('<table class="kpi own"><caption>Table 2.3: Checks &amp; visits</caption>')
True
>>> "<td>1,234</td>" in html, "<td>*</td>" in html, "&lt;March&gt;" in html
(True, True, True)
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from pandas.api.types import (
    is_bool_dtype,
    is_datetime64_any_dtype,
    is_integer_dtype,
    is_numeric_dtype,
)
from pandas.io.formats.style import Styler

from phlib.display.formatting import MISSING, format_number, is_missing
from phlib.display.markup import esc
from phlib.display.numbering import figure_label, numbered_caption


def _places(values: pd.Series) -> int:
    known = [float(v) for v in values if not is_missing(v)]
    for places in (0, 1):
        if all(abs(v * 10**places - round(v * 10**places)) < 1e-9 for v in known):
            return places
    return 2


def _cell(value, places: int | None) -> str:
    if isinstance(value, str):
        return value  # blank text stays blank
    if is_missing(value):
        return MISSING
    if isinstance(value, pd.Timestamp | dt.datetime):
        if value.time() == dt.time():
            return f"{value.day} {value:%b %Y}"
        return value.isoformat(" ", timespec="minutes")
    if isinstance(value, dt.date):
        return f"{value.day} {value:%b %Y}"
    if places is not None:
        return format_number(float(value), places)
    return str(value)


def _heading(column) -> str:
    if isinstance(column, tuple):
        return " ".join(str(c) for c in column if str(c).strip())
    return str(column)


def frame_table(frame: pd.DataFrame, caption: str, number: int | str | None = None) -> Styler:
    """The frame as a Styler with a numbered, escaped caption (see the module docstring)."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"a table needs a pandas DataFrame, got {type(frame).__name__}")
    hidden = dict(frame.attrs.get("hidden", {}))
    data = frame
    named = any(name is not None for name in frame.index.names)
    if named or not is_integer_dtype(frame.index):  # an index of labels, not row numbers
        data = data.reset_index()
        keys = list(frame.index)
    else:
        keys = list(data.index)
    headings = [_heading(c) for c in data.columns]
    seen = {h for h in headings if headings.count(h) > 1}
    if seen:
        raise ValueError(f"column {sorted(seen)[0]!r} appears twice; give each column a name")
    cells = []
    for column in data.columns:
        series = data[column]
        numeric = is_numeric_dtype(series) and not is_bool_dtype(series)
        places = _places(series) if numeric else None
        shown = []
        for key, value in zip(keys, series, strict=True):
            if numeric and is_missing(value) and key in hidden:
                shown.append(esc(hidden[key]))
            elif is_datetime64_any_dtype(series) or not numeric:
                shown.append(esc(_cell(value, None)))
            else:
                shown.append(esc(_cell(value, places)))
        cells.append(shown)
    rows = [list(row) for row in zip(*cells, strict=True)] if cells else []
    table = pd.DataFrame(rows, columns=[esc(h) for h in headings], dtype=object)
    label = "" if number is None else figure_label(number, kind="table")
    title = esc(numbered_caption(label, caption) if label else str(caption))
    styler = table.style.hide(axis="index").set_caption(title)
    return styler.set_table_attributes('class="kpi own"')
