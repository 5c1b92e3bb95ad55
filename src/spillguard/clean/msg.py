"""Outlook messages (.msg) are cleaned as the .eml equivalent: the headers a reader sees (From,
To, Cc, Subject), the body (plain text, else HTML, else what the RTF body shows — never its hidden
text), and the attachments a mail client lists (an attached message as a message/rfc822 part);
transport headers, every other property and hidden attachments are dropped and counted. The
message then goes through the .eml cleaner (each attachment through its own cleaner)."""

from __future__ import annotations

import tempfile
from collections import Counter
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import olefile

from spillguard.clean import eml
from spillguard.clean.model import Cleaned, Options
from spillguard.config import Config
from spillguard.formats import msg as reader
from spillguard.formats import rtf as rtf_reader


def _message(ole: olefile.OleFileIO, path: list[str], removed: Counter[str]) -> EmailMessage:
    store = reader.Storage(ole, path)
    out = EmailMessage(policy=SMTP)
    sender = store.text(0x0C1A) or ""
    address = store.text(0x5D01) or store.text(0x0C1F) or ""
    if sender or address:
        out["From"] = f"{sender} <{address}>" if address else sender
    for pid, name in ((0x0E04, "To"), (0x0E03, "Cc")):
        if value := (store.text(pid) or "").strip():
            out[name] = value
    if subject := (store.text(0x0037) or "").strip():
        out["Subject"] = subject
    body = store.text(0x1000)
    html = store.raw(0x1013, reader.BINARY)
    if body and body.strip():
        out.set_content(body)
    elif html and html.strip():
        out.set_content(html.decode("utf-8", "replace"), subtype="html")
    elif packed := store.raw(0x1009, reader.BINARY):
        import compressed_rtf

        out.set_content(rtf_reader.visible_text(compressed_rtf.decompress(packed)))
        removed["RTF body (its visible text kept)"] += 1
    else:
        out.set_content("")
    if store.text(0x007D):
        removed["transport headers"] += 1
    for attach in store.sub("__attach_version1.0_#"):
        a = reader.Storage(ole, attach, store.entries)
        name = (a.text(0x3707) or a.text(0x3704) or "attachment").strip() or "attachment"
        if a.flag(0x7FFE, 8):
            removed["hidden attachments"] += 1
            continue
        inner = a.streams.get((0x3701, reader.OBJECT))
        if inner is not None and ole.get_type(inner) == olefile.STGTY_STORAGE:
            nested = _message(ole, inner, removed)
            out.add_attachment(nested.as_bytes(), maintype="application", subtype="octet-stream",
                               filename=Path(name).stem + ".eml")
            continue
        data = a.raw(0x3701, reader.BINARY)
        if data:
            out.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return out


def clean(path: Path, out: Path, opts: Options, config: Config) -> Cleaned:
    removed: Counter[str] = Counter()
    with olefile.OleFileIO(str(path)) as ole:
        message = _message(ole, [], removed)
    with tempfile.TemporaryDirectory(prefix="spillguard-clean-") as tmp:
        twin = Path(tmp) / f"{path.stem}.eml"
        twin.write_bytes(message.as_bytes())
        result = eml.clean(twin, out.with_suffix(".eml"), opts, config)
    result.source = path.as_posix()
    result.removed.update(removed)
    result.removed["msg format (converted to .eml)"] += 1
    return result
