"""A real public build of the sample quarter, read page by page.

One `phreport run 2022-23-Q3 --publication public` (both areas, every service, the console
script, no override: the sample narratives are complete; `public_run` in tests/conftest.py) is
shared by the tests. They parse every HTML page it wrote and check that no figure of a
restricted (NDTMS) indicator appears, that every count from 1 to 4 is shown as ``*`` in each
cell that would show it (cards, the service scorecards, KPI tables, chart data tables, the
index and scorecard.csv) and never as 0, and that the stop smoking providers table hides a
second provider beside the total. The internal build marks restricted indicators "Not for
publication".
"""

from __future__ import annotations

import csv
import getpass
import json
import re
from pathlib import Path

import pytest
import support as h
from bs4 import BeautifulSoup

from phlib.display.formatting import format_value
from phlib.display.views import kpi_periods, period_labels, window
from phlib.inputs.catalogue import load_catalogue
from phlib.inputs.config import load_parameters
from phlib.inputs.observations import load_observations
from phlib.rules.headline_rows import headline_series
from phlib.rules.publication import Publication
from phlib.rules.selection import summarise
from phlib.run import memo

QUARTER = h.QUARTER
pytestmark = pytest.mark.slow


class Build:
    """The public run: its project, outputs, inputs as phlib reads them, and parsed pages."""

    def __init__(self, root: Path, done):
        self.root, self.done = root, done
        self.out = root / "outputs" / QUARTER
        self.config = load_parameters(root / "parameters" / f"{QUARTER}.yaml", root)
        self.catalogue = load_catalogue(self.config.catalogue_path, self.config.areas_path)
        self.observations = load_observations(list(self.config.observation_paths), self.catalogue)
        self.pub = Publication("public", self.config.suppression_min, self.config.suppression_max)
        self._pages: dict[Path, BeautifulSoup] = {}
        self._summaries: dict[tuple, object] = {}

    def page(self, path: Path) -> BeautifulSoup:
        if path not in self._pages:
            self._pages[path] = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        return self._pages[path]

    def indicators(self, service=None, unit=None, restricted=None):
        found = [
            i
            for s in self.config.services
            for i in self.catalogue.for_service(s)
            if (service is None or i.service == service) and (unit is None or i.unit == unit)
        ]
        if restricted is not None:
            found = [i for i in found if (i.publication == "restricted") == restricted]
        return found

    def headline(self, indicator, area) -> dict:
        """Period id -> (value, numerator, denominator) of the headline rows."""
        series = headline_series(self.observations, indicator.indicator_id, area,
                                 indicator.frequency)  # fmt: skip
        return {
            r.period: (r.value, r.numerator, r.denominator)
            for r in series.itertuples()
            if r.value == r.value
        }

    def summary(self, indicator, area):
        """`phlib.rules.selection.summarise` of one indicator and area (worked out once)."""
        key = (indicator.indicator_id, area)
        if key not in self._summaries:
            self._summaries[key] = summarise(indicator, self.observations, self.config.quarter,
                                             area)  # fmt: skip
        return self._summaries[key]

    def hidden(self, indicator, parts) -> bool:
        return parts is not None and self.pub.hides(indicator, *parts)


@pytest.fixture(scope="module")
def build(public_run) -> Build:
    """The suite's one public run of the sample quarter (`public_run`, tests/conftest.py)."""
    return Build(public_run.root, public_run.done)


def text_of(node) -> str:
    return " ".join(node.get_text(" ").split())


def cells_by_header(table) -> dict[str, str]:
    """A one-row table (an indicator card's figures) as header -> cell text."""
    heads = [text_of(th) for th in table.select("thead th")]
    cells = [text_of(td) for td in table.select("tbody tr td")]
    return dict(zip(heads, cells, strict=True))


def test_the_public_run_passes_the_publication_checks_without_override(build):
    assert build.done.returncode == 0, build.done.stderr[-3000:]
    assert "overridden" not in build.done.stderr
    manifest = json.loads((build.out / "manifest.json").read_text())
    assert manifest["parameters"]["publication"] == "public"
    assert not manifest["publication_override"]["used"]
    pages = sorted(build.out.rglob("*.html"))
    assert len(pages) == 1 + 2 + 20 and not list(build.out.rglob("*.failed.*"))
    for path in pages:
        if path.name not in ("index.html", "annex.html"):
            assert "Public build" in text_of(build.page(path)), path


