"""The column checks of observations (the quick path) against the row-by-row checks.

`load_observations` checks each file a column at a time and checks it again row by row only
when some row may have a problem; `row_by_row=True` checks every file row by row. Both must
give the same frame (columns, types, values, order, source rows) for good files, and the same
`ObservationsError` (every problem, in order) for bad ones: these tests build files of good
and bad cells, CSV and xlsx, all rows or one area, and compare the two.
"""

import csv
import string
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phlib.errors import ObservationsError
from phlib.inputs.areas import area_lookup
from phlib.inputs.catalogue import load_catalogue
from phlib.inputs.columns import check_columns
from phlib.inputs.observation_columns import checked_frame
from phlib.inputs.observation_rows import OPTIONAL, REQUIRED
from phlib.inputs.observations import load_observations
from phlib.inputs.reading import read_table

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = """\
indicator_id,title,service,unit,direction,target_kind,frequency,publication,small_percent
sh_pct,STI offered within 2 days,sexual_health,percent,higher,threshold,quarter,public,
sh_small,Rare outcome,sexual_health,percent,lower,none,quarter,public,yes
ss_quits,Four-week quitters,stop_smoking,count,higher,annual,month,public,
hc_rate,Health checks per 100k,health_checks,per_100000,higher,none,quarter,public,
hc_per_1000,Checks per 1000,health_checks,per_1000,higher,none,quarter,public,
"""
AREAS = """area,name,ons_code
cambridgeshire,Cambridgeshire,E10000003
peterborough,Peterborough,E06000031
"""
HEADER = list(REQUIRED) + list(OPTIONAL)
UNITS = {"sh_pct": "percent", "sh_small": "percent", "ss_quits": "count", "hc_rate": "rate",
         "hc_per_1000": "rate"}  # fmt: skip

GOOD = {
    "area": ["peterborough", "Peterborough", "  CAMBRIDGESHIRE ", "E06000031", "e10000003",
             "cambridgeshire"],
    "period": ["2022-10", "Oct 2022", "2022-23-Q3", "Q3 2022/23", "2022-23", "2022/23", "2017",
               "2019 - 21", "2018/19 - 20/21", "2021/22 Q1 - 2022/23 Q3", "Q2 2022/23"],
    "comparator_period": ["", "", "2021-22-Q3", "Q3 2021/22", "2021/22"],
    "compared": ["", "", "Better", "similar", " worse ", "NOT COMPARED", "Not  compared", "Lower"],
    "whole": ["", "0", "7", "56", "45%", "12 %", "88", "1_0", "+12", "\u0661\u0662", "3.0", "1e1"],
    "decimal": ["56.1", ".5e2", "72.25", "99.9"],
    "numerator": ["", "0", "12", "99"],
    "denominator": ["", "100", "250", "1,000", "1,000.5"],
    "lower": ["", "10", "20.5"],
    "upper": ["", "30", "40.25"],
    "fraction": ["0.088", "0.5", "1", "", "0"],
}  # fmt: skip
BAD = {
    "indicator_id": ["", "unknown_x", "SH_PCT", "sh_pc"],
    "area": ["", "Nowhere", "peterbrough", "Cambridge shire"],
    "period": ["", "Q5 2022/23", "2022-13", "sometime", "2023/22"],
    "comparator_period": ["Q9 2021", "later"],
    "compared": ["nope", "better than"],
    "number": ["abc", "#DIV/0!", "#n/a", "nan", "inf", "1e999", "-3", "150", "56.5", "0x10",
               "1,23", "0.088"],
    "numerator": ["300", "-1"],
    "denominator": ["0", "-5"],
    "lower": ["50"],
}  # fmt: skip
#: Bad texts for each column, for files of good rows with one or two bad cells.
FAULTS = {
    "indicator_id": BAD["indicator_id"], "area": BAD["area"], "period": BAD["period"],
    "comparator_period": BAD["comparator_period"], "compared_to_england": BAD["compared"],
    "compared_to_region": BAD["compared"], "value": BAD["number"],
    "numerator": BAD["numerator"] + BAD["number"],
    "denominator": BAD["denominator"] + BAD["number"],
    "lower_ci95": BAD["lower"], "upper_ci95": BAD["number"], "target": BAD["number"],
    "region_mean": BAD["number"],
}  # fmt: skip
NUMBERS = ("target", "stat_neighbour_mean", "england_mean", "region_mean", "lower_ci998",
           "upper_ci998")  # fmt: skip


