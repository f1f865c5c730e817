"""The indicator catalogue: `SERVICES`, `Indicator`, `Catalogue` and `load_catalogue`.

`data/catalogue.csv` has one row per indicator (schema in docs/ARCHITECTURE.md) and
`data/areas.csv` one row per area. Loading checks every row and raises one `CatalogueError`
listing every problem, each with its file, row, column, bad value and fix.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "catalogue.csv").write_text(
...     "indicator_id,title,service,unit,direction,target_kind,target_value,frequency,"
...     "publication,links\\n"
...     "sh_sti_offered_2wd,STI offered within 2 working days,sexual_health,percent,Higher,"
...     "threshold,90,quarter,public,[BASHH](https://www.bashh.org)\\n")
>>> cat = load_catalogue(folder / "catalogue.csv")
>>> ind = cat.indicator("sh_sti_offered_2wd")
>>> ind.direction, ind.target_value, ind.decimals, ind.links, cat.area_name("peterborough")
('higher', 90.0, 1, (('BASHH', 'https://www.bashh.org'),), 'Peterborough')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from functools import partial
from pathlib import Path

import pandas as pd

from phlib.errors import CatalogueError, Problem
from phlib.inputs.areas import DEFAULT_AREAS, load_areas
from phlib.inputs.catalogue_options import COLUMNS as OPTION_COLUMNS
from phlib.inputs.catalogue_options import check_options
from phlib.inputs.columns import check_columns, closest, did_you_mean, one_of
from phlib.inputs.reading import read_table
from phlib.inputs.table import to_number
from phlib.rules.direction import DIRECTIONS
from phlib.rules.headline_rows import row_dicts
from phlib.rules.variation import SPC_LIMITS_FIX, parse_settings

__all__ = ["SERVICES", "DEFAULT_AREAS", "Indicator", "Catalogue", "load_catalogue"]

#: The ten service areas (one notebook each), in report order, with their display titles.
SERVICES = {
    "sexual_health": "Sexual health",
    "drugs_alcohol": "Drugs and alcohol",
    "lifestyles": "Integrated lifestyle services",
    "stop_smoking": "Stop smoking",
    "health_checks": "NHS Health Checks",
    "contraception": "Contraception (LARC, EHC and chlamydia)",
    "healthy_child": "Healthy Child Programme 0-19",
    "adult_social_care": "Adult social care",
    "better_care_fund": "Better Care Fund",
    "commissioning": "Commissioning overview",
}
UNITS = ("percent", "per_100000", "per_1000", "count")
TARGET_KINDS = ("threshold", "annual", "trajectory", "none")
FREQUENCIES = ("month", "quarter", "year")
PUBLICATIONS = ("public", "restricted")
STATUSES = ("Baseline", "Contextual", "In Development", "TBC")
REQUIRED = (
    "indicator_id", "title", "service", "unit", "direction", "target_kind", "frequency",
    "publication",
)  # fmt: skip
OPTIONAL = (
    "ref", "section", "decimals", "target_value", "status", "lag_months", "source",
    "description", "calculation", "numerator", "denominator", "links", "order", "spc_limits",
    "spc_run",
) + OPTION_COLUMNS  # fmt: skip
CHOICES = {
    "unit": UNITS,
    "direction": DIRECTIONS,
    "target_kind": TARGET_KINDS,
    "frequency": FREQUENCIES,
    "publication": PUBLICATIONS,
}
_ID = re.compile(r"[a-z0-9_]+")
_LINK = re.compile(r"\[([^\[\]]+)\]\((https?://[^\s()]+)\)")


@dataclass(frozen=True)
class Indicator:
    """One catalogue row with normalised types; `links` is a tuple of (text, url) pairs."""

    indicator_id: str
    title: str
    service: str
    unit: str
    direction: str
    target_kind: str
    frequency: str
    publication: str
    ref: str = ""
    section: str = ""
    decimals: int = 1
    target_value: float = float("nan")
    status: str = ""
    lag_months: int = 0
    source: str = ""
    description: str = ""
    calculation: str = ""
    numerator: str = ""
    denominator: str = ""
    links: tuple = ()
    order: float = 0.0
    spc_limits: str = ""
    spc_run: str = ""
    fingertips_id: str = ""
    fingertips_sex: str = ""
    fingertips_age: str = ""
    ci_method: str = "none"
    small_percent: bool = False

    @property
    def service_title(self) -> str:
        return SERVICES.get(self.service, self.service)


COLUMNS = [f.name for f in fields(Indicator)]


def parse_links(text: str) -> tuple[tuple[str, str], ...]:
    """Markdown links separated by spaces as (text, url) pairs; ValueError if malformed.

    >>> parse_links("[NDTMS](https://www.ndtms.net) [OHID](https://fingertips.phe.org.uk)")
    (('NDTMS', 'https://www.ndtms.net'), ('OHID', 'https://fingertips.phe.org.uk'))
    """
    links = tuple(_LINK.findall(text or ""))
    leftover = _LINK.sub(" ", text or "").strip()
    if leftover:
        raise ValueError(f"{leftover!r} is not a Markdown link")
    return links


@dataclass(frozen=True)
class Catalogue:
    """The indicators (a DataFrame indexed by `indicator_id`), the areas and the services."""

    indicators: pd.DataFrame
    areas: dict
    services: dict
    file: str = ""
    area_codes: dict = field(default_factory=dict)
    #: `Indicator` values already built (they are frozen; the catalogue is not changed after
    #: loading), so the thousands of look-ups of a run build each one once.
    built: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    #: Each service's indicator ids in order, worked out once for the same reason.
    ordered: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __contains__(self, indicator_id) -> bool:
        return indicator_id in self.indicators.index

    def indicator(self, indicator_id: str) -> Indicator:
        """The `Indicator` with this id; KeyError (naming the closest id) if unknown."""
        if indicator_id in self.built:
            return self.built[indicator_id]
        if indicator_id not in self.indicators.index:
            hint = did_you_mean(indicator_id, self.indicators.index)
            raise KeyError(f"no indicator {indicator_id!r} in the catalogue; {hint}".strip("; "))
        row = self.indicators.loc[indicator_id]
        values = {name: row[name] for name in COLUMNS if name != "indicator_id"}
        values["links"] = parse_links(values["links"])
        for name in ("decimals", "lag_months"):
            values[name] = int(values[name])
        values["target_value"], values["order"] = float(row["target_value"]), float(row["order"])
        values["small_percent"] = bool(values["small_percent"])
        self.built[indicator_id] = Indicator(indicator_id=indicator_id, **values)
        return self.built[indicator_id]

    def for_service(self, service: str) -> list[Indicator]:
        """The service's indicators, by the `order` column then file order."""
        if service not in self.services:
            raise KeyError(f"unknown service {service!r}; {did_you_mean(service, self.services)}")
        if service not in self.ordered:
            chosen = self.indicators[self.indicators["service"] == service]
            self.ordered[service] = tuple(chosen.sort_values("order", kind="stable").index)
        return [self.indicator(i) for i in self.ordered[service]]

    def area_name(self, key: str) -> str:
        """The display name of an area key; KeyError (naming the closest key) if unknown."""
        if key not in self.areas:
            raise KeyError(f"unknown area {key!r}; {did_you_mean(key, self.areas)}")
        return self.areas[key]


