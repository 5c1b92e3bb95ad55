"""``spillguard eval``: the scorer counts exactly, and the detectors meet the issue's targets."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from spillguard.cli import app
from spillguard.evaluate import Result, evaluate, score_text
from spillguard.model import Entity
from spillguard.synth.corpus import LabelledText, corpus


def test_scorer_counts_spans_by_overlap() -> None:
    doc = LabelledText("t").add("Client ").add("Maria Gomez Lopez", Entity.PERSON_NAME).add(", DOB ")
    doc.add("1990-02-03", Entity.DATE_OF_BIRTH).add(".")
    name = doc.gold[0]
    result = Result()
    found = [
        (Entity.PERSON_NAME, name.start, name.start + 11),  # "Maria Gomez": IoU 11/17 ≥ 0.5 → TP
        (Entity.PERSON_NAME, 0, 6),  # "Client": FP
        (Entity.PHONE, 0, 3),  # not scored here: only the entities asked for
    ]
    score_text(doc, found, result, [Entity.PERSON_NAME, Entity.DATE_OF_BIRTH])
    assert result.text[Entity.PERSON_NAME].to_json() == {
        "precision": 0.5, "recall": 1.0, "f1": 0.6667, "tp": 1, "fp": 1, "fn": 0}
    assert (result.text[Entity.DATE_OF_BIRTH].tp, result.text[Entity.DATE_OF_BIRTH].fn) == (0, 1)


def test_a_short_span_does_not_count_for_a_long_name() -> None:
    doc = LabelledText("t").add("María José García de la Cruz", Entity.PERSON_NAME)
    result = Result()
    score_text(doc, [(Entity.PERSON_NAME, 0, 5)], result, [Entity.PERSON_NAME])  # "María": IoU 5/28
    assert (result.text[Entity.PERSON_NAME].tp, result.text[Entity.PERSON_NAME].fp) == (0, 1)


def test_corpus_is_seeded() -> None:
    a, b = corpus(7, 20, 3, 20), corpus(7, 20, 3, 20)
    assert [d.text for d in a.texts] == [d.text for d in b.texts]
    assert [t.columns for t in a.tables] == [t.columns for t in b.tables]
    assert [d.text for d in corpus(8, 20, 3, 20).texts] != [d.text for d in a.texts]


def test_targets_on_a_fresh_seed() -> None:
    """The issue's targets, on a seed the detectors were not tuned on."""
    result = evaluate(corpus(seed=31337, texts=120, tables=10, rows=100))
    assert result.text[Entity.PERSON_NAME].f1 >= 0.90
    assert result.cells[Entity.PERSON_NAME].f1 >= 0.98
    for entity in (Entity.A_NUMBER, Entity.DATE_OF_BIRTH, Entity.NATIONALITY):
        assert result.text[entity].f1 >= (0.98 if entity is Entity.A_NUMBER else 0.95), entity
        assert result.cells[entity].f1 >= (0.98 if entity is Entity.A_NUMBER else 0.95), entity
    # the distractor templates produce no detection at all
    assert not [m for m in result.misses if m.kind == "fp" and "distractors" in m.where]


def test_cli_prints_json() -> None:
    out = CliRunner().invoke(app, ["eval", "--documents", "20", "--tables", "2", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["corpus"] == {"documents": 20, "tables": 2, "text_chars": data["corpus"]["text_chars"]}
    assert set(data["text"]["PERSON_NAME"]) == {"precision", "recall", "f1", "tp", "fp", "fn"}
    assert "A_NUMBER" in data["cells"]


def test_naming_traditions_slice() -> None:
    """Issue 18: PERSON_NAME on single names and name orders of five traditions, measured with
    names held out of the lexicons among them (only the context finds those)."""
    from spillguard.synth.corpus import HELD_OUT, TRADITIONS

    result = evaluate(corpus(seed=31337, texts=10, tables=1, rows=10))
    assert set(result.slices) == set(TRADITIONS)
    for kind, score in result.slices.items():
        assert score.precision == 1.0, kind
        assert score.recall >= 0.85, kind
    assert HELD_OUT and all(n in {w for g, f, _ in TRADITIONS.values() for w in g + f} for n in HELD_OUT)
    out = CliRunner().invoke(app, ["eval", "--documents", "10", "--tables", "1", "--json"])
    assert set(json.loads(out.output)["naming_traditions"]) == set(TRADITIONS)
