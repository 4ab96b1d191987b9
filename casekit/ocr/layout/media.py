"""Photos, stickers, videos and voice messages: items of a chat that are not text.

A picture's pixels are never transcribed: an OCR engine reads strokes in a photo as characters
(a cat's whiskers become 川川). A solid region is a picture when it is colourful (many pixels far
from its own background, or no single background at its edges) and whatever text was read on it
covers little of it (or the engine is unsure of it, or it is junk: few letters among stroke-like marks); it is a video when that text is a play length (0:15); a sticker when it is a
small square picture standing on the page background (stickers have no frame); else a photo. A
bubble whose only text is a length in seconds (5″, 12") is a voice message; the sound-wave icon
beside the length comes back from an engine as a glyph or two (》, @, (@) and is allowed for.
"""

from __future__ import annotations

import re

from PIL import Image

from ..lines import OcrLine
from ..payment import is_transfer_card
from ..segment import Region, distance_image

LABELS = {"image": "[图片]", "sticker": "[表情]", "video": "[视频]", "voice": "[语音]"}
PICTURE_COLOURFUL = 0.3  # share of far-from-background pixels that makes a region a picture
TEXT_COVER = 0.2  # a picture's text (a caption inside a photo) covers at most this share of it
TEXT_SURE = 0.6  # mean line confidence under which text read on a colourful region is a photo's strokes
SURE_SHORT = 0.85  # ... and over which even a few characters are text
STICKER_SIDE = 0.32  # of the screen's size unit: stickers are smaller than photos usually are
VOICE_LENGTH = re.compile(r"(?<!\d)\d{1,2}\s*(?:[\"″”'’]{1,2}|秒)")
ICON_GLYPHS = 2  # characters an engine may read from a voice bubble's sound-wave icon
PLAY_LENGTH = re.compile(r"^\d{1,2}:\d{2}$")


def media_kind(image: Image.Image, region: Region, lines: list[OcrLine], page_bg: tuple[int, int, int],
               size: int) -> str | None:
    """What non-text item `region` is (a key of LABELS), or None when it is a text bubble."""
    texts = ["".join(ln.text.split()) for ln in lines]
    if texts and all(is_voice_text(t) for t in texts) and region.colourful < PICTURE_COLOURFUL:
        return "voice"
    if region.colourful < PICTURE_COLOURFUL or is_transfer_card(" ".join(texts), region.bg):
        return None  # a card's two colour bands look colourful: its amount makes it a card
    area = max(1, region.width * region.height)
    covered = sum(ln.box[2] * ln.box[3] for ln in lines) / area
    conf = sum(ln.conf for ln in lines) / len(lines) if lines else 0.0
    # short text the engine is sure of ('你是谁' in a green bubble beside a photo avatar) is text
    if covered > TEXT_COVER and conf >= TEXT_SURE and (conf >= SURE_SHORT or not picture_text(" ".join(texts))):
        return None
    if any(PLAY_LENGTH.match(t) for t in texts):
        return "video"
    w, h = region.width, region.height
    if max(w, h) <= STICKER_SIDE * size and 0.75 <= w / max(1, h) <= 1.34 and _unframed(image, region, page_bg):
        return "sticker"
    return "image"


def picture_text(text: str) -> bool:
    """What an engine reads in a photo: a few characters, or strings of stroke-like junk (|[]{}()/)."""
    compact = text.replace(" ", "")
    meaningful = sum(1 for ch in compact if ch.isalnum())
    return meaningful < 4 or meaningful < 0.5 * len(compact)


def is_voice_text(text: str) -> bool:
    """A voice bubble's reading: one length in seconds, plus at most the icon's junk glyphs."""
    compact = "".join(text.split())
    found = VOICE_LENGTH.findall(compact)
    if len(found) != 1:
        return False
    rest = compact.replace(found[0], "", 1)
    return len(rest) <= ICON_GLYPHS and not any(ch.isdigit() or ch.isascii() and ch.isalpha() for ch in rest)


def _unframed(image: Image.Image, region: Region, page_bg: tuple[int, int, int]) -> bool:
    """Most of the region's outermost ring is the page colour: a cut-out picture, not a photo."""
    x0, y0, x1, y1 = region.box
    ring = [image.crop(b) for b in ((x0, y0, x1, y0 + 2), (x0, y1 - 2, x1, y1), (x0, y0, x0 + 2, y1), (x1 - 2, y0, x1, y1))
            if b[2] > b[0] and b[3] > b[1]]
    near = total = 0
    for part in ring:
        hist = distance_image(part.convert("RGB"), page_bg).histogram()
        near += sum(hist[:12])
        total += sum(hist)
    return total > 0 and near > 0.5 * total
