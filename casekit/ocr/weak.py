"""Which characters of a record's text were read with low confidence (issue 14: the item page
highlights them). Tesseract scores each word (for chi_sim often a run of one to a few
characters); PP-OCR (rapidocr) scores whole lines only, so with it a weak span is a whole line.
"""

from __future__ import annotations

from typing import Iterable

from .engine import Word
from .text import clean

# Confidence (0-100) under which a word's characters are highlighted, per engine: Tesseract's
# word confidence, PP-OCR's line score ×100. Measured by bench/bench_weak.py on degraded
# synthetic chats, never the held-out images (figures in bench/OCR.md, "Weak words").
WEAK_CONF = {"tesseract": 70.0, "rapidocr": 90.0}


def weak_threshold(engine_name: str) -> float:
    """The highlight threshold for an engine (a recording/replay of Tesseract: Tesseract's)."""
    return WEAK_CONF.get(engine_name, WEAK_CONF["tesseract"])


def weak_spans(text: str, words: Iterable[Word], threshold: float = WEAK_CONF["tesseract"]) -> tuple[tuple[int, int], ...]:
    """[start, end) character spans of `text` shown by words scored under `threshold`. Words are
    found in `text` in reading order (it is their joined, cleaned form); a word the cleaning
    changed beyond finding is skipped, never guessed at."""
    by_line: dict[tuple[int, int, int], list[Word]] = {}
    for w in words:
        by_line.setdefault(w.line_key, []).append(w)
    ordered = [w for line in sorted(by_line.values(), key=lambda ws: min(w.top for w in ws))
               for w in sorted(line, key=lambda w: w.left)]  # as ocr.segment.assign_words joins them
    spans: list[tuple[int, int]] = []
    cursor = 0
    for word in ordered:
        piece = clean(word.text)
        if not piece:
            continue
        at = text.find(piece, cursor)
        if at < 0:
            continue
        cursor = at + len(piece)
        if word.conf < threshold:
            if spans and spans[-1][1] >= at:
                spans[-1] = (spans[-1][0], cursor)
            else:
                spans.append((at, cursor))
    return tuple(spans)
