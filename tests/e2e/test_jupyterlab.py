"""End to end: commentary typed in JupyterLab beside the chart survives the next run.

A real JupyterLab server serves a copy of the project after a real `phreport run`; headless
Chromium opens the executed notebook, double-clicks a narrative cell, types into it with the
keyboard, renders it and saves with Ctrl+S, as an analyst would. Then the next `phreport run`
must carry the sentence into the narrative store under the cell's key and into the HTML,
leaving every other section as it was. A second test edits the store file by hand and checks
that `phreport export` shows the text without executing anything, and how long that takes.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from phlib.narratives.cells import cell_key, is_narrative
from phlib.narratives.store import WRITTEN, load
from phlib.report.pdf import find_chromium, with_browser

pytestmark = [pytest.mark.slow, pytest.mark.browser]

QUARTER, AREA, SERVICE = "2022-23-Q3", "cambridgeshire", "sexual_health"
SCOPE = ("--areas", AREA, "--services", SERVICE)
KEY = "sh_dna_rate"
CELL_TEXT = "not attended in December"  # in the sh_dna_rate cell of the sample narratives
SENTENCE = "Send text reminders two days before each booked appointment from March; ref QX-4817."
STARTUP_TIMEOUT = 90
UI_TIMEOUT_MS = 90_000


def words(path: Path) -> str:
    """The visible text of an HTML page, with runs of white space as one space."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return " ".join(soup.get_text(" ").split())


