"""The chat layout model: OCR line boxes (from either engine) plus cheap image cues into the
regions of a conversation.

    cues (segment.py)  → page colour, header/footer rules, solid regions, avatars
    lines (engine)     → text boxes with confidences
    area.py            → the conversation area; status/title/input bars, window chrome, chat list out
    blocks.py          → lines into bubbles (solid region, or the same fill around the lines)
    media.py           → photos, stickers, videos, voice: items, never text
    listview.py        → list-style chat records (nickname + time rows, no bubbles)
    regions.py         → Region records for the chat assembly (importers/screenshots.py)

The result is a segment.Layout whose regions are in reading order, so everything that consumes a
chat reading (message assembly, entities, the web page's boxes) is unchanged.
"""

from __future__ import annotations

import re

from PIL import Image

from ..lines import OcrLine
from ..segment import Layout, Region, dominant_colour
from ..timelabels import is_time_label
from .area import Area, find_area
from .blocks import Block, group
from .listview import read_list
from .media import is_voice_text, media_kind
from .quotes import split_quote
from .regions import centre_in, fill_text, side_of, tail_side, title_region

__all__ = ["chat_layout", "read_list"]

CONTAINER_ROLES = ("bubble", "centre", "quote")
# a read receipt under my bubble (钉钉 全部已读, 2人未读, 已送达): the app's status, not a message
READ_RECEIPT = re.compile(r"^(?:全部已读|已读|未读|\d+人(?:已读|未读)|已送达|送达)$")


def chat_layout(image: Image.Image, cues: Layout, lines: list[OcrLine]) -> Layout:
    """The conversation of a chat screenshot as regions in reading order (see the module docstring)."""
    area = find_area(image, cues, lines)
    size = cues.size_w or cues.width
    avatars = [r for r in cues.regions if r.role == "avatar"]
    # text drawn on an avatar (a group's initials, 'NLP') is a picture, not a message
    chrome = {id(ln) for ln in area.chrome}
    inside = [ln for ln in lines if ln.text.strip() and area.holds(ln) and id(ln) not in chrome
              and not any(centre_in(ln, a) for a in avatars)]
    for r in cues.regions:  # a bubble as wide as the screen (a long message) is cut out as a banner
        if r.role == "banner" and _within(r, area, wide=True) and tail_side(image, r.box, r.bg, cues.page_bg, size):
            r.role = "bubble"
    # a quote-reply chip may be a faint one (not filled): its lines are still context, not a message
    containers = [r for r in cues.regions if (r.filled or r.role == "quote") and r.role in CONTAINER_ROLES
                  and _within(r, area, wide=r.width >= 0.92 * area.width)]
    page = _page_colour(image, area, cues)
    blocks = group(image, inside, containers, page)
    regions: list[Region] = []
    used: set[int] = set()
    for block in blocks:
        if block.container is not None:
            used.add(id(block.container))
            quoted = split_quote(image, block.container, block.lines, size)
            if quoted:  # a quote-reply at the top of the bubble (QQ): context, then the reply
                ordered = sorted(block.lines, key=lambda ln: ln.box[1])
                regions.append(_quote(ordered[:quoted], block.container))
                block = Block(ordered[quoted:], block.fill, block.container, block.extra)
            spoken = _voice_head(block)
            if spoken is not None:  # a voice message with its speech-to-text in the same bubble
                regions.append(_media(spoken, "voice", area, avatars, size))
                block = Block(sorted(block.lines, key=lambda ln: ln.box[1])[1:], block.fill, block.container, block.extra)
        regions.append(_region(image, block, area, avatars, size, cues))
    for r in containers:
        if id(r) not in used and r.role == "bubble" and not _avatar_like(r, area, regions, size):
            kind = media_kind(image, r, [], cues.page_bg, size)
            if kind is not None:
                regions.append(_media(r, kind, area, avatars, size))
    regions.sort(key=lambda r: (r.box[1], r.box[0]))
    # a picture taken for a photo that is an avatar the cues sized wrong (a desktop client's 72 px
    # avatar in a short capture is over the cues' avatar size): an avatar, not an item
    for r in regions:
        if r.media in ("image", "sticker") and _avatar_like(r, area, [b for b in regions if b is not r and not b.media], size):
            r.role, r.media = "avatar", None
    # a picture avatar the cues missed, read as a glyph or two ('亲'): not a message
    regions = [r for r in regions if not (r.role == "line" and len(r.text.replace(" ", "")) <= 2
                                          and _avatar_like(r, area, [b for b in regions if b is not r], size))]
    _transcripts(regions)
    _mark_nicknames(regions, size)
    regions = [r for r in regions if not (r.role == "line" and READ_RECEIPT.match("".join(r.text.split())))]
    return Layout(cues.width, cues.height, cues.page_bg, cues.dark, area.box[1], area.box[3], regions,
                  title_region(area), cues.size_w, cues.desktop)


