"""Legacy Office documents (.doc, .ppt) converted to their OOXML cousins by LibreOffice, run
headless as a separate program (Debian packages ``libreoffice-writer-nogui`` and
``libreoffice-impress-nogui``; MPL-2.0, not linked into spillguard).

No maintained Python library reads the hidden places of MS-DOC or MS-PPT (tracked changes,
comments, hidden text, speaker notes, embedded objects); LibreOffice's import keeps every one of
them in the converted file, which the docx and pptx readers then read like any other — the
tests prove it on documents built in code and on real third-party files. Each conversion runs
in its own owner-only temporary folder with its own LibreOffice profile, a timeout that kills
the whole process group, and the file's size limits; nothing is left behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from spillguard.errors import CorruptFile, ResourceLimit, UnsupportedFormat

#: target format → (LibreOffice module library, Debian package that brings it)
MODULES = {
    "docx": ("libswlo.so", "libreoffice-writer-nogui"),
    "pptx": ("libsdlo.so", "libreoffice-impress-nogui"),
    "xlsx": ("libsclo.so", "libreoffice-calc-nogui"),
}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def available(target: str) -> bool:
    """Whether LibreOffice and the module that imports documents for ``target`` are installed."""
    exe = soffice()
    if exe is None:
        return False
    program = Path(os.path.realpath(exe)).parent
    library = MODULES[target][0]
    return (program / library).exists() or not any(program.glob("lib*lo.so"))  # non-Debian layouts: try


def convert(data: bytes, suffix: str, target: str, seconds: int, what: str) -> bytes:
    """``data`` (a ``suffix`` file) converted to ``target`` ('docx', 'pptx'); raises
    UnsupportedFormat when LibreOffice or its module is missing (saying what to install),
    ResourceLimit past ``seconds``, CorruptFile when LibreOffice cannot load the file."""
    if not available(target):
        raise UnsupportedFormat(f"the {what} can only be read through LibreOffice, which is not installed "
                                f"(Debian: apt-get install {MODULES[target][1]})")
    exe = soffice()
    assert exe is not None
    with tempfile.TemporaryDirectory(prefix="spillguard-convert-") as tmp:  # mkdtemp: 0700
        folder = Path(tmp)
        source = folder / f"input{suffix}"
        source.write_bytes(data)
        command = [exe, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
                   "--nolockcheck", "--nologo", "--nodefault", "--convert-to", target, "--outdir",
                   str(folder / "out"), str(source)]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp, "TMPDIR": tmp, "LANG": "C.UTF-8"}
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=env, cwd=tmp, start_new_session=True)
        try:
            proc.communicate(timeout=seconds)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise ResourceLimit(f"LibreOffice did not convert the {what} within {seconds} s "
                                "(convert_seconds)") from None
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        out = folder / "out" / f"input.{target}"
        if not out.exists() or out.stat().st_size == 0:
            raise CorruptFile(f"LibreOffice could not open the {what} (damaged or an unknown variant)")
        return out.read_bytes()
