"""Scans for the gate, in worker processes, most urgent first, each set of bytes once.

A request waiting for a verdict outranks a file that just arrived under the root, which
outranks the first pass over an existing site (throttled by a pause between its files). Each
dispatcher thread owns a one-process pool (forkserver, warmed once), so a worker past the hard
time limit is killed alone (SG903) and a worker that dies (SG910) costs only its own file; both
fail closed. Requests for bytes already being scanned wait on the same future.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import queue
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from spillguard.execute.local import DIED, hard_limit
from spillguard.execute.result import FileResult, lost
from spillguard.execute.task import over_budget

if TYPE_CHECKING:
    from spillguard.config import Config

STOP, REQUEST, ARRIVAL, SURVEY = -1, 0, 1, 2


@dataclass(order=True)
class _Item:
    priority: int
    seq: int
    sha256: str = field(compare=False)
    path: str = field(compare=False)  # a private snapshot of the bytes
    name: str = field(compare=False)  # shown in findings; decides the file's declared intent


def _scan(name: str, path: str, config: Config) -> FileResult:
    from spillguard.execute.task import scan_file

    return scan_file(name, path, config)


def _warm(config: Config) -> None:
    from spillguard.execute.task import warm

    warm(config)


class ScanPool:
    def __init__(self, config: Config, workers: int = 1, survey_pause: float = 0.0) -> None:
        self.config = config
        self.survey_pause = survey_pause
        self._queue: queue.PriorityQueue[_Item] = queue.PriorityQueue()
        self._futures: dict[str, Future[FileResult]] = {}
        self._paths: dict[str, str] = {}  # sha256 → the private snapshot of its bytes, until scanned
        self._lock = threading.Lock()
        self._seq = itertools.count()
        self._next_survey = 0.0
        self._stopped = threading.Event()
        self._threads = [threading.Thread(target=self._dispatch, name=f"spillguard-gate-scan-{i}", daemon=True)
                         for i in range(max(1, workers))]
        for thread in self._threads:
            thread.start()

    def submit(self, sha256: str, path: str, name: str, priority: int) -> tuple[Future[FileResult], bool]:
        """The future verdict of these bytes, and whether ``path`` was taken (else the caller
        removes its snapshot: the same bytes are being scanned already)."""
        with self._lock:
            future = self._futures.get(sha256)
            if future is not None:
                if priority < REQUEST + 1:  # a request waits: move it ahead of the first pass
                    self._queue.put(_Item(priority, next(self._seq), sha256, "", name))
                return future, False
            future = Future()
            self._futures[sha256] = future
            self._paths[sha256] = path
            self._queue.put(_Item(priority, next(self._seq), sha256, path, name))
            return future, True

    def pending(self) -> int:
        with self._lock:
            return len(self._futures)

    def close(self, wait: float = 10.0) -> None:
        """Stop taking work; wait up to ``wait`` seconds for the scans running now (and the
        verdicts they record) to finish."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        for _ in self._threads:
            self._queue.put(_Item(STOP, next(self._seq), "", "", ""))
        deadline = time.monotonic() + wait
        for thread in self._threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))

    def _executor(self) -> ProcessPoolExecutor:
        from spillguard.execute.local import _context

        return ProcessPoolExecutor(1, mp_context=_context(1), initializer=_warm, initargs=(self.config,))

    def _dispatch(self) -> None:
        executor = self._executor()
        try:
            while not self._stopped.is_set():
                item = self._queue.get()
                if item.priority == STOP:
                    return
                with self._lock:
                    future = self._futures.get(item.sha256)
                    if future is None or future.running() or future.done() or not future.set_running_or_notify_cancel():
                        continue  # done already (a duplicate raised ahead of the first pass), or taken
                    path = self._paths.pop(item.sha256)
                if item.priority >= SURVEY:
                    wait = self._next_survey - time.monotonic()
                    if wait > 0:
                        time.sleep(wait)
                try:
                    result, executor = self._run(executor, item.name, path)
                finally:
                    with contextlib.suppress(OSError):
                        os.unlink(path)
                        os.rmdir(os.path.dirname(path))
                if item.priority >= SURVEY:
                    self._next_survey = time.monotonic() + self.survey_pause
                with self._lock:
                    self._futures.pop(item.sha256, None)
                future.set_result(result)
        finally:
            executor.shutdown(wait=False, cancel_futures=True)

    def _run(self, executor: ProcessPoolExecutor, name: str, path: str) -> tuple[FileResult, ProcessPoolExecutor]:
        limit = hard_limit(self.config.limits.seconds_per_file) or None
        try:
            return executor.submit(_scan, name, path, self.config).result(timeout=limit), executor
        except FutureTimeout:
            result = lost(name, "SG903", over_budget(self.config.limits.seconds_per_file))
        except BrokenProcessPool:
            result = lost(name, "SG910", DIED)
        except Exception as exc:  # a failure to pickle or to start: fail closed for this file
            result = lost(name, "SG909", f"spillguard failed while reading the file ({type(exc).__name__})")
        for process in list(getattr(executor, "_processes", {}).values()):
            with contextlib.suppress(OSError):
                process.kill()
        executor.shutdown(wait=False, cancel_futures=True)
        return result, self._executor()