def _page_colour(image: Image.Image, area: Area, cues: Layout):
    """The conversation pane's own background: beside a chat-list column the image's margins are
    the list's colour, not the pane's."""
    if area.box[0] == 0:
        return cues.page_bg
    x0, y0, x1, y1 = area.box
    strip = max(2, int(0.012 * (x1 - x0)))
    edges = Image.new("RGB", (strip * 2, max(1, y1 - y0)))
    edges.paste(image.crop((x0 + 2, y0, x0 + 2 + strip, y1)), (0, 0))
    edges.paste(image.crop((x1 - strip, y0, x1, y1)), (strip, 0))
    return dominant_colour(edges)


def _avatar_like(r: Region, area: Area, regions: list[Region], size: int) -> bool:
    """A picture that is an avatar the colour cues sized wrong: square, at the edge of the area,
    level with the top of a message (or its sender's name) just beside it."""
    w, h = r.width, r.height
    edge = r.box[0] - area.box[0] < 0.06 * area.width or area.box[2] - r.box[2] < 0.06 * area.width
    if not edge or not 0.8 <= w / max(1, h) <= 1.25 or w > 0.3 * size:
        return False
    for b in regions:
        level = abs(b.box[1] - r.box[1]) < 0.6 * h
        beside = 0 <= b.box[0] - r.box[2] < 0.1 * size or 0 <= r.box[0] - b.box[2] < 0.1 * size
        if level and beside:
            return True
    return False


def _within(r: Region, area: Area, wide: bool = False) -> bool:
    """A solid region of the conversation (not a bar, not the whole pane; `wide`: as wide as the
    pane but for margins on both sides)."""
    x0, y0, x1, y1 = r.box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    inside = area.box[0] <= cx < area.box[2] and area.box[1] <= cy < area.box[3]
    if wide:
        return inside and x0 - area.box[0] > 0.01 * area.width and area.box[2] - x1 > 0.01 * area.width
    return inside and (x1 - x0) < 0.92 * area.width


def _region(image: Image.Image, block: Block, area: Area, avatars: list[Region], size: int, cues: Layout) -> Region:
    box = block.box
    fill = block.container.bg if block.container is not None else block.fill
    side = side_of(box, area, avatars, size, lambda: tail_side(image, box, fill, cues.page_bg, size))
    if block.container is not None:
        c = block.container
        kind = media_kind(image, c, block.lines, cues.page_bg, size)
        if kind is not None:
            return _media(c, kind, area, avatars, size)
        role = c.role if c.role != "bubble" or side != "centre" else "centre"
        region = Region(c.box, role, side=side, filled=True, bg=c.bg, colourful=c.colourful)
        return fill_text(region, _without_buttons(block.lines, c.box))
    text = " ".join(ln.text for ln in block.lines)
    if block.fill is not None:
        region = Region(box, "bubble", side=side, filled=False, bg=block.fill)
        if is_voice_text(text):
            region.media = "voice"
        return fill_text(region, block.lines)
    role = "centre" if side == "centre" else "line"
    region = Region(box, role, side=side, bg=cues.page_bg)
    if role == "line" and is_time_label(text) and len(block.lines) == 1:
        region.side = side
    return fill_text(region, block.lines)


