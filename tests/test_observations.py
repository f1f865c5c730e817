"""Loading observations: the tidy result, and every kind of problem reported in one pass."""

import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from phlib.errors import InputError, ObservationsError
from phlib.inputs.catalogue import load_catalogue
from phlib.inputs.observations import COLUMNS, load_observations

CATALOGUE = """indicator_id,title,service,unit,direction,target_kind,frequency,publication
sh_offered,STI offered within 2 days,sexual_health,percent,higher,threshold,quarter,public
ss_quits,Four-week quitters,stop_smoking,count,higher,annual,month,public
hc_rate,Health checks per 100k,health_checks,per_100000,higher,none,quarter,public
"""
HEADER = "indicator_id,area,period,breakdown,value,numerator,denominator,target,note"


@pytest.fixture
def catalogue(tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_text(CATALOGUE)
    return load_catalogue(path)


def write(tmp_path, rows, header=HEADER, name="obs.csv"):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def error_text(paths, catalogue) -> str:
    with pytest.raises(ObservationsError) as caught:
        load_observations(paths, catalogue)
    assert isinstance(caught.value, InputError)
    return str(caught.value)


def write_xlsx(path, rows):
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def test_a_valid_file_becomes_a_tidy_frame(tmp_path, catalogue):
    rows = [
        "sh_offered,peterborough,Q3 2022/23,,56.5,113,200,90,",
        "sh_offered,peterborough,2022-23-Q3,Fenland,48,,,,district figure",
        "ss_quits,cambridgeshire,Oct 2022,,42,,,,",
        "ss_quits,cambridgeshire,2022-23-Q3,,120,,,,quarter row for a monthly indicator",
        "ss_quits,cambridgeshire,2022/23,,,,,,",
    ]
    obs = load_observations(write(tmp_path, rows), catalogue)
    assert list(obs.columns) == COLUMNS
    assert obs["period"].tolist() == [
        "2022-23-Q3",
        "2022-23-Q3",
        "2022-10",
        "2022-23-Q3",
        "2022-23",
    ]
    assert obs["period_kind"].tolist() == ["quarter", "quarter", "month", "quarter", "year"]
    assert obs["period_start"].iloc[0] == pd.Timestamp("2022-10-01")
    assert obs["period_end"].iloc[4] == pd.Timestamp("2023-03-31")
    assert obs["breakdown"].tolist() == ["", "Fenland", "", "", ""]
    assert obs["numerator"].iloc[0] == 113 and obs["target"].iloc[0] == 90
    assert math.isnan(obs["value"].iloc[4])  # blank = not available
    assert math.isnan(obs["england_mean"].iloc[0])  # column absent from the file
    assert obs["source_row"].tolist() == [2, 3, 4, 5, 6]
    assert set(obs["source_file"]) == {str(tmp_path / "obs.csv")}
    assert str(obs["value"].dtype) == "float64"
    assert str(obs["period_start"].dtype) == "datetime64[ns]"


def test_several_files_csv_and_excel_are_combined(tmp_path, catalogue):
    first = write(tmp_path, ["sh_offered,peterborough,Q3 2022/23,,56,,,,"])
    second = write_xlsx(
        tmp_path / "more.xlsx",
        [
            ["Stop smoking, monthly"],
            ["indicator_id", "area", "period", "value", "comparator_period", "england_mean"],
            ["ss_quits", "peterborough", "Nov 2022", 30, "2021/22", 28.5],
        ],
    )
    obs = load_observations([first, second], catalogue)
    assert obs["source_row"].tolist() == [2, 3]  # the title row shifts the Excel row
    assert obs["comparator_period"].tolist() == ["", "2021-22"]
    assert obs["england_mean"].iloc[1] == 28.5
    assert obs["source_file"].iloc[1] == str(second)


def test_excel_dates_and_percent_cells_are_read(tmp_path, catalogue):
    from datetime import datetime

    path = tmp_path / "obs.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["indicator_id", "area", "period", "value"])
    ws.append(["ss_quits", "peterborough", datetime(2022, 10, 1), 12])
    ws.append(["sh_offered", "peterborough", "Q3 2022/23", 0.565])
    ws["D3"].number_format = "0.0%"
    wb.save(path)
    obs = load_observations(path, catalogue)
    assert obs["period"].tolist() == ["2022-10", "2022-23-Q3"]
    assert obs["value"].tolist() == [12, 56.5]


def test_no_files_give_an_empty_frame_with_the_columns(catalogue):
    obs = load_observations([], catalogue)
    assert list(obs.columns) == COLUMNS and obs.empty


CASES = [
    # (row, expected fragments)
    (
        "sh_ofered,peterborough,Q3 2022/23,,50,,,,",
        [
            "row 2, column 'indicator_id'",
            "unknown indicator (got 'sh_ofered')",
            "did you mean 'sh_offered'? use an indicator_id listed in the catalogue (",
            "catalogue.csv)",
        ],
    ),
    (
        "sh_offered,peterbrough,Q3 2022/23,,50,,,,",
        [
            "column 'area': unknown area",
            "did you mean 'peterborough'?",
            "use one of: cambridgeshire, peterborough",
        ],
    ),
    (
        "sh_offered,peterborough,Q3 2022/23,,fifty,,,,",
        ["column 'value': the value is not a number", "(got 'fifty')", "type a number"],
    ),
    (
        "sh_offered,peterborough,Q3 2022/23,,#DIV/0!,,,,",
        [
            "the value cell shows #DIV/0!, a formula error (got '#DIV/0!')",
            "correct the formula in the spreadsheet",
            "leave the cell blank",
        ],
    ),
    ("sh_offered,peterborough,Q3 2022/23,,#N/A,,,,", ["#N/A, a formula error"]),
    ("sh_offered,peterborough,Q3 2022/23,,#VALUE!,,,,", ["#VALUE!, a formula error"]),
    ("sh_offered,peterborough,Q3 2022/23,,#REF!,,,,", ["#REF!, a formula error"]),
    (
        "sh_offered,peterborough,Q3 2022/23,,112.5,,,,",
        ["the value is a percentage outside 0 to 100 (got '112.5')", "0-100 scale"],
    ),
    ("sh_offered,peterborough,Q3 2022/23,,-1,,,,", ["percentage outside 0 to 100"]),
    ("sh_offered,peterborough,Q3 2022/23,,50,,,101,", ["the target is a percentage outside"]),
    ("ss_quits,peterborough,Oct 2022,,-3,,,,", ["the value is a count and cannot be negative"]),
    (
        "ss_quits,peterborough,Oct 2022,,3.5,,,,",
        ["the value is a count and must be a whole number"],
    ),
    ("hc_rate,peterborough,Q3 2022/23,,-3,,,,", ["the value is a rate and cannot be negative"]),
    ("sh_offered,peterborough,Q3 2022/23,,50,-5,10,,", ["the numerator cannot be negative"]),
    (
        "sh_offered,peterborough,Q3 2022/23,,50,150,100,,",
        [
            "column 'numerator': the numerator (150) is greater than the denominator (100)",
            "not swapped",
        ],
    ),
    (
        "sh_offered,peterborough,Q3 2022/23,,,0,0,,",
        [
            "column 'denominator': the denominator is 0",
            "leave value, numerator and denominator blank",
        ],
    ),
    (
        "sh_offered,peterborough,Q5 2022/23,,50,,,,",
        [
            "column 'period': the period cannot be read",
            "(got 'Q5 2022/23')",
            "a quarter as 2022-23-Q3 or Q3 2022/23",
        ],
    ),
    ("sh_offered,peterborough,,,50,,,,", ["the period is blank", "a month as 2022-10"]),
    (",peterborough,Q3 2022/23,,50,,,,", ["the indicator_id is blank"]),
    ("sh_offered,,Q3 2022/23,,50,,,,", ["the area is blank"]),
]


@pytest.mark.parametrize("row, fragments", CASES, ids=[c[0] for c in CASES])
def test_each_row_problem_is_named_with_a_fix(tmp_path, catalogue, row, fragments):
    text = error_text(write(tmp_path, [row]), catalogue)
    assert str(tmp_path / "obs.csv") in text
    assert "row 2" in text
    for fragment in fragments:
        assert fragment in text, fragment
    assert "Fix:" in text


def test_a_rate_numerator_may_exceed_its_denominator(tmp_path, catalogue):
    obs = load_observations(
        write(tmp_path, ["hc_rate,peterborough,Q3 2022/23,,1500,3,2,,"]), catalogue
    )
    assert obs["value"].tolist() == [1500]


def test_duplicate_rows_name_both_rows_even_across_files(tmp_path, catalogue):
    rows = [
        "sh_offered,peterborough,Q3 2022/23,,56,,,,",
        "sh_offered,peterborough,2022-23-Q3,,57,,,,",
        "sh_offered,peterborough,2022-23-Q3,Fenland,57,,,,",
    ]
    first = write(tmp_path, rows)
    second = write(tmp_path, ["sh_offered,peterborough,Q3 22/23,Fenland,1,,,,"], name="two.csv")
    text = error_text([first, second], catalogue)
    assert (
        "obs.csv, row 3: duplicate row: sh_offered, peterborough, 2022-23-Q3, the headline "
        "(no breakdown) is also in row 2. Fix: keep one of the two rows (row 2 and row 3)"
    ) in text
    assert (
        f"two.csv, row 2: duplicate row: sh_offered, peterborough, 2022-23-Q3, breakdown "
        f"'Fenland' is also in {first} row 4" in text
    )


def test_column_problems(tmp_path, catalogue):
    text = error_text(
        write(
            tmp_path,
            ["sh_offered,peterborough,Q3 2022/23,50,x"],
            header="indicator_id,area,period,vlaue,colour",
        ),
        catalogue,
    )
    assert (
        "row 1, column 'vlaue': the required column 'value' is missing and the header "
        "'vlaue' looks like a misspelling of it. Fix: rename the header 'vlaue' to 'value'" in text
    )
    assert "row 1, column 'colour': unknown column 'colour'. Fix: delete the column" in text

    text = error_text(
        write(
            tmp_path,
            ["sh_offered,peterborough,Q3 2022/23,50,note"],
            header="indicator_id,area,period,value,notes",
        ),
        catalogue,
    )
    assert "unknown column 'notes'. Fix: rename it to 'note'" in text

    text = error_text(
        write(tmp_path, ["sh_offered,peterborough,50"], header="indicator_id,area,value"), catalogue
    )
    assert "the required column 'period' is missing" in text
    assert "add a column headed 'period'" in text
    assert text.count("  - ") == 1  # not repeated on every row


def test_empty_and_header_only_files(tmp_path, catalogue):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    header_only = write(tmp_path, [], name="header_only.csv")
    text = error_text([empty, header_only], catalogue)
    assert "empty.csv: the file is empty" in text
    assert "header_only.csv: the file has no data rows. Fix: add one row per value" in text


def test_excel_problems_name_the_cell(tmp_path, catalogue):
    path = write_xlsx(
        tmp_path / "obs.xlsx",
        [
            ["Q3 return"],
            ["indicator_id", "area", "period", "value", "denominator"],
            ["sh_offered", "peterborough", "Q3 2022/23", "#DIV/0!", 0],
        ],
    )
    text = error_text(path, catalogue)
    assert "obs.xlsx, cell D3, column 'value': the value cell shows #DIV/0!" in text
    assert "obs.xlsx, cell E3, column 'denominator': the denominator is 0" in text


def test_a_file_with_many_problems_reports_them_all_at_once(tmp_path, catalogue):
    rows = [
        "sh_ofered,peterborough,Q3 2022/23,,50,,,,",
        "sh_offered,peterbrough,Q3 2022/23,,150,,,,",
        "ss_quits,cambridgeshire,Month 13,,-2,,,,",
        "sh_offered,cambridgeshire,Q3 2022/23,,#N/A,5,0,,",
        "sh_offered,cambridgeshire,Q3 2022/23,,12,20,10,,",
    ]
    with pytest.raises(ObservationsError) as caught:
        load_observations(write(tmp_path, rows), catalogue)
    problems = caught.value.problems
    assert [(p.row, p.column) for p in problems] == [
        (2, "indicator_id"),
        (3, "area"),
        (3, "value"),
        (4, "period"),
        (4, "value"),
        (5, "value"),
        (5, "denominator"),
        (6, "numerator"),
        (6, None),  # duplicate of row 5
    ]
    assert "The observations have 9 problem(s)" in str(caught.value)


def test_reading_one_area_keeps_and_checks_only_its_rows(tmp_path, catalogue):
    rows = [
        "sh_offered,peterborough,Q3 2022/23,,56.5,113,200,90,",
        "ss_quits,cambridgeshire,Oct 2022,,42,,,,",
        "ss_quits,cambridgeshire,Month 13,,-2,,,,",  # bad, but not Peterborough's
    ]
    path = write(tmp_path, rows)
    one = load_observations(path, catalogue, areas=["peterborough"])
    assert one["area"].tolist() == ["peterborough"]
    assert one["source_row"].tolist() == [2]
    assert "Month 13" in error_text(path, catalogue)
    with pytest.raises(ObservationsError):
        load_observations(path, catalogue, areas=["cambridgeshire"])


def test_one_area_read_from_a_file_of_many_equals_the_whole_file_filtered(tmp_path):
    """Rows of other areas are dropped as the CSV is read; what is kept is exactly what a
    read of the whole file gives for that area (row numbers too), however the area is
    written (key, name in any case and spacing, ONS code) and whatever the header's case."""
    project = Path(__file__).resolve().parents[1]
    real = load_catalogue(project / "data" / "catalogue.csv", project / "data" / "areas.csv")
    header = "Indicator_ID,Area,Period,Breakdown,Value,Numerator,Denominator,Target,Note"
    rows = [
        "ss_quit_rate,peterborough,Q3 2022/23,,50.5,101,200,35,",
        "ss_quit_rate,E10000003,Q3 2022/23,,54.9,110,200,35,",
        "ss_quit_rate,  CAMBRIDGESHIRE ,Q2 2022/23,,60.4,121,200,35,",
        ",,,,,,,,",
        "ss_quit_rate,Peterborough,Q2 2022/23,,51.0,102,200,35,",
        "ss_quit_rate,cambridgeshire,Q1 2022/23,,58.0,116,200,35,",
    ]
    path = write(tmp_path, rows, header=header)
    whole = load_observations(path, real)
    for area in ("cambridgeshire", "peterborough"):
        one = load_observations(path, real, areas=[area])
        expected = whole[whole["area"] == area].reset_index(drop=True)
        pd.testing.assert_frame_equal(one.reset_index(drop=True), expected)
    assert load_observations(path, real, areas=["cambridgeshire"])["source_row"].tolist() == [
        3, 4, 7,
    ]  # fmt: skip


def test_a_file_without_an_area_column_still_says_so_when_one_area_is_read(tmp_path, catalogue):
    path = write(tmp_path, ["sh_offered,Q3 2022/23,56.5"], header="indicator_id,period,value")
    with pytest.raises(ObservationsError) as caught:
        load_observations(path, catalogue, areas=["peterborough"])
    assert "area" in str(caught.value)


def test_an_area_with_no_rows_reads_as_empty_but_an_empty_file_is_still_a_problem(
    tmp_path, catalogue
):
    path = write(tmp_path, ["sh_offered,peterborough,Q3 2022/23,,56.5,113,200,90,"])
    assert load_observations(path, catalogue, areas=["cambridgeshire"]).empty
    empty = write(tmp_path, [], name="empty.csv")
    with pytest.raises(ObservationsError, match="no data rows"):
        load_observations(empty, catalogue, areas=["cambridgeshire"])


def test_one_area_read_from_a_workbook_keeps_only_its_rows_with_their_numbers(tmp_path, catalogue):
    path = write_xlsx(tmp_path / "obs.xlsx", [
        HEADER.split(","),
        ["sh_offered", "peterborough", "Q3 2022/23", "", 56.5, 113, 200, 90, ""],
        ["ss_quits", "cambridgeshire", "Month 13", "", -2, "", "", "", ""],  # bad, not ours
        ["sh_offered", "peterborough", "Q2 2022/23", "", 55.0, 110, 200, 90, ""],
    ])  # fmt: skip
    one = load_observations(path, catalogue, areas=["peterborough"])
    assert one["source_row"].tolist() == [2, 4] and set(one["area"]) == {"peterborough"}
    with pytest.raises(ObservationsError, match="Month 13"):
        load_observations(path, catalogue, areas=["cambridgeshire"])
