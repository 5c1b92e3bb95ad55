"""Run every detector's text finder over a run of text.

The text is analysed once (``Doc``); each detector proposes spans with a confidence and a
why; overlapping proposals keep the most confident (then the longest); spans under the
minimum confidence are dropped. An optional NER plug-in adds its own proposals.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from spillguard.detect import DETECTORS
from spillguard.detect.base import Span
from spillguard.detect.doc import Doc
from spillguard.model import Entity

#: the default minimum confidence of a reported text span
MIN_CONFIDENCE = 0.5


@dataclass(frozen=True, slots=True)
class Veto:
    """A stretch of text a model says is a place or an organisation: no person name there."""

    start: int
    end: int


Extra = Callable[[Doc], Iterable[Span | Veto]]


def find_spans(text: str | Doc, min_confidence: float = MIN_CONFIDENCE,
               extra: Extra | None = None) -> list[Span]:
    doc = text if isinstance(text, Doc) else Doc(text)
    proposals = [s for det in DETECTORS for s in det.find_text(doc)]
    if extra is not None:
        added = list(extra(doc))
        vetoes = [v for v in added if isinstance(v, Veto)]
        proposals = [s for s in proposals if s.entity is not Entity.PERSON_NAME
                     or not any(s.start < v.end and v.start < s.end for v in vetoes)]
        proposals.extend(s for s in added if isinstance(s, Span))
    proposals.sort(key=lambda s: (-s.confidence, s.start - s.end, s.start))
    # taken spans never overlap, so kept sorted by start only the neighbours need checking
    starts: list[int] = []
    taken: list[Span] = []
    for span in proposals:
        if span.confidence < min_confidence:
            break
        i = bisect.bisect_left(starts, span.start)
        if (i > 0 and taken[i - 1].end > span.start) or (i < len(taken) and taken[i].start < span.end):
            continue
        starts.insert(i, span.start)
        taken.insert(i, span)
    return taken
