"""A quote-reply drawn inside a bubble (QQ): the quoted sender and text at the top of the bubble,
set off by a thin vertical bar at their left, then the reply itself. The quoted lines repeat an
earlier message: they are context, never the message's own text.

The bar is the cue, whatever the app's colours: a strip a few pixels wide, left of the top lines of
the bubble, that differs from the bubble's fill in nearly every row beside those lines and in
almost none beside the lines below them.
"""

from __future__ import annotations

from PIL import Image

from ..lines import OcrLine
from ..segment import Region, col_profile, distance_image, row_profile

BAR_CONTRAST = 8  # levels (in any channel) between the bar and the bubble's fill
BAR_ROWS = 0.9  # share of the quoted rows the bar covers
BAR_MAX_W = 6  # px at 1080: the bar is a rule, not a picture or a glyph's stem
LATER_ROWS = 0.2  # at most this share of the reply's rows has ink in the bar's columns


def split_quote(image: Image.Image, container: Region, lines: list[OcrLine], size: int) -> int:
    """How many of `lines` (top to bottom) are a quote inside `container`, 0 when none is."""
    if len(lines) < 2 or container.bg is None:
        return 0
    ordered = sorted(lines, key=lambda ln: ln.box[1])
    x0, y0, x1, y1 = container.box
    fill = container.bg
    for count in range(len(ordered) - 1, 0, -1):
        quoted, reply = ordered[:count], ordered[count:]
        left = min(ln.box[0] for ln in quoted)
        if left <= x0 + 2:
            continue
        top, bottom = min(ln.box[1] for ln in quoted), max(ln.box[1] + ln.box[3] for ln in quoted)
        later_top, later_bottom = min(ln.box[1] for ln in reply), min(y1, max(ln.box[1] + ln.box[3] for ln in reply))
        if later_top < bottom:
            continue
        columns = _bar_columns(image, (x0 + 2, top, left, bottom), fill)
        if not columns or len(columns) > max(2, BAR_MAX_W * size / 1080):
            continue
        later = image.crop((min(columns), later_top, max(columns) + 1, later_bottom))
        if _ink_share(later, fill) <= LATER_ROWS:
            return count
    return 0


def _bar_columns(image: Image.Image, box: tuple[int, int, int, int], fill: tuple[int, int, int]) -> list[int]:
    """x of the columns of `box` that differ from `fill` in BAR_ROWS of its rows, when they are one run."""
    x0, y0, x1, y1 = box
    if x1 - x0 < 1 or y1 - y0 < 4:
        return []
    counts = col_profile(_off_fill(image.crop(box), fill))
    hits = [x for x, n in enumerate(counts) if n >= BAR_ROWS * (y1 - y0)]
    if not hits or hits[-1] - hits[0] + 1 != len(hits):
        return []
    return [x0 + x for x in hits]


def _ink_share(part: Image.Image, fill: tuple[int, int, int]) -> float:
    """Share of `part`'s rows with any pixel off the fill."""
    if part.height == 0:
        return 0.0
    return sum(1 for n in row_profile(_off_fill(part, fill)) if n) / part.height


def _off_fill(part: Image.Image, fill: tuple[int, int, int]) -> Image.Image:
    """The pixels of `part` at least BAR_CONTRAST levels (in any channel) from `fill`, as a mask."""
    return distance_image(part.convert("RGB"), fill).point(lambda v: 255 if v >= BAR_CONTRAST else 0)
