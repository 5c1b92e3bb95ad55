"""Zip containers: OOXML packages are dispatched by their main part; other zips are bundles."""

from __future__ import annotations

from collections.abc import Iterator

from spillguard.errors import UnsupportedFormat
from spillguard.formats import archive, docx, epub, magic, odf, pptx, xlsb, xlsx
from spillguard.formats.base import Context, Source
from spillguard.formats.ooxml import SafeZip
from spillguard.model import Content

NAME = "zip"

#: packages recognised but not read yet: fail closed
_NOT_YET: dict[str, str] = {}


sniff = magic.zip_package


def read(source: Source, ctx: Context) -> Iterator[Content]:
    with SafeZip(source, ctx.limits) as z:
        names = set(z.names)
        if xlsx.is_workbook(names):
            yield from xlsx.read_package(z, source, ctx)
            return
        if xlsb.is_workbook(names):
            yield from xlsb.read_package(z, source, ctx)
            return
        if docx.is_document(names):
            yield from docx.read_package(z, source, ctx)
            return
        if pptx.is_presentation(names):
            yield from pptx.read_package(z, source, ctx)
            return
        for main, what in _NOT_YET.items():
            if main in names:
                raise UnsupportedFormat(f"{what} is not supported yet")
        if epub.is_book(z):
            yield from epub.read_package(z, source, ctx)
            return
        kind = odf.sniff_package(z)
        if kind is not None:
            yield from odf.read_package(z, source, ctx, kind)
            return
        yield from archive.read_zip(z, source, ctx)
