"""What stands around a name and says it is no private person: an official's title before or
after it, a public body listing its members, a quoted title of a work, a heading in title case,
a list of references, a row of counts (candidates in election results). Used by
``detect.person_name``; each test looks at the document's own text, never at one word alone."""

from __future__ import annotations

import re

from spillguard.detect.doc import Doc, Word
from spillguard.detect.gazetteer import Kind

#: a name followed on its line by four or more numbers and nothing else labels a row of counts
#: ("Kevin Cramer 7001 819 1216 810"): a candidate in election results, a unit in a table
COUNT_ROW = re.compile(r"(?:[ \t]+(?:Jr|Sr|II|III|IV)\.?)?(?:[ \t]+[\d,.%]+){4,}[ \t]*(?:\n|$)")
COUNT_ROW_WHY = ", labels a row of counts"
#: a name in a document's list of references: the author of a cited work, no private person
CITED_WHY = ", an author in the references"
#: the endings of a span's why that say the name is no private person: it makes no list of
#: people and links to nothing (checks/content.py)
PUBLIC_WHYS = (COUNT_ROW_WHY, CITED_WHY)

#: the heading of a list of references, alone on its line
REFERENCES = re.compile(r"(?im)^[ \t]*(?:\d+\.?[ \t]*)?(?:references|bibliography|works cited|literature cited|"
                        r"literatur(?:verzeichnis)?|r[ée]f[ée]rences(?: bibliographiques)?|referencias|"
                        r"bibliograf[íi]a|参考文献|список литературы)[ \t]*:?[ \t]*$")

#: a public body heading a list of its members on one line: "Board of Education - A, B, C"
_ROLE_LIST = re.compile(
    r"\b(?:board|council|commission|committee|trustees|officers|cabinet|bench|panel|directors|"
    r"junta|consejo|comit[eé]|conseil|bestuur|raad|gemeenteraad)\b[^\n]{0,60}?[ \t]*[-–—:][ \t]*"
    r"(?:[^\n,;]{2,40},[ \t]*)*$", re.IGNORECASE)


def role_list(doc: Doc, start: int) -> bool:
    """The name is an item of a list a public body heads on the same line."""
    line_start = doc.text.rfind("\n", 0, start) + 1
    return bool(_ROLE_LIST.search(doc.text[line_start:start]))


def title_line(doc: Doc, w: Word) -> bool:
    """The word's line is a heading in title case: three words or more, each capitalised (short
    function words aside), some of them no names."""
    start = doc.text.rfind("\n", 0, w.start) + 1
    end = doc.text.find("\n", w.end)
    line = doc.text[start:end if end >= 0 else len(doc.text)]
    words = [x for x in re.findall(r"[^\W\d_][\w'’.-]*", line) if len(x) > 3 or x[:1].isupper()]
    return len(words) >= 3 and all(x[:1].isupper() for x in words) and not line.isupper()


def title_after(doc: Doc, words: list[Word], last: int) -> bool:
    """An official's title right after the name, after a comma or a dash ("Peter Fong, Principal")."""
    if last >= len(words) or not words[last].kinds & Kind.OFFICIAL:
        return False
    gap = doc.text[words[last - 1].end:words[last].start]
    if not words[last].capitalised:  # French and Spanish write the title in lower case after a comma
        return bool(re.fullmatch(r",[ \t]*", gap))
    return bool(re.fullmatch(r",[ \t]*|[ \t]*[-–—][ \t]*|[ \t]+", gap))


_QUOTES = {"\"": "\"", "“": "”", "«": "»", "„": "“"}


def quoted_title(text: str, start: int, end: int) -> bool:
    """The run is all of a quotation ("The Magic Treehouse"), with at most an article before it:
    the title of a show, a book, a programme."""
    before = text[max(0, start - 5):start]
    m = re.search(r"([\"“«„])(?:(?:The|El|La|Le|Les|Los|Las|Der|Die|Das)[ \t]+)?$", before)
    return bool(m) and text[end:end + 1] == _QUOTES[m.group(1)]
