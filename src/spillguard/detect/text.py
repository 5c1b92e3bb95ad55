"""Run every detector's text finder over a run of text; overlapping spans keep the first."""

from __future__ import annotations

from spillguard.detect import DETECTORS
from spillguard.detect.base import Span


def find_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    taken: list[tuple[int, int]] = []
    for det in DETECTORS:
        for span in det.find_text(text):
            if any(span.start < end and start < span.end for start, end in taken):
                continue
            taken.append((span.start, span.end))
            spans.append(span)
    return spans
