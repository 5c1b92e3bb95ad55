"""Format registry: one line per format, tried in order on the file's first bytes.

Formats are decided by content, never by the file name: a workbook renamed to .csv is still
read as a workbook.
"""

from __future__ import annotations

from types import ModuleType

from spillguard.formats import (
    compressed,
    csvfile,
    eml,
    html,
    image,
    jsonfile,
    ole,
    pdf,
    rtf,
    sevenzip,
    signatures,
    tar,
    textfile,
    xmlfile,
    zipcontainer,
)

REGISTRY: tuple[ModuleType, ...] = (
    zipcontainer,  # OOXML (xlsx, docx, pptx), OpenDocument, and zip bundles
    ole,  # encrypted Office files, legacy binary Office
    pdf,
    image,  # JPEG, PNG, TIFF, GIF, WebP metadata
    tar,  # tar archives (by the ustar magic at byte 257, so before any text format)
    sevenzip,  # 7-Zip archives
    compressed,  # gzip, bzip2, xz streams: scanned as what they hold
    rtf,  # RTF documents (before any text format: RTF is text)
    signatures,  # RAR: recognised, not read
    eml,  # e-mail messages: headers, bodies, attachments through the registry
    html,
    jsonfile,  # JSON and JSON lines
    xmlfile,  # XML data: records and text (after html, which claims XHTML pages)
    csvfile,
    textfile,
)


def find(head: bytes) -> ModuleType | None:
    return next((fmt for fmt in REGISTRY if fmt.sniff(head)), None)
