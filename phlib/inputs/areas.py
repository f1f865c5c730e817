"""Council areas: `DEFAULT_AREAS`, `load_areas` for `data/areas.csv`, and `area_key`.

`areas.csv` has the columns `area` (key, `[a-z0-9_]+`), `name` (display) and `ons_code`.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "areas.csv"
>>> _ = p.write_text("area,name,ons_code\\ncambridgeshire,Cambridgeshire,E10000003\\n")
>>> load_areas(p)
({'cambridgeshire': 'Cambridgeshire'}, {'cambridgeshire': 'E10000003'}, [])
>>> load_areas(None)[0]
{'cambridgeshire': 'Cambridgeshire', 'peterborough': 'Peterborough'}
"""

from __future__ import annotations

import re

from phlib.errors import Problem
from phlib.inputs.columns import check_columns
from phlib.inputs.reading import read_table

#: The areas used when no areas file is given.
DEFAULT_AREAS = {"cambridgeshire": "Cambridgeshire", "peterborough": "Peterborough"}
DEFAULT_CODES = {"cambridgeshire": "E10000003", "peterborough": "E06000031"}
_KEY = re.compile(r"[a-z0-9_]+")


def load_areas(path) -> tuple[dict[str, str], dict[str, str], list[Problem]]:
    """Read an areas file into (key -> name, key -> ONS code, problems).

    With `path` None, the default Cambridgeshire and Peterborough areas are returned.
    """
    if path is None:
        return dict(DEFAULT_AREAS), dict(DEFAULT_CODES), []
    table = read_table(path, ["area", "name"])
    problems = list(table.problems)
    names: dict[str, str] = {}
    codes: dict[str, str] = {}
    if table.header_row is None:
        return names, codes, problems
    table, found = check_columns(table, ["area", "name"], ["ons_code"])
    problems += found
    if table.frame.empty and not found:
        fix = "add one row per area: area,name,ons_code"
        problems.append(Problem(table.file, "the file has no data rows", fix))
    first: dict[str, int] = {}
    for number, row in table.frame.iterrows():
        key, name = row.get("area", ""), row.get("name", "")

        def problem(column, message, fix, number=number, value=key):
            problems.append(
                Problem(message=message, fix=fix, value=value, **table.where(number, column))
            )

        if not _KEY.fullmatch(key):
            suggestion = re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_") or "peterborough"
            message = "the area key is blank" if not key else "the area key is not valid"
            problem("area", message, f"use lower-case letters, digits and _, e.g. {suggestion!r}")
        elif key in first:
            problem(
                "area",
                f"the area is listed twice (rows {first[key]} and {number})",
                "delete the repeated row",
            )
        if not name:
            problem(
                "name", "the area has no name", "type the name people read, e.g. 'Peterborough'"
            )
        first.setdefault(key, number)
        names.setdefault(key, name)
        codes.setdefault(key, row.get("ons_code", ""))
    return names, codes, problems


def area_lookup(names: dict[str, str], codes: dict[str, str]) -> dict[str, str]:
    """Every way an area may be written (key, ONS code, name; any case) -> its key.

    >>> lookup = area_lookup(DEFAULT_AREAS, DEFAULT_CODES)
    >>> lookup["e06000031"], lookup["peterborough"], lookup["cambridgeshire"]
    ('peterborough', 'peterborough', 'cambridgeshire')
    """
    lookup: dict[str, str] = {}
    for key, name in names.items():
        lookup.setdefault(" ".join(str(name).split()).lower(), key)
    for key, code in codes.items():
        if code:
            lookup.setdefault(str(code).strip().lower(), key)
    return lookup | {key: key for key in names}


def area_key(text: str, lookup: dict[str, str]) -> str:
    """The key of an area however a row writes it (`area_lookup`'s), else the text as given.

    >>> area_key(" E06000031 ", area_lookup(DEFAULT_AREAS, DEFAULT_CODES)), area_key("x", {})
    ('peterborough', 'x')
    """
    return lookup.get(" ".join(text.split()).lower(), text)
