"""Print, for a quarter, area and service, each narrative key with the figures it covers.

    python scripts/narrative_facts.py 2022-23-Q3 cambridgeshire sexual_health
    python scripts/narrative_facts.py 2022-23-Q3 peterborough      # every service
    python scripts/narrative_facts.py 2022-23-Q3                    # every area and service
    python scripts/narrative_facts.py 2022-23-Q3 --brief            # one line per indicator

The keys are the narrative cells of `notebooks/<service>.ipynb`, in order; each cell's
`phlib.indicators` metadata says which indicators its commentary covers (the `summary` key
covers the whole service). For every indicator the script prints what the card, the scorecard
and the KPI table show for the quarter, formatted as they show it, so the commentary can quote
the same numbers. Keys covering a Red indicator are flagged: they need actions. Figures of
restricted indicators are printed for the writer's information only and are marked: their
commentary gives headlines in words, never the numbers.
"""

from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path

import nbformat

from phlib.display.formatting import format_value
from phlib.display.views import kpi_periods, kpi_row, period_labels
from phlib.inputs.catalogue import load_catalogue
from phlib.inputs.observations import load_observations
from phlib.narratives.cells import cell_key, is_narrative
from phlib.rules.periods import Quarter
from phlib.rules.publication import Publication
from phlib.rules.selection import summarise

ROOT = Path(__file__).resolve().parents[1]
SUMMARY = "summary"


def key_indicators(nb) -> dict[str, list[str]]:
    """Each narrative key of a notebook, in order, with the indicator ids its cell covers.

    >>> from phlib.narratives.cells import new_cell, new_notebook
    >>> cell = new_cell("access")
    >>> cell.metadata["phlib"]["indicators"] = ["sh_sti_offered_2wd", "sh_sti_seen_2wd"]
    >>> key_indicators(new_notebook([new_cell("summary", actions=False), cell]))
    {'summary': [], 'access': ['sh_sti_offered_2wd', 'sh_sti_seen_2wd']}
    """
    keys = {}
    for cell in nb.cells:
        key = cell_key(cell) if is_narrative(cell) else None
        if key:
            listed = cell.metadata.get("phlib", {}).get("indicators", [])
            keys[key] = [i for i in listed if isinstance(i, str)]
    return keys


def notebook_keys(service: str, root=ROOT) -> dict[str, list[str]]:
    """`key_indicators` of `notebooks/<service>.ipynb` under `root`.

    >>> notebook_keys("sexual_health")["access"][0]
    'sh_sti_offered_2wd'
    """
    return key_indicators(nbformat.read(Path(root) / "notebooks" / f"{service}.ipynb", 4))


def covered(key: str, indicator_ids: list[str], catalogue, service: str) -> list:
    """The catalogue indicators a key covers: its own list, or the whole service for `summary`.

    >>> cat = load_sample()[0]
    >>> [i.indicator_id for i in covered("larc_outreach", ["sh_larc_5wd"], cat, "sexual_health")]
    ['sh_larc_5wd']
    >>> len(covered("summary", [], cat, "sexual_health")) > 5
    True
    """
    if key == SUMMARY and not indicator_ids:
        return list(catalogue.for_service(service))
    return [catalogue.indicator(i) for i in indicator_ids]


def _fmt(indicator, value) -> str:
    return format_value(value, indicator.unit, indicator.decimals)


def _count(value) -> str:
    return "N/A" if value is None else f"{value:,.0f}"


def indicator_facts(indicator, observations, quarter, area) -> dict[str, str]:
    """What the card, scorecard and KPI table show for one indicator, formatted for people.

    >>> cat, obs = load_sample()
    >>> facts = indicator_facts(cat.indicator("hcp_59"), obs, Quarter.parse("2022-23-Q3"),
    ...                         "cambridgeshire")
    >>> facts["period"], facts["current"], facts["target"], facts["rag"]
    ('Q3 2022/23', '38.0%', 'Target 90.0%', 'Red')
    >>> facts["table"]
    'Q1 39.8% (Red); Q2 40.0% (Red); Q3 38.0% (Red)'
    """
    s = summarise(indicator, observations, quarter, area)
    facts = {
        "period": s.period_label,
        "current": _fmt(indicator, s.current),
        "previous": f"{_fmt(indicator, s.previous)} ({s.previous_label or 'none'})",
        "target": f"{s.target_label} {_fmt(indicator, s.target)}"
        if s.target is not None
        else (indicator.status or "TBC"),
        "rag": s.rag,
        "change": s.change or "",
    }
    if s.ytd_actual is not None:
        facts["year to date"] = _fmt(indicator, s.ytd_actual)
    if s.numerator is not None or s.denominator is not None:
        facts["numerator / denominator"] = f"{_count(s.numerator)} / {_count(s.denominator)}"
    if s.stat_neighbour_mean is not None or s.england_mean is not None:
        when = f" ({s.comparator_period})" if s.comparator_period else ""
        facts["comparators" + when] = (
            f"stat. neighbours {_fmt(indicator, s.stat_neighbour_mean)}, "
            f"England {_fmt(indicator, s.england_mean)}"
        )
    periods = kpi_periods(indicator, quarter)
    row = kpi_row(indicator, observations, quarter, area, Publication(), periods)
    cells = []
    for label in period_labels(indicator, quarter):
        rag = row.rags.get(label) if indicator.target_kind == "threshold" else None
        cells.append(f"{label} {_fmt(indicator, row.values[label])}" + (f" ({rag})" if rag else ""))
    facts["table"] = "; ".join(cells)
    return facts


