"""The quarter's scorecard and review list kept from one run to the next, keyed by their inputs.

Working out the scorecard (every indicator of every area) and the review list takes about half
a second on the sample, as long as the rest of a run that executes nothing. A run therefore
writes both beside its outputs, as `scorecard.cache.json` and `review.cache.json` in the
quarter's folder (inside the staging folder, swapped in whole like everything else), each with
the key it was worked out for. The next run uses them only when its own key is the same:

- the scorecard's key: phlib's source, the dependency set, the parameter file and every data
  file (by SHA-256), the quarter, and the areas and services of the parameter file;
- the review list's key: the scorecard's key, the run's areas and services, its publication
  mode, and the hashes of every notebook and narrative file the run reads.

A file that cannot be read, has another format or another key is simply worked out again.
Public builds keep neither: the kept scorecard holds every figure before redaction, and the
outputs of a public build are meant to be shared as they are.
`phreport check` and `phreport export` recall them too (`scorecard_for`, `review_for`);
`check` writes nothing, so it never keeps them.

>>> import pandas as pd
>>> frame = pd.DataFrame({"area": ["north"], "current": [float("nan")], "restricted": [True]})
>>> frame.equals(from_records(to_records(frame)))
True
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from phlib import atomic
from phlib.hashes import file_hashes
from phlib.report.review import ReviewItem
from phlib.rules.scorecard import COLUMNS, build_scorecard
from phlib.run.job_list import input_hashes
from phlib.run.keys import dependencies_digest, key_of, phlib_digest
from phlib.run.review_list import review_list

FORMAT = 1
SCORECARD_FILE = "scorecard.cache.json"
REVIEW_FILE = "review.cache.json"


def scorecard_key(config) -> str:
    """What the scorecard of `config`'s quarter is worked out from."""
    data = file_hashes([*config.data_paths, config.path], config.project_root)
    return key_of(
        {
            "phlib": phlib_digest(),
            "dependencies": dependencies_digest(config.project_root),
            "data": data,
            "quarter": config.quarter.id,
            "areas": list(config.areas),
            "services": list(config.services),
        }
    )


def review_key(config, inputs, card_key: str, hashes: dict | None = None) -> str:
    """What the review list of a run over `inputs`' areas and services is worked out from;
    `hashes` are `input_hashes(config, inputs)` when the caller has them already."""
    return key_of(
        {
            "scorecard": card_key,
            "areas": list(inputs.areas),
            "services": list(inputs.services),
            "publication": config.publication,
            "files": input_hashes(config, inputs) if hashes is None else hashes,
        }
    )


def to_records(frame: pd.DataFrame) -> dict:
    """A frame as JSON-able data: its columns, their dtypes and its rows (missing values kept as
    they are, NaN or None)."""
    rows = [[_plain(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    dtypes = [str(t) for t in frame.dtypes]
    return {"columns": list(frame.columns), "dtypes": dtypes, "rows": rows}


def from_records(data: dict) -> pd.DataFrame | None:
    """The frame `to_records` was given, built as `build_scorecard` builds it; None when its
    columns would not come back with the same dtypes."""
    columns = data["columns"]
    frame = pd.DataFrame([dict(zip(columns, row, strict=True)) for row in data["rows"]],
                         columns=columns)  # fmt: skip
    return frame if [str(t) for t in frame.dtypes] == data["dtypes"] else None


def _plain(value):
    if value is pd.NA or value is pd.NaT:
        return None  # the dtype check in `from_records` then declines the frame
    return value.item() if hasattr(value, "item") else value


def _recall(live: Path, name: str, key: str):
    try:
        data = json.loads((Path(live) / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
        return None
    return data.get("value")


def _keep(folder: Path, name: str, key: str, value) -> None:
    """Write `value` for `key`; a value JSON cannot hold is not kept (worked out next time)."""
    try:
        text = json.dumps({"format": FORMAT, "key": key, "value": value})
    except (TypeError, ValueError):
        (Path(folder) / name).unlink(missing_ok=True)
        return
    atomic.write_text(Path(folder) / name, text + "\n", durable=False)


def recall_scorecard(live: Path, key: str) -> pd.DataFrame | None:
    """The scorecard the last run kept in `live` for `key`, else None."""
    data = _recall(live, SCORECARD_FILE, key)
    try:
        return from_records(data) if data["columns"] == COLUMNS else None
    except (TypeError, KeyError, ValueError):
        return None


def keep_scorecard(folder: Path, key: str, scorecard: pd.DataFrame) -> None:
    _keep(folder, SCORECARD_FILE, key, to_records(scorecard))


def recall_review(live: Path, key: str) -> list[ReviewItem] | None:
    """The review list the last run kept in `live` for `key`, else None."""
    items = _recall(live, REVIEW_FILE, key)
    if not isinstance(items, list):
        return None
    try:
        return [ReviewItem(**item) for item in items]
    except TypeError:
        return None


def keep_review(folder: Path, key: str, items) -> None:
    _keep(folder, REVIEW_FILE, key, [asdict(item) for item in items])


def scorecard_for(config, inputs, areas=None, services=None) -> tuple[pd.DataFrame, str]:
    """(scorecard, its key): recalled from the quarter's outputs when kept there for the same
    inputs, else worked out now for `areas` and `services` (by default the parameter file's)."""
    key = scorecard_key(config)
    card = recall_scorecard(config.outputs_dir / config.quarter.id, key)
    if card is None:
        areas, services = list(areas or config.areas), list(services or config.services)
        card = build_scorecard(inputs.catalogue, inputs.observations, config.quarter, areas,
                               services)  # fmt: skip
    return card, key


def review_for(config, inputs, card: pd.DataFrame, card_key: str) -> tuple[list, str]:
    """(review list, its key) for a run over `inputs`: recalled from the quarter's outputs
    when kept there for the same inputs, else worked out now. Public builds get an empty
    list. Call it after analysts' notebook edits are pulled into the store: the list reads
    the narratives."""
    key = review_key(config, inputs, card_key)
    if config.publication == "public":
        return [], key
    items = recall_review(config.outputs_dir / config.quarter.id, key)
    return (review_list(config, inputs, card) if items is None else items), key
