"""Optional NER plug-in: a spaCy pipeline or a GLiNER model the user has installed locally.

``ner = "spacy:en_core_web_sm"`` (a package name or a pipeline folder) or
``ner = "gliner:/models/gliner_multi"`` (a local model folder) in the config adds the model's
results to the text detectors' proposals: PERSON → PERSON_NAME (after the same never-a-name
checks as the lexicon recogniser), NORP → NATIONALITY when it is a known demonym. Places and
organisations (LOC, GPE, FAC, ORG) are not personal data by themselves: they veto lexicon name
candidates they overlap ("Victoria" the city, "Jordan" the country). Nothing is downloaded: a
missing package or model is a usage error (exit 2). The default is no model.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from spillguard.detect.base import Span
from spillguard.detect.doc import Doc
from spillguard.detect.gazetteer import Kind, entries
from spillguard.detect.text import Extra, Veto
from spillguard.errors import UsageError
from spillguard.model import Entity

#: model labels → spillguard entities (NORP only when it names a nationality: see below)
PERSON_LABELS = frozenset({"PERSON", "PER", "person"})
NATIONALITY_LABELS = frozenset({"NORP", "nationality"})
PLACE_LABELS = frozenset({"LOC", "GPE", "FAC", "ORG", "location", "organization"})
#: how sure a model result is, when the model gives no score of its own
MODEL_CONFIDENCE = 0.8
#: longest text handed to the model at once (spaCy's default max_length is 1,000,000)
MAX_CHARS = 900_000


def load(spec: str) -> Extra:
    kind, _, target = spec.partition(":")
    if not target:
        raise UsageError(f"ner: expected 'spacy:<package or folder>' or 'gliner:<folder>', not {spec!r}")
    if kind == "spacy":
        return _spacy(target)
    if kind == "gliner":
        return _gliner(target)
    raise UsageError(f"ner: unknown plug-in {kind!r} (spacy or gliner)")


def _import(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise UsageError(f"ner: the {module} package is not installed (pip install {module})") from None


def _spacy(target: str) -> Extra:
    spacy = _import("spacy")
    try:
        nlp = spacy.load(target)  # a package name or a folder; never downloads
    except OSError as exc:
        raise UsageError(f"ner: cannot load spaCy pipeline {target!r}: {exc}") from None

    def run(doc: Doc) -> Iterable[Span | Veto]:
        for start in range(0, len(doc.text), MAX_CHARS):
            for ent in nlp(doc.text[start:start + MAX_CHARS]).ents:
                span = _span(doc, start + ent.start_char, start + ent.end_char, ent.label_,
                             MODEL_CONFIDENCE, f"spaCy {ent.label_}")
                if span is not None:
                    yield span
    return run


def _gliner(target: str) -> Extra:
    if not Path(target).is_dir():
        raise UsageError(f"ner: GLiNER model folder not found: {target} (models are never downloaded)")
    gliner = _import("gliner")
    model = gliner.GLiNER.from_pretrained(target, local_files_only=True)

    def run(doc: Doc) -> Iterable[Span | Veto]:
        for ent in model.predict_entities(doc.text, ["person", "nationality", "location", "organization"]):
            span = _span(doc, ent["start"], ent["end"], ent["label"], float(ent.get("score", MODEL_CONFIDENCE)),
                         f"GLiNER {ent['label']}")
            if span is not None:
                yield span
    return run


def _span(doc: Doc, start: int, end: int, label: str, score: float, why: str) -> Span | Veto | None:
    value = doc.text[start:end]
    words = doc.folded[start:end].split()
    if label in PLACE_LABELS:
        return Veto(start, end)
    if label in PERSON_LABELS:
        # the same never-a-name rules as the lexicon recogniser: no places, no institutions
        kinds = [entries().get(w, 0) for w in words]
        if not words or all(k & (Kind.STOP | Kind.COUNTRY | Kind.PLACE) for k in kinds) \
                or kinds[0] & Kind.HEAD or kinds[-1] & Kind.HEAD:
            return None
        return Span(Entity.PERSON_NAME, start, end, value, why, round(score, 2))
    if label in NATIONALITY_LABELS and entries().get(" ".join(words), 0) & Kind.DEMONYM:
        return Span(Entity.NATIONALITY, start, end, value, why, round(min(score, 0.7), 2))
    return None
