"""Lines into bubbles: which OCR lines of the conversation area belong to one message.

A bubble is found two ways, and both give one block of lines:
- a solid region segment.py cut out (a coloured bubble, a card, a chip): its lines are one block;
- lines outside any such region join when they share the *fill around them* — the colour of a
  thin frame just outside each line box — and the band between them has that fill too. A white
  bubble on an almost white desktop page (too faint for the colour segmentation) keeps its
  paragraphs together across blank lines, while two bubbles, or a bubble and a name on the page
  background, stay apart.
Lines on the page background join only when they are close and flush left (a two-line notice,
the text of a list-style chat record).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median

from PIL import Image

from ..lines import OcrLine
from ..segment import Region
from ..text import clean, join_words
from ..timelabels import is_time_label

Colour = tuple[int, int, int]
SAME_FILL = 14  # max channel difference of two fills that are one bubble
PAGE_FILL = 5  # a fill this close to the page colour is the page itself


@dataclass
class Block:
    lines: list[OcrLine]
    fill: Colour | None  # the bubble's fill; None when the lines sit on the page background
    container: Region | None = None
    extra: list[OcrLine] = field(default_factory=list)

    @property
    def box(self) -> tuple[int, int, int, int]:
        if self.container is not None:
            return self.container.box
        return (min(ln.box[0] for ln in self.lines), min(ln.box[1] for ln in self.lines),
                max(ln.box[0] + ln.box[2] for ln in self.lines), max(ln.box[1] + ln.box[3] for ln in self.lines))

    @property
    def line_height(self) -> float:
        return median(ln.box[3] for ln in self.lines) if self.lines else 0.0


def distance(a: Colour, b: Colour) -> int:
    return max(abs(x - y) for x, y in zip(a, b))


def fill_around(image: Image.Image, box: tuple[int, int, int, int]) -> Colour:
    """Median colour of a frame a few pixels outside a line box (x, y, w, h)."""
    x, y, w, h = box
    pad = max(2, h // 5)
    W, H = image.size
    parts = [(x - pad, y - pad, x + w + pad, y - 1), (x - pad, y + h + 1, x + w + pad, y + h + pad),
             (x - pad, y, x - 1, y + h), (x + w + 1, y, x + w + pad, y + h)]
    pixels: list[Colour] = []
    for a, b, c, d in parts:
        a, b, c, d = max(0, a), max(0, b), min(W, c), min(H, d)
        if c > a and d > b:
            data = image.crop((a, b, c, d)).resize((max(1, (c - a) // 2), max(1, (d - b) // 2))).convert("RGB").tobytes()
            pixels.extend(zip(data[0::3], data[1::3], data[2::3]))
    if not pixels:
        return (255, 255, 255)
    return tuple(int(median(p[i] for p in pixels)) for i in range(3))  # type: ignore[return-value]


def merge_rows(lines: list[OcrLine]) -> list[OcrLine]:
    """Boxes of one visual row, close together, into one line (a detector cuts a row at an emoji)."""
    out: list[OcrLine] = []
    for ln in sorted(lines, key=lambda ln: (ln.box[1], ln.box[0])):
        for i, prev in enumerate(out):
            px, py, pw, ph = prev.box
            x, y, w, h = ln.box
            overlap = min(py + ph, y + h) - max(py, y)
            gap = x - (px + pw)
            if overlap > 0.6 * min(ph, h) and -0.2 * h < gap < 1.6 * min(ph, h):
                x1, y1 = max(px + pw, x + w), max(py + ph, y + h)
                y0 = min(py, y)
                out[i] = OcrLine(clean(join_words([prev.text, ln.text])), (px, y0, x1 - px, y1 - y0),
                                 min(prev.conf, ln.conf), prev.words + ln.words)
                break
        else:
            out.append(ln)
    return sorted(out, key=lambda ln: (ln.box[1], ln.box[0]))


def _container(line: OcrLine, regions: list[Region]) -> Region | None:
    x, y, w, h = line.box
    cx, cy = x + w / 2, y + h / 2
    holding = [r for r in regions if r.box[0] <= cx < r.box[2] and r.box[1] <= cy < r.box[3]]
    return min(holding, key=lambda r: r.width * r.height, default=None)


def group(image: Image.Image, lines: list[OcrLine], containers: list[Region], page_bg: Colour) -> list[Block]:
    """Blocks of lines, top to bottom (see the module docstring)."""
    held: dict[int, Block] = {}
    free: list[Block] = []
    for ln in merge_rows(lines):
        region = _container(ln, containers)
        if region is not None:
            held.setdefault(id(region), Block([], region.bg, region)).lines.append(ln)
            continue
        fill = fill_around(image, ln.box)
        fill_or_page = None if distance(fill, page_bg) <= PAGE_FILL else fill
        footer = _footer_of(ln, containers) if fill_or_page is not None or _card_footer(ln.text) else None
        if footer is None and fill_or_page is not None:
            footer = _continues(image, ln, fill_or_page, containers, page_bg)
        if footer is not None:  # a card's footer band (微信转账) in another colour than its top
            held.setdefault(id(footer), Block([], footer.bg, footer)).lines.append(ln)
            continue
        target = _joinable(image, free, ln, fill_or_page, page_bg)
        if target is not None:
            target.lines.append(ln)
        else:
            free.append(Block([ln], fill_or_page))
    blocks = list(held.values()) + free
    return sorted(blocks, key=lambda b: (b.box[1], b.box[0]))


def _card_footer(text: str) -> bool:
    """The label under a transfer or red-packet card (微信转账, 微信红包), on a white band that may
    be the page's own colour."""
    compact = "".join(text.split())
    return len(compact) <= 8 and ("转账" in compact or "红包" in compact)


