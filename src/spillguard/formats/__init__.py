"""Format registry: one line per format, tried in order on the file's first bytes.

Formats are decided by content, never by the file name: a workbook renamed to .csv is still
read as a workbook.
"""

from __future__ import annotations

from types import ModuleType

from spillguard.formats import csvfile, eml, html, image, jsonfile, ole, pdf, signatures, textfile, zipcontainer

REGISTRY: tuple[ModuleType, ...] = (
    zipcontainer,  # OOXML (xlsx, docx, pptx), OpenDocument, and zip bundles
    ole,  # encrypted Office files, legacy binary Office
    pdf,
    image,  # JPEG, PNG, TIFF, GIF, WebP metadata
    signatures,  # other archives, RTF: recognised, not yet read
    eml,  # e-mail messages: headers, bodies, attachments through the registry
    html,
    jsonfile,  # JSON and JSON lines
    csvfile,
    textfile,
)


def find(head: bytes) -> ModuleType | None:
    return next((fmt for fmt in REGISTRY if fmt.sniff(head)), None)
