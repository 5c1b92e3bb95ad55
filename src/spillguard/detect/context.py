"""Context helpers shared by the number detectors: the gap allowed between a label and its
number, and words that announce a number that is not personal (invoice, order...)."""

from __future__ import annotations

from spillguard.detect.doc import Doc
from spillguard.detect.gazetteer import Kind, entries

#: what may stand between a label and its number: "A#: ", "SSN - "
CONTEXT_GAP = r"[\s:#.\-–]{0,4}"
_NEGATIVE_WINDOW = 25


def negative_before(doc: Doc, start: int) -> bool:
    """A number announced as something else: "Invoice 123-45-6789", "order no. A1234567"."""
    words = doc.before(start, _NEGATIVE_WINDOW).split()[-3:]
    return any(entries().get(w, 0) & Kind.NEGATIVE for w in words)

