"""Blocks of lines into the Region records the chat assembly reads (segment.Region): role, side,
text, words with their boxes in the original image (entity boxes for redaction)."""

from __future__ import annotations

from collections.abc import Callable

from PIL import Image

from ..engine import Word
from ..lines import OcrLine
from ..segment import Region, distance_image, row_profile
from ..text import clean, join_lines
from .area import Area
from .blocks import distance

AVATAR_REACH = 0.07  # of the size unit: an avatar this close beside a bubble's top decides its side


def line_words(lines: list[OcrLine]) -> list[Word]:
    """The words of `lines` with `src` boxes; a line that has no words of its own is one word."""
    out: list[Word] = []
    for i, ln in enumerate(lines):
        if ln.words and all(w.src for w in ln.words):
            out.extend(Word(w.text, w.left, w.top, w.width, w.height, w.conf, 0, 0, i, w.src) for w in ln.words)
        else:
            out.append(Word(ln.text, *ln.box, ln.conf * 100.0, 0, 0, i, ln.box))
    return out


def fill_text(region: Region, lines: list[OcrLine]) -> Region:
    """Give `region` the text of `lines` (top to bottom)."""
    ordered = sorted(lines, key=lambda ln: (ln.box[1], ln.box[0]))
    region.lines = [ln.text for ln in ordered]
    region.text = clean(join_lines(region.lines))
    region.words = line_words(ordered)
    region.conf = 100.0 * sum(ln.conf for ln in ordered) / len(ordered) if ordered else None
    return region


def side_of(box: tuple[int, int, int, int], area: Area, avatars: list[Region], size: int,
            tail: Callable[[], str | None] | None = None) -> str:
    """left | right | centre, relative to the conversation area: an avatar level with the top of
    the bubble and just beside it decides; else the bubble's tail (`tail()`, e.g. `tail_side`, asked
    only then), pointing at the sender's avatar outside a cropped capture; else the bubble's
    margins inside the area."""
    x0, y0, x1, y1 = box
    # the avatar that overlaps the bubble's rows comes first, then the one whose top is nearest:
    # the previous message's avatar may end just above this bubble (within the reach allowed for
    # a group nickname) and must not decide its side
    for a in sorted(avatars, key=lambda a: (a.box[3] <= y0, abs(a.box[1] - y0))):
        level = a.box[1] < y1 and y0 - 0.06 * size < a.box[3] and a.box[1] - y0 < 0.04 * size
        if level and 0 <= x0 - a.box[2] < AVATAR_REACH * size:
            return "left"
        if level and 0 <= a.box[0] - x1 < AVATAR_REACH * size:
            return "right"
    pointed = tail() if tail is not None else None
    if pointed is not None:
        return pointed
    ml, mr = x0 - area.box[0], area.box[2] - x1
    if abs(ml - mr) < 0.07 * area.width and min(ml, mr) > 0.1 * area.width:
        return "centre"
    return "left" if ml < mr else "right"


def centre_in(line: OcrLine, r: Region) -> bool:
    """The line's centre lies inside the region."""
    x, y, w, h = line.box
    return r.box[0] <= x + w / 2 < r.box[2] and r.box[1] <= y + h / 2 < r.box[3]


def title_region(area: Area) -> Region | None:
    if area.title is None:
        return None
    x, y, w, h = area.title.box
    return fill_text(Region((x, y, x + w, y + h), "title"), [area.title])


TAIL_WIDTH = 0.012  # of the size unit: how far outside its edge a bubble's tail reaches at least
TAIL_FILL = 10  # max channel levels from the bubble's fill
TAIL_PAGE = 8  # the fill must differ this much from the page for a tail to be seen


def tail_side(image: Image.Image, box: tuple[int, int, int, int], fill: tuple[int, int, int] | None,
              page: tuple[int, int, int], size: int) -> str | None:
    """left | right when the bubble has a tail on that side only: a short run of rows just outside
    its edge in the bubble's own fill (WeChat, QQ), else None."""
    if fill is None or distance(fill, page) < TAIL_PAGE:
        return None
    x0, y0, x1, y1 = box
    reach = max(4, int(TAIL_WIDTH * size))
    found = [side for side, (a, b) in (("left", (x0 - reach, x0)), ("right", (x1, x1 + reach)))
             if a >= 0 and b <= image.width and _tail_rows(image.crop((a, y0, b, y1)), fill, y1 - y0)]
    return found[0] if len(found) == 1 else None


def _tail_rows(strip: Image.Image, fill: tuple[int, int, int], height: int) -> bool:
    """A few rows, not the whole edge, hold the fill across a third of the strip."""
    near = distance_image(strip.convert("RGB"), fill).point(lambda v: 255 if v <= TAIL_FILL else 0)
    rows = sum(1 for n in row_profile(near) if n >= strip.width / 3)
    return 3 <= rows <= 0.5 * height
