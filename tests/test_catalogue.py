"""The indicator catalogue and areas: loading, normalising and reporting every problem."""

import math

import openpyxl
import pytest

from phlib.errors import CatalogueError, InputError
from phlib.inputs.catalogue import (
    DEFAULT_AREAS,
    SERVICES,
    Catalogue,
    Indicator,
    load_catalogue,
    parse_links,
)

HEADER = (
    "indicator_id,ref,title,service,section,unit,decimals,direction,target_kind,target_value,"
    "status,frequency,lag_months,publication,source,description,calculation,numerator,"
    "denominator,links"
)
ROWS = [
    "sh_sti_offered_2wd,,STI offered within 2 working days,sexual_health,,percent,,Higher,"
    "threshold,90,,quarter,,public,GUM clinics,Offered an appointment,(X/Y) x 100,Offered,"
    "All,[BASHH](https://www.bashh.org)",
    "ss_quits,12,Four-week quitters,stop_smoking,,count,,higher,annual,1200,,month,2,public,,,,,,",
    "dat_opiate_completions,,Opiate completions,drugs_alcohol,,percent,2,higher,none,,"
    "baseline,quarter,,restricted,NDTMS,,,,,[NDTMS](https://www.ndtms.net) "
    "[OHID](https://fingertips.phe.org.uk)",
    "sh_chlamydia_rate,,Chlamydia detection rate,sexual_health,Chlamydia,per_100000,,none,"
    "threshold,,Contextual,year,,public,,,,,,",
]


def write(tmp_path, rows, header=HEADER, name="catalogue.csv"):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def problems_of(path, **kwargs):
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(path, **kwargs)
    return caught.value


def test_services_are_the_ten_service_areas_in_report_order():
    assert list(SERVICES) == [
        "sexual_health",
        "drugs_alcohol",
        "lifestyles",
        "stop_smoking",
        "health_checks",
        "contraception",
        "healthy_child",
        "adult_social_care",
        "better_care_fund",
        "commissioning",
    ]
    assert SERVICES["healthy_child"] == "Healthy Child Programme 0-19"
    assert DEFAULT_AREAS == {"cambridgeshire": "Cambridgeshire", "peterborough": "Peterborough"}


def test_a_valid_catalogue_loads_with_normalised_types(tmp_path):
    cat = load_catalogue(write(tmp_path, ROWS))
    assert isinstance(cat, Catalogue)
    frame = cat.indicators
    assert frame.index.name == "indicator_id"
    assert list(frame.index) == [
        "sh_sti_offered_2wd",
        "ss_quits",
        "dat_opiate_completions",
        "sh_chlamydia_rate",
    ]
    assert frame["decimals"].tolist() == [1, 0, 2, 1]  # defaults by unit, or as given
    assert frame["lag_months"].tolist() == [0, 2, 0, 0]
    assert frame["direction"].tolist() == ["higher", "higher", "higher", "none"]
    assert frame["status"].tolist() == ["", "", "Baseline", "Contextual"]
    assert frame["target_value"].iloc[0] == 90.0 and math.isnan(frame["target_value"].iloc[3])
    assert str(frame["decimals"].dtype).startswith("int")
    assert cat.services == SERVICES
    assert cat.areas == DEFAULT_AREAS


def test_indicator_is_a_frozen_record_with_parsed_links(tmp_path):
    cat = load_catalogue(write(tmp_path, ROWS))
    ind = cat.indicator("dat_opiate_completions")
    assert isinstance(ind, Indicator)
    assert ind.links == (
        ("NDTMS", "https://www.ndtms.net"),
        ("OHID", "https://fingertips.phe.org.uk"),
    )
    assert ind.publication == "restricted" and ind.decimals == 2 and type(ind.decimals) is int
    assert ind.service_title == "Drugs and alcohol"
    assert cat.indicator("ss_quits").ref == "12"
    with pytest.raises(AttributeError):
        ind.title = "changed"
    with pytest.raises(KeyError, match="did you mean 'ss_quits'"):
        cat.indicator("ss_quit")
    assert "ss_quits" in cat and "nope" not in cat


