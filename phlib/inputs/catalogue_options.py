"""The catalogue's optional columns for published data: Fingertips series, intervals, small %.

- `fingertips_id`: the Fingertips indicator number whose export `phreport import fingertips`
  maps to this indicator; `fingertips_sex` and `fingertips_age` choose the headline series
  (default `Persons` and the all-ages series); other sexes and ages become breakdowns.
- `ci_method`: how a confidence interval is worked out from numerator and denominator when the
  data carry none: `wilson` (proportions), `byar` (rates of counts) or `none`. Blank means
  `wilson` for percentages, `byar` for rates and `none` for counts.
- `small_percent`: `yes` when a percentage is genuinely at or below 1% everywhere, so values
  such as 0.4 are not taken for fractions (0.4 for 40%).

>>> problems = []
>>> row = {"fingertips_id": "93356.0", "ci_method": "Byar", "small_percent": "Yes",
...        "unit": "per_100000"}
>>> check_options(row, lambda column, message, fix: problems.append(column))
>>> row["fingertips_id"], row["ci_method"], row["small_percent"], problems
('93356', 'byar', True, [])
"""

from __future__ import annotations

from phlib.inputs.columns import did_you_mean, one_of
from phlib.inputs.table import to_number

COLUMNS = ("fingertips_id", "fingertips_sex", "fingertips_age", "ci_method", "small_percent")
CI_METHODS = ("wilson", "byar", "none")
_YES, _NO = ("yes", "y", "true", "1"), ("no", "n", "false", "0", "")


def default_ci_method(unit: str) -> str:
    """`wilson` for percentages, `byar` for rates, `none` for counts.

    >>> default_ci_method("percent"), default_ci_method("per_1000"), default_ci_method("count")
    ('wilson', 'byar', 'none')
    """
    return {"percent": "wilson", "count": "none"}.get(unit, "byar")


def check_options(row: dict, problem) -> None:
    """Normalise the optional columns of one catalogue row in place, reporting each fault."""
    text = str(row.get("fingertips_id", "") or "").strip()
    try:
        number = to_number(text)
        if number is not None and (number <= 0 or not float(number).is_integer()):
            raise ValueError
        row["fingertips_id"] = "" if number is None else str(int(number))
    except ValueError:
        fix = "type Fingertips' indicator number (such as 93356), or leave it blank"
        problem("fingertips_id", "the fingertips_id is not an indicator number", fix)
        row["fingertips_id"] = ""
    method = str(row.get("ci_method", "") or "").strip().lower()
    if method and method not in CI_METHODS:
        fix = did_you_mean(method, CI_METHODS) + one_of(CI_METHODS)
        problem("ci_method", "unknown ci_method", fix)
        method = ""
    row["ci_method"] = method or default_ci_method(row.get("unit", ""))
    flag = str(row.get("small_percent", "") or "").strip().lower()
    if flag not in _YES + _NO:
        problem("small_percent", "small_percent is neither yes nor no",
                "write yes for a percentage genuinely under 1%, else no or blank")  # fmt: skip
    row["small_percent"] = flag in _YES
    for column in ("fingertips_sex", "fingertips_age"):
        row[column] = str(row.get(column, "") or "").strip()