@pytest.fixture(scope="module")
def catalogue():
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "catalogue.csv").write_text(CATALOGUE, encoding="utf-8")
        (Path(folder) / "areas.csv").write_text(AREAS, encoding="utf-8")
        return load_catalogue(Path(folder) / "catalogue.csv", Path(folder) / "areas.csv")


def outcome(paths, catalogue, **options):
    """The frame, or the problems and message of the error."""
    try:
        return load_observations(paths, catalogue, **options)
    except ObservationsError as error:
        return error.problems, str(error)


def assert_same(paths, catalogue, areas=None):
    """Both paths give the same result; returns it."""
    quick = outcome(paths, catalogue, areas=areas)
    reference = outcome(paths, catalogue, areas=areas, row_by_row=True)
    assert type(quick) is type(reference)
    if isinstance(quick, pd.DataFrame):
        pd.testing.assert_frame_equal(quick, reference, check_exact=True)
        assert list(quick.dtypes) == list(reference.dtypes)
        assert list(quick.columns) == list(reference.columns)
    else:
        assert quick == reference
    return quick


def write(path: Path, header: list[str], rows: list[dict]) -> Path:
    """A CSV or xlsx file (by suffix) with the header and rows (cells as text; in xlsx a
    text that reads as a plain number is written as a number, as Excel would hold it)."""
    if path.suffix == ".xlsx":
        book = openpyxl.Workbook()
        book.active.append(header)
        for row in rows:
            book.active.append([_excel(row.get(name, "")) for name in header])
        book.save(path)
    else:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows([row.get(name, "") for name in header] for row in rows)
    return path


def _excel(text: str):
    if text and set(text) <= set(string.digits + ".-") and text.count(".") <= 1:
        try:
            return float(text) if "." in text else int(text)
        except ValueError:
            return text
    return text


KINDS = ("clean", "faulty", "faulty", "repeats", "fractions", "mixed")


@st.composite
def rows(draw, kind: str, file: int, count: int, header: list[str]) -> list[dict]:
    """Rows of a file: `clean` has good cells and distinct rows, `faulty` the same with one or
    two bad cells, `repeats` good cells with repeated keys likely, `fractions` percentages
    given as fractions, `mixed` good and bad cells anywhere."""
    result = []
    for number in range(count):
        pick = lambda key, bad=(): draw(  # noqa: E731
            st.sampled_from(GOOD.get(key, []) + (list(bad) if kind == "mixed" else []))
        )
        iid = draw(st.sampled_from(list(UNITS) + (BAD["indicator_id"] if kind == "mixed" else [])))
        unit = UNITS.get(iid, "rate")
        values = GOOD["whole"] + (GOOD["decimal"] if unit != "count" else [])
        if kind == "fractions" and unit == "percent":
            values = GOOD["fraction"]
        row = {
            "indicator_id": iid,
            "area": pick("area", BAD["area"]),
            "period": pick("period", BAD["period"]),
            "comparator_period": pick("comparator_period", BAD["comparator_period"]),
            "compared_to_england": pick("compared", BAD["compared"]),
            "compared_to_region": pick("compared", BAD["compared"]),
            "value": draw(st.sampled_from(values + (BAD["number"] if kind == "mixed" else []))),
            "numerator": pick("numerator", BAD["numerator"] + BAD["number"]),
            "denominator": pick("denominator", BAD["denominator"] + BAD["number"]),
            "lower_ci95": pick("lower", BAD["lower"] + BAD["number"]),
            "upper_ci95": pick("upper", BAD["number"]),
            "note": draw(st.sampled_from(["", "provisional", "revised, see note"])),
        }
        for name in NUMBERS:
            row[name] = draw(st.sampled_from(values + (BAD["number"] if kind == "mixed" else [])))
        if kind in ("clean", "faulty"):
            row["breakdown"] = f"group {file}.{number}"  # no two rows alike
        else:
            row["breakdown"] = draw(st.sampled_from(["", "Male"]))
        result.append(row)
    for _ in range(draw(st.integers(1, 2)) if kind == "faulty" and result else 0):
        column = draw(st.sampled_from([name for name in FAULTS if name in header]))
        draw(st.sampled_from(result))[column] = draw(st.sampled_from(FAULTS[column]))
    return result


