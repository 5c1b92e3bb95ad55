"""Publication intent: what each published file is meant to be, declared per path glob.

```toml
[[tool.spillguard.intent]]
path = "statistics/*.xlsx"        # glob on the file's path (or its name)
kind = "aggregate"                # aggregate | microdata | directory | document
min_cell = 11                     # counts 1..10 break the promise (SG312)
k = 11                            # k-anonymity over the quasi-identifiers (SG313)
quasi_identifiers = ["Nationality", "Facility", "Month of Birth"]
allow = ["PERSON_NAME", "PHONE"]  # personal data this file may publish (a staff directory)
sheets = ["Summary", "By country"]
columns = ["Country", "Detained", "Released", "Total"]
```

The first matching intent applies. A file that breaks its declared intent is blocked with a
finding that names the promise it broke (SG311–SG315).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from spillguard.errors import UsageError
from spillguard.model import Entity

KINDS = ("aggregate", "microdata", "directory", "document")
_KEYS = {"path", "kind", "min_cell", "k", "quasi_identifiers", "allow", "sheets", "columns"}


@dataclass(frozen=True, slots=True)
class Intent:
    path: str
    kind: str | None = None
    min_cell: int | None = None
    k: int | None = None
    quasi_identifiers: tuple[str, ...] = ()
    allow: tuple[Entity, ...] | None = None
    sheets: tuple[str, ...] | None = None
    columns: tuple[str, ...] | None = None

    def matches(self, file: str) -> bool:
        path = PurePosixPath(file.replace("!/", "/"))
        text = path.as_posix()
        return (fnmatch.fnmatch(text, self.path) or fnmatch.fnmatch(text, f"*/{self.path}")
                or fnmatch.fnmatch(path.name, self.path))

    def describe(self) -> str:
        bits = [f"path '{self.path}'"]
        if self.kind:
            bits.append(f"kind {self.kind}")
        return ", ".join(bits)


def parse(items: Any, source: str | None) -> tuple[Intent, ...]:
    where = source or "config"
    if not isinstance(items, list):
        raise UsageError(f"{where}: 'intent' must be an array of tables ([[intent]])")
    out = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict) or "path" not in item:
            raise UsageError(f"{where}: intent #{n} needs a 'path' glob")
        unknown = set(item) - _KEYS
        if unknown:
            raise UsageError(f"{where}: intent #{n}: unknown key(s) {', '.join(sorted(unknown))}")
        kind = item.get("kind")
        if kind is not None and kind not in KINDS:
            raise UsageError(f"{where}: intent #{n}: kind must be one of {', '.join(KINDS)}, not {kind!r}")
        allow = None
        if "allow" in item:
            try:
                allow = tuple(Entity(str(e).upper()) for e in item["allow"])
            except ValueError as exc:
                raise UsageError(f"{where}: intent #{n}: {exc}") from None
        for key in ("min_cell", "k"):
            if key in item and (not isinstance(item[key], int) or item[key] < 1):
                raise UsageError(f"{where}: intent #{n}: {key} must be a whole number of at least 1")
        out.append(Intent(
            path=str(item["path"]), kind=kind, min_cell=item.get("min_cell"), k=item.get("k"),
            quasi_identifiers=tuple(str(q) for q in item.get("quasi_identifiers", ())), allow=allow,
            sheets=tuple(str(s) for s in item["sheets"]) if "sheets" in item else None,
            columns=tuple(str(c) for c in item["columns"]) if "columns" in item else None))
    return tuple(out)


def for_file(intents: tuple[Intent, ...], file: str) -> Intent | None:
    return next((i for i in intents if i.matches(file)), None)
