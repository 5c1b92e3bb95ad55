"""Plain text (notes, methodology, logs): in strict mode, every detection of what identifies or
reaches a person (names, A-numbers, birth dates, contact details, document numbers) is replaced
by ``[removed]``; places and nationalities stay. In keep-visible mode the text is copied as it
is (plain text hides nothing)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from spillguard.clean.model import Cleaned, Options
from spillguard.clean.xlsx import PERSONAL
from spillguard.config import Config
from spillguard.detect.doc import Doc
from spillguard.detect.text import find_spans
from spillguard.formats.textfile import detect_encoding

MARK = "[removed]"


def redact(text: str, config: Config, removed: Counter[str], where: str = "in text", skip: int = 0) -> str:
    """Replace every identifying detection (starting at or after ``skip``) with the mark."""
    spans = [s for s in find_spans(Doc(text), config.min_confidence) if s.entity in PERSONAL and s.end > skip]
    for s in sorted(spans, key=lambda s: s.start, reverse=True):
        start = max(s.start, skip)
        text = text[:start] + MARK + text[s.end:]
        removed[f"{s.entity.value} {where}"] += 1
    return text


def clean(path: Path, out: Path, opts: Options, config: Config) -> Cleaned:
    result = Cleaned(path.as_posix())
    raw = path.read_bytes()
    text = raw.decode(detect_encoding(raw[:65536]) or "utf-8", errors="replace").lstrip("\ufeff")
    if opts.mode == "strict":
        text = redact(text, config, result.removed)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    result.outputs.append(out.as_posix())
    result.kept["characters"] = len(text)
    return result