def wait_until(condition, timeout: float, what: str) -> None:
    """Poll `condition` every 0.1 s until it is true; fail naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}", pytrace=False)
        time.sleep(0.1)


@dataclass
class Lab:
    """A running JupyterLab: its token, its log file, its runtime folder and, once it has
    started, the port it listens on (the system picks a free one: `--port=0`)."""

    token: str
    log: Path
    runtime: Path
    port: int = 0

    def url(self, relative: str) -> str:
        """The JupyterLab address that opens `relative` (a path under the root folder)."""
        return f"http://127.0.0.1:{self.port}/lab/tree/{relative}?token={self.token}"

    def ready(self, pid: int) -> bool:
        """True once the server `pid` has written its port and answers its status API."""
        if not self.port:
            with contextlib.suppress(OSError, ValueError, KeyError):
                server = self.runtime / f"jpserver-{pid}.json"
                self.port = int(json.loads(server.read_text(encoding="utf-8"))["port"])
        if not self.port:
            return False
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/api/status",
            headers={"Authorization": f"token {self.token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=2) as reply:
                return reply.status == 200
        except (OSError, urllib.error.URLError):
            return False


@contextlib.contextmanager
def jupyterlab(root: Path, home: Path):
    """Run `jupyter lab` serving `root`, with its settings under `home` and nothing fetched
    from the internet (no news, no update check, no PyPI extension manager, no kernel)."""
    home.mkdir(parents=True, exist_ok=True)
    lab = Lab(secrets.token_hex(16), home / "jupyterlab.log", home / "runtime")
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(lab.runtime),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    }
    command = [
        str(Path(sys.executable).with_name("jupyter")),
        "lab",
        "--no-browser",
        "--port=0",  # a port the system picks as it binds it: no other process can take it
        "--ServerApp.port_retries=0",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={lab.token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.allow_root=True",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        "--LabApp.notebook_starts_kernel=False",
    ]
    with open(lab.log, "w", encoding="utf-8") as log:
        server = subprocess.Popen(
            command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while not lab.ready(server.pid):
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"JupyterLab did not start (exit code {server.poll()}):\n"
                        + lab.log.read_text(encoding="utf-8")[-3000:],
                        pytrace=False,
                    )
                time.sleep(0.2)
            yield lab
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def type_into_narrative_cell(lab: Lab, notebook: str, cell_text: str, typed: str, shots: Path):
    """Open `notebook` in JupyterLab, type `typed` at the end of the narrative cell that shows
    `cell_text`, render the cell and save; returns the requests that were not to the server."""
    local = f"http://127.0.0.1:{lab.port}/"
    blocked: list[str] = []

    def only_local(route) -> None:
        url = route.request.url
        if url.startswith((local, "data:", "blob:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort("blockedbyclient")

    def work(browser) -> None:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(UI_TIMEOUT_MS)
        page.route("**/*", only_local)
        try:
            page.goto(lab.url(notebook))
            cell = page.locator(".jp-MarkdownCell", has_text=cell_text)
            cell.wait_for()
            for button in page.locator(".jp-Dialog .jp-mod-reject").all():
                button.click()  # e.g. a kernel chooser: keep "No Kernel"
            cell.locator(".jp-MarkdownOutput").dblclick()  # rendered Markdown -> editor
            editor = cell.locator(".cm-content")
            editor.click()
            page.wait_for_function(
                "el => el.contains(document.activeElement)", arg=editor.element_handle()
            )
            page.keyboard.press("Control+End")
            page.keyboard.press("Enter")
            page.keyboard.press("Enter")
            page.keyboard.type(f"- {typed}")
            page.keyboard.press("Shift+Enter")  # render the Markdown
            cell.locator(".jp-MarkdownOutput", has_text=typed).wait_for()
            page.keyboard.press("Control+s")
            page.locator(".jp-mod-dirty").wait_for(state="detached")
        except Exception:
            page.screenshot(path=str(shots / "jupyterlab-failure.png"))
            raise

    # In a thread of its own, so it works beside the browser tests' Playwright session.
    with_browser(work, executable=find_chromium())
    return blocked


def test_text_typed_in_jupyterlab_reaches_the_store_and_the_pages(project, phreport, tmp_path):
    store = project / "narratives" / QUARTER / AREA / f"{SERVICE}.md"
    outputs = project / "outputs" / QUARTER / AREA
    notebook = outputs / f"{SERVICE}.ipynb"
    before_bytes, before = store.read_bytes(), load(store)
    assert KEY in before.sections and SENTENCE not in notebook.read_text(encoding="utf-8")

    clock = time.perf_counter()
    with jupyterlab(project, tmp_path / "jupyter") as lab:
        blocked = type_into_narrative_cell(
            lab, notebook.relative_to(project).as_posix(), CELL_TEXT, SENTENCE, tmp_path
        )
        wait_until(
            lambda: SENTENCE in notebook.read_text(encoding="utf-8"), 30,
            f"JupyterLab to save the sentence into {notebook}",
        )  # fmt: skip
    lab_seconds = time.perf_counter() - clock
    assert blocked == [], f"JupyterLab asked for something outside the server: {blocked}"

    saved = nbformat.read(notebook, as_version=4)
    nbformat.validate(saved)
    edited = [c for c in saved.cells if is_narrative(c) and cell_key(c) == KEY]
    assert len(edited) == 1 and edited[0].source.endswith(f"#### Actions\n\n- {SENTENCE}")
    assert edited[0].metadata["phlib"]["narrative_hash"], "JupyterLab dropped the cell metadata"
    assert store.read_bytes() == before_bytes, "saving the notebook must not touch the store"

    run = phreport(project, "run", QUARTER, *SCOPE)
    after = load(store)
    section = after.sections[KEY]
    assert section.actions == f"- {SENTENCE}", run.output
    assert section.commentary == before.sections[KEY].commentary
    assert section.status == WRITTEN
    assert list(after.sections) == list(before.sections)
    for key, old in before.sections.items():
        if key != KEY:
            assert after.sections[key] == old, f"section {key!r} changed"
    for page in (outputs / f"{SERVICE}.html", outputs / "annex.html"):
        text = words(page)
        assert SENTENCE in text, f"{page.name} does not show the typed sentence"
        for key, old in before.sections.items():
            first = " ".join(old.commentary.split("\n")[0].split())[:80]
            assert first in text, f"{page.name} lost the commentary of {key!r}"
    print(f"\nJupyterLab edit (start, type, save, stop): {lab_seconds:.1f} s; "
          f"next run: {run.seconds:.1f} s")  # fmt: skip


def test_text_edited_in_the_store_file_reaches_the_pages_by_export(project, phreport):
    store = project / "narratives" / QUARTER / AREA / f"{SERVICE}.md"
    outputs = project / "outputs" / QUARTER / AREA
    added = "Missed appointments are now reviewed at the monthly contract meeting (note NB-2291)."
    text = store.read_text(encoding="utf-8")
    assert "\n## access\n" in text
    store.write_text(text.replace("\n## access\n", f"\n{added}\n\n## access\n", 1), "utf-8")
    assert added in load(store).sections["summary"].commentary
    pages_before = {p.name: words(p) for p in outputs.glob("*.html")}
    assert all(added not in page for page in pages_before.values())

    done = phreport(project, "export", QUARTER, *SCOPE)
    for name in (f"{SERVICE}.html", "annex.html"):
        assert added in words(outputs / name), f"export did not bring the edit into {name}"
    nb = nbformat.read(outputs / f"{SERVICE}.ipynb", as_version=4)
    summary = [c for c in nb.cells if is_narrative(c) and cell_key(c) == "summary"]
    assert added in summary[0].source, "the executed notebook should show the store's text"
    assert (outputs.parent / "index.html").is_file()
    timing = f"{done.seconds:.1f} s ({done.cpu_seconds:.1f} s of processor time)"
    print(f"\nphreport export of 1 annex (1 section): {timing}")
    # processor time, not wall time: other work on the machine must not fail this bound
    assert done.cpu_seconds < 10, f"export took {timing} for one annex"
