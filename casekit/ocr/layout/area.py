"""The conversation area of a chat screenshot, and the chrome around it.

Everything outside the area is chrome, never a message: the phone's status bar and the chat's
title bar (above the header rule segment.py finds), the input bar (below the footer rule), an
action sheet slid over the bottom of the chat, a desktop client's window title bar, and the chat
list column beside the conversation pane (left of a vertical pane edge). The chat's title — the
contact or group name — is the tallest line of the title bar, centred on a phone, at the left of
a desktop window; lines of one row (a WeCom company tag beside the name) are one title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from PIL import Image, ImageChops

from ..lines import OcrLine
from ..pipeline import is_dimmed
from ..segment import Layout
from ..timelabels import is_time_label

Box = tuple[int, int, int, int]  # x0, y0, x1, y1

PANE_EDGE_SHARE = 0.9  # a pane edge: a column with a colour step in this share of the area's rows
EDGE_STEP = 6  # grey levels: the step across a pane edge (list #E6E6E6 vs chat #F5F5F5 is 15)


@dataclass
class Area:
    box: Box
    title: OcrLine | None = None
    chrome: list[OcrLine] = field(default_factory=list)

    def holds(self, line: OcrLine) -> bool:
        x, y, w, h = line.box
        cx, cy = x + w / 2, y + h / 2
        return self.box[0] <= cx < self.box[2] and self.box[1] <= cy < self.box[3]

    @property
    def width(self) -> int:
        return self.box[2] - self.box[0]


def find_area(image: Image.Image, cues: Layout, lines: list[OcrLine]) -> Area:
    """The area holding the conversation, its title and the chrome lines outside it."""
    W, H = cues.width, cues.height
    top, bottom = cues.header_bottom, min(cues.footer_top, sheet_top(cues))
    left = pane_edge(image, top, bottom) if cues.desktop or W > 0.9 * H else 0
    area = Area((left, top, W, bottom))
    area.chrome = [ln for ln in lines if not area.holds(ln) or _input_hint(ln, area)]
    area.title = _title(area, cues)
    return area


def sheet_top(cues: Layout) -> int:
    """Top of an action sheet (a full-width band over the bottom of a dimmed chat), else the
    image height: its rows (发送给朋友, 删除, 取消 …) are the app's menu, not the chat."""
    H = cues.height
    if not is_dimmed(cues.page_bg):  # an action sheet dims the chat behind it
        return H
    bands = [r for r in cues.regions if r.role == "banner" and r.box[3] >= H - 0.02 * H and r.box[1] > 0.3 * H]
    return min((r.box[1] for r in bands), default=H)


def pane_edge(image: Image.Image, top: int, bottom: int) -> int:
    """x of the rightmost vertical pane edge in the left half of a wide capture (a chat-list column
    or the window's own border beside the conversation), else 0: a column where the colour steps
    across it in nearly every row of the area."""
    W = image.width
    if bottom - top < 40:
        return 0
    grey = image.convert("L").crop((0, top, W // 2, bottom))
    step = ImageChops.difference(grey, grey.transform(grey.size, Image.AFFINE, (1, 0, 2, 0, 1, 0)))
    mask = step.point(lambda v: 255 if v > EDGE_STEP else 0)
    cols = list(mask.resize((mask.width, 1), Image.BOX).tobytes())
    edges = [x for x, v in enumerate(cols[:-3]) if v >= 255 * PANE_EDGE_SHARE]
    return edges[-1] + 3 if edges else 0


def _title(area: Area, cues: Layout) -> OcrLine | None:
    """The chat's name: the tallest line of the title bar (a row of boxes joined into one line)."""
    W = cues.width
    head = [ln for ln in area.chrome if ln.box[1] + ln.box[3] <= area.box[1] + 2 and ln.box[0] >= area.box[0] - 2]
    phone = cues.height / max(1, cues.width) > 1.5
    if phone:
        # a phone's title is the first centred line under the status bar (whose clock is centred
        # on an iPhone); a pinned notice bar below it is larger but is not the name
        head = [ln for ln in head if abs(ln.box[0] + ln.box[2] / 2 - W / 2) < 0.12 * W and not _status(ln.text)]
    if not head:
        return None
    best = (min(head, key=lambda ln: ln.box[1]) if phone
            else max(head, key=lambda ln: (ln.box[3], -ln.box[1])))
    row = sorted((ln for ln in head if _same_row(ln, best)), key=lambda ln: ln.box[0])
    if len(row) == 1:
        return best
    x0, y0 = min(ln.box[0] for ln in row), min(ln.box[1] for ln in row)
    x1 = max(ln.box[0] + ln.box[2] for ln in row)
    y1 = max(ln.box[1] + ln.box[3] for ln in row)
    return OcrLine("".join(ln.text for ln in row), (x0, y0, x1 - x0, y1 - y0), min(ln.conf for ln in row),
                   tuple(w for ln in row for w in ln.words))


# the grey placeholder in an empty input box: 请输入消息，按Enter键发送 (web chats), 说点什么… (live
# rooms), 发消息 / 发送消息 (Douyin, Kuaishou)
INPUT_HINT = re.compile(r"^(?:请?输入(?:消息|内容|文字)?[，,].*发送.*|说点什么.*|发消息\.*|发送消息\.*)$")


def _input_hint(line: OcrLine, area: Area) -> bool:
    """An input box's placeholder in the lower part of the area: the app's, never a message."""
    x, y, w, h = line.box
    low = y + h / 2 > area.box[1] + 0.6 * (area.box[3] - area.box[1])
    return low and bool(INPUT_HINT.match("".join(line.text.split()).rstrip("…")))


def _status(text: str) -> bool:
    """A status-bar reading: the clock, the battery share, a carrier or signal glyphs."""
    compact = "".join(text.split())
    return is_time_label(compact) or not any(ch.isalpha() for ch in compact) or compact.endswith("%")


def _same_row(a: OcrLine, b: OcrLine) -> bool:
    top, bottom = max(a.box[1], b.box[1]), min(a.box[1] + a.box[3], b.box[1] + b.box[3])
    return bottom - top > 0.5 * min(a.box[3], b.box[3])
