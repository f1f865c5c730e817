"""Small HTML helpers: escaping data text, safe links and ids.

Every piece of text that comes from data (titles, descriptions, link text, URLs) goes through
`esc` before it is put into HTML; only ``http``, ``https`` and ``mailto`` URLs become links.

>>> esc('<script>alert(1)</script>')
'&lt;script&gt;alert(1)&lt;/script&gt;'
>>> link_html("Data", "javascript:alert(1)")
'Data'
>>> link_html("NDTMS", "https://www.ndtms.net/?a=1&b=2")
'<a href="https://www.ndtms.net/?a=1&amp;b=2">NDTMS</a>'
"""

from __future__ import annotations

import html
import re

SAFE_SCHEMES = ("http", "https", "mailto")


def esc(text) -> str:
    """HTML-escape any value as text (quotes too, so it is safe inside attributes).

    >>> esc('" onmouseover="x')
    '&quot; onmouseover=&quot;x'
    >>> esc(None)
    ''
    """
    return "" if text is None else html.escape(str(text), quote=True)


def safe_href(url) -> str | None:
    """`url` if it is an http(s) or mailto URL, else None (``javascript:``, ``data:``, ...).

    Control characters and spaces that browsers ignore inside a scheme are rejected too.

    >>> safe_href(" https://example.org "), safe_href("java\\tscript:alert(1)"), safe_href("#x")
    ('https://example.org', None, None)
    """
    if url is None:
        return None
    text = str(url).strip()
    if re.search(r"[\x00-\x20\x7f]", text):
        return None
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", text)
    if not match or match.group(1).lower() not in SAFE_SCHEMES:
        return None
    if match.group(1).lower() != "mailto" and not text[match.end() :].startswith("//"):
        return None
    return text


def link_html(text, url) -> str:
    """An ``<a href>`` for a safe URL, else the escaped text alone (the URL when text is blank).

    >>> link_html("", "mailto:bi@example.org")
    '<a href="mailto:bi@example.org">mailto:bi@example.org</a>'
    """
    href = safe_href(url)
    label = str(text).strip() if text is not None and str(text).strip() else str(url or "")
    if href is None:
        return esc(label)
    return f'<a href="{esc(href)}">{esc(label)}</a>'


def slug(text, fallback: str = "item") -> str:
    """A lower-case id fragment of letters, digits, ``-`` and ``_`` (for ``id`` attributes).

    >>> slug("Figure 3.2"), slug("asc_230"), slug("<>")
    ('figure-3-2', 'asc_230', 'item')
    """
    value = re.sub(r"[^a-z0-9_]+", "-", str(text).lower()).strip("-")
    return value or fallback
