"""`Workbook`: the one object a service-area notebook uses.

A notebook's parameters cell names the quarter, area and input paths; its next cell opens the
workbook, and every later cell is one call that shows one thing::

    wb = Workbook.open(quarter, area, "sexual_health", catalogue_path=..., ...)
    wb.heading()
    wb.kpi_table(["sh_sti_offered_2wd", "sh_sti_seen_2wd"], "Access within two working days")
    wb.card("sh_dna_rate")

An analyst adds charts and tables of their own with `wb.figure`, `wb.table` and `wb.data`
(`phlib.display.own_content`), numbered in the same sequence.

Each call returns a `Block` whose HTML Jupyter shows (and nbconvert exports). Figures and tables
are numbered within the service's section ("Figure 3.2"). The same rules as the scorecard
choose every figure (`phlib.rules.selection`), so a card always agrees with the index.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from phlib.display import views
from phlib.display.block import Block
from phlib.display.card_extras import breakdown_summary, with_extras
from phlib.display.cards import card_html
from phlib.display.control import caption as spc_caption
from phlib.display.control import control_view, with_signals
from phlib.display.embed import chart_html
from phlib.display.formatting import SUPPRESSED, WITHHELD, format_value
from phlib.display.headline_view import card_headline, table_headline
from phlib.display.markup import esc
from phlib.display.numbering import Numbering
from phlib.display.own_content import OwnContent
from phlib.display.parts import parts_view
from phlib.display.tables import contracts_table, kpi_table, table_html
from phlib.inputs.catalogue import SERVICES, load_catalogue
from phlib.inputs.notebook_parameters import check_parameters, papermill_parameter_names
from phlib.inputs.observations import load_observations
from phlib.rules.periods import Quarter
from phlib.rules.publication import Publication
from phlib.rules.selection import headline_index, summarise_rows

_ASSETS = Path(__file__).parent / "report" / "assets"


@dataclass
class Workbook(OwnContent):
    """One service area for one area and quarter: its data, numbering and display calls."""

    quarter: Quarter
    area: str
    service: str
    catalogue: object
    observations: object
    publication: Publication
    section_number: int = 1
    numbering: Numbering = field(init=False)
    placed: set = field(init=False, default_factory=set)  # indicator ids shown by a cell

    def __post_init__(self):
        self.numbering = Numbering(self.section_number)
        area_rows = self.observations[self.observations["area"] == self.area]
        self._headlines = headline_index(area_rows)  # rated many times: index once

    @classmethod
    def open(
        cls,
        quarter: str,
        area: str,
        service: str,
        *,
        catalogue_path,
        areas_path=None,
        observation_paths=(),
        publication: str = "internal",
        suppression_min: int = 1,
        suppression_max: int = 4,
        section_number: int = 1,
        **unknown,
    ) -> Workbook:
        """Load and validate the inputs (raising `phlib.errors.InputError` listing every
        problem) and return the workbook for one service, area and quarter. A keyword that is
        not a notebook parameter is a `phlib.errors.ParameterError` naming it, and so is a
        name papermill was given (`-p NAME VALUE`) that is not one."""
        check_parameters(unknown, service, papermill_parameter_names())
        catalogue = load_catalogue(catalogue_path, areas_path)
        paths = [observation_paths] if isinstance(observation_paths, str) else observation_paths
        observations = load_observations(list(paths), catalogue, areas=[area])
        catalogue.area_name(area)  # KeyError naming the closest area if unknown
        if service not in SERVICES:
            raise KeyError(f"unknown service {service!r}; use one of {', '.join(SERVICES)}")
        pub = Publication(publication, int(suppression_min), int(suppression_max))
        return cls(
            Quarter.parse(quarter), area, service, catalogue, observations, pub, int(section_number)
        )

    # -- helpers -------------------------------------------------------------------------
    @property
    def area_name(self) -> str:
        return self.catalogue.area_name(self.area)

    def indicator(self, indicator_id: str):
        self.placed.add(indicator_id)
        return self.catalogue.indicator(indicator_id)

    def summary(self, indicator_id: str):
        ind = self.catalogue.indicator(indicator_id)
        series = self._headlines.get((ind.indicator_id, self.area, ind.frequency), [])
        return summarise_rows(ind, series, self.quarter, self.area)

    def _figure(self, chart, caption: str | None = None) -> str:
        return "" if chart is None else chart_html(chart, self.numbering.figure(), caption)

    # -- what notebooks show ---------------------------------------------------------------
    def style(self) -> Block:
        """The card, table and figure styles, for viewing the notebook in JupyterLab."""
        css = (_ASSETS / "components.css").read_text(encoding="utf-8")
        return Block(f"<style>{css}</style>", "styles")

    def heading(self) -> Block:
        """The service's numbered heading with the area and quarter."""
        title = f"{self.section_number}. {SERVICES[self.service]}"
        mode = "Public build" if self.publication.public else "Internal build"
        html = (
            f'<header class="service-head" id="sec-{esc(self.service)}">'
            f"<h2>{esc(title)}</h2>"
            f'<p class="service-meta">{esc(self.area_name)} · {esc(self.quarter.label)} · '
            f"{mode}</p></header>"
        )
        return Block(html, title)

    def scorecard(self) -> Block:
        """A table of every indicator of the service: period, current, target, RAG, change."""
        rows = []
        for ind in self.catalogue.for_service(self.service):
            s = self.summary(ind.indicator_id)
            hidden = self.publication.hides(ind, s.current, s.numerator, s.denominator)
            withheld = self.publication.withholds(ind)
            shown = (
                "Not published"
                if withheld
                else ("*" if hidden else format_value(s.current, ind.unit, ind.decimals))
            )
            rag = "Not published" if withheld or hidden else s.rag
            target = (
                format_value(s.target, ind.unit, ind.decimals)
                if s.target is not None
                else (ind.status or "TBC")
            )
            rows.append(
                (
                    ind.indicator_id,
                    ind.title,
                    s.period_label,
                    shown,
                    "Not published" if withheld else target,
                    rag,
                    "" if withheld or hidden else (s.change or ""),
                )
            )
        label = self.numbering.table()
        head = "".join(
            f'<th scope="col">{h}</th>'
            for h in ("Indicator", "Period", "Current", "Target", "RAG rating", "Change")
        )
        body = "".join(  # each row is an anchor (sc-<id>) for indicators without a card
            f'<tr id="sc-{esc(i)}"><th scope="row">{esc(t)}</th><td>{esc(p)}</td>'
            f"<td>{esc(c)}</td><td>{esc(g)}</td>"
            f'<td class="rag-cell rag-{esc(r.lower().replace(" ", "-"))}">'
            f"{esc(r)}</td><td>{esc(ch)}</td></tr>"
            for i, t, p, c, g, r, ch in rows
        )
        caption = f"{label}: {SERVICES[self.service]} indicators, {self.quarter.label}"
        return Block(
            f'<table class="kpi scorecard"><caption>{esc(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>",
            caption,
        )

    def card(
        self,
        indicator_id: str,
        *,
        trend: bool = True,
        comparison: bool = True,
        breakdown: bool = True,
        control: bool = True,
    ) -> Block:
        """The generated headline, the indicator card, then its performance chart, three-year
        comparison, any breakdown by district and, for a monthly series with 15 or more
        months, its SPC chart (each only where there are data to show)."""
        ind = self.indicator(indicator_id)
        s, note = breakdown_summary(self.summary(indicator_id), self.observations, ind,
                                    self.quarter, self.area)  # fmt: skip
        previous = views.window(ind, self.observations, self.quarter, self.area, count=2)
        parts = (previous.iloc[0]["numerator"], previous.iloc[0]["denominator"])
        card = views.card_view(ind, s, self.publication, parts)
        records = self._headlines.get((ind.indicator_id, self.area, ind.frequency), [])
        england = self.catalogue.area_codes.get(self.area) == "E92000001"
        card = with_extras(card, ind, records, s, england, note)
        found, spc = control_view(ind, self.observations, self.quarter, self.area,
                                  self.publication, s.target)  # fmt: skip
        card = with_signals(card, found)
        html = [card_headline(card, s, found), card_html(card, heading_level=4)]
        if trend:
            html.append(
                self._figure(
                    views.trend_view(
                        ind, self.observations, self.quarter, self.area, self.publication
                    ),
                    f"{self.area_name} performance: {ind.title}",
                )
            )
        if comparison:
            html.append(
                self._figure(
                    views.comparison_view(
                        ind,
                        self.observations,
                        self.quarter,
                        self.area,
                        self.area_name,
                        self.publication,
                    )
                )
            )
        if breakdown:
            html.append(
                self._figure(
                    views.breakdown_view(ind, self.observations, s, self.area, self.publication)
                )
            )
        if control and spc is not None:
            html.append(self._figure(spc, spc_caption(found, self.area_name, ind.title)))
        return Block("\n".join(h for h in html if h), ind.title)

    def trend(self, indicator_id: str) -> Block:
        """A numbered line chart of the indicator's recent periods."""
        ind = self.indicator(indicator_id)
        chart = views.trend_view(ind, self.observations, self.quarter, self.area, self.publication)
        return Block(self._figure(chart) or _withheld(ind), ind.title)

    def trajectory(self, indicator_id: str) -> Block:
        """Cumulative actual against the year-to-date target line for the financial year."""
        ind = self.indicator(indicator_id)
        chart = views.trajectory_view(
            ind, self.observations, self.quarter, self.area, self.publication
        )
        return Block(self._figure(chart) or _withheld(ind), ind.title)

    def parts(self, total_id: str, part_ids, caption: str) -> Block:
        """A monthly table of the parts of a total (such as quitters by provider) with the total,
        then each part's cumulative chart. In a public build a small count is ``*`` and so is
        the part that would reveal it by subtraction; a part with any hidden month in the
        year to date has no chart (see `phlib.display.parts`)."""
        parts = [self.indicator(i) for i in part_ids]
        months = views.kpi_periods(parts[0], self.quarter)
        view = parts_view(self.indicator(total_id), parts, self.observations, months,
                          self.publication, self.area)  # fmt: skip
        styler = kpi_table(view.rows, view.labels, caption, number=self.numbering.table(),
                           target_label="Annual target", measure_label="Provider")  # fmt: skip
        html = [table_html(styler)]
        for ind in parts:
            if ind.indicator_id in view.hidden:
                html.append(
                    f'<p class="withheld">The cumulative chart of {esc(ind.title)} is not '
                    "shown: some months' numbers are small enough that people could be "
                    "identified.</p>"
                )
            else:
                html.append(self.trajectory(ind.indicator_id).html)
        return Block("\n".join(html), caption)

    def kpi_table(self, indicator_ids, caption: str) -> Block:
        """Measures down, the quarter's months (or the year's quarters) across, threshold first."""
        inds = [self.indicator(i) for i in indicator_ids]
        kinds = {i.frequency for i in inds}
        if len(kinds) != 1:
            raise ValueError(f"a KPI table needs indicators of one frequency, got {sorted(kinds)}")
        periods = views.kpi_periods(inds[0], self.quarter)
        rows = [
            views.kpi_row(i, self.observations, self.quarter, self.area, self.publication, periods)
            for i in inds
        ]
        label = "Threshold" if inds[0].frequency == "month" else "Target"
        labels = views.period_labels(inds[0], self.quarter)
        styler = kpi_table(rows, labels, caption, number=self.numbering.table(),
                           target_label=label)  # fmt: skip
        return Block(table_headline(indicator_ids, rows, labels) + table_html(styler), caption)

    def contracts(self, layout: dict, caption: str) -> Block:
        """Primary care contracts returned and delivering of those sent out (``*`` where a
        public build suppresses the counts).

        `layout` maps a service name to {provider: indicator id}, e.g.
        ``{"Stop smoking": {"GP practices": "com_pc_gp_stop_smoking"}}``.
        """
        providers = list(dict.fromkeys(p for row in layout.values() for p in row))
        rows = []
        for name, by_provider in layout.items():
            counts = {}
            for provider, indicator_id in by_provider.items():
                s = self.summary(indicator_id)
                ind = self.indicator(indicator_id)
                if self.publication.withholds(ind):
                    counts[provider] = WITHHELD
                elif self.publication.hides(ind, s.current, s.numerator, s.denominator):
                    counts[provider] = SUPPRESSED
                elif s.numerator is None or s.denominator is None:
                    counts[provider] = None
                else:
                    counts[provider] = (int(s.numerator), int(s.denominator))
            rows.append((name, counts))
        styler = contracts_table(rows, providers, caption, number=self.numbering.table())
        return Block(table_html(styler), caption)

    def other_indicators(self) -> Block:
        """Cards for the service's catalogue indicators that no earlier cell showed, under
        "Other indicators" (`phreport run` adds this call at the end of every notebook)."""
        shown = set(self.placed)
        rest = [i for i in self.catalogue.for_service(self.service) if i.indicator_id not in shown]
        if not rest:
            return Block("", "no other indicators")
        html = ['<h3 id="other-indicators">Other indicators</h3>',
                "<p>Indicators of this service in the catalogue that the sections above do not "
                "show.</p>"]  # fmt: skip
        html += [self.card(ind.indicator_id).html for ind in rest]
        return Block("\n".join(html), "Other indicators")


def _withheld(indicator) -> str:
    return (
        f'<p class="withheld">Figures for {esc(indicator.title)} are not published: '
        "the data are confidential until they are released nationally.</p>"
    )
