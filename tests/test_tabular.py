"""Reading CSV and .xlsx files into raw tables: encodings, headers, merged cells, cell text."""

from datetime import date, datetime

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from phlib.inputs.reading import read_table
from phlib.inputs.sheets import cell_text, number_text
from phlib.inputs.table import find_header, formula_error, snake_case, to_number

HEADER = ["indicator_id", "area", "period", "value"]


def write_xlsx(path, rows, merges=(), formats=None, extra_sheets=()):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    for row in rows:
        ws.append(row)
    for ref in merges:
        ws.merge_cells(ref)
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    for title, sheet_rows in extra_sheets:
        other = wb.create_sheet(title, 0)
        for row in sheet_rows:
            other.append(row)
    wb.save(path)
    return path


# ---------------------------------------------------------------- CSV


def test_utf8_csv_keeps_line_numbers_and_strips_cells(tmp_path):
    path = tmp_path / "obs.csv"
    path.write_text("area,value\n cambridgeshire , 56.1 \n\npeterborough,40\n", encoding="utf-8")
    table = read_table(path)
    assert table.header_row == 1
    assert list(table.frame.index) == [2, 4]
    assert table.frame.loc[2, "area"] == "cambridgeshire"
    assert table.frame.loc[2, "value"] == "56.1"
    assert table.encoding == "utf-8"
    assert table.cell(2, "value") is None
    assert table.problems == []


def test_bom_is_not_part_of_the_first_header(tmp_path):
    path = tmp_path / "obs.csv"
    path.write_bytes("area,value\npeterborough,1\n".encode("utf-8-sig"))
    table = read_table(path)
    assert table.columns == ["area", "value"]
    assert table.encoding == "utf-8-sig"


def test_windows_1252_is_read_when_not_utf8(tmp_path):
    path = tmp_path / "obs.csv"
    path.write_bytes("area,note\npeterborough,cost £5 – estimate\n".encode("cp1252"))
    table = read_table(path)
    assert table.encoding == "cp1252"
    assert table.frame.loc[2, "note"] == "cost £5 – estimate"


def test_utf16_with_bom_is_read(tmp_path):
    path = tmp_path / "obs.csv"
    path.write_bytes("area\tvalue\r\npeterborough\t7\r\n".encode("utf-16"))
    table = read_table(path)
    assert table.frame.to_dict("index") == {2: {"area": "peterborough", "value": "7"}}


def test_undecodable_bytes_are_reported_with_offset_and_line(tmp_path):
    path = tmp_path / "obs.csv"
    path.write_bytes(b"area,value\npeter\x81borough,1\n")
    table = read_table(path)
    assert len(table.problems) == 1
    problem = table.problems[0]
    assert "byte offset 16" in problem.message and "0x81" in problem.message
    assert problem.row == 2
    assert "CSV UTF-8" in problem.fix


@pytest.mark.parametrize("sep", [";", "\t"])
def test_semicolon_and_tab_separators_are_sniffed(tmp_path, sep):
    path = tmp_path / "obs.csv"
    path.write_text(sep.join(["area", "value"]) + "\n" + sep.join(["peterborough", "1,5"]) + "\n")
    table = read_table(path)
    assert table.frame.loc[2, "value"] == "1,5"


def test_quoted_newline_keeps_one_record_per_row(tmp_path):
    path = tmp_path / "obs.csv"
    path.write_text('area,note\npeterborough,"two\nlines"\ncambridgeshire,x\n')
    table = read_table(path)
    assert table.frame.loc[2, "note"] == "two\nlines"
    assert table.frame.loc[3, "area"] == "cambridgeshire"


def test_title_rows_above_the_header_are_skipped(tmp_path):
    path = tmp_path / "obs.csv"
    path.write_text("Observations for Q3\n\n" + ",".join(HEADER) + "\nx,peterborough,2022-10,1\n")
    table = read_table(path, expected=HEADER)
    assert table.header_row == 3
    assert list(table.frame.index) == [4]


def test_trailing_empty_columns_and_short_rows(tmp_path):
    path = tmp_path / "obs.csv"
    path.write_text("area,value,,\npeterborough,1,,\ncambridgeshire\n,,,\n")
    table = read_table(path)
    assert table.columns == ["area", "value"]
    assert table.frame.loc[3, "value"] == ""
    assert list(table.frame.index) == [2, 3]


