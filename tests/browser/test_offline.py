"""Every page of the sample quarter works offline: it loads from file:// with the network
blocked, without console or script errors, failed requests or broken images, and every
internal link (the contents, "Return to index", links between pages) leads to a target."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGE_FACTS = """() => ({
  ids: [...document.querySelectorAll('[id]')].map(e => e.id)
       .concat([...document.querySelectorAll('a[name]')].map(e => e.name)),
  links: [...document.querySelectorAll('a[href]')].map(a => ({
    href: a.href, raw: a.getAttribute('href'), text: a.textContent.trim().replace(/\\s+/g, ' ')
  })),
  images: [...document.images].map(i => ({
    ok: i.complete && i.naturalWidth > 0, alt: i.getAttribute('alt') || '',
    src: (i.getAttribute('src') || '').slice(0, 60)
  })),
  external: [...document.querySelectorAll('[src],link[href],[srcset]')]
    .map(e => e.getAttribute('src') || e.getAttribute('href') || e.getAttribute('srcset'))
    .filter(u => /^(https?:)?\\/\\//i.test(u)),
})"""
EXTERNAL_SCHEMES = ("http", "https", "mailto", "tel")


@pytest.fixture(scope="module")
def pages(quarter_outputs, visit) -> dict[Path, dict]:
    """Each HTML page of the quarter, opened offline: its load problems, ids, links, images."""
    found = {}
    for path in sorted(quarter_outputs.rglob("*.html")):
        keep = path.name in ("index.html", "annex.html")  # the other tests read these again
        seen = visit(path, keep=keep)
        facts = seen.page.evaluate(PAGE_FACTS)
        facts["problems"] = seen.problems()
        found[path.resolve()] = facts
        if not keep:
            seen.page.close()
    return found


def test_the_sample_quarter_runs_without_failures(quarter_run):
    assert quarter_run.returncode == 0, (
        f"phreport run exited with {quarter_run.returncode}:\n{quarter_run.stdout[-3000:]}"
        f"\n{quarter_run.stderr[-3000:]}"
    )


def test_the_quarter_has_an_index_annexes_and_service_pages(quarter_outputs, pages):
    index = quarter_outputs.resolve() / "index.html"
    annexes = [p for p in pages if p.name == "annex.html"]
    services = [p for p in pages if p.parent != index.parent and p.name != "annex.html"]
    assert index in pages
    assert len(annexes) >= 2, f"expected an annex per area, found {annexes}"
    assert len(services) >= 2 * len(annexes), f"expected service pages, found {services}"


def test_every_page_loads_offline_without_errors(pages):
    problems = [line for facts in pages.values() for line in facts["problems"]]
    for path, facts in pages.items():
        problems += [f"{path.name}: asks another host for {url}" for url in facts["external"]]
        problems += [
            f"{path.name}: broken image (alt {image['alt'][:60]!r}, src {image['src']!r})"
            for image in facts["images"]
            if not image["ok"]
        ]
    assert not problems, "\n".join(problems)


def _target(href: str) -> tuple[str, Path | None, str]:
    """(scheme, file path or None, fragment) of a link the browser resolved."""
    parts = urlsplit(href)
    path = Path(url2pathname(unquote(parts.path))).resolve() if parts.scheme == "file" else None
    return parts.scheme, path, unquote(parts.fragment)


def test_every_internal_link_leads_to_an_existing_target(quarter_outputs, pages):
    root = quarter_outputs.resolve()
    problems, checked = [], 0
    for path, facts in pages.items():
        for link in facts["links"]:
            scheme, target, fragment = _target(link["href"])
            where = f"{path.relative_to(root)}: link {link['text'][:50]!r} ({link['raw']})"
            if scheme in EXTERNAL_SCHEMES:
                continue
            checked += 1
            if scheme != "file" or target is None:
                problems.append(f"{where} is neither a page of the report nor a web address")
            elif not target.is_relative_to(root):
                problems.append(f"{where} leaves the quarter's folder ({target})")
            elif not target.exists():
                problems.append(f"{where} leads to a missing file {target.relative_to(root)}")
            elif fragment and target.suffix == ".html":
                ids = pages[target]["ids"] if target in pages else []
                if fragment not in ids:
                    problems.append(
                        f"{where}: {target.relative_to(root)} has no element with id {fragment!r}"
                    )
    assert checked > 0, "no internal links found at all"
    assert not problems, f"{len(problems)} broken internal links:\n" + "\n".join(problems)


def test_every_page_returns_to_the_index(quarter_outputs, pages):
    index = quarter_outputs.resolve() / "index.html"
    problems = []
    for path, facts in pages.items():
        if path == index:
            continue
        back = [link for link in facts["links"] if link["text"].lower() == "return to index"]
        if not back:
            problems.append(f"{path.relative_to(index.parent)} has no 'Return to index' link")
        for link in back:
            _, target, _ = _target(link["href"])
            if target != index:
                problems.append(
                    f"{path.relative_to(index.parent)}: 'Return to index' leads to "
                    f"{link['raw']!r}, not the quarter's index.html"
                )
    assert not problems, "\n".join(problems)


def test_the_index_links_to_every_annex(quarter_outputs, pages):
    root = quarter_outputs.resolve()
    linked = {_target(link["href"])[1] for link in pages[root / "index.html"]["links"]}
    missing = [p.relative_to(root) for p in pages if p.name == "annex.html" and p not in linked]
    assert not missing, f"the index does not link to {missing}"
