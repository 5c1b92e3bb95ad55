"""Document properties of OOXML packages (core, app, custom): shared by xlsx, docx, pptx."""

from __future__ import annotations

from collections.abc import Iterator

from spillguard.formats.cells import record_table
from spillguard.formats.ooxml import SafeZip, local
from spillguard.model import Content, Location, Text, Visibility

#: fields that hold a person (checked as a table, the field name as header)
PERSON_FIELDS = ("creator", "lastModifiedBy", "Manager", "Author", "LastAuthor")
#: free-text fields (checked with the text detectors)
TEXT_FIELDS = ("title", "subject", "description", "keywords", "category", "contentStatus",
               "Company", "HyperlinkBase")


def properties(z: SafeZip, loc: Location) -> Iterator[Content]:
    values: dict[str, str] = {}
    for part in ("docProps/core.xml", "docProps/app.xml"):
        if z.has(part):
            for el in z.xml(part):
                if isinstance(el.tag, str) and (el.text or "").strip() and len(el) == 0:
                    values[local(el.tag)] = el.text.strip()
    if z.has("docProps/custom.xml"):
        for prop in z.xml("docProps/custom.xml"):
            text = " ".join(t.strip() for t in prop.itertext() if t.strip())
            if text:
                values[prop.get("name", "custom")] = text
    people = {k: v for k, v in values.items() if k in PERSON_FIELDS or k not in TEXT_FIELDS}
    people = {k: v for k, v in people.items() if k not in _SYSTEM_FIELDS}
    where = loc.with_(part="docProps")
    if people:
        yield record_table(where, Visibility.METADATA, people)
    texts = [f"{k}: {values[k]}" for k in TEXT_FIELDS if k in values]
    if texts:
        # no label: the metadata visibility already says "document properties"
        yield Text(where, Visibility.METADATA, "\n".join(texts))


#: app.xml bookkeeping that never holds personal data
_SYSTEM_FIELDS = {
    "Application", "DocSecurity", "ScaleCrop", "LinksUpToDate", "SharedDoc", "HyperlinksChanged",
    "AppVersion", "TotalTime", "Pages", "Words", "Characters", "Lines", "Paragraphs",
    "CharactersWithSpaces", "Template", "revision", "created", "modified", "lastPrinted",
    "identifier", "language", "version", "Slides", "Notes", "HiddenSlides", "MMClips",
    "PresentationFormat", "HeadingPairs", "TitlesOfParts",
}
