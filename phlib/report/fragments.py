"""Making an HTML fragment safe to share and fit to sit in a page: scripts and remote sources
removed, private text scrubbed, heading ids made unique, headings listed and nested.

>>> nest(unique_ids(make_safe('<h1 id="A">A</h1><h1 id="A">A</h1><script></script>')), "s-")
'<h2 id="s-A">A</h2><h2 id="s-A-2">A</h2>'
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

PAGE_IDS = frozenset({"contents", "top", "main"})
_HEADING = re.compile(r"<h([1-6])((?:\s[^>]*)?)>(.*?)</h\1>", re.S | re.I)
_ID = re.compile(r"""(?<![\w-])id=(["'])(.*?)\1""", re.I)
_TAG = re.compile(r"<[^>]+>")
_SCRIPT = re.compile(r"<script\b.*?</script\s*>", re.S | re.I)
_LINK_TAG = re.compile(r"<link\b[^>]*>", re.I)
_REMOTE_SRC = re.compile(r"""\bsrc=(["'])(?=(?:https?:)?//)""", re.I)
_TAG_WITH_ATTRS = re.compile(
    r"<([A-Za-z][\w:-]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*(/?)>"
)
_ATTR = re.compile(r"""\s+([^\s=>/]+)(\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
_SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
_ANCHOR_LINK = re.compile(r'<a class="anchor-link" href="#[^"]*">(?:\u00b6|&#182;|&para;)</a>')


@dataclass(frozen=True)
class Heading:
    """A heading in a section: its level (1-6), its element id and its text."""

    level: int
    id: str
    text: str


def make_safe(fragment: str, private_text=()) -> str:
    """Remove what would reach another host or reveal the machine: scripts, <link> tags,
    remote `src` attributes, and each string in `private_text` (local paths, user names).

    >>> make_safe('<script src="https://cdn.x/y.js"></script><img src="https://x/a.png">')
    '<img data-blocked-src="https://x/a.png">'
    >>> make_safe("see /home/ann/work/data.csv", ["/home/ann/work"])
    'see [local path]/data.csv'

    Event-handler attributes and script URLs are dropped from every tag, whatever made it:

    >>> make_safe('<svg onload="alert(1)"><a href=" JavaScript:alert(1)" title="x">y</a>')
    '<svg><a title="x">y</a>'
    """
    text = _SCRIPT.sub("", fragment)
    text = _LINK_TAG.sub("", text)
    text = _REMOTE_SRC.sub(r"data-blocked-src=\1", text)
    text = _TAG_WITH_ATTRS.sub(_safe_attributes, text)
    for private in sorted({str(p) for p in private_text if str(p).strip()}, key=len, reverse=True):
        text = text.replace(private, "[local path]")
        text = text.replace(html.escape(private), "[local path]")
    return text


def _safe_attributes(match: re.Match) -> str:
    """One start tag without event handlers (on...=) or javascript:/vbscript: URLs."""
    name, attrs, end = match.group(1), match.group(2), match.group(3)
    kept = []
    for attr in _ATTR.finditer(attrs):
        key = attr.group(1).lower()
        value = html.unescape(attr.group(3) or attr.group(4) or attr.group(5) or "")
        scheme = re.sub(r"[\x00-\x20]", "", value).lower()
        if key.startswith("on") or scheme.startswith(_SCRIPT_SCHEMES):
            continue
        kept.append(attr.group(0))
    return f"<{name}{''.join(kept)}{end}>"


def headings_of(fragment: str, deepest: int = 3) -> tuple[Heading, ...]:
    """The headings (level 1 to `deepest`) of an HTML fragment that carry an id.

    >>> headings_of('<h2 id="a-b">A <em>b</em><a class="anchor-link" href="#a-b">\u00b6</a></h2>')
    (Heading(level=2, id='a-b', text='A b'),)
    """
    found = []
    for match in _HEADING.finditer(fragment):
        level = int(match.group(1))
        ident = _ID.search(match.group(2))
        if level <= deepest and ident:
            text = html.unescape(_TAG.sub("", _ANCHOR_LINK.sub("", match.group(3)))).strip()
            found.append(Heading(level, html.unescape(ident.group(2)), " ".join(text.split())))
    return tuple(found)


def unique_ids(fragment: str) -> str:
    """Give repeated heading ids a number (`Commentary`, `Commentary-2`, ...) and point each
    heading's own anchor link at its new id; other ids are left alone.

    >>> unique_ids('<h5 id="A">A<a href="#A">x</a></h5><h5 id="A">A<a href="#A">x</a></h5>')
    '<h5 id="A">A<a href="#A">x</a></h5><h5 id="A-2">A<a href="#A-2">x</a></h5>'
    """
    seen: dict[str, int] = {}

    def fix(match: re.Match) -> str:
        attrs, inner = match.group(2), match.group(3)
        found = _ID.search(attrs)
        if not found:
            return match.group(0)
        ident = found.group(2)
        seen[ident] = seen.get(ident, 0) + 1
        if seen[ident] == 1:
            return match.group(0)
        new = f"{ident}-{seen[ident]}"
        while new in seen:
            seen[ident] += 1
            new = f"{ident}-{seen[ident]}"
        seen[new] = 1
        attrs = attrs.replace(found.group(0), f"id={found.group(1)}{new}{found.group(1)}", 1)
        inner = inner.replace(f'href="#{ident}"', f'href="#{new}"')
        return f"<h{match.group(1)}{attrs}>{inner}</h{match.group(1)}>"

    return _HEADING.sub(fix, fragment)


_ID_OR_LINK = re.compile(r"""(id|href)=(["'])(#?)(.*?)\2""")


def nest(fragment: str, prefix: str, shift: int = 1) -> str:
    """Prepare a section's fragment to sit inside a bigger page (the annex).

    Heading levels move by `shift`, within h1-h6 (1: h1 -> h2; -1: h3 -> h2), and element
    ids, with the in-page links to them, gain `prefix` so that sections never share an id;
    indicator card ids (`ind-...`) are kept, as other pages link to them, and so are links to
    the page's own landmarks (`#contents`, `#top`, `#main`).

    >>> nest('<h1 id="Intro">Intro</h1><a href="#Intro">x</a><div id="ind-a"></div>', "s1-")
    '<h2 id="s1-Intro">Intro</h2><a href="#s1-Intro">x</a><div id="ind-a"></div>'
    >>> nest("<h1>A</h1><h3>B</h3>", "", shift=-1)
    '<h1>A</h1><h2>B</h2>'
    """

    def level(match: re.Match) -> str:
        return f"<{match.group(1)}h{max(1, min(6, int(match.group(2)) + shift))}"

    def keep(ident: str) -> bool:
        return ident.startswith("ind-") or ident in PAGE_IDS

    def rename(m: re.Match) -> str:
        before = m.string[m.start() - 1] if m.start() else " "
        if before.isalnum() or before in "_-":  # data-id= is another attribute
            return m.group(0)
        if (m.group(1).lower() == "href" and not m.group(3)) or keep(m.group(4)):
            return m.group(0)
        return f"{m.group(1)}={m.group(2)}{m.group(3)}{prefix}{m.group(4)}{m.group(2)}"

    text = re.sub(r"<(/?)h([1-6])(?=[\s>])", level, fragment, flags=re.I)
    # The character before the name is checked in `rename`, not by a look-behind, which
    # would make the scan of a page full of SVG markup about twice as slow.
    return _ID_OR_LINK.sub(rename, text)