def test_for_service_keeps_file_order_or_the_order_column(tmp_path):
    cat = load_catalogue(write(tmp_path, ROWS))
    ids = [i.indicator_id for i in cat.for_service("sexual_health")]
    assert ids == ["sh_sti_offered_2wd", "sh_chlamydia_rate"]
    assert cat.for_service("commissioning") == []
    with pytest.raises(KeyError, match="did you mean 'sexual_health'"):
        cat.for_service("sexual_heath")

    ordered = [row + "," + order for row, order in zip(ROWS, ["2", "", "", "1"], strict=True)]
    cat = load_catalogue(write(tmp_path, ordered, header=HEADER + ",order"))
    ids = [i.indicator_id for i in cat.for_service("sexual_health")]
    assert ids == ["sh_chlamydia_rate", "sh_sti_offered_2wd"]


def test_areas_come_from_the_file_beside_the_catalogue_or_a_given_path(tmp_path):
    path = write(tmp_path, ROWS)
    (tmp_path / "areas.csv").write_text(
        "area,name,ons_code\ncambridgeshire,Cambridgeshire County,E10000003\n"
    )
    cat = load_catalogue(path)
    assert cat.areas == {"cambridgeshire": "Cambridgeshire County"}
    assert cat.area_codes == {"cambridgeshire": "E10000003"}
    assert cat.area_name("cambridgeshire") == "Cambridgeshire County"
    with pytest.raises(KeyError, match="did you mean 'cambridgeshire'"):
        cat.area_name("cambridgshire")

    other = tmp_path / "other_areas.csv"
    other.write_text("area,name\npeterborough,Peterborough City\nfenland,Fenland\n")
    cat = load_catalogue(path, areas_path=other)
    assert cat.areas == {"peterborough": "Peterborough City", "fenland": "Fenland"}


def test_every_catalogue_problem_is_reported_at_once(tmp_path):
    header = HEADER.replace(",publication", "") + ",descripton"
    rows = [
        # row 2: blank id, unknown service (close to a key), bad unit, bad direction
        ",,Blank id,sexual_heath,,percentage,,hihger,threshold,,,quarter,,src,d,c,n,d,,x",
        # row 3: malformed id, service written as its title, bad target_kind, text target
        "Bad Id,,Malformed,Stop smoking,,count,,lower,target,ninety,,month,,,,,,,,",
        # rows 4 and 5: duplicate id; bad frequency, status, decimals, lag_months, link
        "dup,,One,lifestyles,,count,-1,none,none,,Pending,weekly,1.5,,,,,,,",
        "dup,,Two,lifestyles,,count,,none,none,,,quarter,,,,,,,[broken](www.x.org),",
    ]
    error = problems_of(write(tmp_path, rows, header=header))
    text = str(error)
    assert isinstance(error, InputError)
    expected = [
        "the required column 'publication' is missing",
        "column 'descripton': unknown column 'descripton'. "
        "Fix: it looks like a second 'description' column",
        "row 2, column 'indicator_id': the indicator_id is blank",
        "row 2, column 'service': unknown service (got 'sexual_heath'). "
        "Fix: did you mean 'sexual_health'? use one of: sexual_health, drugs_alcohol",
        "row 2, column 'unit': unknown unit (got 'percentage'). Fix: did you mean 'percent'? "
        "use one of: percent, per_100000, per_1000, count",
        "row 2, column 'direction': unknown direction (got 'hihger'). "
        "Fix: did you mean 'higher'? use one of: higher, lower, none",
        "row 3, column 'indicator_id': the indicator_id may only hold lower-case letters, "
        "digits and _ (got 'Bad Id'). Fix: write it as 'bad_id'",
        "row 3, column 'service': unknown service (got 'Stop smoking'). "
        "Fix: did you mean 'stop_smoking'?",
        "row 3, column 'target_kind': unknown target_kind (got 'target'). Fix: use one of: "
        "threshold, annual, trajectory, none",
        "row 3, column 'target_value': the target_value is not a number (got 'ninety')",
        "row 4, column 'frequency': unknown frequency (got 'weekly'). "
        "Fix: use one of: month, quarter, year",
        "row 4, column 'status': unknown status (got 'Pending'). "
        "Fix: use one of: Baseline, Contextual, In Development, TBC",
        "row 4, column 'decimals': the decimals is not a whole number of 0 or more (got '-1')",
        "row 4, column 'lag_months': the lag_months is not a whole number of 0 or more",
        "row 5, column 'indicator_id': the indicator_id is used twice (rows 4 and 5)",
        "row 5, column 'links': the links are not written as Markdown links "
        "(got '[broken](www.x.org)'). Fix: write each link as [text](https://...)",
    ]
    for fragment in expected:
        assert fragment in text, fragment
    assert all(p.file == str(tmp_path / "catalogue.csv") for p in error.problems)
    assert len(error.problems) == len(expected)  # no row repeats the missing column
    assert "The indicator catalogue has" in text