@st.composite
def files(draw) -> list[tuple[str, list[str], list[dict]]]:
    """One to three files: (suffix, header, rows); all clean in about half the draws."""
    found = []
    kinds = ["clean"] if draw(st.booleans()) else list(KINDS)
    for file in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(kinds))
        some = st.lists(st.sampled_from(OPTIONAL), unique=True)
        header = list(REQUIRED) + draw(st.one_of(st.just(list(OPTIONAL)), some))
        suffix = draw(st.sampled_from([".csv", ".csv", ".xlsx"]))
        found.append((suffix, header, draw(rows(kind, file, draw(st.integers(1, 12)), header))))
    return found


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files(), st.sampled_from([None, ["peterborough"], ["cambridgeshire", "peterborough"]]))
def test_column_checks_and_row_checks_agree(catalogue, generated, areas):
    with tempfile.TemporaryDirectory() as folder:
        paths = [
            write(Path(folder) / f"obs{i}{suffix}", header, body)
            for i, (suffix, header, body) in enumerate(generated)
        ]
        assert_same(paths, catalogue, areas)


FAULT_CELLS = [(column, text) for column, texts in FAULTS.items() for text in texts]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(FAULT_CELLS), st.sampled_from(list(UNITS)))
def test_one_bad_cell_in_a_good_file_gives_the_row_checks_error(catalogue, data, fault, iid):
    body = data.draw(rows("clean", 0, data.draw(st.integers(1, 6)), HEADER))
    row = data.draw(st.sampled_from(body))
    row["indicator_id"] = iid
    row[fault[0]] = fault[1]
    with tempfile.TemporaryDirectory() as folder:
        assert_same([write(Path(folder) / "obs.csv", HEADER, body)], catalogue)


def table_of(path):
    table = read_table(path, REQUIRED)
    return check_columns(table, REQUIRED, OPTIONAL)[0]


GOOD_ROW = {"indicator_id": "sh_pct", "area": "peterborough", "period": "Q3 2022/23",
            "value": "56.1", "numerator": "56", "denominator": "100", "lower_ci95": "46.3",
            "upper_ci95": "65.4", "compared_to_england": "Similar"}  # fmt: skip
