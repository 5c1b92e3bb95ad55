"""spillguard: stops personal data from spilling onto public websites."""

__version__ = "0.1.0"

import sys
import types
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spillguard.config import Config
    from spillguard.model import Entity, Finding, Location, Report, Severity, Visibility
    from spillguard.scan import scan

#: the library's names, each imported from its module on first use (``spillguard version`` needs none)
_LAZY = {"Config": "spillguard.config", "Entity": "spillguard.model", "Finding": "spillguard.model",
         "Location": "spillguard.model", "Report": "spillguard.model", "Severity": "spillguard.model",
         "Visibility": "spillguard.model"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Package(types.ModuleType):
    """``spillguard.scan`` is the library's entry, loaded on first use: the scanner imports every
    reader (polars, pyarrow, the PDF stack), which ``spillguard version`` or ``rules`` never need.
    The import system records the ``spillguard.scan`` submodule on the package when it loads; the
    setter keeps the function the attribute (the submodule stays in ``sys.modules``)."""

    @property
    def scan(self):  # type: ignore[no-untyped-def]
        from spillguard.scan import scan as function

        return function

    @scan.setter
    def scan(self, value: object) -> None:
        pass


sys.modules[__name__].__class__ = _Package

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
