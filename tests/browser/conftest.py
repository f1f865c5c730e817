"""Fixtures of the browser tests: the sample quarter's real outputs, and Chromium with no network.

`quarter_outputs` is the outputs folder of the suite's one run of the sample quarter
(`sample_run` in tests/conftest.py: `phreport run 2022-23-Q3 --workers 2` in a temporary copy
of the project). `browser` is one headless Chromium (Debian's, driven by Playwright) for the
session; `visit` opens a page from a file:// address where every request that is not file: or
data: is aborted and recorded. A missing Chromium or poppler-utils FAILS the
tests with the fix (`make browser`): these tests never skip.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import support

from phlib.errors import PrintError
from phlib.report.pdf import block_network, find_chromium, launch

PROJECT = support.PROJECT
QUARTER = support.QUARTER
QUARTER_LABEL = support.QUARTER_LABEL
SCREENSHOTS = PROJECT / "outputs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}
POPPLER = ("pdfinfo", "pdftoppm", "pdftotext")


@pytest.fixture(scope="session")
def quarter() -> str:
    """The sample quarter's id."""
    return QUARTER


@pytest.fixture(scope="session")
def quarter_label() -> str:
    """The sample quarter as people read it."""
    return QUARTER_LABEL


@pytest.fixture(scope="session")
def phreport():
    """`phreport(project, *args)` runs the CLI in a folder and fails the test if it fails."""
    return support.run_phreport


@pytest.fixture(scope="session")
def project_copy(sample_run) -> Path:
    """The temporary copy of the project where the sample quarter ran (read it only)."""
    return sample_run.root


@pytest.fixture(scope="session")
def quarter_run(sample_run) -> support.Done:
    """The real `phreport run 2022-23-Q3 --workers 2`, once per session.

    Exit code 1 (a notebook failed, the rest still produced) is let through so that the
    pages can still be checked; `test_offline` fails on it with the run's output.
    """
    return sample_run.done


@pytest.fixture(scope="session")
def quarter_outputs(project_copy, quarter_run) -> Path:
    """outputs/2022-23-Q3 of the sample quarter, made by `quarter_run`."""
    folder = project_copy / "outputs" / QUARTER
    if not (folder / "index.html").is_file():
        pytest.fail(f"`phreport run {QUARTER}` succeeded but wrote no {folder}/index.html")
    return folder


@pytest.fixture(scope="session")
def annex_paths(quarter_outputs) -> list[Path]:
    """Every area's annex.html."""
    found = sorted(quarter_outputs.glob("*/annex.html"))
    assert found, f"no <area>/annex.html in {quarter_outputs}"
    return found


@pytest.fixture(scope="session")
def service_paths(quarter_outputs) -> list[Path]:
    """Every service page (<area>/<service>.html)."""
    found = sorted(p for p in quarter_outputs.glob("*/*.html") if p.name != "annex.html")
    assert found, f"no <area>/<service>.html in {quarter_outputs}"
    return found


@pytest.fixture(scope="session", autouse=True)
def chromium_path() -> str:
    """Debian's chromium, checked before anything slow runs; its absence (or poppler-utils')
    fails every browser test with how to install it."""
    try:
        found = find_chromium()
    except PrintError as exc:
        pytest.fail(f"The browser tests need Chromium: {exc}", pytrace=False)
    missing = [name for name in POPPLER if not shutil.which(name)]
    if missing:
        pytest.fail(
            f"{', '.join(missing)} not found: the print tests need Debian's poppler-utils. "
            "Fix: run `make browser` (scripts/install-browser.sh)",
            pytrace=False,
        )
    return found


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One headless Chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = launch(playwright, chromium_path)
    except PrintError as exc:
        playwright.stop()
        pytest.fail(str(exc), pytrace=False)
    yield chromium
    chromium.close()
    playwright.stop()


@dataclass
class Visit:
    """A page opened offline, with everything that went wrong while it loaded."""

    page: object
    path: Path
    blocked: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Every load problem, one line each, naming the page."""
        lines = [f"blocked request to {url}" for url in self.blocked]
        lines += [
            f"failed request: {url} ({why})" for url, why in self.failed if url not in self.blocked
        ]
        lines += [f"console error: {text}" for text in self.console_errors]
        lines += [f"script error: {text}" for text in self.page_errors]
        return [f"{self.path.name}: {line}" for line in lines]


@pytest.fixture(scope="session")
def visit(browser):
    """Open HTML files offline: `visit(path)` returns a loaded `Visit`.

    Pages stay open for the session and a second visit to the same file gets the same page
    (the tests only read them); `keep=False` opens a page the caller closes.
    """
    context = browser.new_context(viewport=VIEWPORT)
    opened: dict[Path, Visit] = {}

    def open_page(path: Path, *, keep: bool = True) -> Visit:
        path = Path(path).resolve()
        if keep and path in opened:
            return opened[path]
        page = context.new_page()
        seen = Visit(page, path)
        block_network(page, seen.blocked)
        page.on("requestfailed", lambda r: seen.failed.append((r.url, str(r.failure))))
        page.on("console", lambda m: m.type == "error" and seen.console_errors.append(m.text))
        page.on("pageerror", lambda error: seen.page_errors.append(str(error)))
        page.goto(path.as_uri(), wait_until="load")
        if keep:
            opened[path] = seen
        return seen

    yield open_page
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """outputs/screenshots of the project (git-ignored), for people to review."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