SINGLE_FAULTS = [
    ("sh_pct", "indicator_id", ""), ("sh_pct", "indicator_id", "sh_pc"), ("sh_pct", "area", ""),
    ("sh_pct", "area", "Nowhere"), ("sh_pct", "period", ""), ("sh_pct", "period", "Q5 2022/23"),
    ("sh_pct", "comparator_period", "later"), ("sh_pct", "compared_to_england", "nope"),
    ("sh_pct", "compared_to_region", "x"), ("sh_pct", "value", "abc"),
    ("sh_pct", "value", "#DIV/0!"), ("sh_pct", "value", "nan"), ("sh_pct", "value", "-1"),
    ("sh_pct", "value", "100.5"), ("sh_pct", "target", "101"), ("sh_pct", "england_mean", "-0.5"),
    ("sh_pct", "numerator", "101"), ("sh_pct", "denominator", "0"),
    ("sh_pct", "lower_ci95", "70"), ("sh_pct", "upper_ci95", "#N/A"),
    ("sh_pct", "region_mean", "1,2"), ("hc_rate", "value", "inf"), ("hc_rate", "value", "1e999"),
    ("hc_rate", "value", "-1"), ("hc_rate", "numerator", "-1"), ("hc_rate", "denominator", "0"),
    ("hc_rate", "denominator", "-100"), ("hc_rate", "lower_ci95", "70"),
    ("hc_per_1000", "target", "-1"), ("ss_quits", "value", "56.5"), ("ss_quits", "value", "-2"),
    ("ss_quits", "stat_neighbour_mean", "-3"),
]  # fmt: skip


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("iid, column, text", SINGLE_FAULTS)
def test_every_kind_of_bad_cell_is_refused_by_the_column_checks(
    tmp_path, catalogue, suffix, iid, column, text
):
    """A row the row checks fault is never let through by the column checks, which then
    leave the file to the row checks: the error is the one they give."""
    second = GOOD_ROW | {"indicator_id": iid, "period": "Q2 2022/23", column: text}
    path = write(tmp_path / f"obs{suffix}", HEADER, [GOOD_ROW, second])
    units = catalogue.indicators["unit"].to_dict()
    lookup = area_lookup(catalogue.areas, catalogue.area_codes)
    assert checked_frame(table_of(path), catalogue, units, lookup) is None
    problems, _ = assert_same([path], catalogue)
    assert [p.row for p in problems if p.column == column] == [3]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_good_file_passes_the_column_checks_with_the_frame_of_the_row_checks(
    tmp_path, catalogue, suffix
):
    quits = GOOD_ROW | {"indicator_id": "ss_quits", "value": "1,234", "area": "E10000003",
                        "numerator": "", "denominator": "", "lower_ci95": "", "upper_ci95": "",
                        "comparator_period": "Oct 2021", "breakdown": "Fenland"}  # fmt: skip
    rate = GOOD_ROW | {"indicator_id": "hc_rate", "value": "45%", "period": "2019 - 21",
                       "numerator": "1", "denominator": "0.5", "note": "over 3 years"}  # fmt: skip
    path = write(tmp_path / f"obs{suffix}", HEADER, [GOOD_ROW, quits, rate])
    units = catalogue.indicators["unit"].to_dict()
    lookup = area_lookup(catalogue.areas, catalogue.area_codes)
    quick = checked_frame(table_of(path), catalogue, units, lookup)
    assert quick is not None
    frame = assert_same([path], catalogue)
    pd.testing.assert_frame_equal(quick, frame, check_exact=True)
    assert frame["area"].tolist() == ["peterborough", "cambridgeshire", "peterborough"]
    assert frame["value"].tolist() == [56.1, 1234.0, 45.0]
    assert frame["comparator_period"].tolist() == ["", "2021-10", ""]
    one = assert_same([path], catalogue, areas=["cambridgeshire"])
    assert one["source_row"].tolist() == [3]


def test_repeated_rows_across_good_files_are_named_as_by_the_row_checks(tmp_path, catalogue):
    first = write(tmp_path / "a.csv", HEADER, [GOOD_ROW, GOOD_ROW | {"period": "2022-23-Q2"}])
    second = write(tmp_path / "b.xlsx", HEADER, [GOOD_ROW | {"area": "Peterborough"}])
    problems, _ = assert_same([first, second], catalogue)
    assert [p.message.startswith("duplicate row") for p in problems] == [True]
    assert f"{first} row 2" in problems[0].message
    problems, _ = assert_same([first, first], catalogue)
    assert len(problems) == 2


def test_fractions_found_on_the_quick_path_are_those_of_the_row_checks(tmp_path, catalogue):
    body = [GOOD_ROW | {"value": v, "period": p, "numerator": "", "denominator": "",
                        "lower_ci95": "", "upper_ci95": ""}
            for v, p in (("0.088", "2022-10"), ("", "2022-11"), ("0.5", "2022-12"),
                         ("1", "2023-01"))]  # fmt: skip
    path = write(tmp_path / "obs.csv", HEADER, body)
    problems, _ = assert_same([path], catalogue)
    assert len(problems) == 1 and "4 rows of sh_pct" in problems[0].message
    assert "(row 2 (0.088), row 4 (0.5) and 1 more)" in problems[0].message
    small = [row | {"indicator_id": "sh_small"} for row in body]
    assert len(assert_same([write(tmp_path / "small.csv", HEADER, small)], catalogue)) == 4


def test_the_sample_data_reads_the_same_both_ways():
    catalogue = load_catalogue(ROOT / "data" / "catalogue.csv", ROOT / "data" / "areas.csv")
    whole = assert_same([ROOT / "data" / "observations.csv"], catalogue)
    one = assert_same([ROOT / "data" / "observations.csv"], catalogue, areas=["peterborough"])
    assert len(one) == (whole["area"] == "peterborough").sum() > 0
