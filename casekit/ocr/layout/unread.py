"""Short bubbles a text detector missed: a reply of one or two characters ("1", "好", "嗯") is a
small bubble beside its sender's avatar, and PP-OCR's detector often finds no text line in it.
Those replies matter (an agreement, a menu choice), so such a bubble is read by the recogniser alone;
so is a group nickname the colour cues found above a bubble and the detector did not (a single "Q"),
and a centred line the cues found with no detected text in it (a small grey time label, 昨天 3:59).

A bubble is read again when the colour cues found it, no detected line lies in it, it is one text
row tall, level with an avatar just beside it, evenly filled in a colour other than the page's (a
photo is not), and it holds some ink.
"""

from __future__ import annotations

from PIL import Image

from ..lines import OcrLine
from ..segment import Layout, Region, distance_image, dominant_colour
from .blocks import distance
from .regions import AVATAR_REACH, centre_in

ROW_MIN, ROW_MAX = 0.03, 0.12  # of the size unit: a one-row bubble's height
EVEN_FILL = 0.6  # share of the bubble's inside in its own fill colour
PAGE_STEP = 12  # max channel levels between the bubble's fill and the page
INK = 0.01  # share of the inside that differs from the fill: a bubble with something in it
LABEL_MAX = 0.1  # of the size unit: a nickname's or a centred time label's height at most
AVATAR_LEVEL = 0.08  # of the size unit: the avatar's top may sit this far above (a group nickname)


def square_bubbles(cues: Layout) -> None:
    """A one-character reply's bubble is as square as an avatar: of two "avatars" level and side by
    side, the one away from the edge is a bubble (its role becomes `line`, as for small bubbles)."""
    size = cues.size_w or cues.width
    avatars = [r for r in cues.regions if r.role == "avatar"]
    for r in avatars:
        for a in avatars:
            level = abs(r.box[1] - a.box[1]) < AVATAR_LEVEL * size
            outside = (0 <= a.box[0] - r.box[2] < AVATAR_REACH * size if r.side == "right"
                       else 0 <= r.box[0] - a.box[2] < AVATAR_REACH * size)
            if a is not r and level and outside:
                r.role = "line"
                break


def unread_bubbles(image: Image.Image, cues: Layout, lines: list[OcrLine]) -> list[tuple[int, int, int, int]]:
    """Inner boxes (x0, y0, x1, y1) of the bubbles worth a recogniser-only reading."""
    size = cues.size_w or cues.width
    avatars = [r for r in cues.regions if r.role == "avatar"]
    out = []
    for r in cues.regions:
        if r.role in ("nickname", "centre") and r.height <= LABEL_MAX * size and not any(centre_in(ln, r) for ln in lines):
            out.append(_padded(r.box, image.size))  # a one-letter group nickname ("Q"), a faint time label
            continue
        if r.role not in ("bubble", "line") or r.side not in ("left", "right"):
            continue
        if not ROW_MIN * size <= r.height <= ROW_MAX * size or r.width < ROW_MIN * size:
            continue
        if any(centre_in(ln, r) for ln in lines) or not _beside_avatar(r, avatars, size):
            continue
        inner = _inset(r)
        if inner is not None and _plain_bubble(image.crop(inner), cues.page_bg):
            out.append(_text_box(image, inner))
    return out


def _text_box(image: Image.Image, inner: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """The ink inside the bubble with a margin of a third of its height, as a recogniser wants a
    line cut (a glyph lost in a tall, empty crop is read as nothing)."""
    inside = image.crop(inner)
    ink = distance_image(inside, dominant_colour(inside)).point(lambda v: 255 if v >= 48 else 0).getbbox()
    if ink is None:
        return inner
    pad = max(2, (ink[3] - ink[1]) // 3)
    x0, y0, x1, y1 = inner
    return (max(x0, x0 + ink[0] - pad), max(y0, y0 + ink[1] - pad), min(x1, x0 + ink[2] + pad), min(y1, y0 + ink[3] + pad))


def _padded(box: tuple[int, int, int, int], size: tuple[int, int]) -> tuple[int, int, int, int]:
    """A text cue's box with a small margin (the cues' box is the ink's: a recogniser wants a
    little page around it, and no more, or it reads the page's edge as a stop)."""
    x0, y0, x1, y1 = box
    pad = max(2, (y1 - y0) // 8)
    return (max(0, x0 - pad), max(0, y0 - pad), min(size[0], x1 + pad), min(size[1], y1 + pad))


def _beside_avatar(r: Region, avatars: list[Region], size: int) -> bool:
    for a in avatars:
        level = -AVATAR_LEVEL * size <= r.box[1] - a.box[1] <= AVATAR_LEVEL * size
        beside = 0 <= r.box[0] - a.box[2] < AVATAR_REACH * size or 0 <= a.box[0] - r.box[2] < AVATAR_REACH * size
        if level and beside:
            return True
    return False


def _inset(r: Region) -> tuple[int, int, int, int] | None:
    """The bubble without its rounded corners and the tail beside it."""
    x0, y0, x1, y1 = r.box
    dx, dy = max(2, (x1 - x0) // 10), max(2, (y1 - y0) // 10)
    box = (x0 + dx, y0 + dy, x1 - dx, y1 - dy)
    return box if box[2] - box[0] >= 8 and box[3] - box[1] >= 8 else None


def _plain_bubble(inside: Image.Image, page_bg: tuple[int, int, int]) -> bool:
    fill = dominant_colour(inside)
    if distance(fill, page_bg) <= PAGE_STEP:
        return False
    hist = distance_image(inside, fill).histogram()
    total = max(1, sum(hist))
    return sum(hist[:12]) >= EVEN_FILL * total and sum(hist[48:]) >= INK * total
