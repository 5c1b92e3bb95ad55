"""Signed verdicts the gate accepts in place of a scan (``--trust KEY --attestations DIR``).

A file is served on an attestation only when: an envelope in the folder verifies with a trusted
key; the file's own verdict in it is pass, for exactly its bytes (SHA-256); the attested
configuration digest is one the gate accepts (its own, or one named with ``--accept-config``:
a CI run with ``--ignore`` has another digest and cannot sign its way past the gate); and the
attestation is younger than ``max_age``. Anything else falls back to a scan. The folder is read
again when a file in it changes.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from spillguard.attest import Attested, Invalid, open_envelope

if TYPE_CHECKING:
    from securesystemslib.signer import SSlibKey

log = logging.getLogger("spillguard.gate")

#: an attestation dated this far in the future (clock skew) is still taken
SKEW = dt.timedelta(minutes=5)


class Attestations:
    def __init__(self, folder: Path, keys: list[SSlibKey], max_age: dt.timedelta,
                 accept_configs: tuple[str, ...] = (), recheck: float = 1.0) -> None:
        self.folder = folder
        self.keys = keys
        self.max_age = max_age
        self.accept_configs = accept_configs
        self.recheck = recheck
        self._by_sha: dict[str, list[Attested]] = {}
        self._listing: tuple[tuple[str, int, int], ...] | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self.invalid: dict[str, str] = {}  # file name → why it was not taken

    def _scan_folder(self) -> None:
        try:
            entries = sorted((e.name, e.stat().st_mtime_ns, e.stat().st_size) for e in os.scandir(self.folder)
                             if e.is_file() and e.name.endswith((".json", ".dsse", ".intoto.json")))
        except OSError:
            entries = []
        listing = tuple(entries)
        if listing == self._listing:
            return
        by_sha: dict[str, list[Attested]] = {}
        invalid: dict[str, str] = {}
        for name, _, _ in listing:
            try:
                for item in open_envelope((self.folder / name).read_bytes(), self.keys):
                    by_sha.setdefault(item.sha256, []).append(item)
            except (Invalid, OSError) as exc:
                invalid[name] = str(exc)
                log.warning("attestation %s not taken: %s", name, exc)
        self._by_sha, self.invalid, self._listing = by_sha, invalid, listing

    def passed(self, sha256: str, config_digest: str, at: dt.datetime | None = None) -> Attested | None:
        """A valid attestation that these bytes pass under accepted settings, if any."""
        with self._lock:
            if time.monotonic() - self._checked >= self.recheck:
                self._scan_folder()
                self._checked = time.monotonic()
            candidates = list(self._by_sha.get(sha256, ()))
        moment = at or dt.datetime.now(dt.UTC)
        accepted = {config_digest, *self.accept_configs}
        for item in candidates:
            if item.decision != "pass" or item.config_digest not in accepted:
                continue
            if item.time > moment + SKEW or moment - item.time > self.max_age:
                continue
            return item
        return None
