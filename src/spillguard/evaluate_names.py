"""PERSON_NAME precision and recall on real files, against labels a person made by hand.

The labels (``tests/realworld_person_names.json``) hold no plaintext: each names a file under the
real folder and a SHA-256 of what was labelled, so the file of labels can be committed while the
third-party files and the names in them cannot.

* a **cell** label: the digest of one table cell's trimmed value and whether it is a person's
  name. The file is read as the scan reads it; a cell counts as found when the column profile
  (``detect.columns.cell_entities``) types its column PERSON_NAME and matches the cell.
* a **line** label: the digest of one line of text (whitespace folded) and how many people's
  names it holds. The line's PERSON_NAME spans (``detect.person_name``) are counted: up to the
  labelled count they are true positives, beyond it false positives, short of it misses.

Tables and prose are scored apart: they are read by different evidence.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spillguard import evaluate
from spillguard.errors import UsageError


def digest(value: str) -> str:
    return hashlib.sha256(" ".join(value.split()).encode("utf-8")).hexdigest()


@dataclass(slots=True)
class Score(evaluate.Score):
    """The synthetic evaluation's score, with true negatives and labels not found."""

    tn: int = 0
    #: labels whose cell or line was not found in the file (the file changed, or a reader did)
    unmatched: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "tp": self.tp,
                "fp": self.fp, "fn": self.fn, "tn": self.tn, "unmatched": self.unmatched}


@dataclass(slots=True)
class NameScores:
    tables: Score = field(default_factory=Score)
    prose: Score = field(default_factory=Score)

    def to_json(self) -> dict[str, Any]:
        return {"tables": self.tables.to_json(), "prose": self.prose.to_json()}


def load_labels(path: Path) -> list[dict[str, Any]]:
    try:
        labels = json.loads(path.read_text(encoding="utf-8"))["labels"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"{path}: not a readable file of name labels ({type(exc).__name__})") from None
    for label in labels:
        if label.get("kind") not in ("cell", "line") or "file" not in label or "sha256" not in label:
            raise UsageError(f"{path}: a label needs kind 'cell' or 'line', file and sha256")
    return labels


def read_contents(path: Path) -> Iterator[object]:
    from spillguard.config import Config
    from spillguard.formats.base import Source
    from spillguard.inspection import Inspector

    inspector = Inspector(Config())
    # the scan's own reading (issue 31 gives it a public name)
    yield from inspector._contents(Source(path.name, path=path))


def _cells(path: Path) -> dict[str, bool]:
    """Digest of every non-empty table cell → whether the scan types it PERSON_NAME."""
    import polars as pl

    from spillguard.detect.columns import cell_entities
    from spillguard.model import Entity, Table

    out: dict[str, bool] = {}
    for content in read_contents(path):
        if not isinstance(content, Table):
            continue
        batches = list(content.batches)
        if not batches:
            continue
        frame = pl.concat(batches, how="diagonal_relaxed")
        typed = cell_entities(content.headers, frame)
        for name in frame.columns:
            index = int(name[1:])
            values = frame.get_column(name).fill_null("").to_list()
            entity, matched = typed.get(index, (None, None))
            for row, value in enumerate(values):
                if str(value).strip():
                    person = entity is Entity.PERSON_NAME and bool(matched[row])
                    key = digest(str(value))
                    out[key] = out.get(key, False) or person
    return out


def _lines(path: Path) -> dict[str, int]:
    """Digest of every line of the file's text → PERSON_NAME spans found on it."""
    from spillguard.detect.doc import Doc
    from spillguard.detect.person_name import PUBLIC_WHYS, PersonName
    from spillguard.model import Text

    detector = PersonName()
    out: dict[str, int] = {}
    for content in read_contents(path):
        if not isinstance(content, Text):
            continue
        doc = Doc(content.text)
        spans = [s for s in detector.find_text(doc) if not s.why.endswith(PUBLIC_WHYS)]
        start = 0
        for line in content.text.split("\n"):
            end = start + len(line)
            if line.strip():
                found = sum(start <= s.start < end for s in spans)
                key = digest(line)
                out[key] = max(out.get(key, 0), found)
            start = end + 1
    return out


def evaluate_names(folder: Path, labels: list[dict[str, Any]]) -> NameScores:
    scores = NameScores()
    cells: dict[str, dict[str, bool]] = {}
    lines: dict[str, dict[str, int]] = {}
    for label in labels:
        path = folder / label["file"]
        if not path.exists():
            raise UsageError(f"a labelled file is missing: {label['file']}")
        cell = label["kind"] == "cell"
        cache, read, score = (cells, _cells, scores.tables) if cell else (lines, _lines, scores.prose)
        if label["file"] not in cache:
            cache[label["file"]] = read(path)
        found = cache[label["file"]]
        if label["sha256"] not in found:
            score.unmatched += 1
            continue
        # a cell is one name or none; a line holds a number of names
        gold = int(bool(label["person"])) if cell else int(label["people"])
        said = int(found[label["sha256"]])
        score.tp += min(gold, said)
        score.fp += max(0, said - gold)
        score.fn += max(0, gold - said)
        score.tn += gold == 0 and said == 0
    return scores
