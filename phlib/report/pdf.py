"""Printing annexes to PDF with headless Chromium (Debian's package, driven by Playwright).

Each annex is opened from its ``file://`` address with every other request blocked (an annex
must stand alone), shown with the print rules of `phlib/report/assets/print.css`, and printed on A4
with the report title at the top of each page and "Page N of M" at the foot. The PDF carries
the headings as bookmarks and is tagged for screen readers. Files are written atomically.

>>> footer_template()[:60]
'<div style="font-size:8pt;width:100%;margin:0 15mm;font-fami'
>>> 'class="pageNumber"' in footer_template(), 'class="totalPages"' in footer_template()
(True, True)
>>> MARGIN["bottom"]
'20mm'
"""

from __future__ import annotations

import html
import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from phlib.atomic import write_bytes
from phlib.errors import PrintError

PRINT_CSS = Path(__file__).parent / "assets" / "print.css"
MARGIN = {"top": "18mm", "right": "15mm", "bottom": "20mm", "left": "15mm"}
#: Flags for a quiet, offline, root-friendly headless Chromium with a fresh profile.
CHROMIUM_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_HINT = "run `make browser` (scripts/install-browser.sh installs Debian's chromium)"
_LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")
_TEXT_STYLE = "font-size:8pt;width:100%;margin:0 15mm;font-family:Arial,sans-serif;color:#4d4d4d"


def find_chromium() -> str:
    """The path of the Chromium to print with: $PHREPORT_CHROMIUM, else the first on PATH.

    >>> import os
    >>> os.environ["PHREPORT_CHROMIUM"] = "/nowhere/chromium"
    >>> find_chromium()
    Traceback (most recent call last):
    ...
    phlib.errors.PrintError: PHREPORT_CHROMIUM names '/nowhere/chromium', which is not a file. \
Fix: point PHREPORT_CHROMIUM at a Chromium executable, or unset it and run `make browser` \
(scripts/install-browser.sh installs Debian's chromium)
    >>> del os.environ["PHREPORT_CHROMIUM"]
    """
    chosen = os.environ.get("PHREPORT_CHROMIUM", "").strip()
    if chosen:
        if not Path(chosen).is_file():
            raise PrintError(
                f"PHREPORT_CHROMIUM names {chosen!r}, which is not a file. Fix: point "
                f"PHREPORT_CHROMIUM at a Chromium executable, or unset it and {INSTALL_HINT}"
            )
        return chosen
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise PrintError(
        f"Chromium was not found on PATH (looked for {', '.join(CHROMIUM_NAMES)}). "
        f"Fix: {INSTALL_HINT}, or set PHREPORT_CHROMIUM to a Chromium executable"
    )


def launch(playwright, executable: str | None = None):
    """Launch headless Chromium with `CHROMIUM_ARGS` and a fresh, temporary profile.

    >>> with_browser(lambda browser: None, executable="/nowhere/chromium")
    Traceback (most recent call last):
    ...
    phlib.errors.PrintError: Chromium at /nowhere/chromium did not start (...). Fix: run ...
    """
    path = executable or find_chromium()
    try:
        return playwright.chromium.launch(
            executable_path=path, headless=True, args=list(CHROMIUM_ARGS)
        )
    except Exception as exc:  # Playwright raises its own Error with the browser's output
        raise PrintError(f"Chromium at {path} did not start ({exc}). Fix: {INSTALL_HINT}") from exc


def block_network(page, blocked: list) -> None:
    """Let `page` load only ``file:`` and ``data:`` resources; abort others, noting their URL.

    >>> def load(browser):
    ...     page, blocked = browser.new_page(), []
    ...     block_network(page, blocked)
    ...     page.set_content('<img src="https://example.org/a.png" alt="">')
    ...     return blocked
    >>> with_browser(load)
    ['https://example.org/a.png']
    """

    def handle(route) -> None:
        url = route.request.url
        if url.startswith(_LOCAL_SCHEMES):
            route.continue_()
        else:
            blocked.append(url)
            route.abort("blockedbyclient")

    page.route("**/*", handle)


def footer_template() -> str:
    """Chromium's footer: "Page N of M", centred (Chromium fills the two spans in)."""
    return (
        f'<div style="{_TEXT_STYLE};text-align:center">Page <span class="pageNumber"></span> '
        'of <span class="totalPages"></span></div>'
    )


