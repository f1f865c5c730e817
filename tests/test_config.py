"""Tests for phlib.inputs.config: reading a quarter's parameter file and reporting every problem."""

from pathlib import Path

import pytest

from phlib.errors import ParameterError
from phlib.inputs.config import RunConfig, list_quarters, load_parameters, parameters_path
from phlib.rules.periods import Quarter

GOOD = """\
quarter: 2022-23-Q3
title: Test report
areas: [cambridgeshire, peterborough]
services: [sexual_health, stop_smoking]
data:
  catalogue: data/catalogue.csv
  areas: data/areas.csv
  observations: [data/observations.csv, data/more.csv]
publication: public
suppression: {min: 1, max: 5}
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "parameters").mkdir()
    (tmp_path / "data").mkdir()
    for name in ("catalogue.csv", "areas.csv", "observations.csv", "more.csv"):
        (tmp_path / "data" / name).write_text("x\n")
    return tmp_path


def write(root: Path, text: str, quarter: str = "2022-23-Q3") -> Path:
    path = parameters_path(root, quarter)
    path.write_text(text)
    return path


def problems(root: Path, text: str, quarter: str = "2022-23-Q3") -> list:
    with pytest.raises(ParameterError) as caught:
        load_parameters(write(root, text, quarter), root)
    return caught.value.problems


def test_good_file_gives_a_frozen_config_with_absolute_paths(root):
    config = load_parameters(write(root, GOOD), root)
    assert isinstance(config, RunConfig)
    assert config.quarter == Quarter(2022, 3)
    assert config.title == "Test report"
    assert config.areas == ("cambridgeshire", "peterborough")
    assert config.services == ("sexual_health", "stop_smoking")
    assert config.publication == "public"
    assert (config.suppression_min, config.suppression_max) == (1, 5)
    assert config.catalogue_path == (root / "data" / "catalogue.csv").resolve()
    assert [p.name for p in config.observation_paths] == ["observations.csv", "more.csv"]
    assert all(p.is_absolute() for p in config.data_paths)
    assert config.outputs_dir == root.resolve() / "outputs"
    with pytest.raises(AttributeError):
        config.title = "changed"  # type: ignore[misc]


def test_optional_keys_have_defaults_and_single_observation_file_is_a_list(root):
    text = GOOD.replace("title: Test report\n", "").replace("publication: public\n", "")
    text = text.replace("suppression: {min: 1, max: 5}\n", "")
    text = text.replace("[data/observations.csv, data/more.csv]", "data/observations.csv")
    config = load_parameters(write(root, text), root)
    assert config.publication == "internal"
    assert (config.suppression_min, config.suppression_max) == (1, 4)
    assert config.title.startswith("Public Health")
    assert len(config.observation_paths) == 1


def test_unknown_key_is_named_with_a_suggestion_and_its_line(root):
    found = problems(root, GOOD.replace("services:", "servces:"))
    unknown = [p for p in found if p.column == "servces"]
    assert unknown and "unknown key 'servces'" in unknown[0].message
    assert "did you mean 'services'?" in unknown[0].fix
    assert unknown[0].row == 4
    assert any(p.column == "services" and "missing" in p.message for p in found)


def test_every_problem_is_reported_in_one_pass(root):
    text = (
        GOOD.replace("2022-23-Q3", "2022-23-Q7")
        .replace("peterborough", "Peter Borough")
        .replace("data/more.csv", "data/missing.csv")
        .replace("publication: public", "publication: secret")
        .replace("{min: 1, max: 5}", "{min: 6, max: 5, maxx: 2}")
        + "colour: blue\n"
    )
    found = problems(root, text)
    columns = {p.column for p in found}
    assert {"quarter", "areas", "data.observations", "publication", "colour"} <= columns
    assert {"suppression", "suppression.maxx"} <= columns
    assert all(p.file == "parameters/2022-23-Q3.yaml" for p in found)
    assert all(p.fix for p in found)
    missing = next(p for p in found if p.column == "data.observations")
    assert "data/missing.csv" in missing.message


def test_quarter_must_match_the_file_name(root):
    found = problems(root, GOOD.replace("2022-23-Q3", "Q4 2022/23"))
    assert [p.column for p in found] == ["quarter"]
    assert "2022-23-Q4.yaml" in found[0].fix


def test_malformed_yaml_reports_line_and_column(root):
    found = problems(root, "quarter: 2022-23-Q3\nareas: [a, b\nservices: [x]\n")
    assert len(found) == 1
    assert "not valid YAML" in found[0].message
    assert found[0].row is not None and "line" in found[0].message


def test_duplicate_keys_are_refused(root):
    found = problems(root, GOOD + "areas: [peterborough]\n")
    assert any("given twice" in p.message and p.row == 11 for p in found)


def test_missing_file_lists_known_quarters(root):
    write(root, GOOD)
    with pytest.raises(ParameterError) as caught:
        load_parameters(parameters_path(root, "2022-23-Q4"), root)
    assert "2022-23-Q3" in caught.value.problems[0].fix


def test_list_quarters_sorts_and_ignores_other_files(root):
    write(root, GOOD, "2023-24-Q1")
    write(root, GOOD, "2022-23-Q3")
    (root / "parameters" / "notes.yaml").write_text("x: 1\n")
    assert list_quarters(root) == ["2022-23-Q3", "2023-24-Q1"]


def test_not_a_mapping_and_empty_lists_are_refused(root):
    assert "mapping" in problems(root, "- a\n- b\n")[0].message
    found = problems(root, GOOD.replace("[sexual_health, stop_smoking]", "[]"))
    assert [p.column for p in found] == ["services"]
