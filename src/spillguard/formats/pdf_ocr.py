"""OCR of PDF pages that have no text layer (scans), when the ``tesseract`` program is
installed (Debian package ``tesseract-ocr``): the page is rendered by PDFium at 200 dpi and read
by tesseract in a subprocess with a time limit. Nothing is downloaded; without tesseract the
pages stay reported as unread (SG123)."""

from __future__ import annotations

import io
import shutil
import subprocess

import pypdfium2 as pdfium

DPI = 200


def available() -> bool:
    return shutil.which("tesseract") is not None


def read_page(document: pdfium.PdfDocument, index: int, seconds: int) -> str | None:
    """The page's text, or None when tesseract failed or ran out of time."""
    page = document[index]
    try:
        image = page.render(scale=DPI / 72, grayscale=True).to_pil()
    finally:
        page.close()
    return read_image(image, seconds)


def read_image(image, seconds: int) -> str | None:
    """The text tesseract reads in a Pillow image, or None when it failed or ran out of time."""
    png = io.BytesIO()
    image.save(png, "PNG")
    try:
        done = subprocess.run(["tesseract", "stdin", "stdout", "--psm", "3", "-l", "eng"], input=png.getvalue(),
                              capture_output=True, timeout=seconds, check=False)
    except (subprocess.TimeoutExpired, OSError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", "replace")
