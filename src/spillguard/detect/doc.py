"""One run of text, analysed once for every text detector: words with their shapes and the
word lists they belong to (one Aho-Corasick pass), plus phrase matches (places, facilities)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property

from spillguard.detect.gazetteer import Kind, fold_same_length, matches

#: a word: letters, with inner apostrophes or hyphens ("O'Brien", "al-Hassan", "Jean-Pierre")
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_PREFIXED = re.compile(r"(?:al|el|ad|ar|as|at|az|ash|bin|ibn|abu|bint|ben|d|di|da|de|o)['’\-][^\W\d_]", re.ASCII)


@dataclass(slots=True)
class Word:
    start: int
    end: int
    text: str
    kinds: int

    @property
    def capitalised(self) -> bool:
        """"Maria", "GOMEZ", and "al-Hassan" / "bin-Laden" style prefixed names."""
        return self.text[0].isupper() or bool(_PREFIXED.match(self.text))

    @property
    def upper(self) -> bool:
        return self.text.isupper() and len(self.text) > 1

    @property
    def initial(self) -> bool:
        """A single capital letter: "M" of "Maria M. Lopez"."""
        return len(self.text) == 1 and self.text.isupper()


@dataclass(slots=True)
class Phrase:
    start: int
    end: int
    kinds: int


class Doc:
    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def folded(self) -> str:
        return fold_same_length(self.text)

    @cached_property
    def _analysis(self) -> tuple[list[Word], list[Phrase]]:
        words = [Word(m.start(), m.end(), m.group(), 0) for m in _WORD.finditer(self.text)]
        starts = [w.start for w in words]
        phrases: list[Phrase] = []
        for start, end, kinds, n in matches(self.folded):
            if n > 1:
                phrases.append(Phrase(start, end, kinds))
                continue
            i = bisect.bisect_right(starts, start) - 1
            if i >= 0 and words[i].start <= start and end <= words[i].end:
                w = words[i]
                if (w.start, w.end) == (start, end):
                    w.kinds |= kinds
                else:  # one part of "al-Hassan" or "Jean-Pierre": particles don't count
                    w.kinds |= kinds & ~(Kind.PARTICLE | Kind.COMMON | Kind.STOP)
        return words, phrases

    @property
    def words(self) -> list[Word]:
        return self._analysis[0]

    @property
    def phrases(self) -> list[Phrase]:
        return self._analysis[1]

    def hits(self, kinds: int) -> list[tuple[int, int, int]]:
        """(start, end, kinds) of words and phrases in the given lists, not overlapping: at one
        start the longest wins ("El Salvador" over "Salvador")."""
        found = [(w.start, w.end, w.kinds) for w in self.words if w.kinds & kinds]
        found += [(p.start, p.end, p.kinds) for p in self.phrases if p.kinds & kinds]
        found.sort(key=lambda h: (h[0], -h[1]))
        out: list[tuple[int, int, int]] = []
        end = -1
        for h in found:
            if h[0] >= end:
                end = h[1]
                out.append(h)
        return out

    @cached_property
    def _line_starts(self) -> list[int]:
        return [0] + [m.end() for m in re.finditer("\n", self.text)]

    def line_col(self, offset: int) -> tuple[int, int]:
        """0-based line and 1-based column of a character offset."""
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line, offset - self._line_starts[line] + 1

    def before(self, offset: int, chars: int = 40) -> str:
        return self.folded[max(0, offset - chars):offset]

    def after(self, offset: int, chars: int = 40) -> str:
        return self.folded[offset:offset + chars]
