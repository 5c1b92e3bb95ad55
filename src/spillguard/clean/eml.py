"""E-mail messages (.eml): every attachment is cleaned with its own cleaner (an attachment
without a cleaner is dropped and counted, never kept as it is); HTML bodies lose their hidden
content; in strict mode, identifying detections in the text bodies and in the subject are
replaced, and the addresses of From/To/Cc/Reply-To are reduced to their domains. Trace headers
(Received, Message-ID, X-…) are dropped."""

from __future__ import annotations

import tempfile
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from spillguard.clean.model import Cleaned, Options
from spillguard.clean.text import redact
from spillguard.config import Config

_ADDRESS_HEADERS = ("From", "To", "Cc", "Bcc", "Reply-To", "Sender", "Delivered-To")
_KEEP = {"From", "To", "Cc", "Subject", "Date", "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
         "Content-Disposition"}


def _redact(text: str, config: Config, result: Cleaned) -> str:
    return redact(text, config, result.removed, "in the message")


def _part(part: EmailMessage, opts: Options, config: Config, result: Cleaned, tmp: Path) -> bool:
    """Clean one leaf part in place; False when it has to be dropped."""
    from spillguard.clean import clean_path

    filename = part.get_filename()
    if filename:  # an attachment: through its own cleaner
        src = tmp / "in" / Path(filename).name
        src.parent.mkdir(parents=True, exist_ok=True)
        src.write_bytes(part.get_payload(decode=True) or b"")
        [done] = clean_path(src, tmp / "out" / src.name, opts, config)
        result.removed.update(done.removed)
        if done.error or not done.outputs:
            result.removed["attachments that could not be cleaned (dropped)"] += 1
            return False
        data = Path(done.outputs[0]).read_bytes()
        maintype, _, subtype = part.get_content_type().partition("/")
        part.set_content(data, maintype=maintype, subtype=subtype, filename=Path(done.outputs[0]).name)
        result.kept["attachments"] += 1
        return True
    ctype = part.get_content_type()
    if ctype in ("text/plain", "text/html"):
        body = part.get_content()
        if ctype == "text/html":
            from spillguard.clean import html as html_clean

            src = tmp / "body.html"
            src.write_text(body, encoding="utf-8")
            done = html_clean.clean(src, tmp / "body-clean.html", opts, config)
            result.removed.update(done.removed)
            part.set_content((tmp / "body-clean.html").read_text(encoding="utf-8"), subtype="html")
        elif opts.mode == "strict":
            part.set_content(_redact(body, config, result))
    return True


def clean(path: Path, out: Path, opts: Options, config: Config) -> Cleaned:
    result = Cleaned(path.as_posix())
    msg = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(msg, EmailMessage)
    for name in {k for k in msg if k not in _KEEP}:
        del msg[name]
        result.removed["trace headers"] += 1
    if opts.mode == "strict":
        for name in _ADDRESS_HEADERS:
            values = msg.get_all(name)
            if values:
                domains = []
                for v in values:
                    for addr in getattr(v, "addresses", ()):
                        domains.append(f"[removed]@{addr.domain}" if addr.domain else "[removed]")
                del msg[name]
                msg[name] = ", ".join(domains) or "[removed]"
                result.removed["addresses"] += len(domains)
        if msg["Subject"]:
            subject = _redact(str(msg["Subject"]), config, result)
            del msg["Subject"]
            msg["Subject"] = subject
    with tempfile.TemporaryDirectory(prefix="spillguard-") as tmp:
        for i, part in enumerate(list(msg.walk())):
            if part.is_multipart():
                continue
            if not _part(part, opts, config, result, Path(tmp, str(i))):
                parent = next((p for p in msg.walk() if p.is_multipart() and part in p.get_payload()), None)
                if parent is not None:
                    parent.get_payload().remove(part)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(msg.as_bytes(policy=policy.default))
    result.outputs.append(out.as_posix())
    return result
