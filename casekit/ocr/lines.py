"""One line of text read from a whole page, with its box in the original image."""

from __future__ import annotations

from dataclasses import dataclass

from .engine import Word


@dataclass(frozen=True)
class OcrLine:
    text: str
    box: tuple[int, int, int, int]  # (left, top, width, height) in ORIGINAL image pixels
    conf: float  # 0..1
    words: tuple[Word, ...] = ()
