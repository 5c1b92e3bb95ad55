"""Person names written in Han, Cyrillic and Arabic script — the scripts of the notices' languages.

* **Cyrillic** names are transliterated with ``anyascii`` (ISC licence; the same transliteration the
  lexicons were built with) and looked up in the given-name and surname lexicons; patronymics
  (-ovich, -ovna…) and the commonest surname endings count as evidence too.
* **Han** names are 2–4 characters whose first character (or first two: 欧阳, 司马…) is read as a
  surname of the lexicons (their romanised Chinese surnames), character by character.
* **Arabic** names are runs of two or more words from ``data/arabic_given_names.txt`` (given names
  are also fathers' and grandfathers' names), with ``bin``/``ibn``/``bint`` and ``Abd al-`` forms.

In text a Han name is only taken after a label (姓名, 申请人…) or right before a personal field
(身份证, 出生…): Chinese prose has no spaces to bound a name otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from importlib import resources

from spillguard.detect.base import Span
from spillguard.detect.doc import Doc
from spillguard.model import Entity

HAN = "\u3400-\u4dbf\u4e00-\u9fff"
CYR = "\u0400-\u04ff"
ARA = "\u0621-\u064a\u0671-\u06d3"
#: a value or a run in one of these scripts: looked at by this module only
SCRIPTS = re.compile(f"[{HAN}{CYR}{ARA}]")
#: the same, for polars (Rust regex)
SCRIPTS_PATTERN = f"[{HAN}{CYR}{ARA}]"

_HAN_NAME = re.compile(f"^[{HAN}]{{2,4}}$")
#: characters of places, institutions and common nouns, never in a person's name
_HAN_NOT_NAME = set("市省县縣区區局院司部国國会會厅廳处處所站村镇鎮街路号號楼樓室队隊组組科校园園场場厂廠店馆館")
_CYR_WORD = f"[{CYR[0]}-{CYR[-1]}]"
_CYR_NAME = re.compile(rf"^\s*[А-ЯЁЇІЄҐ][{CYR}'’\-]+(?:\s+[А-ЯЁЇІЄҐ][{CYR}'’\-]*\.?){{1,3}}\s*$")
_CYR_RUN = re.compile(rf"(?<![{CYR}])[А-ЯЁЇІЄҐ][{CYR}'’\-]+(?:[ \t]+[А-ЯЁЇІЄҐ][{CYR}'’\-]*\.?){{1,3}}(?![{CYR}])")
_ARA_WORDS = re.compile(rf"[{ARA}]+")
_PATRONYMIC = re.compile(r"(?:ovich|evich|ovna|evna|ichna|ogly|kyzy)$")
_SURNAME_END = re.compile(r"(?:ov|ova|ev|eva|in|ina|enko|uk|yuk|sky|skaya|skiy|ski|ko)$")
_ARA_LINK = {"بن", "ابن", "بنت", "عبد"}
#: two-character Chinese surnames
_COMPOUND = {"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "司徒", "夏侯",
             "歐陽", "諸葛"}
_HAN_LABELS = "姓名|名字|申请人|申請人|被拘留者|当事人|當事人|被告人?|原告|家属|联系人"
_HAN_FIELDS = "身份证|身份證|出生|性别|性別|男|女|护照|護照|国籍|國籍"
_HAN_LABEL = re.compile(rf"(?:{_HAN_LABELS})[：:\s]*([{HAN}]{{2,4}})")
_HAN_BEFORE = re.compile(rf"(?<![{HAN}])([{HAN}]{{2,4}})[，,、\s]+(?:{_HAN_FIELDS})")


@cache
def _lexicons() -> tuple[frozenset[str], frozenset[str]]:
    from spillguard.detect import lexicon

    return frozenset(lexicon.given_names()), frozenset(lexicon.surnames())


@cache
def arabic_given() -> frozenset[str]:
    text = resources.files("spillguard.data").joinpath("arabic_given_names.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _ascii(text: str) -> str:
    from anyascii import anyascii

    return anyascii(text).lower()


def han_name(value: str) -> bool:
    if not _HAN_NAME.match(value) or _HAN_NOT_NAME & set(value):
        return False
    if value[:2] in _COMPOUND:
        return True
    _, surnames = _lexicons()
    # four characters are a name only with a two-character surname (欧阳娜娜): "中华人民" is none
    return len(value) <= 3 and _ascii(value[0]) in surnames


def cyrillic_name(value: str) -> bool:
    if not _CYR_NAME.match(value):
        return False
    given, surnames = _lexicons()
    words = [re.sub(r"[^a-z]", "", w) for w in _ascii(value).split()]
    known = sum(w in given or w in surnames for w in words)
    shaped = any(_PATRONYMIC.search(w) for w in words) or any(_SURNAME_END.search(w) for w in words)
    return known >= 2 or (known >= 1 and shaped)


def _cyrillic_word_known(word: str) -> bool:
    given, surnames = _lexicons()
    w = re.sub(r"[^a-z]", "", _ascii(word))
    return w in given or w in surnames or bool(_PATRONYMIC.search(w) or _SURNAME_END.search(w))


def _arabic_name_words(words: list[str]) -> bool:
    given = arabic_given()
    hits = sum(w in given or (w.startswith("عبد") and len(w) > 4) for w in words)
    return (len(words) >= 2 and hits >= 2) or (hits >= 1 and any(w in _ARA_LINK for w in words))


def arabic_name(value: str) -> bool:
    words = value.split()
    return 2 <= len(words) <= 5 and all(_ARA_WORDS.fullmatch(w) for w in words) and _arabic_name_words(words)


def is_name(value: str) -> bool:
    """A person's name in Han, Cyrillic or Arabic script."""
    v = value.strip()
    return han_name(v) or cyrillic_name(v) or arabic_name(v)


def find_text(doc: Doc) -> Iterator[Span]:
    text = doc.text
    if not SCRIPTS.search(text):
        return
    seen: set[int] = set()
    for pattern in (_HAN_LABEL, _HAN_BEFORE):
        for m in pattern.finditer(text):
            if m.start(1) not in seen and han_name(m.group(1)):
                seen.add(m.start(1))
                yield Span(Entity.PERSON_NAME, m.start(1), m.end(1), m.group(1),
                           "Han name: a surname first, by a label or a personal field", 0.85)
    for m in _CYR_RUN.finditer(text):
        start, run = m.start(), m.group(0)
        # a capitalised word that is no name at the start of the run ("Задержан Иванов Иван")
        while len(run.split()) > 2 and not _cyrillic_word_known(run.split()[0]):
            cut = len(run.split()[0])
            skip = len(run) - len(run[cut:].lstrip())
            start, run = start + skip, run[skip:]
        if cyrillic_name(run):
            yield Span(Entity.PERSON_NAME, start, start + len(run), run, "Cyrillic name: lexicon names", 0.85)
    words = list(_ARA_WORDS.finditer(text))
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and (words[j].group(0) in arabic_given() or words[j].group(0) in _ARA_LINK
                                  or words[j].group(0).startswith("عبد")) \
                and (j == i or re.fullmatch(r"[ \t]+", text[words[j - 1].end():words[j].start()])):
            j += 1
        if j - i >= 2 and _arabic_name_words([w.group(0) for w in words[i:j]]):
            yield Span(Entity.PERSON_NAME, words[i].start(), words[j - 1].end(),
                       text[words[i].start():words[j - 1].end()], "Arabic name: given names in a row", 0.8)
            i = j
        else:
            i += 1
