"""Detector registry: one line per detector. Order matters only for ties (first wins)."""

from __future__ import annotations

from spillguard.detect.a_number import ANumber
from spillguard.detect.address import Address
from spillguard.detect.base import Detector
from spillguard.detect.date_of_birth import DateOfBirth
from spillguard.detect.email import Email
from spillguard.detect.facility import Facility
from spillguard.detect.i94 import I94
from spillguard.detect.national_id import NationalId, PaymentCard
from spillguard.detect.nationality import Nationality
from spillguard.detect.passport import Passport
from spillguard.detect.person_name import PersonName
from spillguard.detect.phone import Phone
from spillguard.detect.ssn import Ssn
from spillguard.detect.uscis_receipt import UscisReceipt

DETECTORS: tuple[Detector, ...] = (
    ANumber(),
    Ssn(),
    UscisReceipt(),
    Passport(),
    I94(),
    NationalId(),
    PaymentCard(),
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
