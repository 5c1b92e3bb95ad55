"""Releases: the set of files published together. ``survey`` scans one and keeps what a
comparison needs; ``diff`` compares two (SG4xx); ``check`` is scan + intent + disclosure + diff."""

from spillguard.release.diff import diff_releases
from spillguard.release.run import check, diff
from spillguard.release.survey import Release, survey

__all__ = ["Release", "check", "diff", "diff_releases", "survey"]
