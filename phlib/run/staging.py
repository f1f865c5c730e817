"""Staging a quarter's outputs and swapping them into place so that no kill can break them.

A run writes everything into `outputs/.staging/<quarter>.<pid>.<token>/`. When it is complete
the run writes a `.complete` marker there and swaps, in three renames on one file system:

1. `outputs/<quarter>`          -> `outputs/.staging/<quarter>.previous`   (old aside)
2. `outputs/.staging/<q>.<...>` -> `outputs/<quarter>`                     (new in)
3. delete `outputs/.staging/<quarter>.previous`

Killed at any point, the folders say how far it got, and `repair` (run under the lock at the
start of the next run) finishes or undoes the swap: before step 1 the old outputs are still in
place and the unfinished staging folder is deleted; between 1 and 2 the complete new outputs
are moved in (or, if none is complete, the old ones are moved back); after 2 the old copy is
deleted. So there is always either the complete previous outputs or the complete new ones.

>>> import tempfile
>>> outputs = Path(tempfile.mkdtemp())
>>> stage = Staging(outputs, "2022-23-Q3")
>>> folder = stage.create()
>>> _ = (folder / "index.html").write_text("new")
>>> stage.commit()
>>> (outputs / "2022-23-Q3" / "index.html").read_text(), stage.repair()
('new', [])
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from pathlib import Path

from phlib import atomic

COMPLETE = ".complete"
WORK = ".work"


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=False)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


class Staging:
    """The staging folder of one run of one quarter (see the module docstring)."""

    def __init__(self, outputs_dir, quarter_id: str):
        self.outputs = Path(outputs_dir)
        self.quarter_id = quarter_id
        self.live = self.outputs / quarter_id
        self.root = self.outputs / ".staging"
        self.old = self.root / f"{quarter_id}.previous"
        self.folder = self.root / f"{quarter_id}.{os.getpid()}.{secrets.token_hex(4)}"

    @property
    def work(self) -> Path:
        """Scratch space inside the staging folder (removed before the swap)."""
        return self.folder / WORK

    def _candidates(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        found = [
            p
            for p in self.root.glob(f"{self.quarter_id}.*")
            if p.is_dir() and p != self.old and p != self.folder
        ]
        return sorted(found, key=lambda p: p.stat().st_mtime)

    def repair(self) -> list[str]:
        """Finish or undo a swap a killed run left half done; remove its unfinished staging.

        Call it while holding the quarter's lock. Returns a message for each thing it did.
        """
        messages = []
        staged = self._candidates()
        if self.old.exists():
            if self.live.exists():
                _remove(self.old)
                messages.append(
                    f"Finished an interrupted swap of {self.quarter_id}: "
                    "removed the previous outputs."
                )
            else:
                complete = [p for p in staged if (p / COMPLETE).is_file()]
                if complete:
                    os.rename(complete[-1], self.live)
                    staged.remove(complete[-1])
                    _remove(self.old)
                    messages.append(
                        f"Finished an interrupted swap of {self.quarter_id}: "
                        "the new outputs are in place."
                    )
                else:
                    os.rename(self.old, self.live)
                    messages.append(
                        f"Restored the previous outputs of {self.quarter_id} "
                        "after an interrupted run."
                    )
        for path in staged:
            _remove(path)
            messages.append(f"Removed an unfinished staging folder left by a killed run: {path}")
        with contextlib.suppress(FileNotFoundError):
            (self.live / COMPLETE).unlink()
        return messages

    def create(self) -> Path:
        """Make this run's empty staging folder."""
        self.folder.mkdir(parents=True)
        return self.folder

    def carry(self, relative_paths) -> list[str]:
        """Copy files (paths relative to the live outputs) into the staging folder."""
        copied = []
        for relative in relative_paths:
            source = self.live / relative
            if source.is_file():
                target = self.folder / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
                copied.append(str(relative))
        return copied

    def commit(self) -> None:
        """Swap the complete staging folder into place (old aside, new in, old deleted).
        Files in it are written without an fsync each (`durable=False`); they are made
        durable together here, before the folder is marked complete and swapped in."""
        _remove(self.work)
        atomic.sync_tree(self.folder)
        atomic.write_text(self.folder / COMPLETE, f"{os.getpid()}\n")
        if self.old.exists():  # a leftover that repair() did not see: never swap onto it
            _remove(self.old)
        if self.live.exists():
            os.rename(self.live, self.old)
        os.rename(self.folder, self.live)
        _fsync(self.outputs)
        _remove(self.old)
        with contextlib.suppress(FileNotFoundError):
            (self.live / COMPLETE).unlink()

    @contextlib.contextmanager
    def building(self):
        """Create the staging folder and yield it; swap it in when the block ends normally,
        delete it when the block raises (a refusal, an error or an interrupt)."""
        folder = self.create()
        try:
            yield folder
        except BaseException:
            self.discard()
            raise
        self.commit()

    def discard(self) -> None:
        """Delete this run's staging folder (after a refusal, an error or an interrupt)."""
        if self.folder.exists():
            _remove(self.folder)


def _fsync(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
