"""Atomic writes: the target is always either the old or the new complete file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from phlib import atomic


def test_creates_folders_and_writes_exact_bytes(tmp_path):
    target = tmp_path / "a" / "b" / "file.md"
    atomic.write_text(target, "line one\r\nline two\n\u00e9")
    assert target.read_bytes() == "line one\r\nline two\n\u00e9".encode()


def test_without_make_parents_a_missing_folder_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        atomic.write_text(tmp_path / "absent" / "x.md", "text", make_parents=False)
    assert not (tmp_path / "absent").exists()


def test_replace_failure_leaves_original_and_no_temp_files(tmp_path, monkeypatch):
    target = tmp_path / "store.md"
    target.write_text("original\n")

    def crash(src, dst):
        raise OSError("disk went away")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk went away"):
        atomic.write_text(target, "new text that must not appear\n")
    assert target.read_text() == "original\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.md"]


def test_write_failure_leaves_original_and_no_temp_files(tmp_path, monkeypatch):
    target = tmp_path / "store.md"
    target.write_text("original\n")

    def crash(fd):
        raise OSError("fsync failed")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError, match="fsync failed"):
        atomic.write_bytes(target, b"half")
    assert target.read_text() == "original\n"
    assert list(tmp_path.glob(atomic.TEMP_GLOB)) == []


def test_keeps_the_permissions_of_the_file_it_replaces(tmp_path):
    target = tmp_path / "shared.md"
    target.write_text("old")
    os.chmod(target, 0o640)
    atomic.write_text(target, "new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_text() == "new"


def test_a_new_file_is_not_private_to_its_writer(tmp_path):
    target = tmp_path / "new.md"
    atomic.write_text(target, "x")
    mode = stat.S_IMODE(target.stat().st_mode)
    mask = os.umask(0)
    os.umask(mask)
    assert mode == 0o666 & ~mask


def test_staged_writes_skip_fsync_and_the_swap_makes_them_durable_first(tmp_path, monkeypatch):
    from phlib.run.staging import COMPLETE, Staging

    synced = []
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd))
    atomic.write_text(tmp_path / "staged" / "a.html", "<p>a</p>", durable=False)
    assert (tmp_path / "staged" / "a.html").read_text() == "<p>a</p>"
    assert synced == [], "a staged write paid for an fsync"
    atomic.write_text(tmp_path / "kept.md", "text")
    assert len(synced) == 2, "a durable write syncs the file and its folder"

    stage = Staging(tmp_path / "outputs", "2022-23-Q3")
    seen = []
    real = atomic.sync_tree
    monkeypatch.setattr(atomic, "sync_tree", lambda f: seen.append(
        (Path(f), (Path(f) / COMPLETE).exists())) or real(f))  # fmt: skip
    with stage.building() as folder:
        atomic.write_text(folder / "north" / "annex.html", "<html></html>", durable=False)
    assert seen == [(folder, False)], "the folder was not synced before it was marked complete"
    assert (tmp_path / "outputs" / "2022-23-Q3" / "north" / "annex.html").is_file()