def _whole(text: str, default: int) -> int:
    value = to_number(text)
    if value is None:
        return default
    if value < 0 or not float(value).is_integer():
        raise ValueError("not a whole number of 0 or more")
    return int(value)


def _check_row(row: dict, problem) -> dict:
    """Normalise one catalogue row, calling `problem(column, message, fix)` for each fault."""
    iid = row["indicator_id"]
    if not iid:
        problem("indicator_id", "the indicator_id is blank", "give every indicator an id")
    elif not _ID.fullmatch(iid):
        suggestion = re.sub(r"[^a-z0-9]+", "_", iid.lower()).strip("_")
        message = "the indicator_id may only hold lower-case letters, digits and _"
        problem("indicator_id", message, f"write it as {suggestion!r}")
    if not row["title"]:
        problem("title", "the title is blank", "give the indicator a title")
    if row["service"] not in SERVICES:
        by_title = {v.lower(): k for k, v in SERVICES.items()}.get(row["service"].lower())
        guess = by_title or closest(row["service"], SERVICES)
        hint = f"did you mean {guess!r}? " if guess else ""
        problem("service", "unknown service", hint + one_of(SERVICES))
    for column, allowed in CHOICES.items():
        row[column] = row[column].lower()
        if row[column] not in allowed:
            message = f"the {column} is blank" if not row[column] else f"unknown {column}"
            problem(column, message, did_you_mean(row[column], allowed) + one_of(allowed))
    status = {s.lower(): s for s in STATUSES}.get(row["status"].lower())
    if row["status"] and not status:
        problem(
            "status", "unknown status", did_you_mean(row["status"], STATUSES) + one_of(STATUSES)
        )
    row["status"] = status or ""
    try:
        target = to_number(row["target_value"])
        row["target_value"] = float("nan") if target is None else target
    except ValueError as exc:
        problem("target_value", f"the target_value is {exc}", "type a number or leave it blank")
        row["target_value"] = float("nan")
    defaults = {"decimals": 0 if row["unit"] == "count" else 1, "lag_months": 0}
    for column, default in defaults.items():
        try:
            row[column] = _whole(row[column], default)
        except ValueError as exc:
            problem(column, f"the {column} is {exc}", "type a whole number such as 0, 1 or 2")
            row[column] = default
    try:
        parse_links(row["links"])
    except ValueError as exc:
        fix = f"write each link as [text](https://...), separated by spaces: {exc}"
        problem("links", "the links are not written as Markdown links", fix)
    check_options(row, problem)
    try:
        parse_settings(row["spc_limits"], row["spc_run"])
    except ValueError as exc:
        column = "spc_run" if str(exc).startswith("spc_run") else "spc_limits"
        fix = "write 6 or 7, or leave it blank (7)" if column == "spc_run" else SPC_LIMITS_FIX
        problem(column, str(exc), fix)
    try:
        row["order"] = to_number(row["order"])
    except ValueError:
        problem("order", "the order is not a number", "type a number or leave it blank")
        row["order"] = None
    return row