def test_values_without_a_header_and_repeated_headers_are_problems(tmp_path):
    path = tmp_path / "obs.csv"
    path.write_text("area,value,,value\npeterborough,1,stray,2\n")
    table = read_table(path)
    messages = [p.message for p in table.problems]
    assert any("column 3 has values (first in row 2) but no header" in m for m in messages)
    assert any("'value' appears twice" in m for m in messages)
    assert table.columns == ["area", "value"]


@pytest.mark.parametrize("text", ["", "\n\n", ",,,\n,,\n"])
def test_empty_files_are_reported(tmp_path, text):
    path = tmp_path / "obs.csv"
    path.write_text(text)
    table = read_table(path)
    assert [p.message for p in table.problems] == ["the file is empty"]
    assert table.header_row is None


def test_missing_file_and_old_xls_are_problems(tmp_path):
    assert "does not exist" in read_table(tmp_path / "nope.csv").problems[0].message
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    assert "save it as .xlsx" in read_table(tmp_path / "old.xls").problems[0].fix


@pytest.mark.parametrize("bad", [b'"a"b"', b'"never closed'])
def test_bad_quoting_is_reported_with_its_row(tmp_path, bad):
    path = tmp_path / "obs.csv"
    path.write_bytes(b"area,note\npeterborough,ok\ncambridgeshire," + bad + b"\nx,y\n")
    problems = read_table(path).problems
    assert len(problems) == 1
    assert problems[0].row == 3
    assert "not valid CSV" in problems[0].message and "quotes" in problems[0].fix


def test_a_quote_inside_an_unquoted_value_is_kept(tmp_path):
    path = tmp_path / "obs.csv"
    path.write_text('area,note\npeterborough,12" pipe\n')
    assert read_table(path).frame.loc[2, "note"] == '12" pipe'


# ---------------------------------------------------------------- Excel


def test_xlsx_title_row_shifts_row_numbers_and_names_cells(tmp_path):
    rows = [["Sexual health data, Q3 2022/23"], [], HEADER, ["sh_a", "peterborough", "2022-10", 56]]
    path = write_xlsx(tmp_path / "obs.xlsx", rows, merges=["A1:D1"])
    table = read_table(path, expected=HEADER)
    assert table.header_row == 3
    assert table.frame.loc[4].to_dict() == {
        "indicator_id": "sh_a",
        "area": "peterborough",
        "period": "2022-10",
        "value": "56",
    }
    assert table.cell(4, "value") == "D4"
    assert table.where(4, "value")["cell"] == "D4"
    assert table.problems == []  # a merged title row is not a problem
    assert table.sheet == "Data"


def test_xlsx_merged_data_cells_are_reported_and_filled(tmp_path):
    rows = [HEADER, ["sh_a", "peterborough", "2022-10", 1], ["sh_a", None, "2022-11", 2]]
    path = write_xlsx(tmp_path / "obs.xlsx", rows, merges=["B2:B3"])
    table = read_table(path, expected=HEADER)
    assert len(table.problems) == 1
    problem = table.problems[0]
    assert problem.message == "merged cells in data rows (B2:B3)"
    assert problem.cell == "B2:B3" and "unmerge" in problem.fix
    assert list(table.frame["area"]) == ["peterborough", "peterborough"]


def test_xlsx_merged_header_cells_are_reported(tmp_path):
    rows = [["indicator_id", "area", None, "value"], ["sh_a", "peterborough", "x", 1]]
    path = write_xlsx(tmp_path / "obs.xlsx", rows, merges=["B1:C1"])
    messages = [str(p) for p in read_table(path, expected=HEADER).problems]
    assert any("merged cells in the header row (B1:C1)" in m for m in messages)
    assert any("cell C1 has values" in m for m in messages)


def test_xlsx_cell_types_become_the_text_people_see(tmp_path):
    rows = [
        ["period", "value", "flag", "error", "stored_as_text"],
        [datetime(2022, 10, 1), 0.1 + 0.2, True, "#DIV/0!", " 56.0 "],
        [date(2023, 1, 31), 0.456, False, "#N/A", "1,234"],
    ]
    path = write_xlsx(tmp_path / "obs.xlsx", rows, formats={"B3": "0.0%"})
    frame = read_table(path).frame
    assert frame.loc[2].to_dict() == {
        "period": "2022-10-01",
        "value": "0.3",
        "flag": "TRUE",
        "error": "#DIV/0!",
        "stored_as_text": "56.0",
    }
    assert frame.loc[3, "value"] == "45.6%"
    assert frame.loc[3, "period"] == "2023-01-31"
    assert to_number(frame.loc[3, "stored_as_text"]) == 1234


