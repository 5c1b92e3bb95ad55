"""Carrying out a scan over many files: in this process, over worker processes on this machine
(``local``), or on a Dask cluster (``cluster``), with a content-hash cache in the store (``cache``).

Every backend runs the same per-file task (``task.scan_file``, over ``inspection.Inspector``) and
the results are merged in the order of the input files, so a report does not depend on how it was
computed. Nothing here imports ``spillguard.scan``, the library entry built on it."""

from spillguard.execute.result import FileResult, lost

__all__ = ["FileResult", "lost"]
