"""An exhibit's pages (`templates/zh-CN/_exhibit.html`), laid out for `drawn.py`: the running header,
the heading, four metadata lines between two rules, the print copy in its frame, "识别内容" and the
transcript (a payment table and lines). An exhibit begins on a new page; the figure and a table are
never split, paragraphs keep two lines on either side of a break, a heading stays with what follows."""

from __future__ import annotations

from typing import Any

from .drawn import FRAME, LEFT, MUTED, PT, RULE, TEXT, WIDTH, Faces, Page
from .flow import Flow, Grid, baseline, css_text, text_cell, wrap

# transcript table columns (_exhibit.html), the fourth takes what the others leave
TABLE_COLS = (0.14, 0.08, 0.10, None, 0.14, 0.18, 0.09)
TABLE_HEAD = ("时间", "收/支", "金额", "对方", "账户", "订单号", "状态")


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


def layout(ex: dict[str, Any], case_id: str, faces: Faces) -> list[Page]:
    """The pages of one exhibit (see the module's docstring)."""
    reg, bold = faces.regular, faces.bold
    flow = Flow(faces, case_id, str(ex["label"]))

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
    flow.start_bar(2 * PT if table is not None and not note else gap_p)
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
    flow.end_bar()
    return flow.pages


def _payment_table(faces: Faces, rows: list[dict[str, Any]], width: float) -> Grid:
    """_exhibit.html's table of payments: identifiers 8 pt broken anywhere, the memo under the
    counterparty, amounts right-aligned."""
    reg, bold = faces.regular, faces.bold
    cols = Grid.columns(width, TABLE_COLS)
    inner = Grid.content_widths(cols)
    head = [[[text_cell(inner[k], h, bold, "B")] for k, h in enumerate(TABLE_HEAD)]]
    body = []
    for r in rows:
        party = [text_cell(inner[3], r["counterparty"], reg)]
        if r.get("memo"):
            party.append(text_cell(inner[3], f"备注：{r['memo']}", reg, colour=MUTED))
        body.append([[text_cell(inner[0], r["time"], reg)], [text_cell(inner[1], r["direction"], reg)],
                     [text_cell(inner[2], r["amount"], reg, "N")], party,
                     [text_cell(inner[4], r["account"], reg, size=8.0, anywhere=True)],
                     [text_cell(inner[5], r["order_id"], reg, size=8.0, anywhere=True)],
                     [text_cell(inner[6], r["status"], reg)]])
    return Grid(cols, head, body, repeat=False)

