"""Policy: severity overrides, --select/--ignore, and the gate. Policy never parses files."""

from __future__ import annotations

from spillguard.config import Config
from spillguard.model import Finding
from spillguard.rules import is_fatal


def selected(code: str, config: Config) -> bool:
    if is_fatal(code):
        return True  # SG9xx cannot be switched off: exclude the path instead
    if config.select and not any(code.startswith(p) for p in config.select):
        return False
    return not any(code.startswith(p) for p in config.ignore)


def apply(finding: Finding, config: Config) -> Finding | None:
    """Return the finding with the configured severity, or None when it is not selected."""
    if not selected(finding.rule, config):
        return None
    override = config.severity.get(finding.rule)
    if override is not None:
        finding.severity = override
    return finding
