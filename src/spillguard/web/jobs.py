"""Background jobs of the web app: a row in the store (``Job``) and a thread of the server — no
broker. The page that starts one answers at once with the job's page, which shows its progress
and, when it is done, its result; a job interrupted by a restart is marked failed when seen."""

from __future__ import annotations

import threading
from collections.abc import Callable

from spillguard.respond.models import Job
from spillguard.respond.store import Store, now

#: jobs running at once in this process (each drafts thousands of documents)
SLOTS = threading.BoundedSemaphore(2)
_RUNNING: set[int] = set()


def start(store: Store, kind: str, account_id: int, incident_id: int | None,
          work: Callable[[Callable[[int, int], None]], str]) -> int:
    """Queue ``work(progress) -> result`` and run it in a thread; its id at once."""
    with store.session() as s:
        job = Job(kind=kind, incident_id=incident_id, account_id=account_id, state="queued", done=0, total=0,
                  message="", result="", created_at=now())
        s.add(job)
        s.commit()
        job_id = job.id

    def progress(done: int, total: int) -> None:
        with store.session() as s:
            row = s.get(Job, job_id)
            row.state, row.done, row.total = "running", done, total
            s.commit()

    def run() -> None:
        with SLOTS:
            _RUNNING.add(job_id)
            try:
                result, state, message = work(progress), "done", ""
            except Exception as exc:
                result, state, message = "", "failed", f"{type(exc).__name__}: the job could not finish"
            finally:
                _RUNNING.discard(job_id)
            with store.session() as s:
                row = s.get(Job, job_id)
                row.state, row.result, row.message, row.finished_at = state, result, message, now()
                if state == "done":
                    row.done = row.total = max(row.total, row.done)
                s.commit()

    threading.Thread(target=run, name=f"spillguard-job-{job_id}", daemon=True).start()
    return job_id


def get(store: Store, job_id: int) -> Job | None:
    """The job, a running one this process does not run marked failed (the server restarted)."""
    with store.session() as s:
        job = s.get(Job, job_id)
        if job is not None and job.state in ("queued", "running") and job_id not in _RUNNING \
                and (now() - (job.created_at if job.created_at.tzinfo else job.created_at.replace(
                    tzinfo=now().tzinfo))).total_seconds() > 5:
            job.state, job.message, job.finished_at = "failed", "interrupted (the server restarted)", now()
            s.commit()
        return job
