"""Magic numbers of the formats whose readers are heavy to import (the PDF stack, Pillow, py7zr,
the OOXML/ODF readers): the registry tests a file's first bytes here and imports a reader only
when a file of its format is seen."""

from __future__ import annotations

ZIP = (b"PK\x03\x04", b"PK\x05\x06")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SEVENZIP = b"7z\xbc\xaf\x27\x1c"
IMAGE = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF87a", b"GIF89a")
HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif")
#: JPEG XL: a bare codestream, or the ISOBMFF-style container (ISO/IEC 18181-2)
JXL_CODESTREAM, JXL_CONTAINER = b"\xff\x0a", b"\x00\x00\x00\x0cJXL \r\n\x87\n"


def zip_package(head: bytes) -> bool:
    return head.startswith(ZIP)


def ole(head: bytes) -> bool:
    return head.startswith(OLE)


def pdf(head: bytes) -> bool:
    return head.lstrip(b"\x00\t\r\n ")[:5] == b"%PDF-" or b"%PDF-" in head[:1024]


def heif(head: bytes) -> bool:
    return head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS


def image(head: bytes) -> bool:
    return (head.startswith(IMAGE) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP") or heif(head)
            or head.startswith((JXL_CODESTREAM, JXL_CONTAINER)))


def sevenzip(head: bytes) -> bool:
    return head.startswith(SEVENZIP)
