"""Build the Excel files of the bad-input corpus (tests/bad_inputs/data/*.xlsx).

Run `python tests/bad_inputs/make_xlsx.py` after changing a workbook below; the generated
files are committed, and tests/test_bad_data_inputs.py checks they match this script.

>>> sorted(WORKBOOKS)
['formula_errors.xlsx', 'merged_cells.xlsx', 'title_row.xlsx']
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent / "data"
HEADER = ["indicator_id", "area", "period", "breakdown", "value", "numerator", "denominator"]

# Each workbook: rows (None = empty cell), merged ranges, number formats.
WORKBOOKS = {
    # A merged title and a blank row above the header: row numbers shift by two, and the
    # unknown area on sheet row 5 must be reported as cell B5.
    "title_row.xlsx": {
        "rows": [
            ["Sexual health quarterly return \u2013 Q3 2022/23"],
            [],
            HEADER,
            ["sh_sti_offered_2wd", "cambridgeshire", "2022-23-Q3", None, 0.972, 1458, 1500],
            ["sh_sti_offered_2wd", "peterbrough", "2022-23-Q3", None, 0.951, 951, 1000],
        ],
        "merged": ["A1:G1"],
        "formats": {"E4": "0.0%", "E5": "0.0%"},
    },
    # The indicator id merged down two data rows.
    "merged_cells.xlsx": {
        "rows": [
            HEADER,
            ["ss_quits_4wk", "peterborough", "2022-10", None, 38],
            [None, "peterborough", "2022-11", None, 41],
        ],
        "merged": ["A2:A3"],
        "formats": {},
    },
    # Formulas that failed: Excel shows #DIV/0! and #N/A in the value cells.
    "formula_errors.xlsx": {
        "rows": [
            HEADER,
            ["sh_sti_offered_2wd", "cambridgeshire", "2022-23-Q3", None, "#DIV/0!", 0, 0],
            ["sh_sti_offered_2wd", "peterborough", "2022-23-Q3", None, "#N/A", None, None],
        ],
        "merged": [],
        "formats": {},
    },
}


def build(name: str, folder: Path = HERE) -> Path:
    """Write one workbook of `WORKBOOKS` into `folder` and return its path."""
    spec = WORKBOOKS[name]
    wb = openpyxl.Workbook()
    wb.properties.created = wb.properties.modified = datetime(2023, 1, 1)
    ws = wb.active
    ws.title = "Data"
    for row in spec["rows"]:
        ws.append(row)
    for ref in spec["merged"]:
        ws.merge_cells(ref)
    for ref, number_format in spec["formats"].items():
        ws[ref].number_format = number_format
    path = Path(folder) / name
    wb.save(path)
    return path


if __name__ == "__main__":
    for workbook in WORKBOOKS:
        print(build(workbook))
