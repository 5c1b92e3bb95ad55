"""Legacy Word (.doc), PowerPoint (.ppt) and RTF: converted to docx / pptx by LibreOffice (for
.doc and .ppt the same conversion the reader uses, formats/convert.py) and cleaned as such; the
copy's name ends in .docx / .pptx. Nothing of the original survives but what the cleaned OOXML
keeps (LibreOffice's import keeps tracked changes, comments and hidden text, which the docx
cleaner then removes)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from spillguard.clean import docx, pptx
from spillguard.clean.model import Cleaned, Options
from spillguard.config import Config
from spillguard.formats import convert

_WHAT = {".doc": "legacy Word document (.doc)", ".ppt": "legacy PowerPoint presentation (.ppt)",
         ".rtf": "RTF document"}


def clean(path: Path, out: Path, opts: Options, config: Config, target: str, suffix: str | None = None) -> Cleaned:
    suffix = suffix or (".doc" if target == "docx" else ".ppt")
    data = convert.convert(path.read_bytes(), suffix, target, config.limits.convert_seconds, _WHAT[suffix])
    cleaner = docx.clean if target == "docx" else pptx.clean
    with tempfile.TemporaryDirectory(prefix="spillguard-clean-") as tmp:
        twin = Path(tmp) / f"{path.stem}.{target}"
        twin.write_bytes(data)
        result = cleaner(twin, out.with_suffix(f".{target}"), opts, config)
    result.source = path.as_posix()
    result.removed[f"{suffix[1:]} format (converted to .{target})"] += 1
    return result


def clean_doc(path: Path, out: Path, opts: Options, config: Config) -> Cleaned:
    return clean(path, out, opts, config, "docx")


def clean_ppt(path: Path, out: Path, opts: Options, config: Config) -> Cleaned:
    return clean(path, out, opts, config, "pptx")


def clean_rtf(path: Path, out: Path, opts: Options, config: Config) -> Cleaned:
    return clean(path, out, opts, config, "docx", ".rtf")
