"""Tables of PDF statements with a text layer (支付宝/微信 交易流水证明, bank 流水 PDFs), read
with pdfplumber into the same (row number, cells) rows the CSV and workbook readers give, so
the bill layouts read them unchanged.

- the text above the first table (title, account, period) becomes preamble rows, so a layout's
  marker lines (支付宝, 微信支付) are found as in a CSV;
- the header row repeated at the top of every page is dropped after its first appearance;
- a cell wrapped inside its box (a long order number, "2026-03-05" over "14:10:22") is joined
  back: a date and a time with one space, anything else without one.

Row numbers count the table rows of the whole document (1-based), the preamble first. A PDF
without a text layer (a scan) gives no rows; its importer then says so.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

_DATE = re.compile(r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?$")
MAX_PAGES = 500


def _join(cell: Any) -> str:
    if cell is None:
        return ""
    parts = [p.strip() for p in str(cell).split("\n") if p.strip()]
    out = ""
    for part in parts:
        out += (" " if out and _DATE.search(out) and part[:1].isdigit() else "") + part
    return out


def pdf_rows(path: Path, max_rows: int | None = None) -> list[tuple[int, list[Any]]]:
    """Every table row of the statement (preamble lines first), as (row number, cells)."""
    import pdfplumber

    rows: list[list[Any]] = []
    header: list[str] | None = None
    with pdfplumber.open(str(path)) as pdf:
        for index, page in enumerate(pdf.pages[:MAX_PAGES]):
            tables = page.find_tables()
            if index == 0:
                top = tables[0].bbox[1] if tables else page.height
                above = page.crop((0, 0, page.width, max(1, top))).extract_text() or ""
                rows.extend([line] for line in above.splitlines() if line.strip())
            for table in tables:
                for raw in table.extract():
                    cells = [_join(c) for c in raw]
                    if not any(cells):
                        continue
                    if header is None and sum(1 for c in cells if c) >= 3:
                        header = cells
                    elif cells == header:
                        continue  # the header again at the top of a page
                    rows.append(cells)
                    if max_rows is not None and len(rows) >= max_rows:
                        return list(enumerate(rows, 1))
    return list(enumerate(rows, 1))
