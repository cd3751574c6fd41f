"""Files only the account running the app may read (issue 16.10): evidence uploads and the SQLite
database are created 0600 in directories 0700, whatever the process's umask."""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """Create ``path`` (and its missing parents) owner-only; an existing one is made owner-only too."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    os.chmod(path, DIR_MODE)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write a new file 0600 (``O_EXCL``: never over an existing one), in a directory made 0700."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def sqlite_path(uri: str) -> Path | None:
    """The file of a ``sqlite:///…`` URI; ``None`` for other databases and in-memory SQLite."""
    scheme, sep, rest = uri.partition(":///")
    if not sep or scheme.split("+", 1)[0] != "sqlite":
        return None
    rest = rest.split("?", 1)[0]
    return Path(rest) if rest and rest != ":memory:" else None


def private_sqlite(uri: str) -> None:
    """Create the SQLite file 0600 before SQLite does (its -wal and -shm files take the database's
    mode); an existing one is made 0600. The instance directory it lives in is left as it is."""
    path = sqlite_path(uri)
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    os.close(fd)
    os.chmod(path, FILE_MODE)
