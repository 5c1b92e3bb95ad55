"""The two release commands as library calls: ``diff(old, new)`` and ``check(release, previous)``.
Both return an ordinary Report (same formats, same gate). Files either release could not fully
inspect stay errors (SG9xx): a comparison with a blind spot fails closed."""

from __future__ import annotations

from pathlib import Path

from spillguard import baseline, policy
from spillguard.config import Config
from spillguard.model import Report
from spillguard.release.diff import diff_releases
from spillguard.release.survey import survey


def _add(report: Report, findings, config: Config) -> None:
    for finding in findings:
        kept = policy.apply(finding, config)
        if kept is None:
            report.suppressed += 1
        else:
            report.findings.append(kept)


def diff(old: Path, new: Path, config: Config) -> Report:
    """Only what changed (SG4xx), plus what could not be inspected in either release."""
    before, old_report = survey(old, config)
    after, new_report = survey(new, config)
    report = Report(fail_on=config.fail_on)
    report.stats = new_report.stats
    report.errors = [*old_report.errors, *new_report.errors]
    report.findings = [f for f in (*old_report.findings, *new_report.findings) if f.rule.startswith("SG9")]
    report.tables = new_report.tables
    _add(report, diff_releases(before, after, config.diff), config)
    return baseline.apply(report, config.baseline, config.baseline_key_file)


def check(release: Path, previous: Path | None, config: Config) -> Report:
    """scan + intent + disclosure risk (+ diff when the previous release is given): one decision."""
    after, report = survey(release, config)
    if previous is not None:
        before, old_report = survey(previous, config)
        _add(report, diff_releases(before, after, config.diff), config)
        for error in old_report.errors:  # the comparison could not see these
            report.errors.append(error)
    return baseline.apply(report, config.baseline, config.baseline_key_file)
