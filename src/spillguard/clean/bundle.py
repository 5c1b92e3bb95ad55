"""Zip bundles: every member is cleaned with its own cleaner and the clean members are zipped
again. Members with path-traversal names are dropped, never extracted; a member that cannot be
cleaned makes the bundle fail (its copy would carry it as it is)."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from spillguard.clean.model import Cleaned, Options
from spillguard.config import Config
from spillguard.formats.archive import traversal
from spillguard.formats.base import Source
from spillguard.formats.ooxml import SafeZip


def clean(path: Path, out: Path, opts: Options, config: Config) -> Cleaned:
    from spillguard.clean import clean_path  # members go through the registry again

    result = Cleaned(path.as_posix())
    with tempfile.TemporaryDirectory(prefix="spillguard-") as tmp:
        inside, cleaned = Path(tmp, "in"), Path(tmp, "out")
        inside.mkdir()
        with SafeZip(Source(path.as_posix(), path=path), config.limits) as z:
            for name in z.names:
                if name.endswith("/"):
                    continue
                if traversal(name):
                    result.removed["members with path-traversal names"] += 1
                    continue
                target = inside.joinpath(*PurePosixPath(name).parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(z.read(name))
        members = clean_path(inside, cleaned, opts, config)
        failed = [m for m in members if m.error or not m.outputs]
        for m in members:
            result.removed.update(m.removed)
        if failed:
            names = ", ".join(Path(m.source).relative_to(inside).as_posix() for m in failed[:5])
            result.error = f"members that could not be cleaned: {names}"
            return result
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for m in members:
                for produced in m.outputs:
                    p = Path(produced)
                    dst.write(p, p.relative_to(cleaned).as_posix())
                    result.kept["members"] += 1
    result.outputs.append(out.as_posix())
    return result
