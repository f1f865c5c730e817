"""The bad-input corpus of data files: every error names the file, place, column, fault and fix.

The expectations live in tests/bad_inputs/data/cases.csv; see the README.md beside it.
"""

import csv
import importlib.util
from pathlib import Path

import pytest

from phlib.errors import CatalogueError, InputError, ObservationsError
from phlib.inputs.catalogue import load_catalogue
from phlib.inputs.observations import load_observations
from phlib.inputs.reading import read_table

CORPUS = Path(__file__).parent / "bad_inputs" / "data"
VALID = CORPUS / "valid"
with open(CORPUS / "cases.csv", newline="", encoding="utf-8") as handle:
    CASES = list(csv.DictReader(handle))


def load_make_xlsx():
    spec = importlib.util.spec_from_file_location("make_xlsx", CORPUS.parent / "make_xlsx.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(VALID / "catalogue.csv")


def load(case, catalogue):
    path = CORPUS / case["file"]
    if case["kind"] == "catalogue":
        return load_catalogue(path)
    return load_observations(path, catalogue)


def test_the_valid_files_load(catalogue):
    obs = load_observations(VALID / "observations.csv", catalogue)
    assert len(obs) == 4
    assert catalogue.areas == {"cambridgeshire": "Cambridgeshire", "peterborough": "Peterborough"}


def test_the_corpus_is_complete_and_documented():
    files = {p.name for p in CORPUS.iterdir() if p.suffix in (".csv", ".xlsx")} - {"cases.csv"}
    listed = {case["file"] for case in CASES} | {"many_problems.csv"}
    assert files == listed
    assert len(files) >= 20
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in files)


ERRORS = [case for case in CASES if case["expect"] == "error"]


@pytest.mark.parametrize(
    "case", ERRORS, ids=[f"{c['file']}:{c['where'] or 'file'}" for c in ERRORS]
)
def test_each_bad_file_is_refused_with_a_precise_message(case, catalogue):
    expected = CatalogueError if case["kind"] == "catalogue" else ObservationsError
    with pytest.raises(expected) as caught:
        load(case, catalogue)
    assert isinstance(caught.value, InputError)
    matching = [p for p in caught.value.problems if case["problem"] in str(p)]
    assert matching, f"no problem says {case['problem']!r}:\n{caught.value}"
    text = str(matching[0])
    assert text.startswith(str(CORPUS / case["file"]))
    assert case["where"] in text
    if case["column"]:
        assert f"column '{case['column']}'" in text
    assert "Fix: " in text and case["fix"] in text.split("Fix: ", 1)[1]
    assert text in str(caught.value)  # the problem is in the error's message


def test_a_windows_1252_file_loads_with_its_characters(catalogue):
    obs = load_observations(CORPUS / "cp1252_note.csv", catalogue)
    assert obs["note"].tolist() == ["cost £5 per client – estimate"]
    assert read_table(CORPUS / "cp1252_note.csv").encoding == "cp1252"


def test_a_utf8_file_with_a_byte_order_mark_loads(catalogue):
    obs = load_observations(CORPUS / "utf8_bom.csv", catalogue)
    assert obs[["indicator_id", "area", "period", "value"]].to_dict("records") == [
        {"indicator_id": "ss_quits_4wk", "area": "peterborough", "period": "2022-10", "value": 41}
    ]


def test_many_problems_are_reported_in_one_error(catalogue):
    with pytest.raises(ObservationsError) as caught:
        load_observations(CORPUS / "many_problems.csv", catalogue)
    found = [(p.row, p.column) for p in caught.value.problems]
    assert found == [
        (2, "indicator_id"),
        (3, "area"),
        (4, "period"),
        (4, "value"),
        (5, "value"),
        (6, "numerator"),
    ]
    text = str(caught.value)
    for fragment in (
        "did you mean 'sh_sti_offered_2wd'?",
        "did you mean 'peterborough'?",
        "quarters are numbered 1 to 4",
        "a percentage outside 0 to 100",
        "#DIV/0!, a formula error",
        "the numerator (1000) is greater than the denominator (950)",
    ):
        assert fragment in text


def test_all_files_at_once_give_one_error_listing_each(catalogue):
    paths = [CORPUS / c["file"] for c in ERRORS if c["kind"] == "observations"]
    with pytest.raises(ObservationsError) as caught:
        load_observations(list(dict.fromkeys(paths)), catalogue)
    reported = {Path(p.file).name for p in caught.value.problems}
    assert reported == {path.name for path in paths}


@pytest.mark.parametrize("name", ["title_row.xlsx", "merged_cells.xlsx", "formula_errors.xlsx"])
def test_committed_workbooks_match_their_script(tmp_path, name):
    rebuilt = load_make_xlsx().build(name, tmp_path)
    committed, fresh = read_table(CORPUS / name), read_table(rebuilt)
    assert committed.frame.equals(fresh.frame)
    assert committed.header_row == fresh.header_row
    assert [p.message for p in committed.problems] == [p.message for p in fresh.problems]
