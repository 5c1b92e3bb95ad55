"""EPUB 3 books written part by part (mimetype stored first, container, OPF package document,
XHTML pages, navigation document), for tests and fuzzing of the EPUB reader."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape


def page(title: str, body: str) -> str:
    """An XHTML page; ``body`` is markup."""
    return ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
            f"<head><title>{escape(title)}</title></head><body>{body}</body></html>")


@dataclass
class Book:
    title: str = "Annual report"
    creators: list[str] = field(default_factory=list)
    #: (file name, markup of the body, listed in the spine)
    pages: list[tuple[str, str, bool]] = field(default_factory=list)
    #: files in the zip that the manifest does not list
    extra: dict[str, bytes] = field(default_factory=dict)
    #: content files listed as encrypted in META-INF/encryption.xml
    encrypted: list[str] = field(default_factory=list)

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip", compress_type=zipfile.ZIP_STORED)
            z.writestr("META-INF/container.xml",
                       '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:'
                       'xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" '
                       'media-type="application/oebps-package+xml"/></rootfiles></container>')
            creators = "".join(f"<dc:creator>{escape(c)}</dc:creator>" for c in self.creators)
            items = '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
            items += "".join(f'<item id="p{k}" href="{n}" media-type="application/xhtml+xml"/>'
                             for k, (n, _, _) in enumerate(self.pages))
            spine = "".join(f'<itemref idref="p{k}"/>' for k, (_, _, s) in enumerate(self.pages) if s)
            z.writestr("OEBPS/content.opf",
                       '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
                       'unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
                       f'<dc:identifier id="id">urn:uuid:1</dc:identifier><dc:title>{escape(self.title)}</dc:title>'
                       f'{creators}<meta property="dcterms:modified">2026-01-01T00:00:00Z</meta></metadata>'
                       f"<manifest>{items}</manifest><spine>{spine}</spine></package>")
            links = "".join(f'<li><a href="{n}">{escape(n)}</a></li>' for n, _, s in self.pages if s)
            z.writestr("OEBPS/nav.xhtml", page("Contents", f'<nav epub:type="toc"><ol>{links}</ol></nav>'))
            for name, body, _ in self.pages:
                z.writestr(f"OEBPS/{name}", page(self.title, body))
            for name, data in self.extra.items():
                z.writestr(name, data)
            if self.encrypted:
                refs = "".join(f'<EncryptedData xmlns="http://www.w3.org/2001/04/xmlenc#"><EncryptionMethod '
                               f'Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/><CipherData>'
                               f'<CipherReference URI="OEBPS/{n}"/></CipherData></EncryptedData>'
                               for n in self.encrypted)
                z.writestr("META-INF/encryption.xml", f'<encryption xmlns="urn:oasis:names:tc:opendocument:'
                                                      f'xmlns:container">{refs}</encryption>')
        return out.getvalue()
