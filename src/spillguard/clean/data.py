"""Data files (JSON, JSON lines, XML): nothing hides in JSON; XML comments are removed. In strict
mode every string value is read with its key (``aNumber: 212345678``, so the key gives the
context a bare number needs) and what identifies a person is replaced by ``[removed]``. The
structure, keys and every other value stay as they were."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lxml import etree

from spillguard.clean.model import Cleaned, Options
from spillguard.clean.package import remove_keeping_tail
from spillguard.clean.text import redact
from spillguard.config import Config
from spillguard.formats.textfile import detect_encoding


def _words(key: str) -> str:
    """``aNumber`` → ``a Number``, ``date_of_birth`` → ``date of birth``: context for detectors."""
    out = []
    for i, ch in enumerate(key):
        if ch.isupper() and i and key[i - 1].islower():
            out.append(" ")
        out.append(" " if ch in "_-." else ch)
    return "".join(out)


def redact_value(key: str, value: str, config: Config, result: Cleaned) -> str:
    prefix = f"{_words(key)}: "
    return redact(prefix + value, config, result.removed, "values", skip=len(prefix))[len(prefix):]


def _walk(value: Any, key: str, config: Config, result: Cleaned) -> Any:
    if isinstance(value, dict):
        return {k: _walk(v, str(k), config, result) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, key, config, result) for v in value]
    if isinstance(value, str) and value.strip():
        return redact_value(key, value, config, result)
    return value


def clean_json(path: Path, out: Path, opts: Options, config: Config) -> Cleaned:
    result = Cleaned(path.as_posix())
    raw = path.read_bytes()
    text = raw.decode(detect_encoding(raw[:65536]) or "utf-8", errors="replace").lstrip("\ufeff")
    ndjson = False
    try:
        value = json.loads(text)
    except ValueError:  # JSON lines (anything else fails the file: it is not copied)
        value, ndjson = [json.loads(line) for line in text.splitlines() if line.strip()], True
    if opts.mode == "strict":
        value = _walk(value, "", config, result)
    out.parent.mkdir(parents=True, exist_ok=True)
    if ndjson:
        out.write_text("".join(json.dumps(v, ensure_ascii=False) + "\n" for v in value), encoding="utf-8")
    else:
        out.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    result.outputs.append(out.as_posix())
    return result


def clean_xml(path: Path, out: Path, opts: Options, config: Config) -> Cleaned:
    result = Cleaned(path.as_posix())
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=False)
    tree = etree.parse(str(path), parser)
    root = tree.getroot()
    for comment in list(tree.iter(etree.Comment)):
        remove_keeping_tail(comment)
        result.removed["XML comments"] += 1
    for el in (*root.itersiblings(preceding=True), *root.itersiblings()):  # comments around the root
        if el.tag is etree.Comment:
            result.removed["XML comments"] += 1
    if opts.mode == "strict":
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            name = etree.QName(el).localname
            if el.text and el.text.strip():
                el.text = redact_value(name, el.text, config, result)
            for attr, value in el.attrib.items():
                if value.strip():
                    el.set(attr, redact_value(etree.QName(attr).localname, value, config, result))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    result.outputs.append(out.as_posix())
    return result
