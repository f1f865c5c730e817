"""An analyst's headline replaces the generated one when a section is exported.

A notebook shows a headline generated from the data above each card and KPI table, marked
``data-headline="generated"`` (`phlib.display.headlines.headline_html`). An analyst replaces
it by writing a `#### Headline` part in the narrative cell below that card or table (or a
`### Headline` part in the narrative file): `swap_headlines` then puts the analyst's text in
place of every generated headline between the previous narrative cell and this one (the
first keeps the place, the others are removed), and drops the part from the narrative cell so
the headline is not shown twice. It runs on every export, so an edit made after the run shows
on the next `phreport export` without re-running the notebook.

>>> from nbformat.v4 import new_notebook, new_code_cell, new_output
>>> from phlib.narratives.cells import new_cell
>>> card = new_output("display_data", data={"text/html": headline_html("Made.", ["x"])})
>>> note = new_cell("x")
>>> note.source = "#### Headline\\n\\nOurs wins.\\n\\n#### Commentary\\n\\nText."
>>> nb = swap_headlines(new_notebook(cells=[new_code_cell("wb.card('x')", outputs=[card]), note]))
>>> html = nb.cells[0].outputs[0]["data"]["text/html"]
>>> "Ours wins." in html, "Made." in html, 'data-headline="analyst"' in html
(True, False, True)
>>> "Headline" in nb.cells[1].source
False
"""

from __future__ import annotations

import copy
import re

from phlib.display.headlines import headline_html
from phlib.display.markup import esc
from phlib.narratives.cells import is_narrative, read_headline, source_of

_GENERATED = re.compile(r'<div class="headline" data-headline="generated"[^>]*>.*?</div>', re.S)
_HEADLINE_PART = re.compile(
    r"^ {0,3}#{1,6}[ \t]*headline[ \t]*:?[ \t]*\n(.*?)(?=^ {0,3}#{1,6}[ \t]*(?:commentary|actions)"
    r"[ \t]*:?[ \t]*$|\Z)",
    re.S | re.M | re.I,
)

__all__ = ["analyst_html", "swap_headlines", "headline_html"]


def analyst_html(text: str) -> str:
    """An analyst's headline, marked as written by the analyst."""
    return (
        f'<div class="headline headline-analyst" data-headline="analyst">'
        f'<p class="headline-text">{esc(text)}</p></div>'
    )


def _html_outputs(cells):
    for cell in cells:
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = output.get("data", {})
            if isinstance(data.get("text/html"), str | list):
                yield data


def swap_headlines(nb):
    """A copy of `nb` with each analyst headline in place of the generated ones above it."""
    nb = copy.deepcopy(nb)
    block = []
    for cell in nb.cells:
        if not is_narrative(cell):
            block.append(cell)
            continue
        text = source_of(cell)
        mine = read_headline(text)
        if mine:
            first = True
            for data in _html_outputs(block):
                html = data["text/html"]
                html = "".join(html) if isinstance(html, list) else html

                def swap(match, text=mine):
                    nonlocal first
                    found, first = (analyst_html(text) if first else ""), False
                    return found

                data["text/html"] = _GENERATED.sub(swap, html)
            cell.source = _HEADLINE_PART.sub("", text).lstrip("\n")
        block = []
    return nb