def _footer_of(line: OcrLine, containers: list[Region]) -> Region | None:
    """The solid region right above a line on a fill, holding it across (a card's lower band)."""
    x, y, w, h = line.box
    for r in containers:
        if 0 <= y - r.box[3] < 0.8 * h and r.box[0] <= x and x + w <= r.box[2] and r.role != "quote":
            return r
    return None


def _continues(image: Image.Image, line: OcrLine, fill: Colour, containers: list[Region], page: Colour) -> Region | None:
    """The solid region a line on the same fill continues below (the colour cut stopped short of
    the bubble's end, at a code block or a scroll edge): its fill runs down to the line."""
    x, y, w, h = line.box
    for r in containers:
        gap = y - r.box[3]
        if 0 <= gap < 3.5 * h and r.box[0] <= x < r.box[2] and distance(r.bg, fill) <= SAME_FILL and r.role == "bubble" \
                and _band_is(image, (x, r.box[3], min(r.box[2], x + w), y), fill, page):
            return r
    return None


def _joinable(image: Image.Image, blocks: list[Block], ln: OcrLine, fill: Colour | None, page: Colour) -> Block | None:
    x, y, w, h = ln.box
    best, best_gap = None, None
    for b in blocks:
        last = b.lines[-1]
        lx, ly, lw, lh = last.box
        gap = y - (ly + lh)
        bx0, _, bx1, _ = b.box
        if gap < -0.3 * h or min(bx1, x + w) - max(bx0, x) <= 0:
            continue
        if (b.fill is None) != (fill is None):
            continue
        if fill is None:  # on the page: a wrapped line, flush left, close, same type size; never a time label
            ok = (gap < 0.6 * min(h, lh) and abs(x - bx0) < 0.6 * h and abs(h - lh) < 0.25 * max(h, lh)
                  and not is_time_label(ln.text) and not is_time_label(last.text))
        else:
            ok = (distance(b.fill, fill) <= SAME_FILL and gap < 6 * min(h, lh)  # blank lines in a bubble
                  and _band_is(image, (max(bx0, x), ly + lh, min(bx1, x + w), y), fill, page))
        if ok and (best_gap is None or gap < best_gap):
            best, best_gap = b, gap
    return best


def _band_is(image: Image.Image, box: tuple[int, int, int, int], fill: Colour, page: Colour) -> bool:
    """Every row of the band between two lines is, in its median colour, nearer the bubble's fill
    than the page colour: a glyph reaching into the band does not part a bubble, a strip of page does."""
    x0, y0, x1, y1 = box
    if y1 - y0 < 2 or x1 - x0 < 2:
        return True
    band = image.crop((x0, y0, x1, y1)).convert("RGB")
    step = max(1, band.width // 200)  # every few pixels of a wide band are enough for a median
    data = band.tobytes()
    w = band.width
    for y in range(band.height):
        row = data[y * w * 3:(y + 1) * w * 3]
        colour = tuple(sorted(row[c::3 * step])[len(row[c::3 * step]) // 2] for c in range(3))
        if distance(colour, fill) > SAME_FILL or distance(colour, fill) > distance(colour, page):
            return False
    return True