def test_the_public_manifest_and_log_hold_no_local_paths_user_names_or_tracebacks(build):
    manifest = (build.out / "manifest.json").read_text(encoding="utf-8")
    log = (build.out / "run.log").read_text(encoding="utf-8")
    assert json.loads(manifest)["parameters"]["file"] == f"parameters/{QUARTER}.yaml"
    private = {str(build.root), str(build.root.resolve()), str(Path.home()), str(h.PROJECT)}
    for text, name in ((manifest, "manifest.json"), (log, "run.log")):
        for secret in private:
            assert secret not in text, f"{name} holds {secret}"
        assert "Traceback" not in text and 'File "' not in text, name
        user = getpass.getuser()
        if len(user) > 2:
            assert not re.search(rf"(?<![\w]){re.escape(user)}(?![\w])", text), name


# --- restricted indicators -------------------------------------------------------------------


def restricted_figures(build: Build, indicator, area) -> set[str]:
    """Every figure of a restricted indicator a report could show for recent periods."""
    shown = set()
    frame = window(indicator, build.observations, build.config.quarter, area)
    for row in frame.to_dict("records"):
        for name in ("value", "target", "stat_neighbour_mean", "england_mean"):
            if row.get(name) is not None and row[name] == row[name]:
                shown.add(format_value(row[name], indicator.unit, indicator.decimals))
    s = build.summary(indicator, area)
    for value in (s.current, s.previous, s.target, s.stat_neighbour_mean, s.england_mean):
        if value is not None:
            shown.add(format_value(value, indicator.unit, indicator.decimals))
    return shown - {"N/A"}


def appears(figure: str, text: str) -> bool:
    """`figure` in `text` as a number of its own (not part of a longer number)."""
    return re.search(rf"(?<![\d.,]){re.escape(figure)}(?![\d%]|[.,]\d)", text) is not None


def test_no_figure_of_a_restricted_indicator_appears(build):
    restricted = build.indicators(restricted=True)
    assert len(restricted) >= 5
    index = text_of(build.page(build.out / "index.html"))
    csv_text = (build.out / "scorecard.csv").read_text(encoding="utf-8")
    checked = 0
    for area in build.config.areas:
        # The annex's drugs and alcohol section: elsewhere in the annex other services' own
        # figures (90.0%, 100.0%, ...) match restricted ones by coincidence.
        texts = {
            "page": text_of(build.page(build.out / area / "drugs_alcohol.html")),
            "annex section": text_of(
                build.page(build.out / area / "annex.html").find(id="sec-drugs_alcohol")
            ),
            "index": index,
        }
        for indicator in restricted:
            figures = restricted_figures(build, indicator, area)
            assert figures, indicator.indicator_id
            for figure in figures:
                checked += 1
                for where, text in texts.items():
                    assert not appears(figure, text), (indicator.indicator_id, area, figure, where)
            key = (indicator.indicator_id, area)
            rows = [
                r for r in csv.DictReader(csv_text.splitlines())
                if (r["indicator_id"], r["area"]) == key
            ]  # fmt: skip
            assert [(r["current"], r["previous"], r["target"], r["rag"]) for r in rows] == [
                ("", "", "", "Not published")
            ]
    assert checked > 100


def test_a_public_build_keeps_no_scorecard_between_runs(build, sample_run):
    # the kept scorecard (phlib.run.memo) holds every figure before redaction
    kept = (memo.SCORECARD_FILE, memo.REVIEW_FILE)
    assert all((sample_run.outputs / name).is_file() for name in kept)  # internal builds do
    assert not [p for p in build.out.rglob("*") if p.name in kept]


