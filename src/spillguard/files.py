"""The files a run covers: named files, and every file under named folders, in a stable order."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator
from pathlib import Path


def iter_files(paths: Iterable[str | Path], exclude: tuple[str, ...] = ()) -> Iterator[Path]:
    """Files named, and every file under folders named, in a stable (sorted) order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not excluded(Path(root, d), exclude))
                for name in sorted(files):
                    child = Path(root, name)
                    if not excluded(child, exclude):
                        yield child
        elif not excluded(path, exclude):
            yield path


def excluded(path: Path, exclude: tuple[str, ...]) -> bool:
    text = path.as_posix()
    return any(fnmatch.fnmatch(text, g) or fnmatch.fnmatch(path.name, g) for g in exclude)
