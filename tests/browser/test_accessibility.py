"""Accessibility of the sample quarter's pages, checked in Chromium.

axe-core (shipped by axe-playwright-python) finds no serious or critical violation on the
index, an annex and a service page. Our own checks, on the index and every annex: the language
is set; every image has alt text, and a chart's alt text states its title, its latest value
and its target; every table has a caption and header cells; a RAG rating always shows its word
and its text reaches 4.5:1 contrast; heading levels never skip; the colours drawn in charts
reach 3:1 against white."""

from __future__ import annotations

import base64
import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from phlib.display.style import PALETTE, RAG_COLOURS, WHITE, contrast_ratio, rag_class

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BLOCKING_IMPACTS = ("serious", "critical")
MISSING_TEXTS = ("", "N/A", "*", "Not published")
TIME_COLUMNS = ("period", "month", "quarter", "financial year", "year", "date")
DECORATIVE = {WHITE.lower(), PALETTE["grid"].lower()}

DOM_FACTS = """() => {
  const text = e => (e ? e.textContent : '').trim().replace(/\\s+/g, ' ');
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const background = e => {
    for (let n = e; n; n = n.parentElement) {
      const c = rgb(getComputedStyle(n).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const ragClass = c => c === 'rag' || c.startsWith('rag-');
  return {
    lang: document.documentElement.getAttribute('lang') || '',
    headings: [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]
      .map(h => ({level: +h.tagName[1], text: text(h).slice(0, 80)})),
    images: [...document.images].map(i => ({
      alt: i.getAttribute('alt'), src: i.getAttribute('src') || '',
      chart: !!i.closest('figure.chart'),
    })),
    charts: [...document.querySelectorAll('figure.chart')].map(f => {
      const table = f.querySelector('table');
      return {
        alt: (f.querySelector('img') || {}).alt || '',
        caption: text(f.querySelector('figcaption')),
        title: table ? text(table.caption).replace(/^Data for:\\s*/, '') : '',
        headers: table ? [...table.querySelectorAll('thead th')].map(text) : [],
        rows: table ? [...table.querySelectorAll('tbody tr')]
          .map(r => [...r.children].map(text)) : [],
      };
    }),
    tables: [...document.querySelectorAll('table')].map(t => ({
      caption: text(t.caption), th: t.querySelectorAll('th').length,
      html: t.outerHTML.slice(0, 160),
    })),
    rags: [...document.querySelectorAll('[class]')]
      .filter(e => [...e.classList].some(ragClass))
      .map(e => ({
        classes: [...e.classList].filter(ragClass), text: text(e).slice(0, 80),
        visible: e.getClientRects().length > 0,
        color: rgb(getComputedStyle(e).color).slice(0, 3), background: background(e),
      })),
  };
}"""


@pytest.fixture(scope="module")
def audited(quarter_outputs, annex_paths, service_paths, visit) -> dict:
    """name -> (Visit, DOM facts) for the index, every annex and the first service page."""
    chosen = {"index.html": quarter_outputs / "index.html"}
    for path in annex_paths:
        chosen[f"{path.parent.name}/annex.html"] = path
    first = service_paths[0]
    chosen[f"{first.parent.name}/{first.name}"] = first
    found = {}
    for name, path in chosen.items():
        seen = visit(path)
        found[name] = (seen, seen.page.evaluate(DOM_FACTS))
    return found


