"""Format registry: one line per format, tried in order on the file's first bytes.

Formats are decided by content, never by the file name: a workbook renamed to .csv is still
read as a workbook. A reader module is imported only when a file of its format is seen: each line
names the module and the test of the first bytes, which imports nothing heavy (the magic numbers
in ``magic``, the CSV dialect in ``csvdialect``; light readers keep their own ``sniff``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from spillguard.formats import (
    compressed,
    csvdialect,
    eml,
    html,
    jsonfile,
    magic,
    rtf,
    signatures,
    tar,
    textfile,
    xmlfile,
)


@dataclass(frozen=True, slots=True)
class Format:
    #: the reader (``sniff``, ``read``), imported on first use
    module: str
    sniff: Callable[[bytes], bool]

    def load(self) -> ModuleType:
        return importlib.import_module(f"spillguard.formats.{self.module}")


REGISTRY: tuple[Format, ...] = (
    Format("zipcontainer", magic.zip_package),  # OOXML (xlsx, docx, pptx), OpenDocument, and zip bundles
    Format("ole", magic.ole),  # encrypted Office files, legacy binary Office
    Format("pdf", magic.pdf),
    Format("image", magic.image),  # JPEG, PNG, TIFF, GIF, WebP, HEIF, JPEG XL metadata
    Format("tar", tar.sniff),  # tar archives (by the ustar magic at byte 257, so before any text format)
    Format("sevenzip", magic.sevenzip),  # 7-Zip archives
    Format("compressed", compressed.sniff),  # gzip, bzip2, xz streams: scanned as what they hold
    Format("rtf", rtf.sniff),  # RTF documents (before any text format: RTF is text)
    Format("signatures", signatures.sniff),  # RAR: recognised, not read
    Format("eml", eml.sniff),  # e-mail messages: headers, bodies, attachments through the registry
    Format("html", html.sniff),
    Format("jsonfile", jsonfile.sniff),  # JSON and JSON lines
    Format("xmlfile", xmlfile.sniff),  # XML data: records and text (after html, which claims XHTML pages)
    Format("csvfile", csvdialect.sniff),
    Format("textfile", textfile.sniff),
)


def find(head: bytes) -> ModuleType | None:
    """The reader of the format these first bytes belong to (imported now), or None."""
    fmt = next((f for f in REGISTRY if f.sniff(head)), None)
    return fmt.load() if fmt is not None else None
