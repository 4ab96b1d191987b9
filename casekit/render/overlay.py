"""The packet's text-only overlay: footers, exhibit stamps and the page numbers of the contents
and the 证据清单, laid out by WeasyPrint (templates/zh-CN/overlay.html) once every piece is
rendered, and merged onto the pages by pikepdf (`joining.py`).

Page numbers are fixed in two passes, not predicted: pass one renders the pieces with empty
slots where the contents and the 证据清单 print page numbers (each slot an element with an id,
whose box WeasyPrint reports); the lengths of the pieces then give every number, and pass two
lays each number on its slot, in the same font and size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .pieces import Box, Piece

PX_PER_MM = 96 / 25.4


@dataclass
class OverlayPage:
    """What the overlay shows on one page of the packet."""

    number: int                       # 1-based page number
    stamp: str = ""                   # an exhibit page: case id, label, SHA-256
    numbers: list[dict[str, Any]] = field(default_factory=list)  # page numbers laid on slots


def contents_number(box: Box, text: str) -> dict[str, Any]:
    """A page number at the right end of a contents line (the slot is the whole entry)."""
    left, top, right, _ = box
    return {"left": f"{left:.2f}", "top": f"{top:.2f}", "width": f"{right - left:.2f}", "text": text,
            "align": "right", "size": "10.5pt"}


def list_number(box: Box, text: str) -> dict[str, Any]:
    """A page number where the 证据清单's 页码 cell begins its text."""
    left, top, _, _ = box
    return {"left": f"{left:.2f}", "top": f"{top:.2f}", "width": f"{12 * PX_PER_MM:.2f}", "text": text,
            "align": "left", "size": "8.5pt"}


def overlay_pieces(env: Any, key: str, view: dict[str, Any], pages: list[OverlayPage], parts: int) -> list[Piece]:
    """The overlay of one packet as `parts` documents of consecutive pages (each page's text is a
    literal, so the parts render side by side); keys `key:0`, `key:1`, …"""
    template = env.get_template("zh-CN/overlay.html")
    size = -(-len(pages) // max(1, parts))
    total = len(pages)
    return [Piece(f"{key}:{i}", template.render(**dict(view, pages=pages[lo:lo + size], total=total)))
            for i, lo in enumerate(range(0, total, size))]