def test_xlsx_picks_the_sheet_with_the_header(tmp_path):
    path = write_xlsx(
        tmp_path / "obs.xlsx",
        [HEADER, ["sh_a", "peterborough", "2022-10", 3]],
        extra_sheets=[("Notes", [["Read me first"], ["nothing here"]])],
    )
    table = read_table(path, expected=HEADER)
    assert table.sheet == "Data"
    assert table.frame.loc[2, "value"] == "3"
    named = read_table(path, expected=HEADER, sheet="Notes")
    assert named.sheet == "Notes"
    assert "no sheet named 'Nope'" in read_table(path, sheet="Nope").problems[0].message


def test_xlsx_trailing_formatted_rows_and_columns_are_ignored(tmp_path):
    path = tmp_path / "obs.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["area", "value"])
    ws.append(["peterborough", 4])
    ws["Z500"].number_format = "0.0"  # formatted but empty
    ws["C400"] = "   "
    wb.save(path)
    table = read_table(path)
    assert table.columns == ["area", "value"]
    assert list(table.frame.index) == [2]


def test_a_file_that_is_not_a_workbook_is_reported(tmp_path):
    path = tmp_path / "obs.xlsx"
    path.write_text("area,value\n")
    problem = read_table(path).problems[0]
    assert "cannot be opened as an Excel workbook" in problem.message
    assert "save it again" in problem.fix


def test_empty_sheet_is_reported(tmp_path):
    path = write_xlsx(tmp_path / "obs.xlsx", [])
    assert "is empty" in read_table(path).problems[0].message


# ---------------------------------------------------------------- cells


@pytest.mark.parametrize(
    "text, expected",
    [("12", 12.0), (" -3.5 ", -3.5), ("1,234,567.25", 1234567.25), ("45%", 45.0), ("", None)],
)
def test_to_number_accepts(text, expected):
    assert to_number(text) == expected


@pytest.mark.parametrize(
    "text, reason",
    [
        ("abc", "not a number"),
        ("#DIV/0!", "formula error"),
        ("#value!", "formula error"),
        ("nan", "not a finite number"),
        ("1,23", "not a number"),
    ],
)
def test_to_number_refuses(text, reason):
    with pytest.raises(ValueError, match=reason):
        to_number(text)


@given(st.floats(min_value=-1e300, max_value=1e300))
def test_number_text_round_trips(value):
    back = to_number(number_text(value))
    assert back == pytest.approx(value, rel=1e-14, abs=1e-300)


def test_cell_text_and_helpers():
    assert cell_text(None) == ""
    assert cell_text(datetime(2022, 10, 1, 9, 30)) == "2022-10-01 09:30:00"
    assert cell_text(3, "0%") == "300%"
    assert formula_error("#REF!") == "#REF!"
    assert snake_case("Compared to CCGs/ICB value") == "compared_to_ccgs_icb_value"
    assert find_header({1: [""], 2: ["Title"], 3: ["area"]}, {"area"}) == 3
    assert find_header({1: ["Title"], 2: ["x"]}, {"area"}) == 1
    assert find_header({}, {"area"}) is None


def test_a_row_longer_than_the_header_is_reported(tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_text("id,title,unit\na,Rate per 100,000 people,per_100000\nb,Count,count\n")
    problems = read_table(path).problems
    assert [(p.row, p.message) for p in problems if p.row == 2] == [
        (2, "the row has 4 values but the header has 3")
    ]
    assert "double quotes" in problems[0].fix


def test_keep_drops_other_rows_as_the_csv_is_read_and_keeps_row_numbers(tmp_path):
    path = tmp_path / "obs.csv"
    path.write_text("Report title\nID,Area,Value\na,north,1\nb,south,2\n\nc,north,3\n")
    table = read_table(path, ["id", "area"], keep=("area", lambda text: text == "north"))
    assert table.header_row == 2
    assert table.frame.index.tolist() == [3, 6]
    assert table.frame["ID"].tolist() == ["a", "c"] and table.dropped == 1
    unfiltered = read_table(path, ["id", "area"], keep=("region", lambda text: False))
    assert unfiltered.frame.index.tolist() == [3, 4, 6]  # no such column: every row is kept
