"""String literals of program code that travels inside documents: JavaScript in a web page or a
PDF, VBA modules of Office files. A script's data (a roster pasted into an array, a name in a
message box) is in its literals; its identifiers and keywords are not prose and are not read.

VBA source is taken out of the compressed project with ``oletools`` (olevba, BSD licence)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator

from spillguard.errors import PartNotInspected
from spillguard.model import Content, Incomplete, Location, Text, Visibility

#: a quoted literal: '…', "…" or `…`, with backslash escapes (JavaScript)
_JS_LITERAL = re.compile(r"""'((?:[^'\\\n]|\\.){2,})'|"((?:[^"\\\n]|\\.){2,})"|`((?:[^`\\]|\\.){2,})`""", re.DOTALL)
#: a VBA literal: "…" with "" for a quote; a comment runs from ' or Rem to the end of the line
_VBA_LITERAL = re.compile(r'"((?:[^"\n]|"")+)"')
_VBA_COMMENT = re.compile(r"(?:^|\s)(?:'|Rem\s)(.*)$", re.MULTILINE)
#: a literal worth reading holds a letter or a digit run (not "," or "\n")
_WORDED = re.compile(r"[^\W_]{2,}")


def js_literals(code: str) -> list[str]:
    """The string literals of JavaScript code, unescaped where the escape is simple."""
    out: list[str] = []
    for m in _JS_LITERAL.finditer(code):
        value = next(g for g in m.groups() if g is not None)
        value = re.sub(r"\\(.)", lambda e: {"n": "\n", "t": "\t"}.get(e.group(1), e.group(1)), value)
        if _WORDED.search(value):
            out.append(value)
    return out


def vba_text(code: str) -> list[str]:
    """The string literals and comments of VBA source."""
    out = [m.group(1).replace('""', '"') for m in _VBA_LITERAL.finditer(code)]
    out += [m.group(1).strip() for m in _VBA_COMMENT.finditer(code)]
    return [v for v in out if _WORDED.search(v)]


def vba_modules(data: bytes, name: str) -> list[tuple[str, str]]:
    """(module name, source) of every VBA module in an OLE file that holds a VBA project.

    Raises:
        PartNotInspected: a VBA project is there but its modules cannot be read (fail closed).
    """
    with warnings.catch_warnings():  # olevba's pyparsing grammar uses names pyparsing deprecates
        warnings.simplefilter("ignore")
        from oletools.olevba import VBA_Parser

    try:
        parser = VBA_Parser(name, data=data)
        try:
            if not parser.detect_vba_macros():
                return []
            out = []
            for _, _, module, code in parser.extract_macros():
                if isinstance(code, bytes):
                    code = code.decode("latin-1")
                out.append((str(module), code))
            return out
        finally:
            parser.close()
    except Exception as exc:  # olevba raises its own and plain errors alike
        raise PartNotInspected(f"the VBA project's modules cannot be read ({type(exc).__name__})") from None


def vba_contents(data: bytes, name: str, where: Location) -> Iterator[Content]:
    """The literals and comments of each VBA module, as text no reader of the document sees."""
    try:
        modules = vba_modules(data, name)
    except PartNotInspected as exc:
        yield Incomplete(exc.rule, exc.reason, where)
        return
    for module, code in modules:
        text = vba_text(code)
        if text:
            yield Text(where, Visibility.EMBEDDED_OBJECT, "\n".join(text),
                       label=f"strings and comments of VBA module {module}")
