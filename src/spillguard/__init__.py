"""spillguard: stops personal data from spilling onto public websites."""

__version__ = "0.1.0"

from spillguard.config import Config
from spillguard.model import Entity, Finding, Location, Report, Severity, Visibility
from spillguard.scan import scan

__all__ = [
    "Config",
    "Entity",
    "Finding",
    "Location",
    "Report",
    "Severity",
    "Visibility",
    "__version__",
    "scan",
]
