"""Whole HTML pages from the Jinja2 layouts in `phlib/report/templates/pages`.

Every page is one self-contained file: the stylesheets are inlined, there are no scripts and
nothing is fetched from another host. Every page carries the same footer (`Provenance`): when
it was produced, the quarter, the short hashes of the data files and the code's commit.

>>> prov = Provenance("7 February 2023 10:00", "Q3 2022/23", (("catalogue.csv", "1a2b3c4d"),),
...                   "abc1234")
>>> page = Page("Performance Report", "Q3 2022/23", prov, area_name="Peterborough")
>>> html = render("base.html.j2", page=page, page_title="Test")
>>> "<title>Test</title>" in html, "catalogue.csv <code>1a2b3c4d</code>" in html
(True, True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jinja2

from phlib.report.fragments import Heading, nest
from phlib.report.section import Section

ASSETS = Path(__file__).parent / "assets"
LAYOUTS = Path(__file__).parent / "templates" / "pages"
STYLESHEETS = ("report.css", "components.css", "print.css")


@dataclass(frozen=True)
class Provenance:
    """What every page's footer says about how it was made."""

    produced: str
    quarter_label: str
    data_hashes: tuple[tuple[str, str], ...] = ()
    commit: str = "unknown"
    publication: str = ""


@dataclass(frozen=True)
class Page:
    """What every page shows around its content: report title, quarter, area, footer."""

    report_title: str
    quarter_label: str
    provenance: Provenance
    area_name: str = ""
    index_href: str = "../index.html"


@dataclass(frozen=True)
class Notice:
    """A boxed note at the top of a section: `kind` is 'failed', 'previous' or 'info'."""

    kind: str
    text: str


@dataclass(frozen=True)
class Entry:
    """One line of a contents list, with its sub-entries."""

    level: int
    id: str
    text: str
    children: tuple[Entry, ...] = field(default=())


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The Jinja2 environment of the page layouts (autoescaped)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(LAYOUTS)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
    )


@lru_cache(maxsize=1)
def stylesheet() -> str:
    """The CSS every page inlines: the report layout, then the cards' and figures' styles."""
    parts = []
    for name in STYLESHEETS:
        path = ASSETS / name
        if path.is_file():
            parts.append(f"/* {name} */\n{path.read_text(encoding='utf-8')}")
    return "\n".join(parts).replace("</", "<\\/")


_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S | re.I)


def drop_shared_styles(fragment: str) -> str:
    """Remove `<style>` blocks a notebook showed that the page's own stylesheet already holds
    (the notebooks show components.css so that they look right in JupyterLab).

    >>> drop_shared_styles("<style>.nothing-like-this {}</style><p>x</p>")
    '<style>.nothing-like-this {}</style><p>x</p>'
    """
    shared = stylesheet()

    def keep(match: re.Match) -> str:
        text = match.group(1).strip()
        return "" if text and text.replace("</", "<\\/") in shared else match.group(0)

    return _STYLE.sub(keep, fragment)


_INDEX_LINK = re.compile(r"""href=(["'])index\.html\1""")


def for_area_folder(fragment: str, index_href: str) -> str:
    """Point a notebook's "Return to index" links (written as `index.html`) at the index of
    the quarter, since section pages and annexes live one folder down, in `<area>/`.

    >>> for_area_folder('<a href="index.html">Return to index</a>', "../index.html")
    '<a href="../index.html">Return to index</a>'
    """
    return _INDEX_LINK.sub(lambda m: f"href={m.group(1)}{index_href}{m.group(1)}", fragment)


def render(layout: str, **context) -> str:
    """Render one page layout with the shared stylesheet."""
    context.setdefault("page_title", "")
    return environment().get_template(layout).render(css=stylesheet(), **context)


def _plain(text: str) -> str:
    return re.sub(r"^\s*\d+(\.\d+)*\.?\s+", "", text).strip().casefold()


_SERVICE_HEAD = re.compile(r'<header class="service-head"[^>]*>.*?</header>', re.S)


