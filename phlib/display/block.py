"""`Block`: a piece of HTML a notebook cell shows (and nbconvert exports); text in a terminal.

>>> Block("<p>Hi</p>", "greeting")._repr_html_(), repr(Block("<p>Hi</p>", "greeting"))
('<p>Hi</p>', 'greeting')
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Block:
    """A piece of HTML a notebook cell shows; plain text in a terminal."""

    html: str
    text: str = ""

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text or "<phlib output: open in JupyterLab or the HTML annex>"
