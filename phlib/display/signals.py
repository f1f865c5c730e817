"""Variation and assurance words shown with their symbols, so meaning never rests on colour.

>>> signal_html("Special cause concern")
'<span class="spc spc-special-cause-concern"><span aria-hidden="true">\u2193</span> Special cause concern</span>'
>>> signal_text("Hit and miss"), signal_text("")
('? Hit and miss', '')
"""  # noqa: E501

from __future__ import annotations

from phlib.display.markup import esc, slug
from phlib.rules.variation import SYMBOLS


def signal_html(word: str) -> str:
    """A variation or assurance word with its symbol (empty for no word)."""
    if not word:
        return ""
    symbol = SYMBOLS.get(word, "")
    mark = f'<span aria-hidden="true">{symbol}</span> ' if symbol else ""
    return f'<span class="spc spc-{slug(word)}">{mark}{esc(word)}</span>'


def signal_text(word: str) -> str:
    """The word with its symbol in front, as plain text (for tables and files)."""
    symbol = SYMBOLS.get(word, "")
    return f"{symbol} {word}" if word and symbol else (word or "")
