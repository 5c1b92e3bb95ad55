"""Risk of harm, following OMB M-17-12's factors, computed from the facts the store holds:
the sensitivity of the data (identifiers that reveal immigration status, birth dates, national
identifiers), the context (a detained, vulnerable population), the likelihood of access (how long
the file was public, how many outside downloaders took a full copy, whether a web archive kept one),
and the scale (100,000 people or more is a major incident). Each reason is said."""

from __future__ import annotations

from dataclasses import dataclass, field

MAJOR_INCIDENT = 100_000
_SENSITIVE = {"A_NUMBER": "A-numbers (they reveal immigration status)", "SSN": "Social Security numbers",
              "PASSPORT": "passport numbers", "DATE_OF_BIRTH": "birth dates", "I94": "I-94 numbers",
              "USCIS_RECEIPT": "USCIS receipt numbers"}


@dataclass(slots=True)
class Risk:
    level: str
    major_incident: bool
    reasons: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"level": self.level, "major_incident": self.major_incident, "reasons": self.reasons}


def assess(affected: int, fields: dict[str, int], exposure_hours: float | None, downloaders: list[dict]) -> Risk:
    reasons: list[str] = []
    score = 0
    sensitive = [text for key, text in _SENSITIVE.items() if fields.get(key)]
    if sensitive:
        score += 2
        reasons.append("sensitive data: " + ", ".join(sensitive))
    elif fields.get("PERSON_NAME"):
        score += 1
        reasons.append("names")
    if fields.get("FACILITY") or fields.get("A_NUMBER"):
        score += 1
        reasons.append("a vulnerable population: people in immigration detention (M-17-12 names immigration status)")
    # a script, a headless browser, a crawler whose claim its operator's ranges do not back: someone
    # holding a copy too
    external = [d for d in downloaders if d["kind"] in ("visitor", "script", "unverified") and d["full_copy"]]
    archived = [d for d in downloaders if d["kind"] == "archive"]
    if external:
        score += 2
        reasons.append(f"{len(external)} outside downloader(s) took a full copy")
    if archived:
        score += 2
        reasons.append("a web archive kept a copy (it stays available until removed there)")
    crawlers = [d for d in downloaders if d["kind"] == "crawler"]
    if crawlers:
        score += 1
        reasons.append(f"{len(crawlers)} crawler(s) fetched it (search caches)")
    if exposure_hours is not None:
        reasons.append(f"public for {exposure_hours:.1f} hours")
        score += 1 if exposure_hours >= 1 else 0
    if not downloaders:
        reasons.append("no download found in the logs given (absence of evidence is not evidence of absence)")
    if affected >= MAJOR_INCIDENT:
        reasons.append(f"{affected:,} people: a major incident under M-17-12 (100,000 or more)")
    level = "HIGH" if score >= 5 else "MODERATE" if score >= 3 else "LOW"
    return Risk(level, affected >= MAJOR_INCIDENT, reasons)
