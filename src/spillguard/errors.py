"""One small error hierarchy. Readers raise these; the scanner turns them into SG9xx entries."""

from __future__ import annotations


class SpillguardError(Exception):
    """Base class of every error spillguard raises on purpose."""


class UsageError(SpillguardError):
    """The caller asked for something impossible (bad path, bad option value)."""


class InspectionIncomplete(SpillguardError):
    """A file (or part of it) could not be fully inspected. Always fails the gate.

    ``rule`` is the SG9xx code; ``reason`` is a short plain-language sentence that must never
    contain values read from the file.
    """

    rule = "SG909"

    def __init__(self, reason: str, *, part: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.part = part


class CorruptFile(InspectionIncomplete):
    rule = "SG901"


class EncryptedFile(InspectionIncomplete):
    rule = "SG902"


class ResourceLimit(InspectionIncomplete):
    rule = "SG903"


class UnsafeXml(InspectionIncomplete):
    rule = "SG904"


class UnsupportedFormat(InspectionIncomplete):
    rule = "SG905"


class PartNotInspected(InspectionIncomplete):
    rule = "SG906"


class EmptyFile(InspectionIncomplete):
    rule = "SG907"


class ReadError(InspectionIncomplete):
    rule = "SG908"


class WorkerLost(InspectionIncomplete):
    rule = "SG910"