def without_title(fragment: str, headings: tuple[Heading, ...], title: str):
    """Drop the notebook's own heading block, or a leading heading that repeats the title,
    since every page and annex section gives the numbered title itself.

    >>> from phlib.report.fragments import headings_of
    >>> frag = '<h1 id="Stop-smoking">Stop smoking</h1><p>x</p>'
    >>> without_title(frag, headings_of(frag), "3. Stop smoking")[0]
    '<p>x</p>'
    >>> frag = '<header class="service-head" id="sec-x"><h2>3. X</h2><p>meta</p></header><p>y</p>'
    >>> without_title(frag, headings_of(frag), "3. X")[0]
    '<p>y</p>'
    """
    same = [h for h in headings[:1] if h.level <= 2 and _plain(h.text) == _plain(title)]
    if _SERVICE_HEAD.search(fragment):
        return _SERVICE_HEAD.sub("", fragment, count=1), headings[len(same) :]
    if same:
        pattern = re.compile(
            rf"<h{same[0].level}[^>]*\bid=\"{re.escape(same[0].id)}\"[^>]*>.*?</h{same[0].level}>",
            re.S,
        )
        return pattern.sub("", fragment, count=1), headings[1:]
    return fragment, headings


def contents_entries(headings, deepest: int = 3, prefix: str = "") -> tuple[Entry, ...]:
    """Contents lines for a section: headings down to `deepest` plus every indicator card.

    >>> contents_entries([Heading(1, "a", "A"), Heading(5, "x", "X"),
    ...                   Heading(3, "ind-sh_1-title", "Indicator 1")])
    (Entry(level=1, id='a', text='A', children=()), Entry(level=3, id='ind-sh_1-title', \
text='Indicator 1', children=()))
    """
    found = []
    for heading in headings:
        card = heading.id.startswith("ind-")
        if heading.level <= deepest or card:
            ident = heading.id if card else prefix + heading.id
            found.append(Entry(heading.level, ident, heading.text))
    return tuple(found)


def section_page(
    section: Section,
    page: Page,
    heading: str,
    notices=(),
    previous: dict | None = None,
    following: dict | None = None,
) -> str:
    """One service's page: numbered heading, notices, contents, the notebook's content."""
    fragment, headings = without_title(section.html, section.headings, heading)
    return render(
        "section.html.j2",
        page=page,
        page_title=f"{heading} \u2014 {page.area_name} \u2014 {page.quarter_label}",
        heading=heading,
        notices=list(notices),
        entries=contents_entries(headings),
        # Notebooks put sub-sections at h3 under their h2 title; a page's title is its h1.
        fragment=nest(for_area_folder(drop_shared_styles(fragment), page.index_href), "", -1),
        failed=section.failed,
        previous=previous,
        next=following,
    )


@dataclass(frozen=True)
class AnnexPart:
    """One section of an annex: the service, its numbered heading, notices, its content."""

    service: str
    heading: str
    section: Section
    notices: tuple[Notice, ...] = ()


def annex_page(parts, page: Page) -> str:
    """A whole annex for one area: title page, numbered contents, every section in order."""
    sections, entries = [], []
    for part in parts:
        prefix = f"{part.service}--"
        fragment, headings = without_title(part.section.html, part.section.headings, part.heading)
        children = contents_entries(headings, prefix=prefix)
        entries.append(Entry(1, f"sec-{part.service}", part.heading, children))
        sections.append(
            {
                "service": part.service,
                "heading": part.heading,
                "notices": part.notices,
                "failed": part.section.failed,
                "fragment": nest(  # sub-sections stay h3 under the section's h2
                    for_area_folder(drop_shared_styles(fragment), page.index_href), prefix, 0
                ),
            }
        )
    title = f"Annex \u2014 {page.area_name} \u2014 {page.quarter_label}"
    return render("annex.html.j2", page=page, page_title=title, entries=entries, sections=sections)
