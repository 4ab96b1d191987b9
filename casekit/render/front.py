"""The front matter (cover, contents, the filing, 证据清单, timeline) rendered in pieces of bounded size.

The long lists — contents entries, 证据清单 rows, timeline rows — grow with the number of exhibits,
and one WeasyPrint document of them grows worse than linearly in memory. So the front matter is
cut into pieces of about `PIECE_PAGES` pages, each its own document in its own worker process:

- Parts (cover, contents, filing, 证据清单, timeline) each begin on a new page, so a piece may end
  at the end of any part: the next piece does not depend on it and renders at the same time.
- A list longer than a piece is continued piece after piece ("a chain"). A piece renders its
  rows up to a little beyond what it is predicted to fit; the row that begins its last page is
  where the next piece begins, and that last page is dropped. So every cut is at a page break
  WeasyPrint itself made, and a continued piece lays out its first page exactly like a continued
  page of the whole list (same header row, no top margins: `section.part.cont` in packet.css):
  the joined pages are those of the whole list as one document.
- Page numbers (contents, 证据清单 页码, the filing's reference to the 证据清单) are literals,
  guessed before the pieces are rendered (the last build's, else predicted). Once every piece and
  every exhibit run is measured, a piece that printed a wrong number is rendered again with the
  right ones, and must come out with the same pages (digits are tabular), else `AssemblyMismatch`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import assemble

PIECE_PAGES = 10                 # pages a piece of the front matter aims at
SLACK = 3                        # … or up to a third more, rather than a piece of a page or two
PARTS = ("cover", "contents", "doc", "evidence", "timeline")  # the front matter
APPENDIX = ("appendix",)                                       # after the exhibits, in pieces the same way
LISTS = {"contents": "sections", "evidence": "exhibits", "timeline": "timeline", "appendix": "exhibits"}
HEADS = {"contents": "contents", "doc": "doc", "evidence": "evidence-list", "timeline": "timeline",
         "appendix": "appendix"}
END = "piece-end"                # the marker packet.html puts after a piece's parts

# Predicted heights (mm) in the A4 content box (see packet.css); a wrong prediction only moves cuts
# (which are measured) or costs one more render of a piece with its page numbers corrected.
PAGE_MM = assemble.CONTENT_H_MM
TABLE_W_MM = assemble.CONTENT_W_MM - 4.2  # body's 8 px margins
LINE_MM = 8.5 * 1.55 * 25.4 / 72           # a line of 8.5 pt table text
ROW_PAD_MM = 2 * 1.2 + 0.2                 # cell padding + rule
HEADER_LINES = {"contents": 0, "evidence": 2, "timeline": 1, "appendix": 1}  # the header row repeated on every page
TOC_LINE_MM = 10.5 * 1.55 * 25.4 / 72 + 1.2
H1_MM = 17 * 1.55 * 25.4 / 72 + 5
EVIDENCE_COLS = (0.09, 0.24, 0.15, 0.16, 0.06, 0.30)  # d4_evidence.html (border-box cells)


@dataclass
class Piece:
    """Some parts of the front matter, lists in row ranges; `open`: the list it stops in the middle
    of (its last page is dropped and the next piece of the chain begins there)."""

    chain: int
    step: int
    parts: list[str]
    ranges: dict[str, tuple[int, int]]
    open: str | None = None
    page_of: dict[str, int] = field(default_factory=dict)
    pdf: bytes = b""
    pages: int = 0
    starts: list[int] = field(default_factory=list)
    kept: int = 0
    drawn: bool = False  # laid out and drawn by casekit (render/drawn.py): measured from the start

    @property
    def order(self) -> tuple[int, int]:
        return self.chain, self.step

    def anchors(self) -> list[str]:
        heads = [HEADS[p] for p in self.parts if p != "cover" and self.ranges.get(p, (0, 0))[0] == 0]
        rows = []
        if self.open:
            lo, hi = self.ranges[self.open]
            rows = [f"row-{self.open}-{i}" for i in range(lo, hi)]
        return [END] + heads + rows

    def targets(self) -> list[str]:
        """The heads of the front-matter parts after this piece's: empty link targets in this piece
        (the contents' links, the filing's reference to the 证据清单), which the join points at the
        real pages (a later piece's destination wins)."""
        own = [PARTS.index(p) for p in self.parts if p in PARTS]
        return [HEADS[p] for p in PARTS[max(own) + 1:]] if own else []

    def shown_numbers(self, view: dict[str, Any]) -> list[str]:
        """The page_of keys this piece prints."""
        keys = []
        if "contents" in self.ranges:
            lo, hi = self.ranges["contents"]
            keys += [s["anchor"] for s in view["sections"][lo:hi]]
        if "doc" in self.parts:
            keys.append("#evidence-list")
        if "evidence" in self.ranges:
            lo, hi = self.ranges["evidence"]
            keys += ["#" + ex["anchor"] for ex in view["exhibits"][lo:hi]]
        return keys


# -- predictions ---------------------------------------------------------------------------------

def _lines(text: Any, width_mm: float) -> int:
    return assemble._text_mm(str(text), 8.5, max(5.0, width_mm))


HASH_LINES = 3  # the full SHA-256 (8 pt, broken anywhere; ~30 characters a line) in the 证据清单's last column


def _cell_mm(share: float) -> float:
    return share * TABLE_W_MM - 3.2


def row_heights(view: dict[str, Any], name: str, metrics: "Metrics | None" = None) -> list[float]:
    """Predicted height (mm) of each row of list `name` (memoised by `metrics`)."""
    if metrics is not None:
        return metrics.rows(view, name)
    return _row_heights(view, name, None)


def _row_heights(view: dict[str, Any], name: str, metrics: "Metrics | None") -> list[float]:
    if name == "contents":
        width = TABLE_W_MM - 20
        return [assemble._text_mm(str(s["title"]), 10.5, width) * TOC_LINE_MM for s in view["sections"]]
    if name == "evidence":
        w = [_cell_mm(c) for c in EVIDENCE_COLS]
        out = []
        for ex in view["exhibits"]:
            lines = max(_lines(ex["label"], w[0]), _lines(ex["title"], w[1]) + (_lines(ex["redaction"], w[1]) if ex.get("redaction") else 0),
                        _lines(ex["form"], w[2]) + _lines(ex["short_source"], w[2]), _lines(ex["purpose"], w[3]),
                        _lines(ex["carrier_short"], w[5]) + HASH_LINES + 1)
            out.append(lines * LINE_MM + ROW_PAD_MM)
        return out
    if name == "appendix":
        hash_lines = assemble._text_mm("0" * 64, 8, _cell_mm(0.56))
        return [max(2, hash_lines) * LINE_MM + ROW_PAD_MM for _ in view["exhibits"]]
    return _timeline_heights(view, metrics)


CELL_EXTRA_MM = 2 * 1.5 + 0.5 * 25.4 / 72  # a cell's padding and rule


def _timeline_heights(view: dict[str, Any], metrics: "Metrics | None") -> list[float]:
    """Row heights of the timeline: the tallest cell of each row (a burst's lines one under another,
    "<br>" in viewmodels._burst_text; evidence labels never split, "、" kept with the label before)."""
    from .list_pages import TIMELINE_COLS  # d5_timeline.html's columns: content widths, 事件 the rest

    m = metrics or Metrics()
    w = [c * TABLE_W_MM if c else 0.0 for c in TIMELINE_COLS]
    w[3] = TABLE_W_MM - sum(x + CELL_EXTRA_MM for x in w if x) - CELL_EXTRA_MM
    out = []
    for r in view["timeline"]:
        refs, used = 1, 0.0
        labels = [ref["label"] for ref in r["refs"]]
        for k, label in enumerate(labels):
            width = m.width_mm(label + ("、" if k < len(labels) - 1 else ""), 8.5)
            if used and used + width > w[7]:
                refs, used = refs + 1, 0.0
            used += width
        lines = max(sum(m.lines(line, 8.5, w[3]) for line in str(r["event"]).split("<br>")),
                    m.lines(r["time"], 8.5, w[1]), m.lines(r["kind"], 8.5, w[2]), m.lines(r["party"], 8.5, w[4]),
                    m.lines(r["n"], 8.5, w[0]), refs, 1)
        out.append(lines * LINE_MM + ROW_PAD_MM)
    return out


class Metrics:
    """Lines a text takes in a column: by a font's own advances and `flow.wrap`'s line breaking
    (`font`: the packet's CJK cut), else approximated (CJK 1 em, anything else 0.55 em)."""

    def __init__(self, font: Any = None) -> None:
        self.font = font
        self._rows: dict[tuple[int, str], list[float]] = {}

    def rows(self, view: dict[str, Any], name: str) -> list[float]:
        key = (id(view), name)
        if key not in self._rows:
            self._rows[key] = _row_heights(view, name, self)
        return self._rows[key]

    def lines(self, text: Any, size_pt: float, width_mm: float) -> int:
        if self.font is None:
            return assemble._text_mm(str(text), size_pt, max(5.0, width_mm))
        from .drawn import PT
        from .flow import wrap

        return len(wrap(str(text), self.font, size_pt, max(5.0, width_mm) * PT))

    def width_mm(self, text: str, size_pt: float) -> float:
        if self.font is None:
            return sum(1.0 if ord(c) > 0x2E7F else 0.55 for c in text) * size_pt * 25.4 / 72
        return self.font.width(text, size_pt) * 25.4 / 72


def _header_mm(name: str) -> float:
    return HEADER_LINES[name] * LINE_MM + ROW_PAD_MM if HEADER_LINES[name] else 0.0


def _head_mm(view: dict[str, Any], name: str) -> float:
    """The list's heading (and what precedes its rows) on its first page."""
    if name == "contents":
        return H1_MM
    if name == "evidence":
        return H1_MM + LINE_MM + 3 + 2 + _header_mm(name)
    if name == "appendix":
        return H1_MM + 5 * 6.2 + 3 * 5 + 6 + _header_mm(name)  # intro + 4 key-value rows
    return H1_MM + 12 * len(view.get("deadlines", [])) + 2 + _header_mm(name)


def _tail_mm(view: dict[str, Any], name: str) -> float:
    if name == "contents":
        hints = view.get("hints") or []
        return (12 + sum(assemble._text_mm(str(h), 10.5, TABLE_W_MM) * TOC_LINE_MM for h in hints)) if hints else 0
    if name == "timeline" and view.get("timeline_note"):
        return 16.0  # the totals and the line on OCR-read text
    return {"evidence": 20.0, "timeline": 10.0}.get(name, 0.0)


def page_starts(view: dict[str, Any], name: str, lo: int = 0, metrics: Metrics | None = None) -> list[int]:
    """Predicted rows that begin a page when list `name` is laid out from row `lo` (lo itself first)."""
    heights = row_heights(view, name, metrics)
    header = _header_mm(name)
    used, out = (_head_mm(view, name) if lo == 0 else header), [lo]
    for i in range(lo, len(heights)):
        if used + heights[i] > PAGE_MM and used > header:
            out.append(i)
            used = header
        used += heights[i]
    return out


def predicted_pages(view: dict[str, Any], name: str, metrics: Metrics | None = None) -> int:
    if name == "cover":
        return 1
    if name == "doc":
        return 2
    starts = page_starts(view, name, metrics=metrics)
    heights = row_heights(view, name, metrics)
    header = _header_mm(name)
    last = (header if len(starts) > 1 else _head_mm(view, name)) + sum(heights[starts[-1]:])
    return len(starts) + (1 if last + _tail_mm(view, name) > PAGE_MM else 0)


def rows_for(view: dict[str, Any], name: str, lo: int, pages: int, metrics: Metrics | None = None) -> int:
    """End row of a piece of list `name` from `lo` that is predicted to fill `pages` pages and put a
    row or two on the next one (that page is dropped: the next piece begins with its first row)."""
    starts = page_starts(view, name, lo, metrics)
    n = len(row_heights(view, name, metrics))
    if len(starts) <= pages:
        return n
    return min(n, starts[pages] + 2)


# -- planning --------------------------------------------------------------------------------------

def plan(view: dict[str, Any], budget: int = PIECE_PAGES, parts: tuple[str, ...] = PARTS,
         metrics: Metrics | None = None, alone: tuple[str, ...] = (), drawn: dict[str, int] | None = None) -> list[Piece]:
    """The pieces that begin a chain (each renders at once; an open one is continued when measured).
    Parts go together while they are predicted to fit in `budget` pages (+ a third); a list longer
    than that is cut; a part in `alone` is a piece of its own; a part in `drawn` (its page count)
    is a piece of its own, measured already."""
    drawn = drawn or {}
    pieces: list[Piece] = []
    current = Piece(0, 0, [], {})
    used = 0

    def flush() -> None:
        nonlocal current, used
        if current.parts:
            pieces.append(current)
        current, used = Piece(len(pieces), 0, [], {}), 0

    for part in parts:
        if part in drawn:
            flush()
            rows = {LISTS[part]: (0, len(view[LISTS[part]]))} if part in LISTS else {}
            piece = Piece(len(pieces), 0, [part], {part: rows[LISTS[part]]} if rows else {}, drawn=True,
                          pages=drawn[part], kept=drawn[part])
            piece.starts = [drawn[part] - 1] + [0] * (len(piece.anchors()) - 1)  # the end, then its heading
            pieces.append(piece)
            current = Piece(len(pieces), 0, [], {})
            continue
        pages = predicted_pages(view, part, metrics)
        slack = budget // SLACK
        cut = part in LISTS and pages > budget + slack
        if used and (part in alone or used + pages > budget + slack and (not cut or used > budget // 2)):
            flush()
        current.parts.append(part)
        if cut:
            n = len(view[LISTS[part]])
            current.ranges[part] = (0, rows_for(view, part, 0, max(1, budget - used), metrics))
            current.open = part if current.ranges[part][1] < n else None
            flush()
            continue
        if part in LISTS:
            current.ranges[part] = (0, len(view[LISTS[part]]))
        used += pages
        if part in alone:
            flush()
    flush()
    return pieces


def follow(view: dict[str, Any], piece: Piece, budget: int = PIECE_PAGES, metrics: Metrics | None = None) -> Piece | None:
    """The next piece of an open piece's chain, from the row that begins its last page (measured);
    that page is dropped. A piece that did not reach a second page is rendered again with more rows."""
    if not piece.open:
        return None
    name = piece.open
    lo, hi = piece.ranges[name]
    n = len(view[LISTS[name]])
    rows = dict(zip(piece.anchors(), piece.starts))
    last = piece.pages - 1
    on_last = [i for i in range(lo, hi) if rows[f"row-{name}-{i}"] == last]
    if last < 1 or not on_last:
        more = min(n, hi + max(2, hi - lo))
        return Piece(piece.chain, piece.step, piece.parts, {**piece.ranges, name: (lo, more)},
                     open=name if more < n else None)
    cut = on_last[0]
    if cut == 0 and rows.get(HEADS[name], last) != last:
        raise assemble.AssemblyMismatch("casekit: a list's heading and its first row are on different pages")
    piece.kept = last
    end = rows_for(view, name, cut, budget, metrics)
    return Piece(piece.chain, piece.step + 1, [name], {name: (cut, end)}, open=name if end < n else None)


class FrontMatter:
    """The pieces of one packet's front matter while they are rendered and measured.

    On a first build (no earlier numbers to start from) the filing ("doc") is a piece of its own,
    and the pieces that print page numbers wait until it is measured: its length is the one a
    prediction gets wrong most (it depends on everything the user wrote), and every number after it
    moves with it. They then print numbers guessed from its measured length; the exhibits' lengths
    are exact when they are drawn (`render/drawn.py`) and the lists' are predicted with the
    packet font's own metrics (`Metrics`)."""

    def __init__(self, view: dict[str, Any], predicted_counts: list[int], last: dict[str, int] | None,
                 budget: int = PIECE_PAGES, parts: tuple[str, ...] = PARTS, metrics: Metrics | None = None,
                 drawn: dict[str, int] | None = None) -> None:
        self.view, self.counts, self.budget, self.part_names = view, predicted_counts, budget, parts
        self.metrics = metrics or Metrics()
        self.drawn = drawn or {}  # parts casekit draws itself (render/drawn.py): their page counts
        self.guess = guess_numbers(view, predicted_counts, last, self.metrics, known=self.drawn)
        self.hold = "doc" in parts and not _usable(view, last)
        self.held: list[Piece] = []
        self.pieces: dict[tuple[int, int], Piece] = {}

    def first(self) -> list[Piece]:
        """The pieces to render now (those printing page numbers wait for the filing, see above)."""
        pieces = plan(self.view, self.budget, self.part_names, self.metrics, ("doc",) if self.hold else (),
                      self.drawn)
        for piece in pieces:
            if piece.drawn:
                self.pieces[piece.order] = piece
        pieces = [p for p in pieces if not p.drawn]
        if self.hold:
            self.held = [p for p in pieces if "doc" not in p.parts and p.shown_numbers(self.view)]
            pieces = [p for p in pieces if p not in self.held]
        return [self._out(p) for p in pieces]

    def _out(self, piece: Piece) -> Piece:
        piece.page_of = self.guess
        self.pieces[piece.order] = piece
        return piece

    def measured(self, order: tuple[int, int], pdf: bytes, starts: list[int], pages: int) -> list[Piece]:
        """A piece came back: the next piece of its chain, if any, and when it was the filing, the
        pieces that waited for it. Pieces with wrong page numbers are rendered again once, after
        everything is measured (`wrong`)."""
        piece = self.pieces[order]
        piece.pdf, piece.starts, piece.pages, piece.kept = pdf, starts, pages, pages
        check(piece)
        out = []
        if self.held and "doc" in piece.parts:
            self.guess = guess_numbers(self.view, self.counts, None, self.metrics, known={**self.drawn, "doc": pages})
            out, self.held = [self._out(p) for p in self.held], []
            if any(piece.page_of.get(k) != self.guess.get(k) for k in piece.shown_numbers(self.view)):
                out.insert(0, self._out(piece))  # its own reference to the 证据清单, at once (it is short)
        nxt = follow(self.view, piece, self.budget, self.metrics)
        return out + ([self._out(nxt)] if nxt is not None else [])

    def wrong(self, counts: list[int]) -> list[Piece]:
        """Pieces that printed a page number other than the measured one; their numbers corrected."""
        numbers = measured_numbers(self.view, counts, list(self.pieces.values()))
        out = [p for p in self.pieces.values()
               if not p.drawn and any(p.page_of.get(k) != numbers.get(k) for k in p.shown_numbers(self.view))]
        for piece in out:
            piece.page_of = numbers
        return out

    def renumbered(self, order: tuple[int, int], pdf: bytes, starts: list[int], pages: int) -> None:
        """A piece rendered again with corrected numbers: it must have kept its layout."""
        piece = self.pieces[order]
        if (starts, pages) != (piece.starts, piece.pages):
            raise assemble.AssemblyMismatch("casekit: a piece of the front matter changed its layout with its "
                                            "page numbers")
        piece.pdf = pdf

    def pages(self) -> list[tuple[bytes | None, range, str]]:
        """The pages to join, in order, with the piece's first part (no PDF: a part casekit draws)."""
        return [(None if p.drawn else p.pdf, range(p.kept), p.parts[0]) for _, p in sorted(self.pieces.items())]

    def numbers(self, counts: list[int]) -> dict[str, int]:
        return measured_numbers(self.view, counts, list(self.pieces.values()))


# -- page numbers ----------------------------------------------------------------------------------

def guess_numbers(view: dict[str, Any], counts: list[int], last: dict[str, int] | None,
                  metrics: Metrics | None = None, known: dict[str, int] | None = None) -> dict[str, int]:
    """Page numbers to print before the pieces are measured: the last build's front matter (when it
    had as many exhibits), else predicted part by part."""
    if _usable(view, last):
        heads = {k: int(last[k]) for k in ("#doc", "#evidence-list", "#timeline")}
        front = int(last["front"])
    else:
        page, heads = 1, {}
        for part in PARTS:
            if part != "cover":
                heads.setdefault("#" + HEADS[part], page)
            page += known[part] if known and part in known else predicted_pages(view, part, metrics)
        heads.pop("#contents", None)
        front = page - 1
    return {**heads, **assemble.page_numbers(view, counts, front), "front": front}


def _usable(view: dict[str, Any], last: dict[str, int] | None) -> bool:
    """Whether the last build's numbers can be the first guess (it had as many exhibits)."""
    return bool(last) and last.get("exhibits") == len(view["exhibits"]) \
        and all(k in last for k in ("front", "#doc", "#evidence-list", "#timeline"))


def measured_numbers(view: dict[str, Any], counts: list[int], pieces: list[Piece]) -> dict[str, int]:
    """Every page number the front matter prints, from the measured pieces and exhibit runs (and
    "front": its length)."""
    page, heads = 1, {}
    for piece in sorted(pieces, key=lambda p: p.order):
        for anchor, at in zip(piece.anchors(), piece.starts):
            if anchor in ("doc", "evidence-list", "timeline"):
                heads["#" + anchor] = page + at
        page += piece.kept
    return {**heads, **assemble.page_numbers(view, counts, page - 1), "front": page - 1}


def check(piece: Piece) -> None:
    """The piece rendered what it was asked for (a case's own packet.html may ignore pieces)."""
    if -1 in piece.starts:
        missing = [a for a, s in zip(piece.anchors(), piece.starts) if s == -1][:3]
        raise assemble.AssemblyMismatch(f"casekit: a piece of the front matter lacks {missing}")


def load_last(path: Path) -> dict[str, dict[str, int]]:
    """What `save_last` wrote ({} when missing or unreadable)."""
    try:
        data = json.loads(path.read_text("utf-8"))
        return {r: {k: int(v) for k, v in d.items()} for r, d in data.items() if isinstance(d, dict)}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def save_last(path: Path, numbers: dict[str, dict[str, int]], exhibits: dict[str, int]) -> None:
    """This build's front-matter page numbers per recipient (and its number of exhibits): the next
    build's first guess."""
    keep = ("front", "#doc", "#evidence-list", "#timeline")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {**load_last(path), **{r: {**{k: v for k, v in d.items() if k in keep}, "exhibits": exhibits[r]}
                                      for r, d in numbers.items()}}
        path.write_text(json.dumps(data), "utf-8")
    except OSError:
        pass  # only a guess
