"""Fingerprints of files: SHA-256 hashes, their short form, and project-relative paths.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "a.csv").write_text("x\\n")
>>> file_hashes([folder / "a.csv"], folder)
{'a.csv': '73cb3858a687a8494ca3323053016282f3dad39d42cf62ca4e79dda2aac7d9ac'}
>>> short_hash('e5ee9a0f3d14aa4e')
'e5ee9a0f'
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def sha256(path) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def short_hash(digest: str) -> str:
    """The first 8 characters of a hash, as footers show it."""
    return digest[:8]


def relative(path, root) -> str:
    """`path` relative to `root` with forward slashes (absolute when outside it).

    >>> relative("/p/data/a.csv", "/p"), relative("/elsewhere/a.csv", "/p")
    ('data/a.csv', '/elsewhere/a.csv')
    """
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return Path(path).as_posix()


def file_hashes(paths, root) -> dict[str, str]:
    """SHA-256 of each existing file, keyed by its path relative to `root`."""
    return {relative(p, root): sha256(p) for p in paths if Path(p).is_file()}
