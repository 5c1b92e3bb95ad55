"""Worker processes on this machine (``--jobs N``).

Files go to a ``ProcessPoolExecutor`` (forkserver start: workers fork from a clean process that
has already imported spillguard, never from a parent holding threads or open databases). A worker
that dies — killed, out of memory, a crash in a C library — breaks the pool; the files it was
scanning are known by their start markers and are each retried alone in a fresh one-worker pool,
the files not yet started go to a new pool. A file whose lone worker dies again is SG910 for that
file only; the rest of the batch is still scanned."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING

from spillguard.execute.task import FileResult, lost, over_budget, scan_file

if TYPE_CHECKING:
    from spillguard.config import Config

Done = Callable[[int, FileResult], None]
Task = Callable[..., FileResult]

DIED = "the worker process scanning the file died (killed, out of memory or crashed)"


def _context(jobs: int) -> multiprocessing.context.BaseContext:
    # polars in each worker gets its share of the cores, not all of them: on small tables its
    # per-operation overhead with a full thread pool is twice the work (measured: 38 → 19 ms per
    # 25-row CSV). Read by polars when the forkserver imports it, so it must be set before.
    from spillguard.execute.plan import cores

    os.environ.setdefault("POLARS_MAX_THREADS", str(max(1, cores() // max(jobs, 1))))
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["spillguard.inspection", "spillguard.execute.task"])
    return ctx


def _marked(task: Task, marks: str, batch: list[tuple[int, str, str]], config: Config,
            ) -> list[tuple[int, FileResult]]:
    """Run ``task`` on each file of the batch with a start marker on disk, removed when the file is
    done: a marker left behind by a dead worker names the file it was scanning."""
    from spillguard.execute.task import warm

    warm(config)  # before the first marker: the watchdog's clock is the file's, not the start-up's
    out = []
    for index, name, location in batch:
        mark = Path(marks, str(index))
        mark.write_text(str(os.getpid()), encoding="ascii")  # whom to stop if the file runs too long
        try:
            result = task(name, location, config)
        except Exception as exc:  # a task's own failure: SG909 for its file, not the batch's
            result = lost(name, "SG909", f"spillguard failed while reading the file ({type(exc).__name__})")
        mark.unlink()
        out.append((index, result))
    return out


def run(items: list[tuple[str, str]], todo: list[int], config: Config, jobs: int, done: Done,
        task: Task = scan_file) -> None:
    """Scan the files ``todo`` (indexes into ``items``: name, location) on ``jobs`` processes;
    ``done(index, result)`` is called once per file, in the order they finish."""
    ctx = _context(jobs)
    marks = tempfile.mkdtemp(prefix="spillguard-jobs-")
    try:
        suspects = _pool(items, todo, config, jobs, done, task, ctx, marks)
        for index in sorted(suspects):  # alone, so that a second death names its file
            if _pool(items, [index], config, 1, done, task, ctx, marks):
                done(index, lost(items[index][0], "SG910", DIED))
    finally:
        shutil.rmtree(marks, ignore_errors=True)


#: files per task: a few, so that the pool's per-task cost (pickling, a queue round trip) is
#: spread, and about eight batches per worker, so that the work stays balanced
BATCH = 16


def _pool(items: list[tuple[str, str]], indexes: list[int], config: Config, jobs: int, done: Done, task: Task,
          ctx: multiprocessing.context.BaseContext, marks: str) -> set[int]:
    """Run ``indexes`` on a pool; return the files a dead worker was scanning (to retry alone).
    Files that never started when the pool broke are run again on a new pool before returning."""
    remaining = list(indexes)
    suspects: set[int] = set()
    while remaining:
        got: set[int] = set()
        stopped: set[int] = set()
        size = max(1, min(BATCH, len(remaining) // (jobs * 8)))
        batches = [remaining[k:k + size] for k in range(0, len(remaining), size)]
        broken = False
        with ProcessPoolExecutor(max_workers=min(jobs, len(batches)), mp_context=ctx) as pool:
            futures = [pool.submit(_marked, task, marks, [(i, *items[i]) for i in batch], config)
                       for batch in batches]
            pending = set(futures)
            while pending:
                finished, pending = wait(pending, timeout=1.0, return_when=FIRST_COMPLETED)
                stopped |= _stop_overruns(marks, hard_limit(config.limits.seconds_per_file), stopped)
                for future in finished:
                    try:
                        for index, result in future.result():
                            done(index, result)
                            got.add(index)
                    except BrokenProcessPool:
                        broken = True
        if not broken:
            return suspects
        started = {int(p) for p in os.listdir(marks)}
        for index in started:
            os.unlink(Path(marks, str(index)))
        for index in stopped - got:  # killed for running too long: SG903, not retried
            done(index, lost(items[index][0], "SG903", over_budget(config.limits.seconds_per_file)))
            got.add(index)
        started -= stopped
        suspects |= started & set(remaining)
        remaining = [i for i in remaining if i not in got and i not in started]
    return suspects


def hard_limit(seconds: int) -> float:
    """When the parent kills a worker: past the in-worker budget (which ends the file gracefully
    with SG903) by a margin, for code that signals cannot interrupt (a long C call)."""
    return 0.0 if seconds <= 0 else seconds * 1.5 + 2


def _stop_overruns(marks: str, limit: float, stopped: set[int]) -> set[int]:
    """Kill the workers whose current file started more than ``limit`` seconds ago."""
    if not limit:
        return set()
    now = time.time()
    killed = set()
    for entry in os.scandir(marks):
        index = int(entry.name)
        if index in stopped:
            continue
        with contextlib.suppress(OSError, ValueError):
            if now - entry.stat().st_mtime > limit:
                os.kill(int(Path(entry.path).read_text(encoding="ascii")), signal.SIGKILL)
                killed.add(index)
    return killed