def test_restricted_cards_and_tables_say_not_published_and_draw_no_chart(build):
    for area in build.config.areas:
        doc = build.page(build.out / area / "drugs_alcohol.html")
        for indicator in build.indicators("drugs_alcohol", restricted=True):
            card = doc.find(id=f"ind-{indicator.indicator_id}")
            if card is not None:
                figures = {}
                for table in card.select("table.card-figures"):
                    figures.update(cells_by_header(table))
                for name, text in figures.items():
                    if name != "Direction for improvement":
                        assert text == "Not published", (indicator.indicator_id, name, text)
            for table in doc.select("table.kpi"):
                for row in table.select("tbody tr"):
                    if text_of(row.th) == indicator.title:
                        values = [text_of(td) for td in row.find_all("td")]
                        if "scorecard" in table["class"]:  # period, current, target, RAG, change
                            values = values[1:4] + ["Not published"] * (values[4] == "")
                        assert set(values) == {"Not published"}, (indicator.indicator_id, values)
        captions = [text_of(f.figcaption) for f in doc.find_all("figure")]
        for indicator in build.indicators("drugs_alcohol", restricted=True):
            assert not any(indicator.title in c for c in captions), indicator.indicator_id


def test_the_internal_build_marks_restricted_indicators_not_for_publication(good_project):
    good = good_project
    doc = BeautifulSoup(
        (good / "outputs" / QUARTER / "cambridgeshire" / "drugs_alcohol.html").read_text(),
        "html.parser",
    )
    cards = doc.select("section.card")
    restricted = [c for c in cards if c["id"] in ("ind-dalc_201", "ind-dalc_waiting_3wk")]
    assert len(restricted) == 2
    for card in restricted:
        assert "Not for publication" in text_of(card), card["id"]
        assert "Not published" not in text_of(card)
    public = [c for c in cards if c["id"] == "ind-dalc_cds_moveons"]
    assert public and "Not for publication" not in text_of(public[0])


# --- small counts ----------------------------------------------------------------------------


class Tally:
    """How many cells were checked and how many were small counts shown as '*'."""

    def __init__(self):
        self.checked = self.starred = 0

    def cell(self, hidden: bool, text: str, raw, indicator, where) -> None:
        self.checked += 1
        if hidden:
            self.starred += 1
            assert text == "*", (where, indicator.indicator_id, raw, text)
        elif raw is not None:
            assert text != "*", (where, indicator.indicator_id, raw, text)
        assert not (hidden and re.fullmatch(r"0(\.0+)?%?", text)), "suppressed shown as zero"


def test_small_counts_are_starred_in_cards_and_service_scorecards(build):
    tally = Tally()
    for area in build.config.areas:
        for service in build.config.services:
            doc = build.page(build.out / area / f"{service}.html")
            table = doc.select_one("table.kpi.scorecard")
            rows = {text_of(tr.th): [text_of(td) for td in tr("td")] for tr in table.tbody("tr")}
            for ind in build.indicators(service, restricted=False):
                s = build.summary(ind, area)
                hidden = build.hidden(ind, (s.current, s.numerator, s.denominator))
                current = rows[ind.title][1]
                tally.cell(hidden, current, s.current, ind, f"{area}/{service} scorecard")
                if not hidden and s.current is not None:
                    assert current == format_value(s.current, ind.unit, ind.decimals)
                card = doc.find(id=f"ind-{ind.indicator_id}")
                if card is None or ind.unit != "count":
                    continue
                figures = cells_by_header(card.select_one("table.card-row-1"))
                now = next(v for k, v in figures.items() if k.startswith("Current"))
                tally.cell(hidden, now, s.current, ind, f"{area}/{service} card")
                before = next(v for k, v in figures.items() if k.startswith("Previous"))
                tally.cell(build.hidden(ind, (s.previous,)), before, s.previous, ind, "card")
    assert tally.checked > 200 and tally.starred >= 4


