"""``scan(paths, config) -> Report``: the library entry point every command builds on.

A thin entry over ``execute/`` (which files, where each is inspected, the cache) and
``inspection`` (what one file holds); neither imports this module back. It never raises for a bad
input file: a file that cannot be fully inspected becomes an SG9xx error (and a blocking finding),
and the rest of the batch is still scanned.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from spillguard import baseline
from spillguard.config import Config
from spillguard.files import iter_files
from spillguard.model import Report

if TYPE_CHECKING:
    from spillguard.execute.cache import ScanCache

__all__ = ["Progress", "Scanner", "iter_files", "scan"]

#: called before each top-level file: (path shown to the user, index from 0, total files)
Progress = Callable[[str, int, int], None]


class Scanner:
    """One scan run over files and folders, with its settings (and a scan cache to use, else the
    one ``config.execution.cache`` names, if any)."""

    def __init__(self, config: Config, cache: ScanCache | None = None) -> None:
        self.config = config
        self.cache = cache

    def run(self, paths: Iterable[str | Path], progress: Progress | None = None) -> Report:
        """Scan files and folders (and fsspec URLs) the way ``config.execution`` says: here, on
        worker processes or on a Dask cluster, with or without the scan cache — same report."""
        from spillguard.execute.plan import carry_out

        started = time.perf_counter()
        report = Report(fail_on=self.config.fail_on)
        for result in carry_out(self.config, paths, progress, cache=self.cache):
            result.add_to(report)
            report.stats.cached += result.cached
        report.stats.seconds = round(time.perf_counter() - started, 3)
        return baseline.apply(report, self.config.baseline, self.config.baseline_key_file)


def scan(paths: Iterable[str | Path] | str | Path, config: Config | None = None,
         progress: Progress | None = None) -> Report:
    """Scan files and folders; return the report. Never raises for a bad input file."""
    if isinstance(paths, str | Path):
        paths = [paths]
    return Scanner(config or Config()).run(paths, progress)
