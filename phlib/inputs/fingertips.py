"""Reading an OHID Fingertips "all data" CSV export into a tidy DataFrame.

Columns are matched by name, not position: exports have gained columns over the years and
name the regional comparison after the comparator ("Compared to Region value or percentiles",
"Compared to percentiles", "Compared to CCGs (from Apr 2021) value or percentiles", ...).
Known columns get short snake_case names (`lower_ci95`, `period`, `compared_to_region`);
any other column is kept under its snake_case name. Quoted cells may hold line breaks.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "export.csv"
>>> _ = p.write_text(
...     'Indicator ID,Indicator Name,Area Code,Category Type,Category,Time period,Value,Count\\n'
...     '93356,"Campylobacter rate\\n",E06000031,,,2015,100.01,194\\n'
...     '93356,"Campylobacter rate\\n",E92000001,Deciles,Most deprived,2015,69.6,3541\\n')
>>> df = read_fingertips(p)
>>> df[["indicator_id", "indicator_name", "period", "value", "is_headline"]].to_dict("list")
{'indicator_id': [93356, 93356], 'indicator_name': ['Campylobacter rate', 'Campylobacter rate'], \
'period': ['2015', '2015'], 'value': [100.01, 69.6], 'is_headline': [True, False]}
"""

from __future__ import annotations

import pandas as pd

from phlib.errors import InputError, Problem
from phlib.inputs.reading import read_table
from phlib.inputs.table import formula_error, snake_case, to_number

#: Export column (as snake_case) -> our column name.
RENAMES = {
    "time_period": "period",
    "lower_ci_95_0_limit": "lower_ci95",
    "upper_ci_95_0_limit": "upper_ci95",
    "lower_ci_99_8_limit": "lower_ci99_8",
    "upper_ci_99_8_limit": "upper_ci99_8",
    "lower_ci_limit": "lower_ci95",
    "upper_ci_limit": "upper_ci95",
    "compared_to_england_value_or_percentiles": "compared_to_england",
    "time_period_sortable": "period_sortable",
}
COLUMNS = [
    "indicator_id", "indicator_name", "parent_code", "parent_name", "area_code", "area_name",
    "area_type", "sex", "age", "category_type", "category", "period", "value", "lower_ci95",
    "upper_ci95", "lower_ci99_8", "upper_ci99_8", "count", "denominator", "value_note",
    "recent_trend", "compared_to_england", "compared_to_region", "period_sortable", "new_data",
    "compared_to_goal",
]  # fmt: skip
ESSENTIAL = ("Indicator ID", "Area Code", "Time period", "Value")
NUMERIC = ("value", "lower_ci95", "upper_ci95", "lower_ci99_8", "upper_ci99_8", "count",
           "denominator")  # fmt: skip
WHOLE = ("indicator_id", "period_sortable")


def column_name(header: str) -> str:
    """Our name for an export column.

    >>> column_name("Lower CI 95.0 limit"), column_name("Compared to percentiles")
    ('lower_ci95', 'compared_to_region')
    >>> column_name("Compared to CCGs (from Apr 2021) value or percentiles")
    'compared_to_region'
    >>> column_name("Time period range")
    'time_period_range'
    """
    key = snake_case(header)
    if key in RENAMES:
        return RENAMES[key]
    regional = key == "compared_to_percentiles" or key.endswith("_value_or_percentiles")
    return "compared_to_region" if key.startswith("compared_to_") and regional else key


def _mapping(headers) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for header in headers:
        name = column_name(header)
        if name in mapping.values():  # a second regional comparator keeps its own name
            name = snake_case(header)
        mapping[header] = name
    return mapping


def read_fingertips(path) -> pd.DataFrame:
    """Read a Fingertips "all data" CSV export into a tidy DataFrame.

    The columns are `COLUMNS` (missing optional ones are filled blank) then any extra export
    columns, plus `is_headline` (True where both category type and category are blank, i.e.
    not a breakdown). Numeric columns are floats (blank -> NaN); `indicator_id` and
    `period_sortable` are nullable integers. Raises `InputError` naming missing essential
    columns or cells that should be numbers.
    """
    table = read_table(path, ESSENTIAL)
    problems = list(table.problems)
    if table.header_row is None:
        raise InputError(problems, "The Fingertips export cannot be read")
    mapping = _mapping(table.columns)
    for essential in ESSENTIAL:
        if column_name(essential) not in mapping.values():
            message = f"the essential column {essential!r} is missing"
            fix = "download the export again with Fingertips' 'all data' CSV option"
            problems.append(Problem(table.file, message, fix, table.header_row, essential))
    if table.frame.empty and not problems:
        message = "the file has no data rows"
        problems.append(Problem(table.file, message, "download the export again"))
    frame = table.frame.rename(columns=mapping)
    headers = {name: header for header, name in mapping.items()}
    for name in NUMERIC + WHOLE:
        if name not in frame:
            continue
        numbers = []
        for row, text in frame[name].items():
            try:
                number = to_number(text)
            except ValueError as exc:
                fix = "check the export is unedited, or download it again"
                message = "the cell is not a number" + (f" ({exc})" if formula_error(text) else "")
                problems.append(Problem(table.file, message, fix, row, headers[name], text))
                number = None
            if name in WHOLE and number is not None and not float(number).is_integer():
                message = "the cell should be a whole number"
                problems.append(Problem(table.file, message, "download the export again", row,
                                        headers[name], text))  # fmt: skip
            numbers.append(float("nan") if number is None else number)
        frame[name] = pd.Series(numbers, index=frame.index, dtype=float)
    if problems:
        raise InputError(problems, f"The Fingertips export has {len(problems)} problem(s)")
    for name in COLUMNS:
        if name not in frame:
            frame[name] = float("nan") if name in NUMERIC + WHOLE else ""
    for name in WHOLE:
        frame[name] = frame[name].round().astype("Int64")
    frame = frame[COLUMNS + [c for c in frame.columns if c not in COLUMNS]]
    frame["is_headline"] = (frame["category_type"] == "") & (frame["category"] == "")
    return frame.reset_index(drop=True)
