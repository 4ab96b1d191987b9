"""OCR engines behind one small interface: Tesseract (pytesseract `image_to_data`) and a recorded
replay engine, so the logic around OCR can be unit-tested fast and deterministically.

Recordings are keyed by a hash of the exact pixels sent to the engine plus its settings; change
the preprocessing and the recordings must be regenerated (`tests/fixtures/ocr_recorded/regen.py`).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

from PIL import Image

from .deps import check_tesseract

DEFAULT_LANG = "chi_sim"


@dataclass(frozen=True)
class Word:
    """One Tesseract "word" with its box in the coordinates of the image sent to the engine."""

    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float
    block: int = 0
    par: int = 0
    line: int = 0
    # (left, top, width, height) in the ORIGINAL image's pixels, when the pipeline knows where the
    # crop it read came from (entity boxes for redaction); None straight from an engine
    src: tuple[int, int, int, int] | None = None

    @property
    def cy(self) -> float:
        return self.top + self.height / 2

    @property
    def line_key(self) -> tuple[int, int, int]:
        return (self.block, self.par, self.line)


class OcrEngine(Protocol):
    """What the pipeline needs from an OCR engine."""

    name: str

    @property
    def version(self) -> str: ...

    def words(self, image: Image.Image, *, psm: int = 6, lang: str = DEFAULT_LANG) -> list[Word]:
        """Words found in `image`, with boxes and confidences."""


def image_key(image: Image.Image, psm: int, lang: str) -> str:
    """Stable key of (pixels, settings) for recordings."""
    digest = hashlib.sha256()
    digest.update(f"{image.mode}|{image.size}|{psm}|{lang}|".encode())
    digest.update(image.tobytes())
    return digest.hexdigest()


class TesseractEngine:
    """Tesseract via pytesseract: one process per call, so callers batch regions into one image."""

    name = "tesseract"

    def __init__(self) -> None:
        self._version: str | None = None

    @property
    def version(self) -> str:
        if self._version is None:
            self._version = check_tesseract()
        return self._version

    def words(self, image: Image.Image, *, psm: int = 6, lang: str = DEFAULT_LANG) -> list[Word]:
        import pytesseract

        check_tesseract(tuple(lang.split("+")))
        # OpenMP oversubscription makes tesseract 2–29x slower on small machines (research note §b).
        os.environ["OMP_THREAD_LIMIT"] = "1"
        data = pytesseract.image_to_data(
            image, lang=lang, config=f"--psm {psm} -c preserve_interword_spaces=1",
            output_type=pytesseract.Output.DICT,
        )
        out: list[Word] = []
        for i, text in enumerate(data["text"]):
            conf = float(data["conf"][i])
            if conf < 0 or not str(text).strip():
                continue
            out.append(Word(str(text), int(data["left"][i]), int(data["top"][i]), int(data["width"][i]),
                            int(data["height"][i]), conf, int(data["block_num"][i]), int(data["par_num"][i]),
                            int(data["line_num"][i])))
        return out


class RecordingEngine:
    """Wraps a real engine and records every answer into a JSON file (for replay in fast tests)."""

    def __init__(self, inner: OcrEngine, path: Path) -> None:
        self.inner = inner
        self.path = Path(path)
        self.name = inner.name
        self.records: dict[str, list[dict]] = json.loads(self.path.read_text()) if self.path.exists() else {}

    @property
    def version(self) -> str:
        return self.inner.version

    def words(self, image: Image.Image, *, psm: int = 6, lang: str = DEFAULT_LANG) -> list[Word]:
        result = self.inner.words(image, psm=psm, lang=lang)
        self.records[image_key(image, psm, lang)] = [asdict(w) for w in result]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.records, ensure_ascii=False, indent=0))
        return result


class ReplayEngine:
    """Answers from a recording; an image it has not seen raises KeyError (a test should fail)."""

    name = "replay"
    version = "replay"

    def __init__(self, path: Path) -> None:
        self.records: dict[str, list[dict]] = json.loads(Path(path).read_text())

    def words(self, image: Image.Image, *, psm: int = 6, lang: str = DEFAULT_LANG) -> list[Word]:
        key = image_key(image, psm, lang)
        if key not in self.records:
            raise KeyError(f"no recorded OCR for this image ({key[:12]}); regenerate the recording")
        return [Word(**w) for w in self.records[key]]
