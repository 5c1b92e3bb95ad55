"""``spillguard clean``: write a publishable copy of each file, then prove it by re-scanning.

One cleaner per format (a module here and a line in CLEANERS). The input is never modified; a
format without a cleaner is an error for that file (the copy is not written), never a silent
pass-through. Every output is scanned again with the same configuration: a copy that still
blocks makes ``clean`` exit non-zero and say what is left.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from spillguard import formats
from spillguard.clean import (
    bundle,
    csvfile,
    data,
    docx,
    eml,
    epub,
    html,
    image,
    legacy,
    msg,
    odf,
    pdf,
    pptx,
    text,
    xls,
    xlsb,
    xlsx,
)
from spillguard.clean.model import Cleaned, Options
from spillguard.config import Config
from spillguard.formats import epub as epub_format
from spillguard.formats import msg as msg_format
from spillguard.formats import ole, zipcontainer
from spillguard.formats.base import Source
from spillguard.formats.ooxml import SafeZip
from spillguard.scan import Scanner, iter_files

Cleaner = Callable[[Path, Path, Options, Config], Cleaned]


def _kind(path: Path, config: Config) -> str | None:
    source = Source(path.as_posix(), path=path)
    fmt = formats.find(source.head())
    if fmt is None:
        return None
    if fmt is ole:
        import olefile

        with olefile.OleFileIO(str(path)) as o:
            streams = {"/".join(s) for s in o.listdir()}
        if "EncryptedPackage" in streams:
            return "ole"
        if msg_format.is_message(streams):
            return "msg"
        if {"Workbook", "Book"} & streams:
            return "xls"
        return "doc" if "WordDocument" in streams else "ppt" if "PowerPoint Document" in streams else "ole"
    if fmt is zipcontainer:
        with SafeZip(source, config.limits) as z:
            names = set(z.names)
            if epub_format.is_book(z):
                return "epub"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "xl/workbook.bin" in names:
            return "xlsb"
        if "word/document.xml" in names:
            return "docx"
        if "ppt/presentation.xml" in names:
            return "pptx"
        return "odf" if "mimetype" in names else "zip"
    return fmt.NAME


CLEANERS: dict[str, Cleaner] = {
    "xlsx": xlsx.clean,
    "xlsb": xlsb.clean,
    "docx": docx.clean,
    "pptx": pptx.clean,
    "image": image.clean,
    "pdf": pdf.clean,
    "text": text.clean,
    "csv": csvfile.clean,
    "zip": bundle.clean_zip,
    "tar": bundle.clean_tar,
    "7z": bundle.clean_7z,
    "compressed": bundle.clean_compressed,
    "html": html.clean,
    "odf": odf.clean,
    "xls": xls.clean,
    "doc": legacy.clean_doc,
    "ppt": legacy.clean_ppt,
    "rtf": legacy.clean_rtf,
    "eml": eml.clean,
    "msg": msg.clean,
    "epub": epub.clean,
    "json": data.clean_json,
    "xml": data.clean_xml,
}


def _target(path: Path, root: Path, out: Path, opts: Options) -> Path:
    rel = path.relative_to(root) if root.is_dir() else Path(path.name)
    target = out / rel if root.is_dir() or out.suffix == "" else out
    if opts.to_csv:
        return target.parent if root.is_dir() or out.suffix == "" else out
    return target


def clean_path(source: Path, out: Path, opts: Options, config: Config) -> list[Cleaned]:
    """Clean a file (to ``out``, a file or folder) or every file of a folder (to the folder
    ``out``, same layout)."""
    if out.resolve() == source.resolve() or (source.is_dir() and out.resolve().is_relative_to(source.resolve())):
        raise ValueError("the output must not be the input or inside it (the input is never modified)")
    results = []
    for path in iter_files([source]):
        target = _target(path, source, out, opts)
        try:
            kind = _kind(path, config)
            cleaner = CLEANERS.get(kind or "")
            if cleaner is None:
                results.append(Cleaned(path.as_posix(), error=f"no cleaner for this format ({kind or 'unknown'}) yet"))
                continue
            result = cleaner(path, target, opts, config)
        except Exception as exc:  # a file that cannot be cleaned is reported, the batch goes on
            results.append(Cleaned(path.as_posix(), error=f"could not be cleaned ({type(exc).__name__})"))
            continue
        result.rescan = Scanner(config).run([Path(p) for p in result.outputs])
        results.append(result)
    return results


__all__ = ["CLEANERS", "Cleaned", "Options", "clean_path"]
