"""Archives — zip, tar, 7z, and single gzip/bzip2/xz streams: every member is cleaned with its
own cleaner and the clean members are packed again in the same kind of archive. Members with
path-traversal names and links are dropped, never extracted; a member that cannot be cleaned
makes the archive fail (its copy would carry it as it is)."""

from __future__ import annotations

import bz2
import gzip
import lzma
import tarfile
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import py7zr

from spillguard.clean.model import Cleaned, Options
from spillguard.config import Config
from spillguard.formats.archive import traversal
from spillguard.formats.base import Source
from spillguard.formats.compressed import _kind as compression_of
from spillguard.formats.compressed import decompress
from spillguard.formats.ooxml import SafeZip

Members = Callable[[Path, Config, Cleaned], list[tuple[str, bytes]]]
Packer = Callable[[list[tuple[str, Path]], Path], None]


def _zip_members(path: Path, config: Config, result: Cleaned) -> list[tuple[str, bytes]]:
    with SafeZip(Source(path.as_posix(), path=path), config.limits) as z:
        return [(n, z.read(n)) for n in z.names if not n.endswith("/")]


def _tar_members(path: Path, config: Config, result: Cleaned) -> list[tuple[str, bytes]]:
    out = []
    with tarfile.open(path, mode="r:") as tf:
        for m in tf:
            if m.issym() or m.islnk():
                result.removed["links"] += 1
            elif m.isfile():
                f = tf.extractfile(m)
                if f is not None:
                    out.append((m.name, f.read()))
    return out


def _7z_members(path: Path, config: Config, result: Cleaned) -> list[tuple[str, bytes]]:
    from spillguard.formats.sevenzip import _Factory

    factory = _Factory(config.limits.max_part_bytes)
    with py7zr.SevenZipFile(path, mode="r", max_extract_size=config.limits.max_total_bytes) as z:
        z.extractall(factory=factory)
    return [(name, bytes(p.buf)) for name, p in factory.products.items()]


def _pack_zip(files: list[tuple[str, Path]], out: Path) -> None:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, p in files:
            dst.write(p, name)


def _pack_tar(files: list[tuple[str, Path]], out: Path) -> None:
    with tarfile.open(out, "w") as tf:
        for name, p in files:
            tf.add(p, name, recursive=False)


def _pack_7z(files: list[tuple[str, Path]], out: Path) -> None:
    with py7zr.SevenZipFile(out, "w") as z:
        for name, p in files:
            z.write(p, name)


def _archive(path: Path, out: Path, opts: Options, config: Config, members: Members, pack: Packer) -> Cleaned:
    from spillguard.clean import clean_path  # members go through the registry again

    result = Cleaned(path.as_posix())
    with tempfile.TemporaryDirectory(prefix="spillguard-") as tmp:
        inside, cleaned = Path(tmp, "in"), Path(tmp, "out")
        inside.mkdir()
        for name, data in members(path, config, result):
            if traversal(name):
                result.removed["members with path-traversal names"] += 1
                continue
            target = inside.joinpath(*PurePosixPath(name).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        done = clean_path(inside, cleaned, opts, config)
        failed = [m for m in done if m.error or not m.outputs]
        for m in done:
            result.removed.update(m.removed)
        if failed:
            names = ", ".join(Path(m.source).relative_to(inside).as_posix() for m in failed[:5])
            result.error = f"members that could not be cleaned: {names}"
            return result
        files = [(Path(p).relative_to(cleaned).as_posix(), Path(p)) for m in done for p in m.outputs]
        out.parent.mkdir(parents=True, exist_ok=True)
        pack(files, out)
        result.kept["members"] = len(files)
    result.outputs.append(out.as_posix())
    return result


def clean_zip(path: Path, out: Path, opts: Options, config: Config) -> Cleaned:
    return _archive(path, out, opts, config, _zip_members, _pack_zip)


def clean_tar(path: Path, out: Path, opts: Options, config: Config) -> Cleaned:
    return _archive(path, out, opts, config, _tar_members, _pack_tar)


def clean_7z(path: Path, out: Path, opts: Options, config: Config) -> Cleaned:
    return _archive(path, out, opts, config, _7z_members, _pack_7z)


_COMPRESS = {"gzip": gzip.compress, "bzip2": bz2.compress, "xz": lzma.compress}


def clean_compressed(path: Path, out: Path, opts: Options, config: Config) -> Cleaned:
    """``roster.csv.gz``, ``release.tar.xz``: the stream's content is cleaned and compressed again."""
    from spillguard.clean import clean_path

    with path.open("rb") as fh:
        kind = compression_of(fh.read(8))
    assert kind is not None
    what, ext = kind
    data = decompress(Source(path.as_posix(), path=path), _Ctx(config), what)
    inner_name = path.name[: -len(ext)] if path.name.lower().endswith(ext) else path.name + ".out"
    if path.name.lower().endswith((".tgz", ".tbz2", ".txz")):
        inner_name = path.stem + ".tar"
    with tempfile.TemporaryDirectory(prefix="spillguard-") as tmp:
        inner = Path(tmp, "in", inner_name)
        inner.parent.mkdir()
        inner.write_bytes(data)
        [done] = clean_path(inner, Path(tmp, "out", inner_name), opts, config)
        if done.error or not done.outputs:
            done.source, done.outputs = path.as_posix(), []
            return done
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(_COMPRESS[what](Path(done.outputs[0]).read_bytes()))
    done.source, done.outputs, done.rescan = path.as_posix(), [out.as_posix()], None
    return done


class _Ctx:
    """The limits ``decompress`` needs, without a scanner."""

    def __init__(self, config: Config) -> None:
        self.limits = config.limits
