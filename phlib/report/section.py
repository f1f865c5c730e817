"""HTML export of executed notebooks with nbconvert and the project template.

`render_section` turns an executed notebook into a `Section`: an HTML fragment of its visible
cells (no code, no prompts, no parameters cells, images embedded as data: URIs, no scripts)
plus its headings for a contents list. `phlib.report.pages` wraps sections into whole pages.

>>> from nbformat.v4 import new_notebook, new_markdown_cell, new_code_cell, new_output
>>> cell = new_code_cell("x = 1", outputs=[new_output("stream", name="stdout", text="hi")])
>>> params = new_code_cell("area = 'x'", metadata={"tags": ["injected-parameters"]})
>>> nb = new_notebook(cells=[params, new_markdown_cell("# Stop smoking"), cell])
>>> section = render_section(nb)
>>> section.title, [h.text for h in section.headings], "injected" in section.html
('Stop smoking', ['Stop smoking'], False)
>>> "x = 1" in section.html, "hi" in section.html
(False, True)
"""

from __future__ import annotations

import copy
import html
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TEMPLATES = Path(__file__).parent / "templates"
HIDDEN_TAGS = frozenset({"remove-cell", "parameters", "injected-parameters"})
PAPERMILL_ERROR_TAG = "papermill-error-cell-tag"
PAGE_IDS = frozenset({"contents", "top", "main"})
NO_ALT = "No description has been provided for this image"
_IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\balt=)", re.I)
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


@dataclass(frozen=True)
class Section:
    """One executed notebook rendered as an HTML fragment, with what a page needs to know."""

    html: str
    headings: tuple[Heading, ...]
    title: str
    error: str = ""

    @property
    def failed(self) -> bool:
        return bool(self.error)


@lru_cache(maxsize=1)
def exporter():
    """The project's nbconvert HTML exporter (built once per process; template compiled once).

    Markdown cells hold text people typed (narratives), so raw HTML in them is shown as text
    and links other than http(s), mailto and tel lose their target:

    >>> from nbformat.v4 import new_notebook, new_markdown_cell
    >>> typed = "<img src=x onerror=alert(1)> [x](javascript:alert(1))"
    >>> body, _ = exporter().from_notebook_node(new_notebook(cells=[new_markdown_cell(typed)]))
    >>> "<img" in body, "&lt;img src=x onerror=alert(1)&gt;" in body, "javascript:" in body
    (False, True, False)
    """
    from mistune import HTMLRenderer
    from nbconvert import HTMLExporter
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    try:
        from jinja2 import pass_context
    except ImportError:  # pragma: no cover (Jinja2 < 3)
        from jinja2 import contextfilter as pass_context

    class TextRenderer(IPythonRenderer):
        """Raw HTML typed in Markdown is escaped exactly as typed (never parsed first)."""

        def block_html(self, html: str) -> str:
            return HTMLRenderer.block_html(self, html)

        def inline_html(self, html: str) -> str:
            return HTMLRenderer.inline_html(self, html)

    class TextOnlyMarkdownExporter(HTMLExporter):
        """nbconvert's HTML exporter, rendering Markdown without raw HTML or script links."""

        @pass_context
        def markdown2html(self, context, source):
            cell = context.get("cell", {})
            renderer = TextRenderer(
                escape=True,
                allow_harmful_protocols=False,
                attachments=cell.get("attachments", {}),
                embed_images=self.embed_images,
                path=context.get("resources", {}).get("metadata", {}).get("path", ""),
                anchor_link_text=self.anchor_link_text,
                exclude_anchor_links=self.exclude_anchor_links,
                **self.lexer_options,
            )
            return MarkdownWithMath(renderer=renderer).render(source)

        def from_notebook_node(self, nb, resources=None, **kw):
            # nbconvert's HTMLExporter re-parses the whole page with BeautifulSoup only to give
            # images without alt text a placeholder (and to make .jp-Notebook cells focusable,
            # which this template has none of): most of an export's time. Do the same for the
            # images with a regular expression instead.
            from nbconvert.exporters.templateexporter import TemplateExporter
            from nbconvert.filters.highlight import Highlight2HTML
            from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

            language = nb.metadata.get("language_info", {})
            lexer = language.get("pygments_lexer", language.get("name", None))
            highlight = self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
            )
            resources = self._init_resources(resources)
            widgets = WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            )
            self.register_filter("highlight_code", highlight)
            self.register_filter("filter_data_type", widgets)
            body, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return _IMG_WITHOUT_ALT.sub(f'<img alt="{NO_ALT}"', body), resources

    return TextOnlyMarkdownExporter(
        template_name="phreport",
        extra_template_basedirs=[str(TEMPLATES / "nbconvert")],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        anchor_link_text="\u00b6",
    )


def notebook_error(nb) -> str:
    """'ename: evalue' of the first error output in an executed notebook ('' when none).

    >>> from nbformat.v4 import new_notebook, new_code_cell, new_output
    >>> bad = new_output("error", ename="KeyError", evalue="'x'", traceback=[])
    >>> notebook_error(new_notebook(cells=[new_code_cell("d['x']", outputs=[bad])]))
    "KeyError: 'x'"
    """
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return f"{output.get('ename', 'Error')}: {output.get('evalue', '')}".strip()
    return ""


def visible_notebook(nb, publication: str = "internal"):
    """A copy of `nb` holding only what a reader should see.

    Drops cells tagged remove-cell, parameters or injected-parameters and code cells without
    outputs; in public mode also drops error outputs, stderr and papermill's error banners.

    >>> from nbformat.v4 import new_notebook, new_code_cell, new_output
    >>> err = new_output("stream", name="stderr", text="/home/me/x.py: warning")
    >>> nb = new_notebook(cells=[new_code_cell("1", outputs=[err]), new_code_cell("2")])
    >>> len(visible_notebook(nb).cells), len(visible_notebook(nb, "public").cells)
    (1, 0)
    """
    shown = copy.deepcopy(nb)
    public = publication == "public"
    cells = []
    for cell in shown.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & HIDDEN_TAGS or (public and PAPERMILL_ERROR_TAG in tags):
            continue
        if cell.cell_type == "code":
            if public:
                cell.outputs = [o for o in cell.outputs if not _private_output(o)]
            if not cell.outputs:
                continue
        cells.append(cell)
    shown.cells = cells
    return shown


def _private_output(output) -> bool:
    kind = output.get("output_type")
    return kind == "error" or (kind == "stream" and output.get("name") == "stderr")


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


def render_section(nb, publication: str = "internal", private_text=()) -> Section:
    """Export an executed notebook (a NotebookNode or a path) to a `Section`."""
    import nbformat

    if not isinstance(nb, nbformat.NotebookNode):
        nb = nbformat.read(str(nb), as_version=4)
    error = notebook_error(nb)
    body, _ = exporter().from_notebook_node(visible_notebook(nb, publication))
    body = unique_ids(make_safe(body, private_text))
    headings = headings_of(body)
    title = next((h.text for h in headings if h.level == 1), "")
    return Section(html=body, headings=headings, title=title, error=error)


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

    text = re.sub(r"<(/?)h([1-6])(?=[\s>])", level, fragment, flags=re.I)
    text = re.sub(
        r"""(?<![\w-])(id|href)=(["'])(#?)(.*?)\2""",
        lambda m: (
            m.group(0)
            if (m.group(1).lower() == "href" and not m.group(3)) or keep(m.group(4))
            else f"{m.group(1)}={m.group(2)}{m.group(3)}{prefix}{m.group(4)}{m.group(2)}"
        ),
        text,
    )
    return text
