"""Warnings `phreport check` gives about the data of a quarter (they never stop a run).

- Indicators with no value for the quarter, counted and listed by service for each area
  ("31 of 118 indicators have no value for Q3 2022/23"): their cards would say "No data".
- Indicators an area has only by breakdown (districts, ages) and no headline figure: the card
  shows the breakdown, but the scorecard has no figure to rate.
- Narrative sections that still hold the sample text that comes with the workbook.
"""

from __future__ import annotations

import pandas as pd

from phlib.errors import Problem
from phlib.narratives.document import SAMPLE
from phlib.narratives.review import review_status
from phlib.rules.headline_rows import headline_index
from phlib.rules.selection import cutoff, summarise_rows

SHOWN = 8  # indicator ids listed per service


def _missing_by_service(inputs, area: str, quarter, index: dict) -> dict[str, list[str]]:
    missing: dict[str, list[str]] = {}
    for service in inputs.services:
        for ind in inputs.catalogue.for_service(service):
            rows = index.get((ind.indicator_id, area, ind.frequency), [])
            if summarise_rows(ind, rows, quarter, area).period is None:
                missing.setdefault(service, []).append(ind.indicator_id)
    return missing


def no_value_warnings(inputs, quarter) -> list[Problem]:
    """One warning per area listing, by service, the indicators without a value."""
    if inputs.catalogue is None or inputs.observations is None:
        return []
    index = headline_index(inputs.observations)
    total = sum(len(inputs.catalogue.for_service(s)) for s in inputs.services)
    problems = []
    for area in inputs.areas:
        missing = _missing_by_service(inputs, area, quarter, index)
        count = sum(len(ids) for ids in missing.values())
        if not count:
            continue
        listed = "; ".join(
            f"{service} ({len(ids)}): {', '.join(ids[:SHOWN])}{' ...' if len(ids) > SHOWN else ''}"
            for service, ids in missing.items()
        )
        message = (
            f"{area}: {count} of {total} indicators have no value for {quarter.label} ({listed})"
        )
        fix = (
            "add their rows to an observations file listed in the parameter file (or import "
            "them with 'phreport import fingertips'); their cards say 'No data' until then"
        )
        problems.append(Problem("observations", message, fix, severity="warning"))
    return problems


def breakdown_only_warnings(inputs, quarter) -> list[Problem]:
    """Indicators an area has by breakdown but not as a headline figure."""
    frame = inputs.observations
    if inputs.catalogue is None or frame is None or frame.empty:
        return []
    problems = []
    has_value = frame[frame["value"].notna()]
    for ind in (i for s in inputs.services for i in inputs.catalogue.for_service(s)):
        limit = pd.Timestamp(cutoff(quarter, ind.frequency, ind.lag_months))
        rows = has_value[
            (has_value["indicator_id"] == ind.indicator_id) & (has_value["period_end"] <= limit)
        ]
        for area in inputs.areas:
            mine = rows[rows["area"] == area]
            breakdown = mine["breakdown"].fillna("") != ""
            if breakdown.any() and not (~breakdown).any():
                first = mine[breakdown].iloc[0]
                message = (
                    f"{ind.indicator_id}, {area}: there are figures by breakdown "
                    f"({', '.join(sorted(set(mine[breakdown]['breakdown'])))[:120]}) but "
                    "no headline figure (blank breakdown); the card shows the breakdown "
                    "and the scorecard has nothing to rate"
                )
                fix = "add a row with a blank breakdown holding the figure for the whole area"
                problems.append(
                    Problem(
                        first["source_file"],
                        message,
                        fix,
                        int(first["source_row"]),
                        severity="warning",
                    )
                )
    return problems


def sample_warnings(config, inputs) -> list[Problem]:
    """One warning per narrative file that still holds sample sections."""
    items = review_status(
        config.narratives_dir,
        config.quarter.id,
        inputs.areas,
        inputs.services,
        inputs.narrative_keys,
    )
    by_file: dict = {}
    for item in items:
        if item.status == SAMPLE:
            by_file.setdefault(item.path, []).append(item.key)
    problems = []
    for path, keys in by_file.items():
        try:
            shown = path.relative_to(config.project_root).as_posix()
        except ValueError:
            shown = str(path)
        message = (
            f"{len(keys)} section(s) hold the sample text that comes with the workbook "
            f"({', '.join(keys[:SHOWN])}{' ...' if len(keys) > SHOWN else ''})"
        )
        fix = (
            "write this quarter's commentary in the executed notebook or the file and set "
            "'Status: written'; a public build refuses sample text"
        )
        problems.append(Problem(shown, message, fix, severity="warning"))
    return problems


def quarter_warnings(config, inputs) -> list[Problem]:
    """Every data and narrative warning `phreport check` prints for a quarter."""
    return (
        no_value_warnings(inputs, config.quarter)
        + breakdown_only_warnings(inputs, config.quarter)
        + sample_warnings(config, inputs)
    )
