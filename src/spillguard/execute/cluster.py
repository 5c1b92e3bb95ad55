"""Scans on a Dask cluster (``--dask tcp://scheduler:8786`` or ``--dask local:N``).

The same per-file task as on one machine runs on the cluster's workers: they read the files
themselves (paths on a shared file system, or URLs through fsspec), so only names, settings and
results cross the network — never file content. Dask retries a task whose worker died on another
worker (``distributed.scheduler.allowed-failures``); a task that keeps killing its workers comes
back as ``KilledWorker`` and is SG910 for that file, and the rest of the run goes on. Task keys
are numbers, not file names, so the scheduler's logs and dashboard hold no paths."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from spillguard.errors import UsageError
from spillguard.execute.task import FileResult, lost, scan_file, scan_many

if TYPE_CHECKING:
    from spillguard.config import Config

Done = Callable[[int, FileResult], None]
Task = Callable[..., FileResult]


@contextmanager
def client_for(address: str) -> Iterator[Any]:
    """A ``distributed.Client``: to the scheduler at ``address``, or to a LocalCluster for ``local:N``."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise UsageError("--dask needs the Dask extra: pip install 'spillguard[dask]'") from None
    if address.startswith("local:"):
        try:
            workers = int(address.removeprefix("local:"))
        except ValueError:
            raise UsageError(f"--dask local:N needs a number of workers, not {address!r}") from None
        if not 1 <= workers <= 1024:
            raise UsageError("--dask local:N needs 1 to 1024 workers")
        # one task per worker process, and polars in it on one thread (see execute.local)
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                          silence_logs=logging.ERROR, env={"POLARS_MAX_THREADS": "1"}) as cluster, \
                Client(cluster) as client:
            yield client
        return
    try:
        client = Client(address, timeout="10s")
    except OSError as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {address} ({type(exc).__name__})") from None
    with client:
        yield client


def run(items: list[tuple[str, str]], todo: list[int], config: Config, address: str, done: Done,
        task: Task = scan_file, client: Any = None) -> None:
    """Scan the files ``todo`` on the cluster; ``done(index, result)`` as each comes back."""
    if client is None:
        with client_for(address) as own:
            run(items, todo, config, address, done, task, own)
        return

    run_id = secrets.token_hex(4)
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    # about eight batches per worker, at most BATCH files each: a cluster's per-task cost is a few
    # milliseconds, many published files take less to scan
    size = max(1, min(BATCH, len(todo) // (workers * 8)))
    suspects = _submit(client, items, todo, config, task, run_id, done, size)
    for index in suspects:  # alone, so that only its own deaths count against it
        for again in _submit(client, items, [index], config, task, f"{run_id}-alone", done, 1):
            done(again, lost(items[again][0], "SG910", KILLED))


KILLED = "the Dask workers scanning the file kept dying (killed, out of memory or crashed)"
BATCH = 32


def _submit(client: Any, items: list[tuple[str, str]], indexes: list[int], config: Config, task: Task,
            run_id: str, done: Done, size: int) -> list[int]:
    """Run ``indexes`` on the cluster in batches of ``size``; return the files whose workers kept
    dying (``KilledWorker``). A worker's death marks every task it held, not only the one that
    killed it: the caller retries these alone before blaming them."""
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    batches = [indexes[k:k + size] for k in range(0, len(indexes), size)]
    # the settings go with each task (a few KB): scattered data would be lost with the workers
    # holding it, and with it every task still waiting for it
    futures = {client.submit(scan_many, [items[i] for i in batch], config, task,
                             key=f"spillguard-{run_id}-{batch[0]}", pure=False): batch for batch in batches}
    killed: list[int] = []
    for future in as_completed(futures):
        batch = futures[future]
        try:
            for index, result in zip(batch, future.result(), strict=True):
                done(index, result)
        except KilledWorker:
            killed.extend(batch)
        except (OSError, TimeoutError) as exc:
            for index in batch:
                done(index, lost(items[index][0], "SG910",
                                 f"the Dask cluster went away during the scan ({type(exc).__name__})"))
        finally:
            future.release()
    return sorted(killed)
