"""Legacy Word (.doc) and PowerPoint (.ppt): converted to docx / pptx by LibreOffice (the same
conversion the reader uses, formats/convert.py) and cleaned as such; the copy's name ends in
.docx / .pptx. Nothing of the binary file survives but what the cleaned OOXML keeps."""

from __future__ import annotations

import tempfile
from pathlib import Path

from spillguard.clean import docx, pptx
from spillguard.clean.model import Cleaned, Options
from spillguard.config import Config
from spillguard.formats import convert


def clean(path: Path, out: Path, opts: Options, config: Config, target: str) -> Cleaned:
    what = "legacy Word document (.doc)" if target == "docx" else "legacy PowerPoint presentation (.ppt)"
    data = convert.convert(path.read_bytes(), ".doc" if target == "docx" else ".ppt", target,
                           config.limits.convert_seconds, what)
    cleaner = docx.clean if target == "docx" else pptx.clean
    with tempfile.TemporaryDirectory(prefix="spillguard-clean-") as tmp:
        twin = Path(tmp) / f"{path.stem}.{target}"
        twin.write_bytes(data)
        result = cleaner(twin, out.with_suffix(f".{target}"), opts, config)
    result.source = path.as_posix()
    result.removed["legacy binary format (converted to ." + target + ")"] += 1
    return result


def clean_doc(path: Path, out: Path, opts: Options, config: Config) -> Cleaned:
    return clean(path, out, opts, config, "docx")


def clean_ppt(path: Path, out: Path, opts: Options, config: Config) -> Cleaned:
    return clean(path, out, opts, config, "pptx")
