"""Label–value rows read from OCR lines by their boxes, the way a person reads a detail page.

Detail pages of every app (payment results, orders, refunds, bank receipts) print their facts as
rows: a short grey label on the left and its value on the right, or under it when the value is
long. Reading rows from positions rather than from one app's wording is what lets a bank app we
have never seen still work:

1. each OCR line is cut into segments where the gap between two words is wide (Tesseract reads
   "收款方        张伟" as one line; PP-OCR gives two lines — both end as two segments);
2. segments whose vertical middles overlap make one visual row, left to right;
3. a row's first segment is its label when it is a known label (fuzzy: one OCR slip allowed) or
   looks like one (short, no digits) and something stands to its right; a label with nothing
   beside it takes the row under it as its value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..ocr.engine import Word
from ..ocr.entities import union_box
from ..ocr.lines import OcrLine
from ..ocr.quality import levenshtein
from ..ocr.text import clean, join_words

Box = tuple[int, int, int, int]  # left, top, width, height in original image pixels
_COLONS = ":：;；"


@dataclass(frozen=True)
class Segment:
    """A run of words of one line with no wide gap inside."""

    text: str
    box: Box
    words: tuple[Word, ...] = ()


@dataclass
class Row:
    """One visual row of the page: its label (None for a plain line) and its value."""

    segments: list[Segment]
    label: str | None = None  # canonical label when known, else the label as read
    value: str = ""
    value_box: Box | None = None
    known: bool = False  # the label is in the vocabulary the caller gave

    @property
    def text(self) -> str:
        return clean(join_words([s.text for s in self.segments]))

    @property
    def box(self) -> Box:
        return union_box([s.box for s in self.segments])

    @property
    def words(self) -> list[Word]:
        return [w for s in self.segments for w in s.words]


@dataclass
class Page:
    """The rows of one screen, top to bottom, and its size."""

    rows: list[Row]
    size: tuple[int, int]
    lines: list[OcrLine] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.rows if r.text)

    @property
    def compact(self) -> str:
        return "".join(self.text.split())

    def labelled(self) -> list[Row]:
        return [r for r in self.rows if r.label]


def word_box(word: Word) -> Box:
    """A word's box in the original image (the pipeline's `src`, else its own box)."""
    return word.src or (word.left, word.top, word.width, word.height)


def segments_of(line: OcrLine, page_width: int) -> list[Segment]:
    """Cut one OCR line where the gap between two words is wide (label | value)."""
    words = sorted(line.words, key=lambda w: word_box(w)[0])
    if len(words) < 2:
        return [Segment(clean(line.text), line.box, tuple(words))] if clean(line.text) else []
    heights = sorted(word_box(w)[3] for w in words)
    glyph = heights[len(heights) // 2]
    wide = max(2.2 * glyph, 0.06 * page_width)
    groups: list[list[Word]] = [[words[0]]]
    for w in words[1:]:
        prev = word_box(groups[-1][-1])
        if word_box(w)[0] - (prev[0] + prev[2]) > wide:
            groups.append([w])
        else:
            groups[-1].append(w)
    out = []
    for g in groups:
        text = clean(join_words([w.text for w in g]))
        if text:
            out.append(Segment(text, union_box([word_box(w) for w in g]), tuple(g)))
    return out


def _same_row(a: Box, b: Box) -> bool:
    ca, cb = a[1] + a[3] / 2, b[1] + b[3] / 2
    return abs(ca - cb) < 0.5 * min(a[3], b[3]) + 2


def group_rows(lines: list[OcrLine], size: tuple[int, int]) -> list[Row]:
    """Segments of all lines gathered into visual rows, top to bottom, each left to right."""
    segs = sorted((s for line in lines for s in segments_of(line, size[0])), key=lambda s: s.box[1])
    rows: list[list[Segment]] = []
    for s in segs:
        for row in reversed(rows[-3:]):
            if _same_row(row[0].box, s.box):
                row.append(s)
                break
        else:
            rows.append([s])
    return [Row(sorted(r, key=lambda s: s.box[0])) for r in rows]


def match_label(text: str, vocabulary: list[str], alone: bool = False) -> tuple[str, str] | None:
    """(canonical label, rest of `text`) when `text` starts with a label of `vocabulary`. When
    the segment stands `alone` as a label (a value beside it, nothing else in it), one misread
    character is allowed (收蒜人 → 收款人, 附计 → 附言) if only one label is that close."""
    compact = "".join(text.split())
    for label in sorted(vocabulary, key=len, reverse=True):
        if compact.startswith(label):
            return label, compact[len(label):].lstrip(_COLONS)
    if not alone:
        return None
    head = compact.rstrip(_COLONS)
    close = {label for label in vocabulary if len(label) == len(head) and levenshtein(head, label) == 1}
    if len(close) == 1:
        return close.pop(), ""
    return None


def looks_like_label(text: str) -> bool:
    """A label as apps print them: short, CJK, no digits or money signs."""
    compact = "".join(text.split()).rstrip(_COLONS)
    return (1 < len(compact) <= 8 and not any(ch.isdigit() for ch in compact)
            and not any(ch in compact for ch in "¥￥$@/") and sum(ord(ch) > 0x3000 for ch in compact) >= 2)


def _rest_box(row: Row, label_len: int) -> Box | None:
    boxes = [s.box for s in row.segments[1:]]
    first = row.segments[0]
    if label_len < len("".join(first.text.split())) and first.words:
        # the value starts inside the first segment: take its words after the label's characters
        count, kept = 0, []
        for w in first.words:
            if count >= label_len:
                kept.append(word_box(w))
            count += len("".join(w.text.split()))
        boxes = kept + boxes
    return union_box(boxes) if boxes else None


def read_rows(lines: list[OcrLine], size: tuple[int, int], vocabulary: list[str]) -> Page:
    """The page as rows, each with its label and value where it has one (module docstring)."""
    rows = group_rows(lines, size)
    for row in rows:
        first = row.segments[0]
        found = match_label(first.text, vocabulary, alone=len(row.segments) >= 2 and looks_like_label(first.text))
        if found is not None:
            label, rest = found
            row.label, row.known = label, True
            tail = [s.text for s in row.segments[1:]]
            row.value = clean(join_words([rest, *tail])) if rest else clean(join_words(tail))
            row.value_box = _rest_box(row, len("".join(first.text.split())) - len(rest))
        elif len(row.segments) >= 2 and looks_like_label(first.text):
            row.label = "".join(first.text.split()).rstrip(_COLONS)
            row.value = clean(join_words([s.text for s in row.segments[1:]]))
            row.value_box = union_box([s.box for s in row.segments[1:]])
        elif any(c in first.text[:9] for c in "：:") and looks_like_label(first.text.replace("：", ":").split(":")[0]):
            head, _, rest = first.text.replace("：", ":").partition(":")
            row.label = "".join(head.split())
            row.value = clean(join_words([rest, *(s.text for s in row.segments[1:])]))
            row.value_box = row.box
    # a label alone on its row takes the row under it (long values wrap below their label)
    out: list[Row] = []
    skip = False
    for i, row in enumerate(rows):
        if skip:
            skip = False
            continue
        if row.label and not row.value and i + 1 < len(rows) and not rows[i + 1].label:
            below = rows[i + 1]
            row.value, row.value_box = below.text, below.box
            row.segments = row.segments + below.segments
            skip = True
        out.append(row)
    return Page(out, size, list(lines))


def lines_from_words(read: list[tuple[str, list[Word]]]) -> list[OcrLine]:
    """Today's whole-page reading (line text, its words with `src` boxes) as OcrLines."""
    out = []
    for text, words in read:
        boxes = [w.src for w in words if w.src]
        if not text or not boxes:
            continue
        conf = sum(w.conf for w in words) / len(words) / 100.0
        out.append(OcrLine(text, union_box(boxes), max(0.0, min(1.0, conf)), tuple(words)))
    return out
