"""Exhibit pages and the appendix drawn straight into the packet's PDF, without WeasyPrint.

An exhibit page is always the same few things — the running header, the heading, four metadata
lines between two rules, one image of known printed size, "识别内容" and the transcript (a payment
table and lines) — laid out as `templates/zh-CN/_exhibit.html` and `packet.css` lay them out (the
same sizes, margins, line heights, colours and page breaks: an exhibit begins on a new page, the
figure and a table are never split, paragraphs keep two lines on either side of a break, a heading
stays with what follows). WeasyPrint spent ≈ 40–50 ms of CPU laying out such a page; drawing it
here costs well under a millisecond, and the page count of every exhibit is known before anything
is rendered.

`layout(ex, case_id, faces)` gives an exhibit's pages as drawing operations, `layout_appendix`
the appendix's (`_appendix.html`: its heading, a paragraph, a key-value table, one row an exhibit
with the header row on every page), `page_stream` the content stream of a page, `image_xobject`
the print copy as a PDF image (a palette PNG's own IDAT data, a JPEG's own bytes). Text is set in
the packet's font cut with its kerning (`pdffont.py`), so lines break where WeasyPrint breaks
them. `joining.join` adds the pages to the packet. An exhibit is drawn only when `drawable` says
so (the packaged templates, the packet's font cut, every character in that font); the others are
rendered by WeasyPrint as before.
"""

from __future__ import annotations

import html
import re
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf

from .pdffont import PdfFont

PT = 72 / 25.4                       # points per mm
PAGE_W, PAGE_H = 210 * PT, 297 * PT  # A4
MARGIN_X, MARGIN_Y = 16 * PT, 20 * PT  # @page margin: 20mm 16mm
BODY = 6.0                           # the body's 8 px margin (left and right; truncated at a page top)
LEFT = MARGIN_X + BODY
WIDTH = PAGE_W - 2 * LEFT
TOP, BOTTOM = MARGIN_Y, PAGE_H - MARGIN_Y

TEXT = (0.0667, 0.0667, 0.0667)      # #111
MUTED = (0.3333, 0.3333, 0.3333)     # #555
RULE = (0.4667, 0.4667, 0.4667)      # #777
FRAME = (0.6, 0.6, 0.6)              # #999 (the figure's border)
BAR = (0.8, 0.8, 0.8667)             # #ccd (the transcript's left border)
HEAD_BG = (0.9255, 0.9373, 0.9529)   # #eceff3

# transcript table columns (_exhibit.html), the fourth takes what the others leave
TABLE_COLS = (0.14, 0.08, 0.10, None, 0.14, 0.18, 0.09)
TABLE_HEAD = ("时间", "收/支", "金额", "对方", "账户", "订单号", "状态")

_OWN_TEMPLATES = ("_exhibit.html", "_appendix.html", "d4_evidence.html", "d5_timeline.html", "chunk.html",
                  "packet.html", "base.html", "packet.css")

# no line begins with these, none ends with those (simple kinsoku)
_NO_START = set("，。、：；！？）」』】〉》”’,.;:!?)]}%·…—～")
_NO_END = set("（「『【〈《“‘([{")


@dataclass
class Faces:
    regular: PdfFont
    bold: PdfFont

    def covers(self, text: str) -> bool:
        return self.regular.covers(text) and self.bold.covers(text)


@dataclass
class Page:
    ops: list[tuple] = field(default_factory=list)


def case_overrides_exhibits(case_root: Path) -> bool:
    """Whether the case has its own exhibit template or stylesheet (then WeasyPrint renders them)."""
    folder = Path(case_root) / "templates" / "zh-CN"
    return any((folder / name).exists() for name in _OWN_TEMPLATES)


def exhibit_texts(ex: dict[str, Any]) -> list[str]:
    """Every string an exhibit page shows (for the font cut and `drawable`)."""
    t = ex["transcript"]
    texts = ["案件编号 ", f"{ex['label']}　{ex['title']}", *_meta(ex), "识别内容", str(t.get("note") or ""),
             *map(str, t.get("lines", []))]
    if ex.get("image_missing") and not (ex.get("image") or ex.get("print_src")):
        texts.append(_missing(ex))
    if t.get("rows"):
        texts += TABLE_HEAD
        for row in t["rows"]:
            texts += [str(row[k]) for k in ("time", "direction", "amount", "counterparty", "account", "order_id",
                                            "status")]
            if row.get("memo"):
                texts.append(f"备注：{row['memo']}")
    return texts


def _meta(ex: dict[str, Any]) -> list[str]:
    return [f"证据形式：{ex['form']}　证据编号：{ex['id']}　截取时间：{ex['captured']}　导入时间：{ex['added']}",
            f"来源：{ex['source']}", f"证明目的：{ex['purpose']}", f"SHA-256：{ex['sha256']}"]


def _missing(ex: dict[str, Any]) -> str:
    return f"（图片无法解码显示；原件以原始字节保存于 {ex['stored']}，哈希见上。）"


def drawable(ex: dict[str, Any], faces: Faces | None) -> bool:
    return faces is not None and faces.covers(css_text("".join(exhibit_texts(ex))))


# -- lines ----------------------------------------------------------------------------------------

_COLLAPSED = re.compile(r"[ \t\n\r\f]+")


def css_text(text: str) -> str:
    """Text as `white-space: normal` shows it: runs of spaces, tabs and line breaks one space, none
    at either end (an ideographic space is not white space to CSS and stays)."""
    return _COLLAPSED.sub(" ", text).strip(" ")


def _cjk(ch: str) -> bool:
    return ord(ch) > 0x2E7F


def wrap(text: str, font: PdfFont, size: float, width: float, anywhere: bool = False) -> list[str]:
    """Greedy line breaking as Pango breaks for WeasyPrint: between CJK characters, after spaces,
    after a hyphen before a letter and after a slash before anything but a digit or a slash (UAX #14
    HY and SY), kinsoku kept; anywhere in a word too long for a line (`overflow-wrap: anywhere`),
    anywhere at all with `anywhere` (`word-break: break-all`). Spaces at a break are dropped."""
    text = css_text(text)
    if not text:
        return [""]
    return [text[a:b] for a, b in _break(text, font.advances(text, size), width, anywhere)]


