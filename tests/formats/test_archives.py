"""Archives beyond zip: tar (plain and compressed), 7z, single gzip/bzip2/xz streams. Members
are scanned by their own format; bombs, traversal names, links, passwords and truncation are
findings or errors that name the file, never a pass."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile
from pathlib import Path

import py7zr
import pytest

from spillguard.synth.people import Person
from tests.helpers import scan_one, summary, write


def roster_csv(roster: list[Person], n: int = 25) -> bytes:
    lines = ["Name,A-Number,Country of Citizenship"] + [f"{p.name},{p.a_number_as(0)},{p.country}" for p in roster[:n]]
    return ("\n".join(lines) + "\n").encode()


STATS = b"Month,Book-ins\n2026-01,120\n2026-02,131\n"


def tarball(members: dict[str, bytes], mode: str = "w", links: dict[str, str] | None = None) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode=mode) as tf:  # type: ignore[call-overload]
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tf.addfile(info)
    return out.getvalue()


def seven(members: dict[str, bytes], password: str | None = None) -> bytes:
    out = io.BytesIO()
    with py7zr.SevenZipFile(out, "w", password=password) as z:
        for name, data in members.items():
            z.writestr(data, name)
    return out.getvalue()


ROSTER = ("SG202", "visible", ("A_NUMBER", "NATIONALITY", "PERSON_NAME"), 25)


@pytest.mark.parametrize(("name", "build"), [
    ("release.tar", lambda m: tarball(m)),
    ("release.tar.gz", lambda m: tarball(m, "w:gz")),
    ("release.tar.bz2", lambda m: tarball(m, "w:bz2")),
    ("release.tar.xz", lambda m: tarball(m, "w:xz")),
    ("release.7z", lambda m: seven(m)),
])
def test_members_are_scanned_by_their_format(tmp_path: Path, roster: list[Person], name: str, build) -> None:
    data = build({"stats/monthly.csv": STATS, "extract/roster.csv": roster_csv(roster)})
    report = scan_one(write(tmp_path, name, data))
    assert summary(report) == [ROSTER]
    assert report.findings[0].location.file.endswith(f"{name}!/extract/roster.csv")
    clean = scan_one(write(tmp_path, "clean-" + name, build({"stats/monthly.csv": STATS})))
    assert clean.findings == [] and clean.decision == "pass"


@pytest.mark.parametrize(("name", "pack"), [("roster.csv.gz", gzip.compress), ("roster.csv.bz2", bz2.compress),
                                            ("roster.csv.xz", lzma.compress)])
def test_single_compressed_streams(tmp_path: Path, roster: list[Person], name: str, pack) -> None:
    report = scan_one(write(tmp_path, name, pack(roster_csv(roster))))
    assert summary(report) == [ROSTER]
    assert Path(report.findings[0].location.file).name == name


def test_traversal_names_and_links_are_reported_never_followed(tmp_path: Path) -> None:
    data = tarball({"../../etc/cron.d/job.csv": STATS}, links={"latest.csv": "/etc/passwd"})
    report = scan_one(write(tmp_path, "release.tar", data))
    assert sorted((f.rule, f.location.part) for f in report.findings) == [
        ("SG114", "../../etc/cron.d/job.csv"), ("SG114", "latest.csv"), ("SG503", "latest.csv")]


def test_bombs_passwords_and_truncation_fail_closed(tmp_path: Path) -> None:
    write(tmp_path, "zeros.csv.gz", gzip.compress(b"0" * (40 * 1024 * 1024)))
    write(tmp_path, "zeros.7z", seven({"zeros.csv": b"0" * (40 * 1024 * 1024)}))
    write(tmp_path, "locked.7z", seven({"roster.csv": STATS}, password="Passw0rd!"))
    write(tmp_path, "cut.tar.gz", tarball({"a.csv": STATS * 2000}, "w:gz")[:300])
    write(tmp_path, "cut.7z", seven({"a.csv": STATS * 2000})[:-40])
    report = scan_one(tmp_path)
    assert sorted((Path(e.file).name, e.rule) for e in report.errors) == [
        ("cut.7z", "SG901"), ("cut.tar.gz", "SG901"), ("locked.7z", "SG902"), ("zeros.7z", "SG903"),
        ("zeros.csv.gz", "SG903")]
    assert report.decision == "block"


def test_nesting_is_bounded(tmp_path: Path) -> None:
    data = STATS
    for level in range(5):
        data = tarball({f"level{level}.tar" if level else "stats.csv": data}, "w:gz")
    report = scan_one(write(tmp_path, "deep.tar.gz", data))
    assert [e.rule for e in report.errors] == ["SG903"]
    assert "deeper than" in report.errors[0].reason
