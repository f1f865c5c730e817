"""`Workbook`: the one object a service-area notebook uses.

A notebook's parameters cell names the quarter, area and input paths; its next cell opens the
workbook, and every later cell is one call that shows one thing::

    wb = Workbook.open(quarter, area, "sexual_health", catalogue_path=..., ...)
    wb.heading()
    wb.kpi_table(["sh_sti_offered_2wd", "sh_sti_seen_2wd"], "Access within two working days")
    wb.card("sh_dna_rate")

The tables and trajectory charts (`wb.scorecard`, `wb.kpi_table`, `wb.parts`, `wb.contracts`,
`wb.trajectory`) are in `phlib.display.service_tables`. An analyst adds charts and tables of
their own with `wb.figure`, `wb.table` and `wb.data` (`phlib.display.own_content`), numbered
in the same sequence.

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
from phlib.display.headline_view import card_headline
from phlib.display.markup import esc
from phlib.display.numbering import Numbering
from phlib.display.own_content import OwnContent
from phlib.display.service_tables import ServiceTables, withheld_note
from phlib.display.window import window
from phlib.inputs.catalogue import SERVICES, load_catalogue
from phlib.inputs.notebook_parameters import check_parameters, papermill_parameter_names
from phlib.inputs.observations import load_observations
from phlib.rules.headline_rows import headline_index
from phlib.rules.periods import Quarter
from phlib.rules.publication import Publication
from phlib.rules.selection import summarise_rows

_ASSETS = Path(__file__).parent / "report" / "assets"


@dataclass
class Workbook(OwnContent, ServiceTables):
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
        # rated many times: indexed once; only this service's series become dicts
        self._headlines = headline_index(area_rows, lazy=True)

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

    @property
    def service_title(self) -> str:
        return SERVICES[self.service]

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
        previous = window(ind, self.observations, self.quarter, self.area, count=2)
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
        return Block(self._figure(chart) or withheld_note(ind), ind.title)

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