def test_a_threshold_without_a_target_value_is_allowed(tmp_path):
    row = "asc_230,230,New contacts,adult_social_care,,percent,,higher,threshold,,,month,,public"
    cat = load_catalogue(write(tmp_path, [row], header=HEADER.split(",source")[0]))
    assert math.isnan(cat.indicator("asc_230").target_value)


def test_case_and_spacing_of_headers_and_values_is_forgiven(tmp_path):
    header = "Indicator ID,Title,Service,Unit,Direction,Target Kind,Frequency,Publication"
    row = "hc_offered,Health checks offered,health_checks,PERCENT,Lower,Annual,Quarter,Public"
    ind = load_catalogue(write(tmp_path, [row], header=header)).indicator("hc_offered")
    assert (ind.unit, ind.direction, ind.target_kind, ind.frequency, ind.publication) == (
        "percent",
        "lower",
        "annual",
        "quarter",
        "public",
    )


def test_header_only_and_missing_files_are_reported(tmp_path):
    error = problems_of(write(tmp_path, []))
    assert "the file has no data rows" in str(error)
    error = problems_of(tmp_path / "missing.csv")
    assert "the file does not exist" in str(error)


def test_bad_areas_file_is_reported_with_the_catalogue(tmp_path):
    areas = tmp_path / "areas.csv"
    areas.write_text("area,name\nCambs County,Cambridgeshire\npeterborough,\npeterborough,P\n")
    error = problems_of(write(tmp_path, ROWS))
    text = str(error)
    assert "areas.csv, row 2, column 'area': the area key is not valid" in text
    assert "e.g. 'cambs_county'" in text
    assert "areas.csv, row 3, column 'name': the area has no name" in text
    assert "areas.csv, row 4, column 'area': the area is listed twice (rows 3 and 4)" in text


def test_catalogue_can_be_an_excel_workbook_with_cell_references(tmp_path):
    path = tmp_path / "catalogue.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Indicator catalogue"])
    ws.append(HEADER.split(",")[:14])
    ws.append(
        ["asc_231", 231, "Contacts", "adult_social_care", None, "percent", 1, "higher"]
        + ["threshold", 0.75, None, "quarter", None, "public"]
    )
    ws.append(
        ["asc_232", None, "Reviews", "adult_social_care", None, "percent", None, "up"]
        + ["none", None, None, "quarter", None, "public"]
    )
    ws["J3"].number_format = "0%"
    wb.save(path)
    error = problems_of(path)
    assert len(error.problems) == 1
    assert "cell H4, column 'direction': unknown direction (got 'up')" in str(error)
    ws["H4"] = "lower"
    wb.save(path)
    ind = load_catalogue(path).indicator("asc_231")
    assert ind.target_value == 75.0 and ind.ref == "231"


def test_parse_links_refuses_text_that_is_not_links():
    assert parse_links("") == ()
    with pytest.raises(ValueError, match="is not a Markdown link"):
        parse_links("see https://www.ndtms.net")