def _voice_head(block: Block) -> Region | None:
    """The voice part of a bubble whose first line is a length in seconds and whose other lines are
    its speech-to-text (WeChat's 转文字), as a region over that first line's rows; else None."""
    if len(block.lines) < 2 or block.container is None:
        return None
    ordered = sorted(block.lines, key=lambda ln: ln.box[1])
    first = ordered[0]
    if not is_voice_text(first.text) or ordered[1].box[1] < first.box[1] + first.box[3] / 2:
        return None
    c = block.container
    bottom = min(c.box[3], (first.box[1] + first.box[3] + ordered[1].box[1]) // 2)
    return Region((c.box[0], c.box[1], c.box[2], bottom), "bubble", side=c.side, filled=True, bg=c.bg)


def _transcripts(regions: list[Region]) -> None:
    """A chip right under a voice message, on its side, is the message's speech-to-text (WeChat shows
    转文字 there): a message of that speaker, not a quote of an earlier one."""
    for i, r in enumerate(regions):
        if r.role != "quote" or not r.text:
            continue
        over = [b for b in regions[:i] if b.box[3] <= r.box[1] + 2 and b.role == "bubble"]
        above = max(over, key=lambda b: b.box[3], default=None)
        if above is not None and above.media == "voice" and above.side == r.side:
            r.role = "bubble"


def _quote(lines: list[OcrLine], container: Region) -> Region:
    """The quoted part of a bubble as a quote region (the chat assembly keeps it as context only)."""
    x0 = min(ln.box[0] for ln in lines)
    y0 = min(ln.box[1] for ln in lines)
    y1 = max(ln.box[1] + ln.box[3] for ln in lines)
    box = (min(x0, container.box[0]), max(y0, container.box[1]), container.box[2], min(y1, container.box[3]))
    return fill_text(Region(box, "quote", filled=True, bg=container.bg), lines)


def _without_buttons(lines: list[OcrLine], box: tuple[int, int, int, int]) -> list[OcrLine]:
    """A card's button bar (钉钉 收到 | 回复) is the app's, not the message: its bottom row holds
    two or more short labels, each centred in its equal share of the card's width."""
    if len(lines) < 3:
        return lines
    last = max(lines, key=lambda ln: ln.box[1])
    row = sorted((ln for ln in lines if ln.box[1] < last.box[1] + last.box[3] / 2
                  and ln.box[1] + ln.box[3] > last.box[1] + last.box[3] / 2), key=lambda ln: ln.box[0])
    x0, _, x1, _ = box
    share = (x1 - x0) / max(1, len(row))
    buttons = len(row) >= 2 and len(row) < len(lines) and all(
        len("".join(ln.text.split())) <= 4
        and abs(ln.box[0] + ln.box[2] / 2 - (x0 + share * (k + 0.5))) < 0.1 * (x1 - x0)
        for k, ln in enumerate(row))
    return [ln for ln in lines if not any(ln is b for b in row)] if buttons else lines


def _media(r: Region, kind: str, area: Area, avatars: list[Region], size: int) -> Region:
    return Region(r.box, "bubble", side=side_of(r.box, area, avatars, size), filled=True, bg=r.bg,
                  colourful=r.colourful, media=kind)


def _line_height(r: Region) -> float:
    heights = sorted(w.src[3] for w in r.words if w.src)
    return heights[len(heights) // 2] if heights else float(r.height)


def _mark_nicknames(regions: list[Region], size: int) -> None:
    """A one-line text on the page right above a side bubble, flush with its outer edge and in
    smaller type, is the sender's group nickname."""
    for i, r in enumerate(regions):
        if r.role != "line" or len(r.lines) != 1 or is_time_label(r.text):
            continue
        # a detector's box is padded: a name's box may reach a few pixels into the bubble below
        below = [b for b in regions[i + 1:i + 4] if b.role == "bubble" and -0.5 * r.height <= b.box[1] - r.box[3] < 0.05 * size]
        if not below:
            continue
        b = below[0]
        flush = abs(b.box[0] - r.box[0]) < 0.06 * size if b.side == "left" else abs(b.box[2] - r.box[2]) < 0.06 * size
        if flush and b.side in ("left", "right") and (b.media or r.height <= 1.5 * _line_height(b)):
            r.role, r.side = "nickname", b.side
            for tag in regions[max(0, i - 2):i] + regions[i + 1:i + 3]:  # a badge on the name's row (机器人, 群主, a company tag)
                chip = tag.role == "bubble" and not tag.media and tag.height <= 1.3 * r.height
                # a chip is one row by its height, however many lines an engine cut its text into
                if ((tag.role == "line" and len(tag.lines) == 1) or chip) and abs(tag.box[1] - r.box[1]) < 0.5 * r.height:
                    tag.role = "tag"
