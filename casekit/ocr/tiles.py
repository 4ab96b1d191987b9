"""Long pages read in overlapping tiles: stitched screenshots over 5,000 px tall for Tesseract,
anything over 2,000 px for PP-OCR (casekit/ocr/rapid.py).

An engine given a whole 1080 × 15,000 capture either shrinks it (PP-OCR caps the long side) or
spends its time on one huge page; cut into tiles of TILE px that overlap by OVERLAP px, every
text line lies whole inside at least one tile. Each line is kept from the tile where it sits
farthest from a cut (its middle inside that tile's own half of the overlaps), so a line at a
seam is read once — never lost, never doubled.
"""

from __future__ import annotations

from dataclasses import replace

from .lines import OcrLine

TALL = 5_000  # px: a capture taller than this is read in tiles
TILE = 3_000
OVERLAP = 400


def tile_spans(height: int, tile: int = TILE, overlap: int = OVERLAP, tall: int = TALL) -> list[tuple[int, int]]:
    """(top, bottom) of each tile, covering the whole height; one span when it is at most `tall`."""
    if height <= tall:
        return [(0, height)]
    spans, top = [], 0
    while True:
        bottom = min(height, top + tile)
        spans.append((top, bottom))
        if bottom >= height:
            return spans
        top = bottom - overlap


def shifted(lines: list[OcrLine], dy: int) -> list[OcrLine]:
    """Lines read from a tile whose top is at `dy`, in the whole image's pixels."""
    out = []
    for line in lines:
        words = tuple(replace(w, src=(w.src[0], w.src[1] + dy, w.src[2], w.src[3])) if w.src else w for w in line.words)
        x, y, w, h = line.box
        out.append(OcrLine(line.text, (x, y + dy, w, h), line.conf, words))
    return out


def owned(line: OcrLine, spans: list[tuple[int, int]], index: int) -> bool:
    """Whether tile `index` is the one that keeps `line` (box in whole-image pixels)."""
    middle = line.box[1] + line.box[3] / 2
    top, bottom = spans[index]
    low = top if index == 0 else (top + spans[index - 1][1]) / 2
    high = bottom if index == len(spans) - 1 else (bottom + spans[index + 1][0]) / 2
    return low <= middle < high
