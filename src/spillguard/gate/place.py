"""Which file a request would serve, and whether the gate judges it.

The web server names the file it resolved (nginx ``$request_filename`` after its rewrites and
index lookup, Apache ``SCRIPT_FILENAME``); the URI is never parsed a second time (that would be a
parser differential). A file is gated when its path as named, or the file it resolves to through
symbolic links, lies under a gated folder; a gated name that resolves outside the web root is
refused.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import PurePosixPath


@dataclass(frozen=True, slots=True)
class Place:
    gated: bool
    #: the file with symbolic links resolved (what the bytes are read from)
    real: str
    #: why it is refused without reading it ("" when it may be read)
    refused: str = ""


def _under(path: str, folders: tuple[str, ...]) -> bool:
    return any(path == f or path.startswith(f.rstrip("/") + "/") for f in folders)


class Places:
    """The web root and the gated folders under it (URL prefixes → folders)."""

    def __init__(self, root: str, prefixes: tuple[str, ...] = ("/",)) -> None:
        self.root = os.path.normpath(os.path.abspath(root))
        self.real_root = os.path.realpath(self.root)
        lexical, real = [], []
        for prefix in prefixes or ("/",):
            parts = PurePosixPath("/" + prefix.strip("/")).parts[1:]
            if ".." in parts:
                raise ValueError(f"--url-prefix {prefix!r}: no '..' in a prefix")
            folder = os.path.join(self.root, *parts)
            lexical.append(folder)
            real.append(os.path.join(self.real_root, *parts))
        self.gated_lexical = tuple(lexical)
        self.gated_real = tuple(real)

    def place(self, filename: str) -> Place:
        if not filename.startswith("/") or "\x00" in filename:
            return Place(True, filename, "the web server named no absolute file path")
        lexical = os.path.normpath(filename)
        real = os.path.realpath(lexical)
        gated = _under(lexical, self.gated_lexical) or _under(real, self.gated_real)
        if not gated:
            return Place(False, real)
        if not _under(real, (self.real_root,)):
            return Place(True, real, "the file resolves outside the web root")
        return Place(True, real)

    def relative(self, real: str) -> str:
        """The path under the web root, for reports (``/`` separated)."""
        return os.path.relpath(real, self.real_root) if _under(real, (self.real_root,)) else real
