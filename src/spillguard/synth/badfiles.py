"""Hostile and broken inputs for the fail-closed tests: each is built in code, deterministically."""

from __future__ import annotations

import io
import random
import zipfile

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
               for i in range(1, 10))
    + b']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
      b'uniqueCount="1"><si><t>&lol9;</t></si></sst>'
)


def replace_part(package: bytes, name: str, data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info.filename, data if info.filename == name else src.read(info.filename))
        if name not in src.namelist():
            z.writestr(name, data)
    return out.getvalue()


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def corrupt_zip(seed: int = 1) -> bytes:
    rng = random.Random(seed)
    return b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(4000))


def unknown_binary(seed: int = 2) -> bytes:
    rng = random.Random(seed)
    return b"\x00\x01SGX" + bytes(rng.randrange(256) for _ in range(4000))


def ratio_bomb(mebibytes: int = 100) -> bytes:
    """A zip whose one member expands over a thousand-fold (zeros deflate ~1030:1)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z, \
            z.open("bomb.csv", "w", force_zip64=True) as f:
        block = b"\x00" * (1024 * 1024)
        for _ in range(mebibytes):
            f.write(block)
    return out.getvalue()


def many_members(n: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for i in range(n):
            z.writestr(f"f{i}.txt", b"x")
    return out.getvalue()


def nested_zip(inner: bytes, levels: int) -> bytes:
    data = inner
    for level in range(levels):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(f"level{level}.zip" if level else "inner.xlsx", data)
        data = out.getvalue()
    return data


def encrypted(package: bytes, password: str = "Passw0rd!") -> bytes:
    """Encrypt an OOXML package the way Excel's "Encrypt with password" does (agile, in OLE)."""
    from msoffcrypto.format.ooxml import OOXMLFile  # test-only dependency

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(package)).encrypt(password, out)
    return out.getvalue()
