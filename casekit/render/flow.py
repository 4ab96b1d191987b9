"""Text and block layout for the pages casekit draws (`drawn.py`): line breaking as Pango breaks
for WeasyPrint, paragraphs and blocks down the pages with CSS's collapsing margins, orphans and
widows, and tables as `packet.css` lays them out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .drawn import (BAR, BOTTOM, HEAD_BG, LEFT, MARGIN_X, MARGIN_Y, MUTED, PAGE_W, PT, RULE, TEXT, TOP, WIDTH,
                    Faces, Page)
from .pdffont import PdfFont

# no line begins with these, none ends with those (simple kinsoku)
_NO_START = set("，。、：；！？）」』】〉》”’,.;:!?)]}%·…—～")
_NO_END = set("（「『【〈《“‘([{")


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


class Flow:
    """Blocks placed down the pages of one drawn part. Margins between blocks collapse and are dropped
    at the top of a page; `bar_top` is where an exhibit transcript's left border began on this page."""

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

    def start_bar(self, first_margin: float) -> None:
        """Begin the transcript's block (a 2 pt border on its left, drawn down every page it is on):
        its first child's top margin `first_margin` collapses with the margin above it and is spent
        here, so the child itself is placed with none."""
        self.y += self._gap(first_margin)
        self.margin = 0.0
        self.bar_top = self.y

    def end_bar(self) -> None:
        self.close_bar()
        self.bar_top = None

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


Cell = list  # of (lines, face, colour, size): text blocks one under another ("R"/"B"/"N" right-aligned)


class Grid:
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
        extra = 0.0 if border_box else 2 * Grid.PAD_X + 0.5
        cols = [c * base + extra if c is not None else 0.0 for c in shares]
        if None in shares:
            cols[shares.index(None)] = base - sum(cols)
        return cols

    @staticmethod
    def content_widths(cols: list[float]) -> list[float]:
        """The width text has in each column (its padding and rule taken off)."""
        return [c - 2 * Grid.PAD_X - 0.5 for c in cols]

    def draw(self, flow: "Flow", x: float, margin_top: float, margin_bottom: float) -> None:
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

    def _next_page(self, flow: "Flow", x: float, y: float, width: float, reg: PdfFont) -> float:
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

    def _split(self, flow: "Flow", row: list[Cell], x: float, y: float, width: float, reg: PdfFont) -> float:
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

    def _row(self, flow: "Flow", row: list[list[tuple]], height: float, x: float, y: float, width: float,
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


def text_cell(grid_width: float, text: Any, font: PdfFont, face: str = "R", colour=TEXT,
               size: float = 8.5, anywhere: bool = False) -> tuple[list[str], str, tuple, float]:
    """A block of a cell: `text` wrapped to the cell's content width (one line when right-aligned)."""
    if face == "N":
        return [str(text)], face, colour, size
    return wrap(str(text), font, size, grid_width, anywhere), face, colour, size

