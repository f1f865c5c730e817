"""Stale figures: commentary quoting numbers that are not this quarter's (see
`phlib.rules.quoted_figures` for what counts as a figure and what it may match).

`stale_figures(config, inputs)` reads each narrative file of the run's areas and services and
lists, per section, every figure in its commentary or headline that matches none of the
figures of the indicators the section covers (a section covering no indicator, such as
`summary`, is checked against every indicator of its service). `phreport check` shows them;
a public build refuses while any remain that the section has not marked checked.
"""

from __future__ import annotations

from dataclasses import dataclass

from phlib.display.window import window_values
from phlib.errors import PhlibError
from phlib.narratives import store as narratives
from phlib.rules.headline_rows import headline_index
from phlib.rules.quoted_figures import indicator_figures, stale_in
from phlib.rules.selection import summarise_rows

PERIODS = 4  # the quarter's months (or the year's quarters) a KPI table shows, and one more


@dataclass(frozen=True)
class StaleFigure:
    """One figure in one sentence of one section that matches none of its figures."""

    area: str
    service: str
    key: str
    figure: str
    sentence: str
    quarter_label: str
    path: str

    def __str__(self) -> str:
        return (
            f"{self.area}/{self.service}: section '{self.key}' quotes {self.figure}, which "
            f'matches none of its figures for {self.quarter_label}, in: "{self.sentence}"; '
            f"correct it, or add it to a 'Checked figures:' line under the section's status "
            f"in {self.path}"
        )


def _covered(coverage: dict, catalogue, service: str) -> dict[str, list[str]]:
    """Narrative key -> the indicator ids it covers."""
    keys: dict[str, list[str]] = {}
    for indicator, names in coverage.items():
        for key in names:
            if indicator != key or indicator in catalogue:
                keys.setdefault(key, [])
                if indicator in catalogue and indicator not in keys[key]:
                    keys[key].append(indicator)
    return keys


def figures_by_indicator(catalogue, observations, quarter, area, indicators, index=None) -> dict:
    """Indicator id -> every figure a commentary on it may quote for the quarter.

    `index` is the area's `headline_index`, when the caller has it already."""
    if index is None:
        index = headline_index(observations[observations["area"] == area])
    found = {}
    for indicator_id in indicators:
        ind = catalogue.indicator(indicator_id)
        series = index.get((ind.indicator_id, area, ind.frequency), [])
        summary = summarise_rows(ind, series, quarter, area)
        rows = {row["period"]: row for row in series}
        values = window_values(ind, rows, quarter, count=PERIODS) + [ind.target_value]
        found[indicator_id] = indicator_figures(summary, ind.unit, values)
    return found


def stale_figures(config, inputs) -> list[StaleFigure]:
    """Every stale figure in the narratives of the run's areas and services."""
    if inputs.catalogue is None or inputs.observations is None:
        return []
    catalogue, quarter = inputs.catalogue, config.quarter
    found = []
    for area in inputs.areas:
        index = None  # the area's headline rows, found once for all its services
        for service in inputs.services:
            try:
                path = narratives.store_path(config.narratives_dir, quarter.id, area, service)
                doc = narratives.load(path) if path.is_file() else None
            except PhlibError:
                continue  # check_quarter reports broken files
            if doc is None:
                continue
            own = [i.indicator_id for i in catalogue.for_service(service)]
            covered = _covered(inputs.coverage.get(service, {}), catalogue, service)
            wanted = list(dict.fromkeys(own + [i for ids in covered.values() for i in ids]))
            if index is None:
                observations = inputs.observations
                index = headline_index(observations[observations["area"] == area])
            figures = figures_by_indicator(
                catalogue, inputs.observations, quarter, area, wanted, index
            )
            shown = f"narratives/{quarter.id}/{area}/{service}.md"
            for key, section in doc.sections.items():
                indicators = covered.get(key) or ([key] if key in figures else own)
                allowed = [v for i in indicators for v in figures.get(i, [])]
                titles = [catalogue.indicator(i).title for i in indicators if i in catalogue]
                text = "\n\n".join(t for t in (section.headline, section.commentary) if t)
                stale = stale_in(text, allowed, section.checked, titles)
                for figure, sentence in dict.fromkeys(stale):
                    found.append(
                        StaleFigure(area, service, key, figure, sentence, quarter.label, shown)
                    )
    return found
