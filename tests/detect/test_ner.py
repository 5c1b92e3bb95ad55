"""The optional NER plug-in, with a real spaCy pipeline built here (no model is downloaded:
a blank English pipeline with an entity ruler stands in for a trained one)."""

from __future__ import annotations

from pathlib import Path

import pytest

from spillguard import Config, scan
from spillguard.config import from_mapping
from spillguard.detect import ner
from spillguard.detect.doc import Doc
from spillguard.detect.text import find_spans
from spillguard.errors import UsageError

spacy = pytest.importorskip("spacy", reason="spaCy is in the test extra; without it the plug-in is untested")

TEXT = "We met Quetzal Ajxup, a Guatemalan woman, near Lake Atitlan."


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PERSON", "pattern": "Quetzal Ajxup"},
                        {"label": "PERSON", "pattern": "Lake Atitlan"},  # a model's mistake
                        {"label": "NORP", "pattern": "Guatemalan"},
                        {"label": "LOC", "pattern": "Atitlan"}])
    folder = tmp_path_factory.mktemp("pipeline")
    nlp.to_disk(folder)
    return folder


def test_without_a_model_the_unknown_name_is_missed() -> None:
    assert [s.entity.value for s in find_spans(TEXT)] == ["NATIONALITY"]


def test_spacy_person_results_are_added(pipeline: Path) -> None:
    extra = ner.load(f"spacy:{pipeline}")
    spans = find_spans(Doc(TEXT), extra=extra)
    assert [(s.entity.value, s.value, s.why, s.confidence) for s in spans] == [
        ("PERSON_NAME", "Quetzal Ajxup", "spaCy PERSON", 0.8),
        ("NATIONALITY", "Guatemalan", "demonym describing a person", 0.75),
    ]


def test_scan_uses_the_configured_pipeline(tmp_path: Path, pipeline: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text(TEXT + "\n", encoding="utf-8")
    report = scan([path], from_mapping({"ner": f"spacy:{pipeline}"}))
    assert [(f.rule, [e.value for e in f.entities]) for f in report.findings] == [
        ("SG205", ["PERSON_NAME", "NATIONALITY"])]
    # without the model only a nationality is found, which alone points at no one
    assert scan([path], Config()).findings == []


@pytest.mark.parametrize(("spec", "message"), [
    ("spacy:no_such_pipeline_here", "cannot load spaCy pipeline"),
    ("gliner:/no/such/folder", "GLiNER model folder not found"),
    ("stanza:en", "unknown plug-in 'stanza'"),
    ("spacy", "expected 'spacy:<package or folder>'"),
])
def test_a_missing_model_is_a_usage_error(spec: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        ner.load(spec)


def test_a_model_place_vetoes_a_lexicon_name(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "GPE", "pattern": "Rosa Maria Lopez"}])
    nlp.to_disk(tmp_path)
    text = "The bus left Rosa Maria Lopez at noon."
    assert [s.value for s in find_spans(text)] == ["Rosa Maria Lopez"]  # lexicons alone: a name
    assert find_spans(Doc(text), extra=ner.load(f"spacy:{tmp_path}")) == []
