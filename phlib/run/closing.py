"""The closing cell `phreport` adds to each notebook it runs: cards for the other indicators.

A service's catalogue may hold indicators its notebook does not place (a new catalogue row, an
imported Fingertips indicator). So that every one is shown without editing notebooks, a run
appends one code cell, `wb.other_indicators()`, after the notebook's last cell; it shows the
cards of the indicators no earlier cell showed, under "Other indicators", or nothing at all.
The cell is tagged `other-indicators`, has a fixed id (so every run of the notebook, local or on
a cluster, makes the same HTML) and is never added twice.

>>> from nbformat.v4 import new_notebook, new_code_cell
>>> nb = new_notebook(cells=[new_code_cell("book = Workbook.open(quarter, area, 's')")])
>>> [(c.id, c.source) for c in with_closing_cell(with_closing_cell(nb)).cells][1:]
[('other-indicators', 'book.other_indicators()')]
"""

from __future__ import annotations

import re

TAG = "other-indicators"
_OPENED = re.compile(r"^(\w+)\s*=\s*Workbook\.open\(", re.M)


def with_closing_cell(nb):
    """The notebook with the closing cell appended (unchanged when it has one, or no workbook)."""
    from nbformat.v4 import new_code_cell

    if any(TAG in c.get("metadata", {}).get("tags", []) for c in nb.cells):
        return nb
    names = [m.group(1) for c in nb.cells if c.cell_type == "code"
             for m in [_OPENED.search(c.source)] if m]  # fmt: skip
    if not names:
        return nb
    cell = new_code_cell(f"{names[0]}.other_indicators()", metadata={"tags": [TAG]})
    cell["id"] = TAG  # a fixed id, not nbformat's random one: the same notebook, the same page
    nb.cells.append(cell)
    return nb