def describe(indicator) -> str:
    """One line naming an indicator: id, title, unit, direction, frequency, restriction.

    >>> print(describe(load_sample()[0].indicator("dalc_201")))
    dalc_201: Successful completions of drug and alcohol treatment (all substances) [percent, 2 dp, higher is better, quarterly, RESTRICTED: no figures in commentary]
    """  # noqa: E501
    direction = {"higher": "higher is better", "lower": "lower is better"}.get(
        indicator.direction, "no direction"
    )
    how_often = {"month": "monthly", "quarter": "quarterly", "year": "yearly"}[indicator.frequency]
    parts = [indicator.unit, f"{indicator.decimals} dp", direction, how_often]
    if indicator.lag_months:
        parts.append(f"{indicator.lag_months} months behind")
    if indicator.publication == "restricted":
        parts.append("RESTRICTED: no figures in commentary")
    return f"{indicator.indicator_id}: {indicator.title} [{', '.join(parts)}]"


def brief_line(indicator, facts: dict[str, str]) -> str:
    """One line of facts: id, then every value separated by `|` (restricted ones marked).

    >>> ind = load_sample()[0].indicator("ss_quit_rate")
    >>> print(brief_line(ind, {"current": "40.0%", "rag": "Blue"}))
    ss_quit_rate: current 40.0% | rag Blue
    """
    flag = " RESTRICTED" if indicator.publication == "restricted" else ""
    values = " | ".join(f"{name} {value}" for name, value in facts.items())
    return f"{indicator.indicator_id}{flag}: {values}"


def service_report(
    catalogue, observations, quarter, area: str, service: str, root=ROOT, brief=False
) -> str:
    """The facts of every narrative key of one service, as text (`brief`: a line each).

    >>> cat, obs = load_sample()
    >>> text = service_report(cat, obs, Quarter.parse("2022-23-Q3"), "peterborough",
    ...                       "stop_smoking")
    >>> text.splitlines()[0]
    '# stop_smoking / peterborough / Q3 2022/23'
    >>> "[ss_quit_rate]" in text and "[summary] whole service, no actions" in text
    True
    """
    lines = [f"# {service} / {area} / {quarter.label}"]
    for key, ids in notebook_keys(service, root).items():
        indicators = covered(key, ids, catalogue, service)
        facts = [(i, indicator_facts(i, observations, quarter, area)) for i in indicators]
        reds = [i.indicator_id for i, f in facts if f["rag"] == "Red"]
        head = f"[{key}]"
        if key == SUMMARY:
            head += " whole service, no actions"
        if reds:
            head += f"  RED ({', '.join(reds)}): actions required"
        lines += ["", head]
        for indicator, found in facts:
            if brief:
                lines.append(f"  {brief_line(indicator, found)}")
                continue
            lines.append(f"  {describe(indicator)}")
            lines += [f"      {name}: {value}" for name, value in found.items()]
    return "\n".join(lines)


@functools.cache
def load_sample(root=ROOT):
    """The catalogue and observations of the sample data under `root` (read once)."""
    root = Path(root)
    catalogue = load_catalogue(root / "data" / "catalogue.csv", root / "data" / "areas.csv")
    observations = load_observations([root / "data" / "observations.csv"], catalogue)
    return catalogue, observations


def main(argv=None) -> int:
    """Print the facts for the quarter, area(s) and service(s) asked for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("quarter", help="quarter id such as 2022-23-Q3")
    parser.add_argument("area", nargs="?", help="area key; every area when left out")
    parser.add_argument("service", nargs="?", help="service key; every service when left out")
    parser.add_argument("--brief", action="store_true", help="one line per indicator")
    args = parser.parse_args(argv)
    catalogue, observations = load_sample()
    quarter = Quarter.parse(args.quarter)
    areas = [args.area] if args.area else list(catalogue.areas)
    services = [args.service] if args.service else sorted(
        p.stem for p in (ROOT / "notebooks").glob("*.ipynb")
    )  # fmt: skip
    for area in areas:
        for service in services:
            text = service_report(catalogue, observations, quarter, area, service, brief=args.brief)
            print(text)
            print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
