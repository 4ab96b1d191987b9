"""List-style chat records: WeChat's forwarded 聊天记录 view, a chat history exported as one long
image, a 客服 history page. No bubbles and no 'me' side: rows of avatar, a nickname with the
message time at the right of the same row, and the text below the nickname, flush with it.

Found from the OCR lines alone: at least two rows that end in a clock time, starting at one text
column, each followed by lines flush with that column. The rows become nickname + row_time regions
and the lines below them one message each, so the chat assembly reads them as it reads bubbles.
"""

from __future__ import annotations

import re

from PIL import Image

from ..lines import OcrLine
from ..segment import Layout, Region
from ..text import clean, join_lines
from ..timelabels import is_time_label
from .area import find_area
from .regions import line_words, title_region

# the row's clock; its period word may come back with its second glyph misread (下年7:00)
CLOCK_TAIL = re.compile(r"((?:[上下晚凌中早昨][^\d\s]\s*)?\d{1,2}\s*[:：]\s*\d{2})\s*$")
PERIODS = {w[0]: w for w in ("上午", "下午", "晚上", "凌晨", "中午", "早上", "昨天")}
COLUMN = 0.03  # of the width: lines of one text column start within this of each other
HEAD_LEFT = 0.03  # of the width: a row's nickname starts right of this (a workbench's list has no avatars)


# a full date-time at the row's end (千牛 and other 客服 workbenches: 2025-4-3 20:19:57); an engine may
# drop the space, gluing the day to the hour (2025-4-320:19:57): the hour is the two digits (or one)
# before the colon, the day what is left
DATE_TIME_TAIL = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2}?)\s*(\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)\s*$")


def _date_time(text: str) -> tuple[int, str] | None:
    """(where the date-time starts, its normal form 2025-4-3 20:19:57) at the end of `text`, else None."""
    match = DATE_TIME_TAIL.search(text)
    if not match or not 1 <= int(match.group(3)) <= 31:
        return None
    y, mo, d, hms = match.groups()
    return match.start(), f"{y}-{mo}-{d} {hms.replace('：', ':')}"


def _head(line: OcrLine) -> tuple[str, str] | None:
    """(nickname, clock) of a row that is a nickname with the time at its end, else None."""
    dated = _date_time(line.text)
    if dated is not None:
        name = line.text[:dated[0]].strip()
        return (name, dated[1]) if name and not is_time_label(name) else None
    match = CLOCK_TAIL.search(line.text)
    if not match:
        return None
    name = line.text[:match.start()].strip()
    clock = match.group(1).replace("：", ":").replace(" ", "")
    if not clock[0].isdigit():  # the period word by its first glyph, the one misread least
        clock = PERIODS[clock[0]] + clock[2:]
    return (name, clock) if name and not is_time_label(name) else None


def _joined_rows(lines: list[OcrLine], W: int) -> list[OcrLine]:
    """A time read as its own box at the right of a nickname's row joins that row (engines that
    give one box per text run)."""
    ordered = sorted(lines, key=lambda ln: (ln.box[1], ln.box[0]))
    # a clock alone sits at the right of its row; a full date-time may follow the name closely
    clocks = [ln for ln in ordered if (CLOCK_TAIL.fullmatch(ln.text.strip()) and ln.box[0] > W / 2)
              or (dated := _date_time(ln.text)) is not None and dated[0] == 0]
    out = [ln for ln in ordered if not any(ln is c for c in clocks)]
    for clock in clocks:
        row = [i for i, ln in enumerate(out) if ln.box[0] < clock.box[0] and _overlap(ln, clock) > 0.4 * min(ln.box[3], clock.box[3])]
        if row:
            i = row[0]
            prev = out[i]
            out[i] = OcrLine(f"{prev.text} {clock.text}", prev.box, min(prev.conf, clock.conf), prev.words + clock.words)
        else:
            out.append(clock)
    return sorted(out, key=lambda ln: (ln.box[1], ln.box[0]))


def _overlap(a: OcrLine, b: OcrLine) -> int:
    return min(a.box[1] + a.box[3], b.box[1] + b.box[3]) - max(a.box[1], b.box[1])


def read_list(image: Image.Image, cues: Layout, lines: list[OcrLine]) -> Layout | None:
    """The chat-record list as a Layout of nickname, time and message regions, or None when the
    lines are not such a list."""
    W = cues.width
    area = find_area(image, cues, lines)
    inside = _joined_rows([ln for ln in lines if area.holds(ln) and ln.text.strip()], W)
    heads = [(i, h) for i, ln in enumerate(inside) if (h := _head(ln)) and ln.box[0] > HEAD_LEFT * W]
    if len(heads) < 2:
        return None
    column = sorted(inside[i].box[0] for i, _ in heads)[len(heads) // 2]
    if sum(abs(inside[i].box[0] - column) < COLUMN * W for i, _ in heads) < 2:
        return None
    regions: list[Region] = []
    head_at = dict(heads)
    body: list[OcrLine] = []

    def flush() -> None:
        if body:
            regions.append(_text_region(body))
            body.clear()

    for i, ln in enumerate(inside):
        if i in head_at and abs(ln.box[0] - column) < COLUMN * W:
            flush()
            name, clock = head_at[i]
            x, y, w, h = ln.box
            regions.append(Region((x + w - 1, y, x + w, y + h), "row_time", side="right", text=clock, lines=[clock]))
            regions.append(Region((x, y, x + w, y + h), "nickname", side="left", text=name, lines=[name],
                                  conf=ln.conf * 100.0, words=line_words([ln])))
        elif abs(ln.box[0] - column) < COLUMN * W and regions:
            body.append(ln)
        elif is_time_label(ln.text):
            flush()
            x, y, w, h = ln.box
            regions.append(Region((x, y, x + w, y + h), "centre", text=ln.text, lines=[ln.text]))
        else:
            flush()  # a watermark, an emoji-only row: not part of a message
    flush()
    if not any(r.role == "line" and r.side == "left" for r in regions):
        return None
    return Layout(cues.width, cues.height, cues.page_bg, cues.dark, area.box[1], area.box[3], regions,
                  title_region(area), cues.size_w, cues.desktop)


def _text_region(lines: list[OcrLine]) -> Region:
    x0 = min(ln.box[0] for ln in lines)
    y0 = min(ln.box[1] for ln in lines)
    x1 = max(ln.box[0] + ln.box[2] for ln in lines)
    y1 = max(ln.box[1] + ln.box[3] for ln in lines)
    texts = [ln.text for ln in lines]
    return Region((x0, y0, x1, y1), "line", side="left", text=clean(join_lines(texts)), lines=texts,
                  conf=100.0 * sum(ln.conf for ln in lines) / len(lines), words=line_words(lines))