def header_template(title: str) -> str:
    """Chromium's header: the report title, small and grey, on the left.

    >>> header_template("Annex <A>").endswith('left">Annex &lt;A&gt;</div>')
    True
    """
    return f'<div style="{_TEXT_STYLE};text-align:left">{html.escape(title)}</div>'


def with_browser(work: Callable, *, executable: str | None = None):
    """Start headless Chromium, return `work(browser)`, and close the browser again.

    The browser runs in a thread of its own, so this works where Playwright's synchronous
    API cannot run directly: inside Jupyter's event loop, or beside another Playwright.

    >>> with_browser(lambda browser: browser.is_connected())
    True
    """

    def run():
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as exc:
            raise PrintError(
                "Printing needs the Python package playwright. Fix: install it with "
                "`pip install playwright` (no browser download is needed), then " + INSTALL_HINT
            ) from exc
        with sync_playwright() as playwright:
            browser = launch(playwright, executable)
            try:
                return work(browser)
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="phlib-pdf") as pool:
        return pool.submit(run).result()


def _render(browser, html_path: Path, title: str | None) -> bytes:
    context = browser.new_context()
    try:
        page = context.new_page()
        blocked: list[str] = []
        block_network(page, blocked)
        page.goto(html_path.as_uri(), wait_until="load")
        page.add_style_tag(content=PRINT_CSS.read_text(encoding="utf-8"))
        page.evaluate("document.fonts.ready.then(() => true)")
        if blocked:
            listed = ", ".join(sorted(set(blocked))[:5])
            raise PrintError(
                f"{html_path} asks for resources from other hosts ({listed}). Fix: embed them "
                "in the page (the exported pages embed images as data: URIs) and run again"
            )
        page.emulate_media(media="print")
        return page.pdf(
            format="A4",
            print_background=True,
            display_header_footer=True,
            header_template=header_template(title if title is not None else page.title()),
            footer_template=footer_template(),
            margin=MARGIN,
            outline=True,
            tagged=True,
        )
    finally:
        context.close()


def print_pdf(html_path, pdf_path, *, title: str | None = None, browser=None) -> Path:
    """Print one HTML page to an A4 PDF and return the PDF's path.

    `title` goes at the top of every page (default: the page's own <title>). Pass a
    Playwright `browser` to print several pages with one Chromium (in the thread that owns
    it); else one is started for this page (`with_browser`).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.html").write_text("<title>A</title><h1>Hello</h1>", encoding="utf-8")
    >>> pdf = print_pdf(folder / "a.html", folder / "a.pdf")
    >>> pdf.read_bytes()[:5], pdf.name
    (b'%PDF-', 'a.pdf')
    """
    source = Path(html_path).resolve()
    if not source.is_file():
        raise PrintError(f"{source} does not exist. Fix: run `phreport run QUARTER` first")
    target = Path(pdf_path)
    if browser is None:
        data = with_browser(lambda chromium: _render(chromium, source, title))
    else:
        data = _render(browser, source, title)
    write_bytes(target, data)
    return target


def annexes(outputs_dir, quarter: str) -> list[Path]:
    """Every area's annex.html of a quarter's outputs, in area order.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> annexes(folder, "2022-23-Q3")
    Traceback (most recent call last):
    ...
    phlib.errors.PrintError: No annexes to print in ...2022-23-Q3 (no <area>/annex.html). \
Fix: run `phreport run 2022-23-Q3` first
    """
    folder = Path(outputs_dir) / str(quarter)
    found = sorted(folder.glob("*/annex.html"))
    if not found:
        raise PrintError(
            f"No annexes to print in {folder} (no <area>/annex.html). "
            f"Fix: run `phreport run {quarter}` first"
        )
    return found


def print_quarter(outputs_dir, quarter: str, *, browser=None) -> list[Path]:
    """Print each area's annex.html of `quarter` to annex.pdf beside it; return the PDFs.

    One Chromium prints every annex. Raises `PrintError` when there is nothing to print.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> page = folder / "2022-23-Q3" / "peterborough" / "annex.html"
    >>> page.parent.mkdir(parents=True)
    >>> _ = page.write_text("<title>Annex</title><p>Peterborough</p>", encoding="utf-8")
    >>> [p.relative_to(folder).as_posix() for p in print_quarter(folder, "2022-23-Q3")]
    ['2022-23-Q3/peterborough/annex.pdf']
    """
    pages = annexes(outputs_dir, quarter)

    def print_all(chromium) -> list[Path]:
        return [print_pdf(page, page.with_suffix(".pdf"), browser=chromium) for page in pages]

    return print_all(browser) if browser is not None else with_browser(print_all)
