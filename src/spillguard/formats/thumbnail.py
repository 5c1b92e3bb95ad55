"""What a differing EXIF thumbnail shows: a face or text is evidence that it may disclose a
person (it blocks); a scene alone is reported only.

Faces are found with OpenCV's Haar cascade for frontal faces, which ships inside the
``opencv-python-headless`` wheel (``cv2.data.haarcascades``; BSD/Apache-2.0 licensed, no download);
text with tesseract (Debian's ``tesseract-ocr``). Where either cannot run, the thumbnail is
treated as showing something (fail closed) and the finding says which check was missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from PIL import Image

#: a thumbnail is scaled up to at least this many pixels on its short side before it is examined
#: (EXIF thumbnails are 160×120: a face there is ~20 px, below the cascade's 24 px window)
_EXAMINE_SIDE = 480
#: a word of OCR output: three or more letters (tesseract reads noise as stray 1–2 letter bits)
_WORD = re.compile(r"[^\W\d_]{3,}")
#: this many words make the thumbnail one that shows text
TEXT_WORDS = 2


@dataclass(frozen=True, slots=True)
class Evidence:
    faces: int | None  # None: no face detector here
    text: str | None  # None: no OCR here; "" read, nothing found

    @property
    def shows_person_or_text(self) -> bool:
        return self.faces is None or self.faces > 0 or self.text is None or bool(self.words)

    @property
    def words(self) -> list[str]:
        return _WORD.findall(self.text or "")[:TEXT_WORDS * 50] if self.text else []

    def explain(self) -> str:
        face = ("no face detector (install opencv-python-headless)" if self.faces is None
                else f"{self.faces} face(s) (OpenCV frontal-face cascade)")
        words = len(self.words)
        text = ("no OCR (install tesseract-ocr)" if self.text is None
                else f"{words} word(s) read by OCR" if words >= TEXT_WORDS else "no text read by OCR")
        return f"{face}; {text}"


@cache
def _cascade() -> Any:
    try:
        import cv2
    except ImportError:
        return None
    path = getattr(getattr(cv2, "data", None), "haarcascades", "")
    cascade = cv2.CascadeClassifier(f"{path}haarcascade_frontalface_default.xml")
    return None if cascade.empty() else cascade


def count_faces(gray: Image.Image) -> int | None:
    """Frontal faces in a grayscale picture; None when no detector is installed."""
    cascade = _cascade()
    if cascade is None:
        return None
    import numpy as np

    pixels = np.asarray(gray, dtype=np.uint8)
    found = cascade.detectMultiScale(pixels, scaleFactor=1.1, minNeighbors=6, minSize=(40, 40))
    return len(found)


def _scaled(gray: Image.Image) -> Image.Image:
    side = min(gray.size)
    if side >= _EXAMINE_SIDE or side == 0:
        return gray
    factor = _EXAMINE_SIDE / side
    return gray.resize((round(gray.width * factor), round(gray.height * factor)), Image.Resampling.LANCZOS)


def examine(thumb: Image.Image, ocr_seconds: int) -> Evidence:
    """Faces and text in a thumbnail."""
    from spillguard.formats import pdf_ocr

    gray = _scaled(thumb.convert("L"))
    text = pdf_ocr.read_image(gray, ocr_seconds) if pdf_ocr.available() else None
    return Evidence(faces=count_faces(gray), text=text)
