"""Detector registry: one line per detector. Order matters only for ties (first wins)."""

from __future__ import annotations

from spillguard.detect.attributes import Address, DateOfBirth, Facility, Nationality
from spillguard.detect.base import Detector
from spillguard.detect.identifiers import I94, ANumber, Email, Passport, Phone, Ssn, UscisReceipt
from spillguard.detect.person_name import PersonName

DETECTORS: tuple[Detector, ...] = (
    ANumber(),
    Ssn(),
    UscisReceipt(),
    Passport(),
    I94(),
    Email(),
    DateOfBirth(),
    PersonName(),
    Nationality(),
    Facility(),
    Phone(),
    Address(),
)

BY_ENTITY = {d.entity: d for d in DETECTORS}

__all__ = ["BY_ENTITY", "DETECTORS", "Detector"]