def test_small_counts_are_starred_in_kpi_tables_and_gaps_in_chart_data(build):
    tally = Tally()
    for area in build.config.areas:
        for service in build.config.services:
            doc = build.page(build.out / area / f"{service}.html")
            by_title = {i.title: i for i in build.indicators(service, restricted=False)}
            for table in doc.select("table.kpi"):
                if {"scorecard", "contracts"} & set(table["class"]):
                    continue
                heads = [text_of(th) for th in table.select("thead th")]
                inds = [by_title.get(text_of(row.th)) for row in table.select("tbody tr")]
                if not inds or None in inds:
                    continue  # not a table of indicators (the providers table, say)
                labels = period_labels(inds[0], build.config.quarter)
                periods = kpi_periods(inds[0], build.config.quarter)
                assert heads[2:] == labels, (area, service, heads)
                for ind, row in zip(inds, table.select("tbody tr"), strict=True):
                    values = build.headline(ind, area)
                    cells = dict(zip(heads[1:], [text_of(td) for td in row("td")], strict=True))
                    for label, period in zip(labels, periods, strict=True):
                        parts = values.get(period.id)
                        text = cells[label].split(" ")[0]
                        where = f"{area}/{service} KPI table {label}"
                        tally.cell(build.hidden(ind, parts), text, parts, ind, where)
            for figure in doc.find_all("figure"):
                caption = text_of(figure.select_one("table.data-table caption"))
                ind = by_title.get(caption.removeprefix("Data for: "))
                if ind is None or ind.unit != "count":
                    continue  # only trend charts are titled with the indicator alone
                values = {p.label: v for p, v in _periods(build, ind, area)}
                for row in figure.select("table.data-table tbody tr"):
                    parts = values.get(text_of(row.th))
                    text = text_of(row.td)
                    hidden = build.hidden(ind, parts)
                    if hidden:
                        assert text == "N/A", (area, ind.indicator_id, text)  # a gap, not 0
                    tally.checked += 1
                    tally.starred += hidden
    assert tally.checked > 200 and tally.starred >= 4


def _periods(build: Build, ind, area):
    from phlib.rules.period_parsing import parse_period

    return [(parse_period(p), v) for p, v in build.headline(ind, area).items()]


def test_small_counts_are_starred_in_the_index_and_scorecard_csv(build):
    doc = build.page(build.out / "index.html")
    with open(build.out / "scorecard.csv", newline="", encoding="utf-8") as handle:
        rows = {(r["indicator_id"], r["area"]): r for r in csv.DictReader(handle)}
    starred = 0
    for ind in build.indicators(restricted=False):
        for area in build.config.areas:
            s = build.summary(ind, area)
            row = rows[(ind.indicator_id, area)]
            cell = doc.select_one(
                f'tr[data-indicator="{ind.indicator_id}"] td[data-area="{area}"] .rag'
            )
            if build.hidden(ind, (s.current, s.numerator, s.denominator)):
                starred += 1
                assert (row["current"], row["rag"], row["change"]) == ("*", "*", "")
                assert text_of(cell) == "*", (ind.indicator_id, area, text_of(cell))
            else:
                assert row["current"] != "*" and text_of(cell) != "*"
            if ind.unit == "count" and build.hidden(ind, (s.previous,)):
                assert row["previous"] == "*"
    assert starred >= 4


def test_contracts_tables_star_small_counts(build):
    found = 0
    for area in build.config.areas:
        for service in build.config.services:
            doc = build.page(build.out / area / f"{service}.html")
            for table in doc.select("table.kpi.contracts"):
                for td in table.select("tbody td"):
                    text = text_of(td)
                    match = re.match(r"([\d,]+) of ([\d,]+)", text)
                    if match:
                        numbers = [int(n.replace(",", "")) for n in match.groups()]
                        assert not any(1 <= n <= 4 for n in numbers), (area, service, text)
                    found += text == "*"
    assert found >= 1, "the sample has pharmacy contracts of 2 of 3"


def test_quitters_by_provider_hide_a_second_provider_beside_the_total(build):
    doc = build.page(build.out / "cambridgeshire" / "stop_smoking.html")
    table = next(t for t in doc.select("table.kpi") if "by provider" in text_of(t.caption))
    heads = [text_of(th) for th in table.select("thead th")]
    rows = {
        text_of(tr.th).split(": ")[-1]: dict(zip(heads[1:], [text_of(td) for td in tr("td")],
                                                 strict=True))
        for tr in table.select("tbody tr")
    }  # fmt: skip
    october = {name: cells["Oct 2022"] for name, cells in rows.items()}
    assert october["community pharmacies"] == "*"  # 1 quitter
    assert october["GP practices"] == "*"  # 10, hidden so that 1 cannot be worked out
    assert october["lifestyle service"] != "*" and october["Total"] != "*"
