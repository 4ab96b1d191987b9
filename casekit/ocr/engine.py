"""OCR engines behind one small interface: Tesseract (pytesseract `image_to_data`), PP-OCRv4
(`rapid.RapidOcrEngine`, rapidocr-onnxruntime) and a recorded replay engine, so the logic around OCR
can be unit-tested fast and deterministically.

Every engine gives `words(image)` (boxes in the coordinates of the image sent) and
`read_lines(image)` (whole-page `OcrLine`s, boxes in that image's pixels, confidence 0..1).
`make_engine(name)` picks one by name: the argument, else $CASEKIT_OCR_ENGINE, else `default_engine()`.

Recordings are keyed by a hash of the exact pixels sent to the engine plus its settings; change
the preprocessing and the recordings must be regenerated (`tests/fixtures/ocr_recorded/regen.py`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PIL import Image

from ..errors import BadInput
from .deps import check_tesseract

if TYPE_CHECKING:
    from .lines import OcrLine

DEFAULT_LANG = "chi_sim"
ENGINE_NAMES = ("tesseract", "rapidocr")
# Chosen by measurement (bench/OCR.md, round 6): the engine `extract` and `inspect` use unless told
# otherwise. On the real held-out screenshots PP-OCR's CER is 2.4 % (round 5's nine) and 14 % (round
# 6's four fresh ones) against Tesseract's 11 % and 29 %, in about the same wall time. Where its wheel cannot be installed (rapidocr-onnxruntime 1.4.4 needs Python < 3.13)
# the default falls back to FALLBACK_ENGINE; asking for rapidocr by name there is an error with the hint.
DEFAULT_ENGINE = "rapidocr"
FALLBACK_ENGINE = "tesseract"
ENGINE_ENV = "CASEKIT_OCR_ENGINE"


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

    def read_lines(self, image: Image.Image) -> list[OcrLine]:
        """Every text line of a whole page, boxes in `image`'s pixels."""


def engine_name(name: str | None = None) -> str:
    """The engine to use: `name`, else $CASEKIT_OCR_ENGINE, else `default_engine()`. An unknown name is
    a BadInput (one line, exit 2)."""
    chosen = (name or os.environ.get(ENGINE_ENV) or default_engine()).strip().lower()
    if chosen not in ENGINE_NAMES:
        raise BadInput(f"未知的文字识别引擎：{chosen}", f"unknown OCR engine: {chosen}",
                       hint_zh="可选：" + " / ".join(ENGINE_NAMES), hint_en="choose one of: " + ", ".join(ENGINE_NAMES))
    return chosen


def default_engine() -> str:
    """DEFAULT_ENGINE when its package is installed, else FALLBACK_ENGINE."""
    if DEFAULT_ENGINE == "rapidocr" and importlib.util.find_spec("rapidocr_onnxruntime") is None:
        return FALLBACK_ENGINE
    return DEFAULT_ENGINE


def make_engine(name: str | None = None, threads: int | None = None) -> OcrEngine:
    """A new engine object by name (see engine_name); its dependencies are checked on first use.
    `threads`: CPU threads for an engine that has a pool of its own (PP-OCR's onnxruntime)."""
    if engine_name(name) == "rapidocr":
        from .rapid import RapidOcrEngine

        return RapidOcrEngine(threads)
    return TesseractEngine()


def engine_id(engine: OcrEngine) -> str:
    """Name and version, for cache keys: results of two engines never stand in for each other."""
    return f"{engine.name}|{engine.version}"


def lines_from_words(words: list[Word], fx: float = 1.0, fy: float = 1.0) -> list[OcrLine]:
    """Tesseract words grouped by its line ids into OcrLines, top to bottom; boxes divided by the
    scale (fx, fy) the page was sent at, so they are in the original image's pixels."""
    from .lines import OcrLine
    from .text import clean, join_words

    by_line: dict[tuple[int, int, int], list[Word]] = {}
    for w in words:
        by_line.setdefault(w.line_key, []).append(w)
    out = []
    for ws in sorted(by_line.values(), key=lambda ws: min(w.top for w in ws)):
        ws = sorted(ws, key=lambda w: w.left)
        text = clean(join_words([w.text for w in ws]))
        if not text:
            continue
        mapped = tuple(Word(w.text, w.left, w.top, w.width, w.height, w.conf, w.block, w.par, w.line,
                            (int(w.left / fx), int(w.top / fy), max(1, round(w.width / fx)), max(1, round(w.height / fy))))
                       for w in ws)
        x0 = min(m.src[0] for m in mapped)
        y0 = min(m.src[1] for m in mapped)
        x1 = max(m.src[0] + m.src[2] for m in mapped)
        y1 = max(m.src[1] + m.src[3] for m in mapped)
        n = sum(len(w.text) for w in ws) or 1
        conf = sum(w.conf * len(w.text) for w in ws) / n / 100.0
        out.append(OcrLine(text, (x0, y0, x1 - x0, y1 - y0), max(0.0, min(1.0, conf)), mapped))
    return out


def group_rows(words: list[Word]) -> list[Word]:
    """Words on one text row (vertical overlap over half the smaller height) get one line id, as
    Tesseract's psm 6 puts a row into one line: a detector's boxes of one row (label and value of
    a payment page, text either side of an emoji) read as one line. Returned top to bottom."""
    out: list[Word] = []
    row, top, bottom = -1, 0.0, 0.0
    for w in sorted(words, key=lambda w: (w.top, w.left)):
        if row < 0 or min(bottom, w.top + w.height) - max(top, w.top) < 0.5 * min(w.height, bottom - top):
            row, top, bottom = row + 1, float(w.top), float(w.top + w.height)
        else:
            top, bottom = min(top, w.top), max(bottom, w.top + w.height)
        out.append(Word(w.text, w.left, w.top, w.width, w.height, w.conf, w.block, w.par, row, w.src))
    return out


def page_lines(engine: OcrEngine, image: Image.Image) -> list[OcrLine]:
    """Whole-page lines from an engine that only gives words (psm 6; small pages upscaled 2x)."""
    page = image if image.width >= 700 else image.resize((image.width * 2, image.height * 2), Image.LANCZOS)
    return lines_from_words(engine.words(page, psm=6), page.width / image.width, page.height / image.height)


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

    def read_lines(self, image: Image.Image) -> list[OcrLine]:
        """Whole-page lines: `image_to_data` (psm 6) grouped by Tesseract's line ids."""
        return page_lines(self, image)


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

    def read_lines(self, image: Image.Image) -> list[OcrLine]:
        return page_lines(self, image)


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
        return [Word(**{**w, "src": tuple(w["src"]) if w.get("src") else None}) for w in self.records[key]]

    def read_lines(self, image: Image.Image) -> list[OcrLine]:
        return page_lines(self, image)