@dataclass(frozen=True)
class Style:
    """How a run of a paragraph is set: size, face ("R"/"B"), colour, and an inline background."""

    size: float = 10.5
    face: str = "R"
    colour: tuple[float, float, float] = TEXT
    shade: tuple[float, float, float] | None = None


def wrap_runs(runs: list[tuple[str, Style]], faces: Faces, width: float) -> list[list[tuple[str, Style]]]:
    """`wrap` for text in runs of several styles: each line as its (text, style) runs."""
    runs = [(_COLLAPSED.sub(" ", text), style) for text, style in runs]  # white space as CSS collapses it
    if runs:
        runs[0] = (runs[0][0].lstrip(" "), runs[0][1])
        runs[-1] = (runs[-1][0].rstrip(" "), runs[-1][1])
    text, styles, widths = "", [], []
    for run, style in runs:
        text += run
        styles += [style] * len(run)
        widths += (faces.bold if style.face == "B" else faces.regular).advances(run, style.size)
    lines = []
    for a, b in _break(text, widths, width, False):
        line: list[tuple[str, Style]] = []
        for k in range(a, b):
            if line and line[-1][1] == styles[k]:
                line[-1] = (line[-1][0] + text[k], styles[k])
            else:
                line.append((text[k], styles[k]))
        lines.append(line)
    return lines


def _break(text: str, widths: list[float], width: float, anywhere: bool) -> list[tuple[int, int]]:
    """(start, end) of each line of `text` whose characters are `widths` wide (see `wrap`)."""
    spans: list[tuple[int, int]] = []
    start, used, last_break = 0, 0.0, -1
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        prev = text[i - 1] if i > start else ""
        if prev and (anywhere or ch == " " or _cjk(ch) or _cjk(prev) or prev == " "
                     or (prev == "-" and ch.isalpha()) or (prev == "/" and ch not in "/" and not ch.isdigit())) \
                and ch not in _NO_START and prev not in _NO_END:
            last_break = i
        if used + widths[i] > width + 1e-9 and i > start:
            cut = last_break if last_break > start else i
            end = cut
            while end > start and text[end - 1] == " ":
                end -= 1
            spans.append((start, end))
            while cut < n and text[cut] == " ":
                cut += 1
            start, used, last_break = cut, 0.0, -1
            i = start
            continue
        used += widths[i]
        i += 1
    end = n
    while end > start and text[end - 1] == " ":
        end -= 1
    spans.append((start, end))
    return spans


def baseline(top: float, size: float, line_height: float, font: PdfFont) -> float:
    """The baseline of a line box `line_height` high at `top` (CSS half-leading)."""
    return top + (line_height - size * (font.ascent + font.descent)) / 2 + size * font.ascent


# -- layout ---------------------------------------------------------------------------------------

