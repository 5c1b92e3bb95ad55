"""``spillguard eval``: precision, recall and F1 per entity on the seeded labelled corpus.

Text is scored per span: a detection is a true positive when it has the gold span's entity
and overlaps it by at least half of their union (character IoU ≥ 0.5), each gold span matched
at most once. Tables are scored per cell: a cell is predicted as the entity of the column the
scan reports, when the cell's value matches that entity's test.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from rich.console import Console

from spillguard.detect.columns import cell_entities
from spillguard.detect.text import MIN_CONFIDENCE, find_spans
from spillguard.model import Entity
from spillguard.synth.corpus import ENTITIES, Corpus, Gold, LabelledTable, LabelledText, corpus

IOU = 0.5

#: a text recogniser under evaluation: text → (entity, start, end) proposals
Recogniser = Callable[[str], Iterable[tuple[Entity, int, int]]]


@dataclass(slots=True)
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    def to_json(self) -> dict[str, Any]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass(slots=True)
class Miss:
    kind: str  # "fp" or "fn"
    entity: Entity
    value: str
    where: str


@dataclass(slots=True)
class Result:
    text: dict[Entity, Score] = field(default_factory=dict)
    cells: dict[Entity, Score] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)
    text_seconds: float = 0.0
    text_chars: int = 0
    documents: int = 0
    tables: int = 0
    #: PERSON_NAME in the naming-traditions slice, by tradition
    slices: dict[str, Score] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "corpus": {"documents": self.documents, "tables": self.tables, "text_chars": self.text_chars},
            "text": {e.value: s.to_json() for e, s in self.text.items()},
            "cells": {e.value: s.to_json() for e, s in self.cells.items()},
            "text_chars_per_second": round(self.text_chars / self.text_seconds) if self.text_seconds else None,
            "naming_traditions": {k: s.to_json() for k, s in self.slices.items()},
        }


def _iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    return inter / (max(a[1], b[1]) - min(a[0], b[0]))


def score_text(doc: LabelledText, found: Iterable[tuple[Entity, int, int]], result: Result,
               entities: Iterable[Entity] = ENTITIES) -> None:
    wanted = set(entities)
    gold = [g for g in doc.gold if g.entity in wanted]
    used: set[int] = set()
    for entity, start, end in found:
        if entity not in wanted:
            continue
        score = result.text.setdefault(entity, Score())
        best = max(((i, _iou((start, end), (g.start, g.end))) for i, g in enumerate(gold)
                    if i not in used and g.entity is entity), key=lambda x: x[1], default=(None, 0.0))
        if best[0] is not None and best[1] >= IOU:
            used.add(best[0])
            score.tp += 1
        else:
            score.fp += 1
            result.misses.append(Miss("fp", entity, doc.text[start:end], doc.kind))
    for i, g in enumerate(gold):
        if i not in used:
            result.text.setdefault(g.entity, Score()).fn += 1
            result.misses.append(Miss("fn", g.entity, doc.text[g.start:g.end], doc.kind))


def score_table(table: LabelledTable, result: Result) -> None:
    frame = pl.DataFrame({f"c{i}": col for i, col in enumerate(table.columns)}, schema={
        f"c{i}": pl.Utf8 for i in range(len(table.columns))})
    predicted = cell_entities(table.headers, frame)
    for i, (col, gold) in enumerate(zip(table.columns, table.gold, strict=True)):
        pred = predicted.get(i)
        nonempty = [bool(v.strip()) for v in col]
        hits = pred[1].to_list() if pred else [False] * len(col)
        for entity in {gold, pred[0] if pred else None} - {None}:
            score = result.cells.setdefault(entity, Score())  # type: ignore[arg-type]
            for cell, present, hit in zip(col, nonempty, hits, strict=True):
                if not present:
                    continue
                is_gold, is_pred = gold is entity, bool(hit) and pred is not None and pred[0] is entity
                score.tp += is_gold and is_pred
                score.fp += is_pred and not is_gold
                score.fn += is_gold and not is_pred
                if is_pred != is_gold and len(result.misses) < 100_000:
                    result.misses.append(Miss("fp" if is_pred else "fn", entity, cell,  # type: ignore[arg-type]
                                              f"{table.kind} column '{table.headers[i] or i + 1}'"))


def spillguard_recogniser(min_confidence: float = MIN_CONFIDENCE) -> Recogniser:
    def run(text: str) -> list[tuple[Entity, int, int]]:
        return [(s.entity, s.start, s.end) for s in find_spans(text, min_confidence)]
    return run


def evaluate(data: Corpus | None = None, recogniser: Recogniser | None = None,
             entities: Iterable[Entity] = ENTITIES, tables: bool = True) -> Result:
    data = data or corpus()
    recogniser = recogniser or spillguard_recogniser()
    wanted = list(entities)
    result = Result(documents=len(data.texts), tables=len(data.tables) if tables else 0)
    started = time.perf_counter()
    found = [list(recogniser(doc.text)) for doc in data.texts]
    result.text_seconds = time.perf_counter() - started
    result.text_chars = sum(len(doc.text) for doc in data.texts)
    for doc, spans in zip(data.texts, found, strict=True):
        score_text(doc, spans, result, wanted)
    if tables:
        for table in data.tables:
            score_table(table, result)
    _slices(recogniser, result)
    order = {e: i for i, e in enumerate(ENTITIES)}
    result.text = dict(sorted(result.text.items(), key=lambda kv: order.get(kv[0], 99)))
    result.cells = dict(sorted(result.cells.items(), key=lambda kv: order.get(kv[0], 99)))
    return result


def _slices(recogniser: Recogniser, result: Result) -> None:
    """PERSON_NAME recall and precision on single names and name orders of five traditions."""
    from spillguard.synth.corpus import traditions

    for doc in traditions():
        part = Result()
        score_text(doc, recogniser(doc.text), part, [Entity.PERSON_NAME])
        score = part.text.get(Entity.PERSON_NAME)
        if score is not None:
            mine = result.slices.setdefault(doc.kind.split(":", 1)[1], Score())
            mine.tp, mine.fp, mine.fn = mine.tp + score.tp, mine.fp + score.fp, mine.fn + score.fn


def render(result: Result, console: Console, errors: int = 0) -> None:
    """The scores as two tables, and optionally the commonest misses."""
    from collections import Counter

    from rich.table import Table

    for title, scores in (("Text (spans, IoU ≥ 0.5)", result.text), ("Table cells", result.cells)):
        table = Table(title=title, title_justify="left")
        for col in ("entity", "precision", "recall", "F1", "TP", "FP", "FN"):
            table.add_column(col, justify="left" if col == "entity" else "right")
        for entity, s in scores.items():
            table.add_row(entity.value, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}",
                          f"{s.tp:,}", f"{s.fp:,}", f"{s.fn:,}")
        console.print(table)
    if result.slices:
        table = Table(title="PERSON_NAME by naming tradition (single names, name orders)", title_justify="left")
        for col in ("tradition", "precision", "recall", "F1", "TP", "FP", "FN"):
            table.add_column(col, justify="left" if col == "tradition" else "right")
        for kind, s in result.slices.items():
            table.add_row(kind, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", f"{s.tp:,}", f"{s.fp:,}",
                          f"{s.fn:,}")
        console.print(table)
    speed = result.text_chars / result.text_seconds / 1e6 if result.text_seconds else 0.0
    console.print(f"{result.documents:,} documents ({result.text_chars:,} characters, {speed:.2f} M chars/s), "
                  f"{result.tables:,} tables")
    if errors:
        console.print("\nCommonest misses (fp = false detection, fn = missed; synthetic values):")
        counted = Counter((m.kind, m.entity.value, m.value, m.where) for m in result.misses)
        for (kind, entity, value, where), n in counted.most_common(errors):
            console.print(f"  {n:>4}× {kind} {entity:<14} {value!r} in {where}")


__all__ = ["Gold", "Result", "Score", "evaluate", "score_table", "score_text", "spillguard_recogniser"]
