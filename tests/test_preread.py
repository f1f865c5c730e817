"""Observation files parsed ahead of need (`preread`): the same tables, and never stale."""

from __future__ import annotations

import os

import pandas as pd

from phlib.inputs import reading
from phlib.inputs.reading import preread, read_table

CSV = (
    "Observations export\n\n"
    "indicator_id,area,period,value\n"
    "sh_a,north,Q3 2022/23,56\n"
    "sh_a,south,Q3 2022/23,61\n"
    "sh_a,north,Q2 2022/23,,extra\n"
)


def north(text: str) -> bool:
    return text == "north"


def same(a, b) -> None:
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert (a.header_row, a.problems, a.encoding, a.dropped) == (
        b.header_row, b.problems, b.encoding, b.dropped,
    )  # fmt: skip


def test_a_preread_file_reads_as_a_fresh_read_does_without_parsing_again(tmp_path, monkeypatch):
    path = tmp_path / "obs.csv"
    path.write_text(CSV, encoding="cp1252")
    expected = ["indicator_id", "area"]
    fresh_all = read_table(path, expected)
    fresh_north = read_table(path, expected, keep=("area", north))
    assert fresh_all.problems, "the long row is a problem, in both reads"
    preread([path, tmp_path / "missing.csv"])
    parses = []
    original = reading._parse_csv
    monkeypatch.setattr(reading, "_parse_csv", lambda p: parses.append(p) or original(p))
    same(read_table(path, expected), fresh_all)
    same(read_table(path, expected, keep=("area", north)), fresh_north)
    assert read_table(path, expected, keep=("area", north)).dropped == 1
    assert parses == [], "a preread file was parsed again"


def test_a_file_changed_after_it_was_preread_is_read_again(tmp_path):
    path = tmp_path / "obs.csv"
    path.write_text(CSV, encoding="utf-8")
    preread([str(path)])
    changed = CSV.replace("56", "57")  # the same size
    path.write_text(changed, encoding="utf-8")
    os.utime(path, ns=(1, 1))  # even with an old modification time
    table = read_table(path, ["indicator_id"])
    assert table.frame.loc[4, "value"] == "57"


def test_unreadable_files_are_left_to_read_table_to_report(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"indicator_id,area\n\x81\x8d,north\n")
    preread([path])
    table = read_table(path, ["indicator_id"])
    assert table.problems and "not readable text" in table.problems[0].message
