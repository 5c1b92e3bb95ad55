"""Which files a run scans, where each is scanned, and in what order the results come back."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from spillguard.execute.result import FileResult, is_url, lost
from spillguard.files import excluded, iter_files

if TYPE_CHECKING:
    from spillguard.config import Config
    from spillguard.execute.cache import ScanCache

Progress = Callable[[str, int, int], None]

#: with the default ``--jobs`` (one per core), smaller batches are scanned in this process: starting
#: workers costs more than it saves
AUTO_MIN_FILES = 8
AUTO_MIN_BYTES = 8 << 20


def items(paths: Iterable[str | Path], exclude: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """(name shown, location) of every file: local files and folders in sorted order, and fsspec
    URLs (a folder URL is listed by the file system behind it)."""
    for raw in paths:
        text = str(raw)
        if not is_url(text):
            for path in iter_files([text.removeprefix("file://")], exclude):
                yield path.as_posix(), path.as_posix()
            continue
        try:
            import fsspec
        except ImportError:
            from spillguard.errors import UsageError

            raise UsageError(f"reading {text.split('://', 1)[0]}:// URLs needs fsspec: "
                             "pip install 'spillguard[dask]'") from None
        try:
            fs, root = fsspec.core.url_to_fs(text)
        except (ImportError, ValueError) as exc:  # a protocol whose back-end is not installed
            from spillguard.errors import UsageError

            raise UsageError(f"cannot read {text.split('://', 1)[0]}:// URLs here ({exc})") from None
        protocol = text.split("://", 1)[0]
        found = sorted(fs.find(root)) if fs.isdir(root) else [root]
        for entry in found:
            url = entry if "://" in entry else f"{protocol}://{entry}"
            if not excluded(Path(entry), exclude):
                yield url, url


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def carry_out(config: Config, paths: Iterable[str | Path], progress: Progress | None = None,
              cache: ScanCache | None = None) -> list[FileResult]:
    """Scan every file of ``paths``; the results in the order of the files, whatever ran them."""
    run = config.execution
    listed = list(items(paths, config.exclude))
    results: list[FileResult | None] = [None] * len(listed)
    keys: dict[int, tuple[str, str]] = {}
    store_cache = cache
    if store_cache is None and run.cache:
        from spillguard.execute.cache import ScanCache
        from spillguard.respond.store import Store

        store_cache = ScanCache(Store(run.cache))
    if store_cache is not None and not store_cache.allowed(config):
        store_cache = None
    todo = []
    for index, (name, location) in enumerate(listed):
        if store_cache is not None and not is_url(location):
            with contextlib.suppress(OSError):  # an unreadable file is left to the scan to report
                keys[index] = store_cache.key(Path(location), config, name)
                hit = store_cache.get(*keys[index], name)
                if hit is not None:
                    results[index] = hit
                    continue
        todo.append(index)

    finished = len(listed) - len(todo)

    def done(index: int, result: FileResult) -> None:
        nonlocal finished
        if not result.bytes and not is_url(listed[index][1]):  # a lost task still counts its file's size
            with contextlib.suppress(OSError):
                result.bytes = Path(listed[index][1]).stat().st_size
        results[index] = result
        if store_cache is not None and index in keys:
            store_cache.put(*keys[index], result)
        finished += 1
        if progress is not None:
            progress(listed[index][0], finished, len(listed))

    jobs = run.jobs if run.jobs > 0 else cores()
    if run.dask:
        from spillguard.execute import cluster

        cluster.run(listed, todo, config, run.dask, done)
    elif jobs > 1 and len(todo) > 1 and (run.jobs > 0 or _worth_a_pool(listed, todo)):
        from spillguard.execute import local

        local.run(listed, todo, config, min(jobs, len(todo)), done)
    else:
        from spillguard.execute.task import scan_file
        from spillguard.inspection import Inspector

        inspector = Inspector(config) if todo else None  # one per run in this process
        for index in todo:
            name, location = listed[index]
            if progress is not None:
                progress(name, finished, len(listed))
            results[index] = scan_file(name, location, config, inspector)
            if store_cache is not None and index in keys:
                store_cache.put(*keys[index], results[index])
            finished += 1
    return [r if r is not None else lost(listed[i][0], "SG910", "the scan of the file never came back")
            for i, r in enumerate(results)]


def _worth_a_pool(listed: list[tuple[str, str]], todo: list[int]) -> bool:
    if len(todo) >= AUTO_MIN_FILES:
        return True
    size = 0
    for index in todo:
        with contextlib.suppress(OSError, ValueError):
            size += Path(listed[index][1]).stat().st_size
    return size >= AUTO_MIN_BYTES
