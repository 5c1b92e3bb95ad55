"""The bytes a file holds now, without reading them again when nothing changed.

A file's identity is (device, inode, size, mtime ns, ctime ns). An overwrite in place changes the
ctime even when size and mtime are put back (ctime cannot be set from user space), so the same
identity means the same bytes — except within the file system's timestamp granularity: a file
written again in the same clock tick as the previous read keeps its ctime. As git does for its
index ("racy git"), an identity read less than ``RACY_NS`` after the file last changed is not
trusted: the file is hashed again until its change is older than that.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

#: a change this recent (relative to the read) may hide a second write in the same tick
RACY_NS = 2_000_000_000
CHUNK = 1 << 20


class Unreadable(OSError):
    """The file cannot be read as a regular file (the reason)."""


@dataclass(frozen=True, slots=True)
class Identity:
    dev: int
    ino: int
    size: int
    mtime_ns: int
    ctime_ns: int

    @classmethod
    def of(cls, st: os.stat_result) -> Identity:
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)

    def text(self) -> str:
        return f"{self.dev}:{self.ino}:{self.size}:{self.mtime_ns}:{self.ctime_ns}"


@dataclass(frozen=True, slots=True)
class Known:
    identity: Identity
    sha256: str
    hashed_ns: int  # wall clock (ns) when the bytes were read

    @property
    def trusted(self) -> bool:
        """Trusted while the file's last change is clearly older than the read."""
        return self.identity.ctime_ns < self.hashed_ns - RACY_NS and self.identity.mtime_ns < self.hashed_ns - RACY_NS


def read_hash(path: str, attempts: int = 3, copy_to: str | None = None) -> Known:
    """Hash a regular file, with its identity taken from the open file before and after the read;
    a file that changed while it was read is read again (:class:`Unreadable` after ``attempts``).
    With ``copy_to``, the bytes hashed are also written there (a new file): one attempt."""
    for _ in range(1 if copy_to else attempts):
        hashed_ns = time.time_ns()
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        except OSError as exc:
            raise Unreadable(exc.errno, f"cannot open the file ({os.strerror(exc.errno or 0)})") from None
        try:
            before = os.fstat(fd)
            if not stat.S_ISREG(before.st_mode):
                raise Unreadable(0, "not a regular file")
            h = hashlib.sha256()
            with open(copy_to, "xb") if copy_to else contextlib.nullcontext() as out:
                while block := os.read(fd, CHUNK):
                    h.update(block)
                    if out is not None:
                        out.write(block)
            after = os.fstat(fd)
        except OSError as exc:
            if isinstance(exc, Unreadable):
                raise
            raise Unreadable(exc.errno, f"cannot read the file ({os.strerror(exc.errno or 0)})") from None
        finally:
            os.close(fd)
        if Identity.of(before) == Identity.of(after):
            return Known(Identity.of(after), h.hexdigest(), hashed_ns)
    raise Unreadable(0, "the file kept changing while it was read")


class Identities:
    """Path → what its bytes were, in memory (bounded, least recently used first out)."""

    def __init__(self, size: int = 100_000) -> None:
        self.size = size
        self._known: OrderedDict[str, Known] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, path: str) -> Known | None:
        with self._lock:
            known = self._known.get(path)
            if known is not None:
                self._known.move_to_end(path)
            return known

    def put(self, path: str, known: Known) -> None:
        with self._lock:
            self._known[path] = known
            self._known.move_to_end(path)
            while len(self._known) > self.size:
                self._known.popitem(last=False)

    def current(self, path: str, st: os.stat_result) -> Known | None:
        """What the file holds, if its identity still matches a trusted read."""
        known = self.get(path)
        if known is not None and known.identity == Identity.of(st) and known.trusted:
            return known
        return None
