"""The scorecard and review list kept between runs (`phlib.run.memo`): recalled only for the
same key, and then equal to what working them out again gives."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from phlib.inputs.config import load_parameters
from phlib.rules.scorecard import build_scorecard
from phlib.run import memo
from phlib.run.checks import check_quarter
from phlib.run.job_list import input_hashes
from phlib.run.review_list import review_list

PROJECT = Path(__file__).resolve().parents[1]
QUARTER = "2022-23-Q3"


def project_copy(root: Path) -> Path:
    """The project's inputs copied into `root`."""
    for folder in ("data", "narratives", "notebooks", "parameters"):
        shutil.copytree(PROJECT / folder, root / folder)
    shutil.copy(PROJECT / "constraints.txt", root / "constraints.txt")
    return root


def loaded(root: Path):
    config = load_parameters(root / "parameters" / f"{QUARTER}.yaml", root)
    return config, check_quarter(config, None, None)


@pytest.fixture(scope="module")
def sample():
    config, inputs = loaded(PROJECT)
    card = build_scorecard(inputs.catalogue, inputs.observations, config.quarter,
                           list(config.areas), list(config.services))  # fmt: skip
    return config, inputs, card


def test_a_kept_scorecard_is_recalled_equal_to_the_one_worked_out(sample, tmp_path):
    config, _, card = sample
    key = memo.scorecard_key(config)
    memo.keep_scorecard(tmp_path, key, card)
    recalled = memo.recall_scorecard(tmp_path, key)
    assert recalled is not None and len(recalled) == len(card) > 100
    pd.testing.assert_frame_equal(recalled, card, check_exact=True)
    assert card["current"].isna().any() and card["restricted"].any()  # both kinds round-trip


def test_a_kept_review_list_is_recalled_item_for_item(sample, tmp_path):
    config, inputs, card = sample
    items = review_list(config, inputs, card)
    assert items and any(i.blocking for i in items) and any(not i.blocking for i in items)
    key = memo.review_key(config, inputs, memo.scorecard_key(config))
    memo.keep_review(tmp_path, key, items)
    assert memo.recall_review(tmp_path, key) == items
    assert memo.recall_review(tmp_path, "another key") is None


def test_nothing_is_recalled_for_another_key_a_damaged_file_or_another_format(sample, tmp_path):
    config, _, card = sample
    memo.keep_scorecard(tmp_path, "a", card)
    assert memo.recall_scorecard(tmp_path, "b") is None
    path = tmp_path / memo.SCORECARD_FILE
    path.write_text(path.read_text()[:100], encoding="utf-8")
    assert memo.recall_scorecard(tmp_path, "a") is None
    path.write_text(json.dumps({"format": 0, "key": "a", "value": []}), encoding="utf-8")
    assert memo.recall_scorecard(tmp_path, "a") is None
    (tmp_path / memo.REVIEW_FILE).write_text(
        json.dumps({"format": memo.FORMAT, "key": "a", "value": [{"who": "x"}]}), "utf-8"
    )
    assert memo.recall_review(tmp_path, "a") is None
    assert memo.recall_scorecard(tmp_path / "missing", "a") is None


def test_a_data_file_changes_both_keys_and_a_narrative_only_the_review_key(tmp_path):
    copy = project_copy(tmp_path)
    config, inputs = loaded(copy)
    card, review = memo.scorecard_key(config), memo.review_key(config, inputs, "c")
    story = next((copy / "narratives" / QUARTER).rglob("*.md"))
    story.write_text(story.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")
    assert memo.scorecard_key(config) == card
    assert memo.review_key(config, inputs, "c") != review
    data = config.observation_paths[0]
    data.write_bytes(data.read_bytes() + b"\n")
    assert memo.scorecard_key(config) != card
    assert memo.review_key(config, inputs, "c") != memo.review_key(config, inputs, "d")


@pytest.mark.parametrize(
    "column",
    [[1.5, float("nan")], ["a", None], ["a", float("nan")], [None, None], [float("nan")] * 2,
     [True, None], [1, 2], [True, False]],
)  # fmt: skip
def test_a_frame_comes_back_with_its_values_missing_ones_and_dtypes(column):
    frame = pd.DataFrame({"x": column, "y": ["p", "q"]})
    data = json.loads(json.dumps(memo.to_records(frame)))
    back = memo.from_records(data)
    assert back is not None and list(back.dtypes) == list(frame.dtypes)
    pd.testing.assert_frame_equal(back, frame, check_exact=True)
    assert [type(v) for v in back["x"]] == [type(v) for v in frame["x"]]


def test_a_frame_whose_dtypes_would_change_is_not_recalled():
    frame = pd.DataFrame({"x": pd.array([1, None], dtype="Int64")})
    assert memo.from_records(json.loads(json.dumps(memo.to_records(frame)))) is None


def test_a_frame_json_cannot_hold_is_not_kept(tmp_path):
    frame = pd.DataFrame({"when": [pd.Timestamp("2022-12-31")]})
    memo.keep_scorecard(tmp_path, "a", frame)
    assert not (tmp_path / memo.SCORECARD_FILE).exists()


def test_check_and_export_recall_what_a_run_kept_for_the_same_inputs_else_work_it_out(tmp_path):
    copy = project_copy(tmp_path)
    config, inputs = loaded(copy)
    fresh, card_key = memo.scorecard_for(config, inputs)
    items, checked_key = memo.review_for(config, inputs, fresh, card_key)
    assert len(fresh) > 100 and items == review_list(config, inputs, fresh)
    live = config.outputs_dir / config.quarter.id
    marked = fresh.assign(title="kept by the last run")  # so that a recalled one shows
    memo.keep_scorecard(live, card_key, marked)
    memo.keep_review(live, checked_key, items[:1])
    card, _ = memo.scorecard_for(config, inputs)
    assert set(card["title"]) == {"kept by the last run"}
    assert memo.review_for(config, inputs, card, card_key)[0] == items[:1]
    public = replace(config, publication="public")
    assert memo.review_for(public, inputs, card, card_key)[0] == []
    data = config.observation_paths[0]
    data.write_bytes(data.read_bytes() + b"\n")  # new inputs: worked out again
    card, new_key = memo.scorecard_for(config, inputs)
    pd.testing.assert_frame_equal(card, fresh)
    assert memo.review_for(config, inputs, card, new_key)[0] == items


def test_the_review_key_is_the_same_from_the_hashes_a_run_has_already(sample):
    config, inputs, _ = sample
    hashes = input_hashes(config, inputs)
    assert memo.review_key(config, inputs, "c", hashes) == memo.review_key(config, inputs, "c")
    assert memo.review_key(config, inputs, "c", {**hashes, "x": "y"}) != memo.review_key(
        config, inputs, "c"
    )