def _axe_report(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} elements)")
        for node in v["nodes"][:4]:
            lines.append(f"    at {', '.join(map(str, node['target']))}")
            lines.append(f"       {node.get('html', '')[:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"       {summary[:240]}")
    return "\n".join(lines)


def test_axe_finds_no_serious_or_critical_violations(audited, annex_paths, service_paths):
    axe = Axe()
    names = ["index.html", f"{annex_paths[0].parent.name}/annex.html"]
    names.append(f"{service_paths[0].parent.name}/{service_paths[0].name}")
    report = []
    for name in names:
        seen, _ = audited[name]
        results = axe.run(seen.page)
        assert "violations" in results.response, f"axe did not run on {name}"
        blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
        if blocking:
            report.append(f"--- {name}\n{_axe_report(blocking)}")
    assert not report, "axe-core found serious or critical violations:\n" + "\n".join(report)


def test_the_language_is_english(audited):
    wrong = {name: facts["lang"] for name, (_, facts) in audited.items()}
    wrong = {
        name: lang for name, lang in wrong.items() if not re.fullmatch(r"en(-[A-Z]{2})?", lang)
    }
    assert not wrong, f"<html lang> should be en or en-GB: {wrong}"


def test_headings_never_skip_a_level(audited):
    problems = []
    for name, (_, facts) in audited.items():
        levels = facts["headings"]
        if not levels or levels[0]["level"] != 1:
            problems.append(f"{name}: the first heading is not an h1 ({levels[:1]})")
        for before, after in zip(levels, levels[1:], strict=False):
            if after["level"] > before["level"] + 1:
                problems.append(
                    f"{name}: h{before['level']} {before['text']!r} is followed by "
                    f"h{after['level']} {after['text']!r}"
                )
    assert not problems, f"{len(problems)} heading problems:\n" + "\n".join(problems[:40])


def test_every_image_has_alt_text(audited):
    problems = [
        f"{name}: image {image['src'][:50]!r} has no alt text"
        for name, (_, facts) in audited.items()
        for image in facts["images"]
        if not (image["alt"] or "").strip()
    ]
    assert not problems, "\n".join(problems)


def _present(cell: str) -> bool:
    return cell.strip() not in MISSING_TEXTS


def chart_alt_problems(chart: dict) -> list[str]:
    """What a chart's alt text fails to state, judged from the chart's own data table."""
    alt, where = chart["alt"], chart["caption"][:70] or chart["title"][:70]
    problems = []
    if len(alt) < 30:
        problems.append(f"{where!r}: alt text {alt!r} is too short to say what the chart shows")
    if chart["title"] and chart["title"] not in alt:
        problems.append(f"{where!r}: alt text does not name the chart ({chart['title']!r})")
    headers, rows = chart["headers"], [r for r in chart["rows"] if len(r) > 1]
    if not headers or not rows:
        return problems + [f"{where!r}: the chart has no data table to check its alt text with"]
    latest = [r for r in rows if _present(r[1])]
    if not latest:
        if "no data" not in alt.lower():
            problems.append(f"{where!r}: no values, but the alt text does not say so: {alt!r}")
        return problems
    row = latest[-1]
    if headers[0].lower() in TIME_COLUMNS and row[1] not in alt:
        problems.append(f"{where!r}: alt text lacks the latest value {row[1]} ({row[0]}): {alt!r}")
    if headers[0].lower() not in TIME_COLUMNS and not any(r[1] in alt for r in latest):
        problems.append(f"{where!r}: alt text states none of the chart's values: {alt!r}")
    for column, name in enumerate(headers):
        if column and re.search(r"target|threshold", name, re.I) and column < len(row):
            targets = [r[column] for r in rows if column < len(r) and _present(r[column])]
            accepted = {row[column], *targets[-1:]} - set(MISSING_TEXTS)
            if accepted and not any(t in alt for t in accepted):
                problems.append(f"{where!r}: alt text lacks the {name.lower()} {accepted}: {alt!r}")
    return problems


def test_chart_alt_text_states_title_latest_value_and_target(audited):
    charts = [c for _, (_, facts) in audited.items() for c in facts["charts"]]
    assert charts, "no figure.chart found on the index or the annexes"
    problems = [line for chart in charts for line in chart_alt_problems(chart)]
    assert not problems, f"{len(problems)} of {len(charts)} charts:\n" + "\n".join(problems[:30])


def test_the_alt_text_check_catches_a_missing_target():
    chart = {
        "alt": "Line chart of Referrals, Q1 to Q2. Latest value 55% in Q2.",
        "caption": "Figure 1.1: Referrals",
        "title": "Referrals",
        "headers": ["Period", "Performance", "Target"],
        "rows": [["Q1", "50%", "60%"], ["Q2", "55%", "60%"]],
    }
    assert chart_alt_problems(chart) == [
        "'Figure 1.1: Referrals': alt text lacks the target {'60%'}: " + repr(chart["alt"])
    ]
    chart["alt"] += " Against a target of 60%."
    assert chart_alt_problems(chart) == []


def test_every_table_has_a_caption_and_header_cells(audited):
    problems = []
    for name, (_, facts) in audited.items():
        for table in facts["tables"]:
            if not table["caption"]:
                problems.append(f"{name}: table without a caption: {table['html']}")
            if not table["th"]:
                problems.append(f"{name}: table without header cells: {table['html']}")
    assert not problems, f"{len(problems)} table problems:\n" + "\n".join(problems[:30])


RAG_WORDS = {rag_class(word): word for word in RAG_COLOURS}


def test_rag_ratings_always_show_their_word(audited):
    problems, seen = [], 0
    for name, (_, facts) in audited.items():
        for element in facts["rags"]:
            named = [RAG_WORDS[c] for c in element["classes"] if c in RAG_WORDS]
            if "rag-none" in element["classes"]:
                continue
            seen += 1
            wanted = named or list(RAG_COLOURS)
            if not any(word.lower() in element["text"].lower() for word in wanted):
                problems.append(
                    f"{name}: element with classes {element['classes']} shows "
                    f"{element['text']!r}, not the word {' or '.join(wanted[:1] or wanted)}"
                )
    assert seen, "no RAG rating found on the index or the annexes"
    assert not problems, "RAG shown by colour alone:\n" + "\n".join(problems[:30])


def _hex(rgb: list[float]) -> str:
    return "#" + "".join(f"{round(c):02X}" for c in rgb)


def test_rag_text_has_4_5_to_1_contrast(audited):
    problems = []
    for name, (_, facts) in audited.items():
        for element in facts["rags"]:
            if not element["visible"] or not element["text"]:
                continue
            text, ground = _hex(element["color"]), _hex(element["background"])
            ratio = contrast_ratio(text, ground)
            if ratio < 4.5:
                problems.append(
                    f"{name}: {element['text']!r} ({element['classes']}) is {text} on {ground}, "
                    f"contrast {ratio:.2f}:1 (needs 4.5:1)"
                )
    assert not problems, "\n".join(problems[:30])


def svg_colours(src: str) -> set[str]:
    """The #RRGGBB colours an SVG data URI fills or strokes with.

    >>> import base64
    >>> uri = "data:image/svg+xml;base64," + base64.b64encode(
    ...     b'<svg><path style="fill: #1f5a96; stroke: #FFFFFF"/></svg>').decode()
    >>> sorted(svg_colours(uri))
    ['#1f5a96', '#ffffff']
    """
    head, _, body = src.partition(",")
    svg = base64.b64decode(body).decode("utf-8") if head.endswith(";base64") else body
    found = re.findall(r"(?:fill|stroke|color)\s*[:=]\s*[\"']?(#[0-9a-fA-F]{6})\b", svg)
    return {c.lower() for c in found}


def test_chart_colours_have_3_to_1_contrast_on_white(audited):
    svgs = [
        image["src"]
        for _, (_, facts) in audited.items()
        for image in facts["images"]
        if image["chart"] and image["src"].startswith("data:image/svg+xml")
    ]
    assert svgs, "no SVG chart found to check its colours"
    colours = set().union(*(svg_colours(src) for src in svgs)) - DECORATIVE
    weak = {c: contrast_ratio(c, WHITE) for c in colours if contrast_ratio(c, WHITE) < 3}
    assert colours, "the charts draw with no colours at all"
    assert not weak, f"chart colours below 3:1 on white: {weak}"