class _Flow:
    """Blocks placed down the pages of one exhibit. Margins between blocks collapse and are dropped
    at the top of a page; `bar_top` is where the transcript's left border began on this page."""

    def __init__(self, faces: Faces, case_id: str, label: str) -> None:
        self.faces, self.case_id, self.label = faces, case_id, label
        self.pages: list[Page] = []
        self.y, self.margin = TOP, 0.0
        self.bar_top: float | None = None
        self.new_page()

    @property
    def ops(self) -> list[tuple]:
        return self.pages[-1].ops

    def new_page(self) -> None:
        """Go on on a new page (the running header on it; the transcript's border carried over)."""
        carried = self.bar_top is not None
        if carried:
            self.close_bar()
        self.pages.append(Page())
        self.y, self.margin = TOP, 0.0
        self.bar_top = TOP if carried else None
        r = self.faces.regular
        line = 8.5 * 1.55  # the margin box's line, centred in the top margin
        base = baseline((MARGIN_Y - line) / 2, 8.5, line, r)
        self.ops.append(("text", MARGIN_X, base, "R", 8.5, MUTED, f"案件编号 {self.case_id}"))
        self.ops.append(("text", PAGE_W - MARGIN_X - r.width(self.label, 8.5), base, "R", 8.5, MUTED, self.label))

    def close_bar(self) -> None:
        if self.bar_top is not None and self.y > self.bar_top:
            self.ops.append(("fill", LEFT, self.bar_top, 2.0, self.y - self.bar_top, BAR))

    def _gap(self, margin_top: float) -> float:
        return 0.0 if self.y <= TOP else max(self.margin, margin_top)

    def block(self, margin_top: float, height: float, margin_bottom: float) -> float:
        """Place an unbreakable block `height` high; returns its top."""
        if self.y + self._gap(margin_top) + height > BOTTOM and self.y > TOP:
            self.new_page()
        top = self.y + self._gap(margin_top)
        self.y, self.margin = top + height, margin_bottom
        return top

    def runs_paragraph(self, lines: list[list[tuple[str, Style]]], x: float, strut: float, line_height: float,
                       margin_top: float, margin_bottom: float, right: bool = False) -> None:
        """A paragraph of styled runs, lines as `wrap_runs` gives them, on the baseline of a
        `strut` pt line; right-aligned with `right`; unbroken (it is short)."""
        top = self.block(margin_top, len(lines) * line_height, margin_bottom)
        reg = self.faces.regular
        for k, line in enumerate(lines):
            base = baseline(top + k * line_height, strut, line_height, reg)
            widths = [(self.faces.bold if st.face == "B" else reg).width(text, st.size) for text, st in line]
            lx = x + (WIDTH - sum(widths) if right else 0.0)
            for (text, st), w in zip(line, widths):
                font = self.faces.bold if st.face == "B" else reg
                if st.shade is not None:  # an inline background: the run's content area
                    self.ops.append(("fill", lx, base - font.ascent * st.size, w,
                                     (font.ascent + font.descent) * st.size, st.shade))
                self.ops.append(("text", lx, base, st.face, st.size, st.colour, text))
                lx += w

    def paragraph(self, lines: list[str], x: float, size: float, line_height: float, face: str,
                  colour: tuple[float, float, float], margin_top: float, margin_bottom: float,
                  keep_after: float = 0.0, tracking: float = 0.0) -> None:
        """Lines of text, split between pages keeping two lines on either side of a break (orphans
        and widows); with `keep_after`, that much must fit after it on the same page."""
        font = self.faces.bold if face == "B" else self.faces.regular
        i, n = 0, len(lines)
        while i < n:
            top = self.y + (self._gap(margin_top) if i == 0 else 0.0)
            fit = max(0, int((BOTTOM - top + 1e-6) // line_height))
            left = n - i
            if fit >= left and top + left * line_height + keep_after > BOTTOM and self.y > TOP:
                fit = 0  # it fits, but what must follow it does not
            elif fit < left:
                fit = min(fit, left - 2)
                if fit < 2:
                    fit = 0
            if fit == 0:
                if self.y > TOP:
                    self.new_page()
                    continue
                fit = min(left, max(1, int((BOTTOM - TOP) // line_height)))  # taller than a page
            fit = min(fit, left)
            for k in range(fit):
                self.ops.append(("text", x, baseline(top + k * line_height, size, line_height, font), face, size,
                                 colour, lines[i + k], tracking))
            self.y = top + fit * line_height
            i += fit
            if i < n:
                self.new_page()
        self.margin = margin_bottom


def layout(ex: dict[str, Any], case_id: str, faces: Faces) -> list[Page]:
    """The pages of one exhibit (see the module's docstring)."""
    reg, bold = faces.regular, faces.bold
    flow = _Flow(faces, case_id, str(ex["label"]))

    # h1: 14 pt bold, line-height 1.55, margin-bottom 2 mm
    flow.paragraph(wrap(f"{ex['label']}　{ex['title']}", bold, 14, WIDTH), LEFT, 14, 14 * 1.55, "B", TEXT,
                   0, 2 * PT)

    # .exmeta: 8 pt, line-height 1.4, 0.5 pt rules, 0.8 mm padding, paragraphs 0.4 mm apart
    size, lh, gap, pad = 8.0, 8 * 1.4, 0.4 * PT, 0.8 * PT
    texts = _meta(ex)
    meta = [wrap(p, reg, size, WIDTH) for p in texts[:3]] + [wrap(texts[3], reg, size, WIDTH, anywhere=True)]
    inner = sum(len(m) for m in meta) * lh + (len(meta) + 1) * gap
    top = flow.block(0, 0.5 + pad + inner + pad + 0.5, 2 * PT)
    flow.ops.append(("fill", LEFT, top, WIDTH, 0.5, RULE))
    y = top + 0.5 + pad + gap
    for m in meta:
        for line in m:
            flow.ops.append(("text", LEFT, baseline(y, size, lh, reg), "R", size, TEXT, line))
            y += lh
        y += gap
    flow.ops.append(("fill", LEFT, top + 0.5 + pad + inner + pad, WIDTH, 0.5, RULE))

    # figure.shot: the print copy centred in a 0.5 pt frame, on a line of 10.5 pt text; margin-bottom 3 mm
    below = (10.5 * 1.55 - 10.5 * (reg.ascent + reg.descent)) / 2 + 10.5 * reg.descent
    if ex.get("image") or ex.get("print_src"):
        w, h = float(ex["image_mm"]["width"]) * PT, float(ex["image_mm"]["height"]) * PT
        top = flow.block(0, h + 1 + below, 3 * PT)
        x = LEFT + (WIDTH - w - 1) / 2
        flow.ops.append(("frame", x, top, w + 1, h + 1, FRAME))
        flow.ops.append(("image", x + 0.5, top + 0.5, w, h))
    elif ex.get("image_missing"):
        flow.paragraph(wrap(_missing(ex), reg, 8.5, WIDTH), LEFT, 8.5, 8.5 * 1.55, "R", MUTED, 1.5 * PT, 1.5 * PT)

    # h3 识别内容 (11 pt bold, margins 4 / 1.5 mm; break-after: avoid) stays with what follows it:
    # the first two lines of the transcript's first paragraph (orphans), or its whole table
    t = ex["transcript"]
    x, width = LEFT + 2 + 3 * PT, WIDTH - 2 - 3 * PT
    line_p, gap_p, line_n = 9 * 1.55, 0.6 * PT, 8.5 * 1.55
    note = wrap(str(t["note"]), reg, 8.5, width) if t.get("note") else []
    table = _payment_table(faces, t["rows"], width) if t.get("rows") else None
    paras = [wrap(str(line), reg, 9, width) for line in t.get("lines", [])]
    if note:
        keep = max(1.5 * PT, gap_p) + min(2, len(note)) * line_n
    elif table is not None:
        keep = max(1.5 * PT, 2 * PT) + table.first_height
    else:
        keep = max(1.5 * PT, gap_p) + (min(2, len(paras[0])) * line_p if paras else 0.0)
    flow.paragraph(["识别内容"], LEFT, 11, 11 * 1.55, "B", TEXT, 4 * PT, 1.5 * PT, keep_after=keep)
    # .transcript: 9 pt, a 2 pt border on the left, 3 mm padding. The first child's top margin
    # collapses with the heading's; the border runs from there down every page the div is on.
    flow.y += flow._gap(2 * PT if table is not None and not note else gap_p)
    flow.margin = 0.0
    flow.bar_top = flow.y
    above = 0.0  # the first child's top margin is spent already
    if note:
        flow.paragraph(note, x, 8.5, line_n, "R", MUTED, above, gap_p)
        above = gap_p
    if table is not None:
        table.draw(flow, x, above and 2 * PT, 4 * PT)
        above = gap_p
    for para in paras:
        flow.paragraph(para, x, 9, line_p, "R", TEXT, above, gap_p)
        above = gap_p
    flow.close_bar()
    flow.bar_top = None
    return flow.pages


Cell = list  # of (lines, face, colour, size): text blocks one under another ("R"/"B"/"N" right-aligned)


class _Grid:
    """A table as packet.css lays one out: fixed columns (`cols`, pt, rules included), 0.5 pt rules,
    1.2 / 1.5 mm padding, lines of 8.5 pt text at top; rows never split. `head` rows have the
    header background and, with `repeat`, begin every page the table runs onto (a <thead>).
    Without `repeat` (the exhibit's payment table) the table moves whole to the next page unless
    it is taller than a page."""

    LINE = 8.5 * 1.55
    PAD_X, PAD_Y = 1.5 * PT, 1.2 * PT

    def __init__(self, cols: list[float], head: list[list[Cell]], body: list[list[Cell]], repeat: bool,
                 shaded: tuple[int, ...] = ()) -> None:
        self.cols, self.head, self.body, self.repeat = cols, head, body, repeat
        self.shaded = shaded  # columns of body cells with the header background (th of a key-value table)
        self.head_heights = [self._height(row) for row in head]
        self.body_heights = [self._height(row) for row in body]
        total = sum(self.head_heights) + sum(self.body_heights)
        self.first_height = total if total <= BOTTOM - TOP or repeat else \
            sum(self.head_heights) + sum(self.body_heights[:1])

    def _height(self, row: list[Cell]) -> float:
        return max(sum(len(block[0]) for block in cell) for cell in row) * self.LINE + 2 * self.PAD_Y + 0.5

    @staticmethod
    def columns(width: float, shares: tuple[float | None, ...], border_box: bool = False) -> list[float]:
        """Column widths (pt) of a table `width` wide: each share a percentage of the content width
        (content-box cells: padding and rule on top of it), the None column what is left."""
        # collapsed borders: the table's content box is its width less half of each outer rule, and
        # percentages are of that (a 0.2 pt difference in a column moved a hash's line break)
        base = width - 0.5
        extra = 0.0 if border_box else 2 * _Grid.PAD_X + 0.5
        cols = [c * base + extra if c is not None else 0.0 for c in shares]
        if None in shares:
            cols[shares.index(None)] = base - sum(cols)
        return cols

    def cell_width(self, col: int) -> float:
        return self.cols[col] - 2 * self.PAD_X - 0.5

    def draw(self, flow: "_Flow", x: float, margin_top: float, margin_bottom: float) -> None:
        reg = flow.faces.regular
        width = sum(self.cols)
        head_height = sum(self.head_heights) if self.repeat else 0.0
        room = BOTTOM - TOP - head_height   # what a page holds under the header row
        least = self.PAD_Y + 2 * self.LINE + 0.5  # a row split between pages starts with two lines at least
        first = self.first_height if not self.repeat else \
            sum(self.head_heights) + (min(self.body_heights[0], least) if self.body_heights[0:1] and
                                      self.body_heights[0] > room else (self.body_heights or [0.0])[0])
        y = flow.block(margin_top, min(first, BOTTOM - TOP), margin_bottom)
        rows = [(row, h, True) for row, h in zip(self.head, self.head_heights)]
        rows += [(row, h, False) for row, h in zip(self.body, self.body_heights)]
        for row, height, is_head in rows:
            tall = not is_head and height > room  # split between its lines over as many pages as it needs
            if not is_head and y + (least if tall else height) > BOTTOM and y > TOP + head_height + 1e-6:
                y = self._next_page(flow, x, y, width, reg)
            if tall:
                y = self._split(flow, row, x, y, width, reg)
                continue
            y = self._row(flow, self._items(row), height, x, y, width, reg, is_head)
        flow.y, flow.margin = y, margin_bottom

    def _next_page(self, flow: "_Flow", x: float, y: float, width: float, reg: PdfFont) -> float:
        flow.y = y
        flow.new_page()
        y = flow.y
        if self.repeat:
            for head, head_height in zip(self.head, self.head_heights):
                y = self._row(flow, self._items(head), head_height, x, y, width, reg, True)
        return y

    @staticmethod
    def _items(row: list[Cell]) -> list[list[tuple]]:
        """Each cell's lines, one (line, face, colour, size) after another."""
        return [[(line, face, colour, size) for lines, face, colour, size in cell for line in lines] for cell in row]

    def _split(self, flow: "_Flow", row: list[Cell], x: float, y: float, width: float, reg: PdfFont) -> float:
        """A row taller than a page, line by line over as many pages as it needs (its padding
        sliced: at the top of its first part and the bottom of its last)."""
        items = self._items(row)
        first = True
        while True:
            room = BOTTOM - y - 0.5 - (self.PAD_Y if first else 0.0)
            left = max(len(cell) for cell in items)
            last = left * self.LINE + self.PAD_Y <= room + 1e-6
            take = left if last else max(1, int((room + 1e-6) // self.LINE))
            part = [cell[:take] for cell in items]
            items = [cell[take:] for cell in items]
            height = (self.PAD_Y if first else 0.0) + take * self.LINE + (self.PAD_Y if last else 0.0) + 0.5
            y = self._row(flow, part, height, x, y, width, reg, False, top_pad=first)
            if last:
                return y
            y = self._next_page(flow, x, y, width, reg)
            first = False

    def _row(self, flow: "_Flow", row: list[list[tuple]], height: float, x: float, y: float, width: float,
             reg: PdfFont, is_head: bool, top_pad: bool = True) -> float:
        ops = flow.ops
        if is_head:
            ops.append(("fill", x, y, width, height, HEAD_BG))
        cx = x
        for col, cell in enumerate(row):
            if not is_head and col in self.shaded:
                ops.append(("fill", cx, y, self.cols[col], height, HEAD_BG))
            ly = y + 0.25 + (self.PAD_Y if top_pad else 0.0)
            for line, face, colour, size in cell:
                lx = cx + 0.5 + self.PAD_X
                base = baseline(ly, 8.5, self.LINE, reg)
                ly += self.LINE
                if face == "L":  # links (a.ref): text, and the area that opens the target
                    for text, target in line:
                        ops.append(("text", lx, base, "R", size, colour, text))
                        ops.append(("link", lx, base - reg.ascent * size, reg.width(text.rstrip("、"), size),
                                    (reg.ascent + reg.descent) * size, target))
                        lx += reg.width(text, size)
                elif face == "S":  # styled runs (wrap_runs)
                    for text, style in line:
                        ops.append(("text", lx, base, style.face, style.size, style.colour, text))
                        lx += (flow.faces.bold if style.face == "B" else reg).width(text, style.size)
                else:
                    if face == "N":
                        lx = cx + self.cols[col] - 0.5 - self.PAD_X - reg.width(line, size)
                    ops.append(("text", lx, base, "B" if face == "B" else "R", size, colour, line))
            cx += self.cols[col]
        ops.append(("fill", x - 0.25, y - 0.25, width + 0.5, 0.5, RULE))           # the row's top rule
        ops.append(("fill", x - 0.25, y + height - 0.25, width + 0.5, 0.5, RULE))  # … and bottom rule
        cx = x
        for w in (*self.cols, 0):
            ops.append(("fill", cx - 0.25, y - 0.25, 0.5, height + 0.5, RULE))     # column rules
            cx += w
        return y + height


def _text_cell(grid_width: float, text: Any, font: PdfFont, face: str = "R", colour=TEXT,
               size: float = 8.5, anywhere: bool = False) -> tuple[list[str], str, tuple, float]:
    """A block of a cell: `text` wrapped to the cell's content width (one line when right-aligned)."""
    if face == "N":
        return [str(text)], face, colour, size
    return wrap(str(text), font, size, grid_width, anywhere), face, colour, size


def _payment_table(faces: Faces, rows: list[dict[str, Any]], width: float) -> _Grid:
    """_exhibit.html's table of payments: identifiers 8 pt broken anywhere, the memo under the
    counterparty, amounts right-aligned."""
    reg, bold = faces.regular, faces.bold
    cols = _Grid.columns(width, TABLE_COLS)
    inner = [c - 2 * _Grid.PAD_X - 0.5 for c in cols]
    head = [[[_text_cell(inner[k], h, bold, "B")] for k, h in enumerate(TABLE_HEAD)]]
    body = []
    for r in rows:
        party = [_text_cell(inner[3], r["counterparty"], reg)]
        if r.get("memo"):
            party.append(_text_cell(inner[3], f"备注：{r['memo']}", reg, colour=MUTED))
        body.append([[_text_cell(inner[0], r["time"], reg)], [_text_cell(inner[1], r["direction"], reg)],
                     [_text_cell(inner[2], r["amount"], reg, "N")], party,
                     [_text_cell(inner[4], r["account"], reg, size=8.0, anywhere=True)],
                     [_text_cell(inner[5], r["order_id"], reg, size=8.0, anywhere=True)],
                     [_text_cell(inner[6], r["status"], reg)]])
    return _Grid(cols, head, body, repeat=False)


# -- the 证据清单 (templates/zh-CN/d4_evidence.html) -------------------------------------------------

EVIDENCE_TITLE, EVIDENCE_LABEL = "证 据 清 单", "证据清单"
EVIDENCE_COLS = (0.09, 0.24, 0.15, 0.16, 0.06, 0.30)  # table.evlist: border-box cells
EVIDENCE_HEAD = ("序号", "证据名称", "证据形式／证据来源", "证明目的", "页码", "载体/原件　SHA-256／取证时间")
EVIDENCE_NOTE = "完整 SHA-256 见“附：电子数据说明”。原件保存在原始载体中，可当场出示核对。"
EVIDENCE_SIGN = "提交人（签名）：＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日"
GAP = Style(8.5, "B", (0.6902, 0.0, 0.0), (1.0, 0.9412, 0.9412))  # .gap: #b00 bold on #fff0f0


def _evidence_meta(view: dict[str, Any]) -> list[tuple[str, Style]]:
    """p.meta of the 证据清单 as styled runs (a missing fact of a draft is a .gap)."""
    plain = Style(8.5, "R", MUTED)
    runs: list[tuple[str, Style]] = []
    to = view["unit"] if "unit" in view else view["platform"]
    for label, value in (("案件：", view["case_title"]), ("　提交人：", view["victim"]["name"]),
                         ("　递交对象：", to), ("　日期：", view["generated"])):
        runs.append((label, plain))
        runs.append((str(value), GAP if hasattr(value, "label") and hasattr(value, "__html__") else plain))
    return runs


def evidence_texts(view: dict[str, Any]) -> list[str]:
    """Every string the 证据清单 shows but its page numbers (digits)."""
    texts = [f"案件编号 {view['case_id']}", EVIDENCE_TITLE, *EVIDENCE_HEAD, EVIDENCE_NOTE, EVIDENCE_SIGN,
             "0123456789", *(text for text, _ in _evidence_meta(view))]
    for ex in view["exhibits"]:
        texts += [str(ex[k]) for k in ("label", "title", "form", "short_source", "purpose", "carrier_short",
                                       "sha_short", "captured", "added")]
    return texts


def evidence_drawable(view: dict[str, Any], faces: Faces | None) -> bool:
    return faces is not None and faces.covers(css_text("".join(evidence_texts(view))))


def layout_evidence(view: dict[str, Any], faces: Faces, page_of: dict[str, int]) -> list[Page]:
    """The pages of the 证据清单: heading, the line naming case, submitter, recipient and date, one
    row per exhibit with the page it starts on (`page_of`), the header row on every page, the
    closing note and the signature line."""
    reg, bold = faces.regular, faces.bold
    flow = _Flow(faces, str(view["case_id"]), EVIDENCE_LABEL)
    track = 1.7  # h1: 17 pt bold, centred, letter-spacing 0.1 em, margin-bottom 5 mm
    title_w = bold.width(EVIDENCE_TITLE, 17) + track * len(EVIDENCE_TITLE)
    flow.paragraph([EVIDENCE_TITLE], LEFT + (WIDTH - title_w) / 2, 17, 17 * 1.55, "B", TEXT, 0, 5 * PT,
                   tracking=track)
    flow.runs_paragraph(wrap_runs(_evidence_meta(view), faces, WIDTH), LEFT, 8.5, 8.5 * 1.55, 1.5 * PT, 1.5 * PT)
    cols = _Grid.columns(WIDTH, EVIDENCE_COLS, border_box=True)
    inner = [c - 2 * _Grid.PAD_X - 0.5 for c in cols]
    head = [[[_text_cell(inner[k], h, bold, "B")] for k, h in enumerate(EVIDENCE_HEAD)]]
    body = []
    for ex in view["exhibits"]:
        when = ex["captured"] if ex["captured"] != "—" else ex["added"]
        body.append([[_text_cell(inner[0], ex["label"], reg)], [_text_cell(inner[1], ex["title"], reg)],
                     [_text_cell(inner[2], ex["form"], reg), _text_cell(inner[2], ex["short_source"], reg)],
                     [_text_cell(inner[3], ex["purpose"], reg)],
                     [_text_cell(inner[4], page_of.get("#" + ex["anchor"], ""), reg)],
                     [_hash_line(inner[5], ex, faces), _text_cell(inner[5], when, reg)]])
    _Grid(cols, head, body, repeat=True).draw(flow, LEFT, 2 * PT, 4 * PT)
    muted = Style(8.5, "R", MUTED)
    flow.runs_paragraph(wrap_runs([(EVIDENCE_NOTE, muted)], faces, WIDTH), LEFT, 8.5, 8.5 * 1.55, 1.5 * PT, 1.5 * PT)
    # .signature: margin-top 6 mm, never split, its line right-aligned
    sign = wrap_runs([(EVIDENCE_SIGN, Style())], faces, WIDTH)
    flow.runs_paragraph(sign, LEFT, 10.5, 10.5 * 1.55, max(6 * PT, 1.5 * PT), 1.5 * PT, right=True)
    return flow.pages


def _hash_line(width: float, ex: dict[str, Any], faces: Faces) -> tuple[list, str, tuple, float]:
    """"原件在本人手机　<span class=hash>…</span>": a block of styled lines (8.5 pt text, the hash 8 pt)."""
    runs = [(f"{ex['carrier_short']}　", Style(8.5)), (str(ex["sha_short"]), Style(8.0))]
    return wrap_runs(runs, faces, width), "S", TEXT, 8.5


# -- the 案件时间线 (templates/zh-CN/d5_timeline.html) ------------------------------------------------

TIMELINE_TITLE, TIMELINE_LABEL = "案 件 时 间 线", "案件时间线"
TIMELINE_COLS = (0.05, 0.12, 0.06, None, 0.10, 0.09, 0.09, 0.09)  # content-box cells; 事件 takes the rest
TIMELINE_HEAD = ("序号", "时间", "类别", "事件", "涉及方", "金额", "累计损失", "证据")
LINK = (0.0667, 0.1333, 0.2667)      # a.ref: #124
URGENT_RULE, URGENT_BG = (0.8, 0.0, 0.0), (1.0, 0.9569, 0.9569)  # .urgent: 1.5 pt #c00 on #fff4f4


def _event_lines(event: Any) -> list[str]:
    """A row's event as its lines: the view joins a burst's escaped lines with <br>."""
    return [html.unescape(part) for part in str(event).split("<br>")]


def _deadline_text(d: dict[str, Any]) -> str:
    return f"{'已过期：' if d.get('passed') else '期限：'}{d['label']} — {d['due']}（{d['basis']}）"


def _timeline_total(view: dict[str, Any]) -> str:
    loss = view["loss"]
    return f"合计：付款 {loss['paid']}，退款 {loss['refunded']}，损失 {loss['net']}。"


def timeline_texts(view: dict[str, Any]) -> list[str]:
    """Every string the timeline shows."""
    texts = [f"案件编号 {view['case_id']}", TIMELINE_TITLE, *TIMELINE_HEAD, _timeline_total(view), "、",
             *(_deadline_text(d) for d in view["deadlines"])]
    for r in view["timeline"]:
        texts += [str(r[k]) for k in ("n", "time", "kind", "party", "amount", "running")]
        texts += _event_lines(r["event"]) + [ref["label"] for ref in r["refs"]]
    return texts


def timeline_drawable(view: dict[str, Any], faces: Faces | None) -> bool:
    return faces is not None and faces.covers(css_text("".join(timeline_texts(view))))


def _refs_block(width: float, refs: list[dict[str, str]], font: PdfFont) -> tuple[list, str, tuple, float]:
    """The evidence cell: each 证据N a link kept whole (a.ref, nowrap), "、" after all but the last."""
    lines: list[list[tuple[str, str]]] = [[]]
    used = 0.0
    for k, ref in enumerate(refs):
        text = ref["label"] + ("、" if k < len(refs) - 1 else "")
        w = font.width(text, 8.5)
        if lines[-1] and used + w > width + 1e-9:
            lines.append([])
            used = 0.0
        lines[-1].append((text, ref["anchor"].lstrip("#")))
        used += w
    return lines, "L", LINK, 8.5


def layout_timeline(view: dict[str, Any], faces: Faces) -> list[Page]:
    """The pages of the timeline: heading, the deadlines (urgent ones boxed), one row per event with
    links to its exhibits and the header row on every page, the totals."""
    reg, bold = faces.regular, faces.bold
    flow = _Flow(faces, str(view["case_id"]), TIMELINE_LABEL)
    track = 1.7  # h1: 17 pt bold, centred, letter-spacing 0.1 em, margin-bottom 5 mm
    title_w = bold.width(TIMELINE_TITLE, 17) + track * len(TIMELINE_TITLE)
    flow.paragraph([TIMELINE_TITLE], LEFT + (WIDTH - title_w) / 2, 17, 17 * 1.55, "B", TEXT, 0, 5 * PT,
                   tracking=track)
    for d in view["deadlines"]:
        if d.get("urgent"):  # div.urgent: 3 mm margins, 1.5 pt border, 2 × 3 mm padding, 10.5 pt
            pad_y, pad_x = 2 * PT, 3 * PT
            lines = wrap(_deadline_text(d), reg, 10.5, WIDTH - 3 - 2 * pad_x)
            height = 3 + 2 * pad_y + len(lines) * 10.5 * 1.55
            top = flow.block(3 * PT, height, 3 * PT)
            flow.ops.append(("fill", LEFT, top, WIDTH, height, URGENT_RULE))
            flow.ops.append(("fill", LEFT + 1.5, top + 1.5, WIDTH - 3, height - 3, URGENT_BG))
            for k, line in enumerate(lines):
                line_top = top + 1.5 + pad_y + k * 10.5 * 1.55
                flow.ops.append(("text", LEFT + 1.5 + pad_x, baseline(line_top, 10.5, 10.5 * 1.55, reg), "R", 10.5,
                                 TEXT, line))
        else:  # div.meta: 8.5 pt, #555
            flow.paragraph(wrap(_deadline_text(d), reg, 8.5, WIDTH), LEFT, 8.5, 8.5 * 1.55, "R", MUTED, 0, 0)
    cols = _Grid.columns(WIDTH, TIMELINE_COLS)
    inner = [c - 2 * _Grid.PAD_X - 0.5 for c in cols]
    head = [[[_text_cell(inner[k], h, bold, "B")] for k, h in enumerate(TIMELINE_HEAD)]]
    body = []
    for r in view["timeline"]:
        body.append([[_text_cell(inner[0], r["n"], reg)], [_text_cell(inner[1], r["time"], reg)],
                     [_text_cell(inner[2], r["kind"], reg)],
                     [_text_cell(inner[3], line, reg) for line in _event_lines(r["event"])],
                     [_text_cell(inner[4], r["party"], reg)], [_text_cell(inner[5], r["amount"], reg, "N")],
                     [_text_cell(inner[6], r["running"], reg, "N")], [_refs_block(inner[7], r["refs"], reg)]])
    _Grid(cols, head, body, repeat=True).draw(flow, LEFT, 2 * PT, 4 * PT)
    flow.paragraph(wrap(_timeline_total(view), reg, 10.5, WIDTH), LEFT, 10.5, 10.5 * 1.55, "R", TEXT,
                   1.5 * PT, 1.5 * PT)
    return flow.pages


# -- the appendix (templates/zh-CN/_appendix.html) ------------------------------------------------

APPENDIX_TITLE, APPENDIX_LABEL = "附：电子数据说明", "电子数据说明"
APPENDIX_INTRO = ("以下电子数据均由报案/投诉人本人从其设备中截取或导出。casekit 在导入时计算每个原始文件的 SHA-256 "
                  "哈希值，原件逐字节保存、未作任何修改；可用 ", "sha256sum -c MANIFEST.sha256", " 核对。")
APPENDIX_KV = ("原始载体", "清单文件哈希（MANIFEST.sha256）", "制作时间")
APPENDIX_HEAD = ("序号／编号", "取证时间／导入时间", "SHA-256")


def appendix_texts(view: dict[str, Any]) -> list[str]:
    """Every string the appendix shows."""
    texts = [f"案件编号 {view['case_id']}", APPENDIX_TITLE, *APPENDIX_INTRO, *APPENDIX_KV, *APPENDIX_HEAD,
             str(view["carrier"]), str(view["manifest_hash"]), str(view["generated_full"])]
    for ex in view["exhibits"]:
        texts += [str(ex[k]) for k in ("label", "id", "captured", "added", "sha256")]
    return texts


def appendix_drawable(view: dict[str, Any], faces: Faces | None) -> bool:
    return faces is not None and faces.covers(css_text("".join(appendix_texts(view))))


def layout_appendix(view: dict[str, Any], faces: Faces) -> list[Page]:
    """The pages of the appendix: its heading, what the hashes are, the key-value table, and one
    row per exhibit (the header row on every page)."""
    reg, bold = faces.regular, faces.bold
    flow = _Flow(faces, str(view["case_id"]), APPENDIX_LABEL)
    # h1: 17 pt bold, centred, letter-spacing 0.1 em, margin-bottom 5 mm
    track = 1.7
    title_w = bold.width(APPENDIX_TITLE, 17) + track * len(APPENDIX_TITLE)
    flow.paragraph([APPENDIX_TITLE], LEFT + (WIDTH - title_w) / 2, 17, 17 * 1.55, "B", TEXT, 0, 5 * PT,
                   tracking=track)
    # the paragraph: 10.5 pt with the command in 8 pt <code>
    runs = [(APPENDIX_INTRO[0], Style()), (APPENDIX_INTRO[1], Style(8.0)), (APPENDIX_INTRO[2], Style())]
    flow.runs_paragraph(wrap_runs(runs, faces, WIDTH), LEFT, 10.5, 10.5 * 1.55, 1.5 * PT, 1.5 * PT)
    # table.kv: th 28 % (content-box), left-aligned, shaded
    cols = _Grid.columns(WIDTH, (0.28, None))
    inner = [c - 2 * _Grid.PAD_X - 0.5 for c in cols]
    values = [(view["carrier"], 8.5, False), (view["manifest_hash"], 8.0, True), (view["generated_full"], 8.5, False)]
    body = [[[_text_cell(inner[0], key, bold, "B")], [_text_cell(inner[1], value, reg, size=size, anywhere=hashy)]]
            for key, (value, size, hashy) in zip(APPENDIX_KV, values)]
    _Grid(cols, [], body, repeat=False, shaded=(0,)).draw(flow, LEFT, 2 * PT, 4 * PT)
    # the exhibits: 14 % / 30 % / the rest
    cols = _Grid.columns(WIDTH, (0.14, 0.30, None))
    inner = [c - 2 * _Grid.PAD_X - 0.5 for c in cols]
    head = [[[_text_cell(inner[k], h, bold, "B")] for k, h in enumerate(APPENDIX_HEAD)]]
    body = [[[_text_cell(inner[0], ex["label"], reg), _text_cell(inner[0], ex["id"], reg)],
             [_text_cell(inner[1], ex["captured"], reg), _text_cell(inner[1], ex["added"], reg)],
             [_text_cell(inner[2], ex["sha256"], reg, size=8.0, anywhere=True)]] for ex in view["exhibits"]]
    _Grid(cols, head, body, repeat=True).draw(flow, LEFT, 2 * PT, 4 * PT)
    return flow.pages


# -- drawing --------------------------------------------------------------------------------------

FONT_NAMES = {"R": "/CkR", "B": "/CkB"}


def page_stream(page: Page, faces: Faces, image: str | None) -> bytes:
    """The content stream of `page` (top-down coordinates flipped once); `image`: the XObject name
    of the exhibit's print copy."""
    out = [f"q 1 0 0 -1 0 {PAGE_H:.4f} cm".encode()]
    fonts = {"R": faces.regular, "B": faces.bold}
    tc = 0.0
    for op in page.ops:
        kind = op[0]
        if kind == "text":
            _, x, y, face, size, colour, text, *more = op
            if not text:
                continue
            tracking = more[0] if more else 0.0
            spacing = f"{tracking:g} Tc " if tracking != tc else ""  # (Tc is graphics state: it outlives ET)
            tc = tracking
            out.append(f"{colour[0]:g} {colour[1]:g} {colour[2]:g} rg BT {spacing}1 0 0 -1 {x:.3f} {y:.3f} Tm "
                       f"{FONT_NAMES[face]} {size:g} Tf ".encode() + fonts[face].show(text) + b" ET")
        elif kind == "fill":
            _, x, y, w, h, colour = op
            out.append(f"{colour[0]:g} {colour[1]:g} {colour[2]:g} rg {x:.3f} {y:.3f} {w:.3f} {h:.3f} re f".encode())
        elif kind == "frame":
            _, x, y, w, h, colour = op
            out.append(f"{colour[0]:g} {colour[1]:g} {colour[2]:g} RG 0.5 w {x + 0.25:.3f} {y + 0.25:.3f} "
                       f"{w - 0.5:.3f} {h - 0.5:.3f} re S".encode())
        elif kind == "image" and image is not None:
            _, x, y, w, h = op
            out.append(f"q {w:.3f} 0 0 {-h:.3f} {x:.3f} {y + h:.3f} cm {image} Do Q".encode())
    out.append(b"Q")
    return b"\n".join(out)


def _png_chunks(data: bytes) -> dict[str, bytes]:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, out = 8, {"IDAT": b""}
    while pos + 8 <= len(data):
        length = struct.unpack(">I", data[pos:pos + 4])[0]
        kind = data[pos + 4:pos + 8].decode("latin-1")
        body = data[pos + 8:pos + 8 + length]
        out[kind] = out.get(kind, b"") + body if kind == "IDAT" else body
        pos += 12 + length
    return out


def image_xobject(pdf: pikepdf.Pdf, path: Path) -> pikepdf.Stream:
    """The print copy at `path` as an image XObject: a non-interlaced palette PNG's IDAT data as it
    is (PNG predictors are PDF FlateDecode predictors), a JPEG's bytes as they are, anything else
    decoded and compressed."""
    data = path.read_bytes()
    if data[:2] == b"\xff\xd8":
        from PIL import Image

        with Image.open(path) as img:
            width, height, mode = img.width, img.height, img.mode
        space = {"L": pikepdf.Name.DeviceGray, "CMYK": pikepdf.Name.DeviceCMYK}.get(mode, pikepdf.Name.DeviceRGB)
        stream = pikepdf.Stream(pdf, data)
        stream.write(data, filter=pikepdf.Name.DCTDecode)
        stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        stream.Width, stream.Height, stream.ColorSpace, stream.BitsPerComponent = width, height, space, 8
        if mode == "CMYK":
            stream.Decode = [1, 0, 1, 0, 1, 0, 1, 0]
        return stream
    try:
        chunks = _png_chunks(data)
        width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks["IHDR"])
        palette = chunks.get("PLTE", b"")
        if colour == 3 and not interlace and palette and chunks["IDAT"] and "tRNS" not in chunks:
            stream = pikepdf.Stream(pdf, b"")
            stream.write(chunks["IDAT"], filter=pikepdf.Name.FlateDecode,
                         decode_parms=pikepdf.Dictionary(Predictor=15, Colors=1, BitsPerComponent=depth,
                                                         Columns=width))
            stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
            stream.Width, stream.Height, stream.BitsPerComponent = width, height, depth
            stream.ColorSpace = [pikepdf.Name.Indexed, pikepdf.Name.DeviceRGB, len(palette) // 3 - 1,
                                 pdf.make_stream(palette)]
            return stream
    except (ValueError, KeyError, struct.error):
        pass
    from PIL import Image

    with Image.open(path) as img:
        rgb = img.convert("RGB")
    stream = pikepdf.Stream(pdf, b"")
    stream.write(zlib.compress(rgb.tobytes(), 6), filter=pikepdf.Name.FlateDecode)
    stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    stream.Width, stream.Height, stream.BitsPerComponent = rgb.width, rgb.height, 8
    stream.ColorSpace = pikepdf.Name.DeviceRGB
    return stream
