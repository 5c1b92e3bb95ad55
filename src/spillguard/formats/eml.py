"""E-mail messages (.eml, RFC 5322 / MIME): headers and bodies as Text, attachments through
the whole registry (a roster attached as .xlsx is scanned as a workbook).

Parsed by the standard library's ``email`` package; HTML bodies are reduced to their text by
lxml. Recognised by content: a head that starts with RFC 5322 header fields, two or more of
them the ones every message has.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from spillguard.formats.base import Context, Source
from spillguard.model import Content, Incomplete, Location, Text, Visibility

NAME = "eml"

_FIELD = re.compile(rb"^([A-Za-z][A-Za-z0-9-]{0,40}):[ \t]?", re.MULTILINE)
_TYPICAL = {b"from", b"to", b"cc", b"subject", b"date", b"message-id", b"mime-version", b"received",
            b"return-path", b"reply-to", b"x-mailer", b"delivered-to", b"content-type"}
#: headers whose values are about people (addresses and display names) or their business
PEOPLE_HEADERS = ("From", "To", "Cc", "Bcc", "Reply-To", "Sender", "Delivered-To", "Subject")


_STRUCTURAL_HEADER = re.compile(r"(?i)content-|mime-version$|date$|message-id$|in-reply-to$|references$|"
                                r"dkim-signature$|arc-|authentication-results$|received-spf$|x-ms-exchange-.*id$")
#: the note mail programs put in a preamble for readers without MIME
_MIME_NOTE = re.compile(r"(?is)this is a multi-?part message in mime format\.?")


def sniff(head: bytes) -> bool:
    block = head.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    if not block or not _FIELD.match(block):
        return False
    names = {m.group(1).lower() for m in _FIELD.finditer(block)}
    return len(names & _TYPICAL) >= 2 and (b"from" in names or b"received" in names or b"message-id" in names)


def read(source: Source, ctx: Context) -> Iterator[Content]:
    with source.open() as f:
        data = f.read(ctx.limits.max_part_bytes + 1)
    loc = Location(file=source.name)
    if len(data) > ctx.limits.max_part_bytes:
        yield Incomplete("SG903", f"the message is over {ctx.limits.max_part_bytes:,} bytes", loc)
        return
    message = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)  # policy.default builds EmailMessage objects
    header_lines = [f"{name}: {value}" for name in PEOPLE_HEADERS for value in message.get_all(name, [])]
    if header_lines:
        yield Text(loc.with_(line=1), Visibility.VISIBLE, "\n".join(header_lines), "e-mail headers")
    # the other headers (transport, X-…) no mail client shows: what the msg reader calls
    # transport headers; MIME structure and dates hold no words of their own
    other = [f"{name}: {value}" for name, value in message.items()
             if name.title() not in PEOPLE_HEADERS and not _STRUCTURAL_HEADER.match(name)]
    if other:
        yield Text(loc.with_(part="other headers"), Visibility.METADATA, "\n".join(other),
                   "transport and other headers")
    body_line = data.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].count(b"\n") + 3
    single = not message.is_multipart()
    for index, part in enumerate(message.walk()):
        if part.is_multipart():
            # text before the first and after the last part: no mail client shows it
            for what, text in (("preamble", part.preamble), ("epilogue", part.epilogue)):
                if text and text.strip() and not _MIME_NOTE.fullmatch(text.strip()):
                    ctx.covered(NAME, catch_all=1)
                    yield Text(loc.with_(part=f"MIME {what} of part {index}"), Visibility.OTHER_PART, text,
                               f"MIME {what}")
            continue
        ctx.covered(NAME, read=1)
        yield from _part(part, index, source, ctx, loc.with_(line=body_line) if single else
                         loc.with_(part=f"MIME part {index}"))


def _part(part: EmailMessage, index: int, source: Source, ctx: Context, where: Location) -> Iterator[Content]:
    ctype = part.get_content_type()
    filename = part.get_filename()
    if filename is None and ctype in ("text/plain", "text/html"):
        try:
            text = part.get_content()
        except (LookupError, UnicodeError, ValueError) as exc:
            yield Incomplete("SG901", f"a {ctype} body cannot be decoded ({type(exc).__name__})", where)
            return
        if ctype == "text/html":
            text = _html_text(text)
            where = where.with_(line=None, part=where.part or "HTML body")
        yield Text(where, Visibility.VISIBLE, text, "e-mail body")
        return
    payload = part.get_payload(decode=True)
    if payload is None:  # message/rfc822 and other containers
        inner = part.get_payload()
        payload = inner[0].as_bytes() if isinstance(inner, list) and inner else b""
    name = filename or f"part-{index}"
    where = where.with_(part=f"attachment {name}")
    if source.depth + 1 > ctx.limits.max_depth:
        yield Incomplete("SG903", f"attachment nested deeper than {ctx.limits.max_depth} levels (max_depth)", where)
        return
    if payload:
        yield from ctx.nested(Source(f"{source.name}!/{name}", data=payload, depth=source.depth + 1))


def _html_text(html: str) -> str:
    from lxml import html as lxml_html

    if not html.strip():
        return ""
    parser = lxml_html.HTMLParser(no_network=True, huge_tree=False, remove_comments=False)
    root = lxml_html.fromstring(html, parser=parser)
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    return root.text_content()
