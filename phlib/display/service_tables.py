"""The `Workbook` calls that show a service's tables and trajectory charts: `scorecard`,
`kpi_table`, `parts`, `contracts`, `trajectory`.

Each shows, above its table or chart, a headline written from the figures it shows
(`phlib.display.headline_view`), marked as generated from the data; an analyst's
`#### Headline` in the narrative cell below replaces it on export
(`phlib.report.headline_swap`). The scorecard lists each indicator's SPC variation and
assurance as words with their symbols, as its card and `scorecard.csv` do.
"""

from __future__ import annotations

from phlib.display import views
from phlib.display.block import Block
from phlib.display.control import control_of
from phlib.display.embed import chart_html
from phlib.display.formatting import SUPPRESSED, WITHHELD, format_value
from phlib.display.headline_view import (
    contracts_headline,
    parts_headline,
    scorecard_headline,
    table_headline,
    trajectory_headline,
)
from phlib.display.markup import esc
from phlib.display.parts import parts_view
from phlib.display.signals import signal_html
from phlib.display.tables import contracts_table, kpi_table, table_html
from phlib.display.trajectory import trajectory_chart_of, trajectory_of

NOT_PUBLISHED = "Not published"
SCORECARD_HEADS = (
    "Indicator", "Period", "Current", "Target", "RAG rating", "Change", "Variation", "Assurance",
)  # fmt: skip


def withheld_note(indicator) -> str:
    """What shows in place of a chart of figures a public build does not publish."""
    return (
        f'<p class="withheld">Figures for {esc(indicator.title)} are not published: '
        "the data are confidential until they are released nationally.</p>"
    )


class ServiceTables:
    """Mixed into `phlib.workbook.Workbook`: needs its `catalogue`, `observations`, `quarter`,
    `area`, `service_title`, `publication`, `numbering`, `summary` and `indicator`."""

    def _signals(self, ind, summary, hidden: bool) -> tuple[str, str]:
        """(variation, assurance) as the card shows them; blank where the figure is hidden."""
        if hidden or self.publication.withholds(ind):
            return "", ""
        found = control_of(ind, self.observations, self.quarter, self.area, self.publication,
                           summary.target)  # fmt: skip
        return ("", "") if found is None else (found.variation, found.assurance or "No target")

    def scorecard(self) -> Block:
        """A table of every indicator of the service: period, current, target, RAG, change,
        and the SPC variation and assurance of monthly series with a control chart."""
        rows = []
        for ind in self.catalogue.for_service(self.service):
            s = self.summary(ind.indicator_id)
            hidden = self.publication.hides(ind, s.current, s.numerator, s.denominator)
            withheld = self.publication.withholds(ind)
            shown = (
                NOT_PUBLISHED
                if withheld
                else ("*" if hidden else format_value(s.current, ind.unit, ind.decimals))
            )
            rag = NOT_PUBLISHED if withheld or hidden else s.rag
            target = (
                format_value(s.target, ind.unit, ind.decimals)
                if s.target is not None
                else (ind.status or "TBC")
            )
            variation, assurance = self._signals(ind, s, hidden)
            rows.append(
                (ind.indicator_id, ind.title, s.period_label, shown,
                 NOT_PUBLISHED if withheld else target, rag,
                 "" if withheld or hidden else (s.change or ""), variation, assurance)
            )  # fmt: skip
        label = self.numbering.table()
        head = "".join(f'<th scope="col">{h}</th>' for h in SCORECARD_HEADS)
        body = "".join(  # each row is an anchor (sc-<id>) for indicators without a card
            f'<tr id="sc-{esc(i)}"><th scope="row">{esc(t)}</th><td>{esc(p)}</td>'
            f"<td>{esc(c)}</td><td>{esc(g)}</td>"
            f'<td class="rag-cell rag-{esc(r.lower().replace(" ", "-"))}">'
            f"{esc(r)}</td><td>{esc(ch)}</td>"
            f'<td class="spc-cell">{signal_html(v)}</td>'
            f'<td class="spc-cell">{signal_html(a) if a != "No target" else esc(a)}</td></tr>'
            for i, t, p, c, g, r, ch, v, a in rows
        )
        caption = f"{label}: {self.service_title} indicators, {self.quarter.label}"
        said = [(t, r, v) for _, t, _, _, _, r, _, v, _ in rows]
        headline = scorecard_headline(said, self.quarter.label, [r[0] for r in rows])
        return Block(
            f'{headline}<table class="kpi scorecard"><caption>{esc(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>",
            caption,
        )

    def trajectory(self, indicator_id: str) -> Block:
        """Cumulative actual against the year-to-date target line for the financial year,
        under a headline comparing the latest cumulative figure with the target for then."""
        ind = self.indicator(indicator_id)
        found = trajectory_of(ind, self.observations, self.quarter, self.area, self.publication)
        chart = trajectory_chart_of(found)
        if chart is None:
            return Block(withheld_note(ind), ind.title)
        html = trajectory_headline(found, ind.indicator_id)
        return Block(html + chart_html(chart, self.numbering.figure()), ind.title)

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
        late = months[-1].end < self.quarter.end
        ids = [*part_ids, total_id]
        html = [parts_headline(view, ids, late, parts[0].direction), table_html(styler)]
        for ind in parts:
            if ind.indicator_id in view.hidden:
                html.append(
                    f'<p class="withheld">The cumulative chart of {esc(ind.title)} is not '
                    "shown: some months' numbers are small enough that people could be "
                    "identified.</p>"
                )
            else:
                html.append(self.trajectory(ind.indicator_id).html)
        return Block("\n".join(h for h in html if h), caption)

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
        when = views.kpi_periods(inds[0], self.quarter)[-1].label
        return Block(
            table_headline(indicator_ids, rows, labels, when) + table_html(styler), caption
        )

    def contracts(self, layout: dict, caption: str) -> Block:
        """Primary care contracts returned and delivering of those sent out (``*`` where a
        public build suppresses the counts), under a headline of the whole and the lowest share.

        `layout` maps a service name to {provider: indicator id}, e.g.
        ``{"Stop smoking": {"GP practices": "com_pc_gp_stop_smoking"}}``.
        """
        providers = list(dict.fromkeys(p for row in layout.values() for p in row))
        rows, periods, ids = [], [], []
        for name, by_provider in layout.items():
            counts = {}
            for provider, indicator_id in by_provider.items():
                s = self.summary(indicator_id)
                ind = self.indicator(indicator_id)
                ids.append(indicator_id)
                if self.publication.withholds(ind):
                    counts[provider] = WITHHELD
                elif self.publication.hides(ind, s.current, s.numerator, s.denominator):
                    counts[provider] = SUPPRESSED
                elif s.numerator is None or s.denominator is None:
                    counts[provider] = None
                else:
                    counts[provider] = (int(s.numerator), int(s.denominator))
                    periods.append(s.period_label)
            rows.append((name, counts))
        styler = contracts_table(rows, providers, caption, number=self.numbering.table())
        period = periods[0] if len(set(periods)) == 1 else "the latest figures"
        return Block(contracts_headline(rows, period, ids) + table_html(styler), caption)