def _report(problems, table, number, written, column, message, fix) -> None:
    if column not in table.columns:
        return  # the missing column is reported once, not on every row
    where = table.where(number, column)
    problems.append(Problem(message=message, fix=fix, value=written[column], **where))


def load_catalogue(path, areas_path=None) -> Catalogue:
    """Read and check the catalogue (and the areas); raise `CatalogueError` listing all faults.

    Areas come from `areas_path`, else `areas.csv` beside the catalogue, else `DEFAULT_AREAS`.
    """
    table = read_table(path, REQUIRED)
    problems = list(table.problems)
    records: list[dict] = []
    if table.header_row is not None:
        table, found = check_columns(table, REQUIRED, OPTIONAL)
        problems += found
        if table.frame.empty:
            fix = "add one row per indicator under the header"
            problems.append(Problem(table.file, "the file has no data rows", fix))
    first_row: dict[str, int] = {}
    rows = zip(table.frame.index, row_dicts(table.frame), strict=True) if table.header_row else ()
    for number, values in rows:
        row = {name: values.get(name, "") for name in REQUIRED + OPTIONAL}
        problem = partial(_report, problems, table, number, dict(row))

        row = _check_row(row, problem)
        iid = row["indicator_id"]
        if iid in first_row:
            message = f"the indicator_id is used twice (rows {first_row[iid]} and {number})"
            problem("indicator_id", message, "give each indicator its own id")
        first_row.setdefault(iid, number)
        row["order"] = len(records) if row["order"] is None else row["order"]
        records.append(row)
    if areas_path is None and (Path(path).parent / "areas.csv").is_file():
        areas_path = Path(path).parent / "areas.csv"
    areas, codes, area_problems = load_areas(areas_path)
    problems += area_problems
    if problems:
        raise CatalogueError(problems, f"The indicator catalogue has {len(problems)} problem(s)")
    frame = pd.DataFrame(records, columns=COLUMNS).set_index("indicator_id")
    frame = frame.astype({"decimals": int, "lag_months": int, "target_value": float})
    return Catalogue(frame, areas, dict(SERVICES), str(path), codes)
