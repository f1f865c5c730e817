"""Reading Fingertips "all data" exports: the real sample, newer layouts, missing columns."""

import math
from pathlib import Path

import pandas as pd
import pytest

from phlib.errors import InputError
from phlib.inputs.fingertips import COLUMNS, column_name, read_fingertips

SAMPLE = Path(__file__).parent / "fixtures" / "fingertips_sample.csv"


@pytest.fixture(scope="module")
def sample():
    return read_fingertips(SAMPLE)


def test_sample_has_every_tidy_column_in_order(sample):
    assert list(sample.columns) == COLUMNS + ["is_headline"]
    assert len(sample) == 26


def test_quoted_indicator_name_with_a_newline_is_one_cell(sample):
    assert set(sample["indicator_name"]) == {"Campylobacter incidence rate/100,000"}
    assert sample["indicator_id"].dtype == "Int64"
    assert set(sample["indicator_id"]) == {93356}


def test_numbers_are_numeric_and_blanks_are_nan(sample):
    peterborough = sample[(sample["area_code"] == "E06000031") & (sample["age"] == "All ages")]
    row = peterborough.iloc[0]
    assert row["value"] == pytest.approx(100.010310341272)
    assert row["lower_ci95"] == pytest.approx(86.4315897386322)
    assert row["upper_ci95"] == pytest.approx(115.116983484117)
    assert math.isnan(row["lower_ci99_8"])
    assert (row["count"], row["denominator"]) == (194, 193980)
    assert row["period"] == "2015" and row["period_sortable"] == 20150000
    assert row["compared_to_england"] == "Similar" and row["compared_to_region"] == "Similar"
    assert row["area_type"] == "County & UA" and row["parent_name"] == "East of England region"
    assert row["compared_to_goal"] == "" and row["new_data"] == ""


def test_value_notes_and_missing_values(sample):
    scilly = sample[sample["area_name"] == "Isles of Scilly"].iloc[0]
    assert math.isnan(scilly["value"]) and math.isnan(scilly["count"])
    assert scilly["value_note"] == "Value for Cornwall & Isles of Scilly combined"


def test_headline_rows_are_those_without_a_category(sample):
    breakdowns = sample[~sample["is_headline"]]
    assert len(breakdowns) == 3
    assert set(breakdowns["category_type"]) == {
        "County & UA deprivation deciles in England (IMD2015)"
    }
    assert "Most deprived decile (IMD2015)" in set(breakdowns["category"])
    cambs = sample[(sample["area_code"] == "E10000003") & sample["is_headline"]]
    assert cambs["value"].round(1).tolist() == [85.6]


def test_newer_layout_with_renamed_and_extra_columns(tmp_path):
    # Constructed for this test (not a download): the column names follow newer exports, with
    # a regional comparison named after the comparator and an extra trailing column.
    header = (
        "Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,Area Type,Sex,"
        "Age,Category Type,Category,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,"
        "Lower CI 99.8 limit,Upper CI 99.8 limit,Count,Denominator,Value note,Recent Trend,"
        "Compared to England value or percentiles,"
        '"Compared to CCGs (from Apr 2021)\nvalue or percentiles",'
        "Time period Sortable,New data,Compared to goal,Time period range"
    )
    row = (
        "92454,Adults in treatment,,,E06000031,Peterborough,Counties & UAs (from Apr 2023),"
        "Persons,18+ yrs,,,2023/24,5.5,5.1,5.9,,,320,58000,,,Worse,Similar,20230000,New data,,1y"
    )
    path = tmp_path / "export.csv"
    path.write_text(header + "\n" + row + "\n", encoding="utf-8-sig")
    frame = read_fingertips(path)
    assert frame.loc[0, "compared_to_region"] == "Similar"
    assert frame.loc[0, "time_period_range"] == "1y"
    assert frame.loc[0, "new_data"] == "New data"
    assert list(frame.columns)[-2:] == ["time_period_range", "is_headline"]


def test_column_names_map_to_tidy_names():
    assert column_name("Compared to Region value or percentiles") == "compared_to_region"
    assert column_name("Compared to goal") == "compared_to_goal"
    assert column_name("Compared to England value or percentiles") == "compared_to_england"
    assert column_name("Upper CI 99.8 limit") == "upper_ci99_8"
    assert column_name("Time period Sortable") == "period_sortable"


def test_a_minimal_export_gets_blank_optional_columns(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Indicator ID,Area Code,Time period,Value\n1,E06000031,2022/23,4\n")
    frame = read_fingertips(path)
    assert list(frame.columns) == COLUMNS + ["is_headline"]
    assert frame.loc[0, "area_name"] == "" and math.isnan(frame.loc[0, "count"])
    assert bool(frame.loc[0, "is_headline"])
    assert pd.isna(frame.loc[0, "period_sortable"])


def test_missing_essential_columns_are_named(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Indicator ID,Area Name,Value\n1,Peterborough,4\n")
    with pytest.raises(InputError) as caught:
        read_fingertips(path)
    text = str(caught.value)
    assert "the essential column 'Area Code' is missing" in text
    assert "the essential column 'Time period' is missing" in text
    assert "'Value' is missing" not in text


def test_non_numeric_cells_are_reported_with_rows(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "Indicator ID,Area Code,Time period,Value,Count\n1,E1,2022,4,x\n1.5,E2,2022,#N/A,3\n"
    )
    with pytest.raises(InputError) as caught:
        read_fingertips(path)
    text = str(caught.value)
    assert "row 2, column 'Count': the cell is not a number (got 'x')" in text
    assert "row 3, column 'Value': the cell is not a number (#N/A is a formula error" in text
    assert "row 3, column 'Indicator ID': the cell should be a whole number" in text


def test_empty_and_header_only_exports_are_refused(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("")
    with pytest.raises(InputError, match="the file is empty"):
        read_fingertips(path)
    path.write_text("Indicator ID,Area Code,Time period,Value\n")
    with pytest.raises(InputError, match="no data rows"):
        read_fingertips(path)
