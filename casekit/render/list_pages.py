"""The 证据清单, the timeline and the appendix (`d4_evidence.html`, `d5_timeline.html`,
`_appendix.html`), laid out for `drawn.py`: a heading, what comes before the table, one row per
exhibit or event with the header row on every page, what comes after."""

from __future__ import annotations

import html
from typing import Any

from .drawn import LEFT, MUTED, PT, TEXT, WIDTH, Faces, Page
from .flow import Flow, Grid, Style, baseline, css_text, text_cell, wrap, wrap_runs
from .pdffont import PdfFont
from .viewmodels import Gap

def _heading(flow: Flow, title: str) -> None:
    """A part's h1: 17 pt bold, centred, letter-spacing 0.1 em, margin-bottom 5 mm."""
    track = 1.7
    width = flow.faces.bold.width(title, 17) + track * len(title)
    flow.paragraph([title], LEFT + (WIDTH - width) / 2, 17, 17 * 1.55, "B", TEXT, 0, 5 * PT, tracking=track)


# -- the 证据清单 (templates/zh-CN/d4_evidence.html) -------------------------------------------------

EVIDENCE_TITLE, EVIDENCE_LABEL = "证 据 清 单", "证据清单"
EVIDENCE_COLS = (0.09, 0.24, 0.15, 0.16, 0.06, 0.30)  # table.evlist: border-box cells
EVIDENCE_HEAD = ("序号", "证据名称", "证据形式／证据来源", "证明目的", "页码", "载体/原件　SHA-256／取证时间")
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
        runs.append((str(value), GAP if isinstance(value, Gap) else plain))
    return runs


def evidence_texts(view: dict[str, Any]) -> list[str]:
    """Every string the 证据清单 shows but its page numbers (digits)."""
    texts = [f"案件编号 {view['case_id']}", EVIDENCE_TITLE, *EVIDENCE_HEAD, view["evidence_note"], EVIDENCE_SIGN,
             "0123456789", *(text for text, _ in _evidence_meta(view))]
    for ex in view["exhibits"]:
        texts += [str(ex[k]) for k in ("label", "title", "form", "short_source", "purpose", "carrier_short",
                                       "sha256", "captured", "added", "redaction")]
    return texts


def evidence_drawable(view: dict[str, Any], faces: Faces | None) -> bool:
    return faces is not None and faces.covers(css_text("".join(evidence_texts(view))))


def layout_evidence(view: dict[str, Any], faces: Faces, page_of: dict[str, int]) -> list[Page]:
    """The pages of the 证据清单: heading, the line naming case, submitter, recipient and date, one
    row per exhibit with the page it starts on (`page_of`), the header row on every page, the
    closing note and the signature line."""
    reg, bold = faces.regular, faces.bold
    flow = Flow(faces, str(view["case_id"]), EVIDENCE_LABEL)
    _heading(flow, EVIDENCE_TITLE)
    flow.runs_paragraph(wrap_runs(_evidence_meta(view), faces, WIDTH), LEFT, 8.5, 8.5 * 1.55, 1.5 * PT, 1.5 * PT)
    cols = Grid.columns(WIDTH, EVIDENCE_COLS, border_box=True)
    inner = Grid.content_widths(cols)
    head = [[[text_cell(inner[k], h, bold, "B")] for k, h in enumerate(EVIDENCE_HEAD)]]
    body = []
    for ex in view["exhibits"]:
        when = ex["captured"] if ex["captured"] != "—" else ex["added"]
        name = [text_cell(inner[1], ex["title"], reg)]
        if ex.get("redaction"):  # what this copy hides (i15-redact)
            name.append(text_cell(inner[1], ex["redaction"], reg, size=8.5, colour=MUTED))
        body.append([[text_cell(inner[0], ex["label"], reg)], name,
                     [text_cell(inner[2], ex["form"], reg), text_cell(inner[2], ex["short_source"], reg)],
                     [text_cell(inner[3], ex["purpose"], reg)],
                     [text_cell(inner[4], page_of.get("#" + ex["anchor"], ""), reg)],
                     [text_cell(inner[5], ex["carrier_short"], reg),
                      text_cell(inner[5], ex["sha256"], reg, size=8.0, anywhere=True), text_cell(inner[5], when, reg)]])
    Grid(cols, head, body, repeat=True).draw(flow, LEFT, 2 * PT, 4 * PT)
    muted = Style(8.5, "R", MUTED)
    flow.runs_paragraph(wrap_runs([(view["evidence_note"], muted)], faces, WIDTH), LEFT, 8.5, 8.5 * 1.55, 1.5 * PT, 1.5 * PT)
    # .signature: margin-top 6 mm, never split, its line right-aligned
    sign = wrap_runs([(EVIDENCE_SIGN, Style())], faces, WIDTH)
    flow.runs_paragraph(sign, LEFT, 10.5, 10.5 * 1.55, max(6 * PT, 1.5 * PT), 1.5 * PT, right=True)
    return flow.pages


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
             str(view.get("timeline_note", "")),
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
    flow = Flow(faces, str(view["case_id"]), TIMELINE_LABEL)
    _heading(flow, TIMELINE_TITLE)
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
    cols = Grid.columns(WIDTH, TIMELINE_COLS)
    inner = Grid.content_widths(cols)
    head = [[[text_cell(inner[k], h, bold, "B")] for k, h in enumerate(TIMELINE_HEAD)]]
    body = []
    for r in view["timeline"]:
        body.append([[text_cell(inner[0], r["n"], reg)], [text_cell(inner[1], r["time"], reg)],
                     [text_cell(inner[2], r["kind"], reg)],
                     [text_cell(inner[3], line, reg) for line in _event_lines(r["event"])],
                     [text_cell(inner[4], r["party"], reg)], [text_cell(inner[5], r["amount"], reg, "N")],
                     [text_cell(inner[6], r["running"], reg, "N")], [_refs_block(inner[7], r["refs"], reg)]])
    Grid(cols, head, body, repeat=True).draw(flow, LEFT, 2 * PT, 4 * PT)
    flow.paragraph(wrap(_timeline_total(view), reg, 10.5, WIDTH), LEFT, 10.5, 10.5 * 1.55, "R", TEXT,
                   1.5 * PT, 1.5 * PT)
    if view.get("timeline_note"):  # p.muted (i15-redact): chat text is machine-read
        flow.paragraph(wrap(view["timeline_note"], reg, 8.5, WIDTH), LEFT, 8.5, 8.5 * 1.55, "R", MUTED,
                       1.5 * PT, 1.5 * PT)
    return flow.pages


# -- the appendix (templates/zh-CN/_appendix.html) ------------------------------------------------

APPENDIX_TITLE, APPENDIX_LABEL = "附：电子数据说明", "电子数据说明"
APPENDIX_INTRO = ("以下电子数据均由报案/投诉人本人从其设备中截取或导出。casekit 在导入时计算每个原始文件的 SHA-256 "
                  "哈希值，原件逐字节保存、未作任何修改；可用 ", "sha256sum -c MANIFEST.sha256", " 核对。")
APPENDIX_KV = ("原始载体", "清单文件哈希（MANIFEST.sha256）", "保管链末条哈希（custody.jsonl）", "制作时间")
APPENDIX_HEAD = ("序号／编号", "取证时间／导入时间", "SHA-256")


def appendix_texts(view: dict[str, Any]) -> list[str]:
    """Every string the appendix shows."""
    texts = [f"案件编号 {view['case_id']}", APPENDIX_TITLE, *APPENDIX_INTRO, *APPENDIX_KV, *APPENDIX_HEAD,
             str(view["carrier"]), str(view["manifest_hash"]), str(view["custody_head"]), str(view["generated_full"])]
    for ex in view["exhibits"]:
        texts += [str(ex[k]) for k in ("label", "id", "captured", "added", "sha256")]
    return texts


def appendix_drawable(view: dict[str, Any], faces: Faces | None) -> bool:
    return faces is not None and faces.covers(css_text("".join(appendix_texts(view))))


def layout_appendix(view: dict[str, Any], faces: Faces) -> list[Page]:
    """The pages of the appendix: its heading, what the hashes are, the key-value table, and one
    row per exhibit (the header row on every page)."""
    reg, bold = faces.regular, faces.bold
    flow = Flow(faces, str(view["case_id"]), APPENDIX_LABEL)
    # h1: 17 pt bold, centred, letter-spacing 0.1 em, margin-bottom 5 mm
    _heading(flow, APPENDIX_TITLE)
    # the paragraph: 10.5 pt with the command in 8 pt <code>
    runs = [(APPENDIX_INTRO[0], Style()), (APPENDIX_INTRO[1], Style(8.0)), (APPENDIX_INTRO[2], Style())]
    flow.runs_paragraph(wrap_runs(runs, faces, WIDTH), LEFT, 10.5, 10.5 * 1.55, 1.5 * PT, 1.5 * PT)
    # table.kv: th 28 % (content-box), left-aligned, shaded
    cols = Grid.columns(WIDTH, (0.28, None))
    inner = Grid.content_widths(cols)
    values = [(view["carrier"], 8.5, False), (view["manifest_hash"], 8.0, True), (view["custody_head"], 8.0, True),
              (view["generated_full"], 8.5, False)]
    body = [[[text_cell(inner[0], key, bold, "B")], [text_cell(inner[1], value, reg, size=size, anywhere=hashy)]]
            for key, (value, size, hashy) in zip(APPENDIX_KV, values)]
    Grid(cols, [], body, repeat=False, shaded=(0,)).draw(flow, LEFT, 2 * PT, 4 * PT)
    # the exhibits: 14 % / 30 % / the rest
    cols = Grid.columns(WIDTH, (0.14, 0.30, None))
    inner = Grid.content_widths(cols)
    head = [[[text_cell(inner[k], h, bold, "B")] for k, h in enumerate(APPENDIX_HEAD)]]
    body = [[[text_cell(inner[0], ex["label"], reg), text_cell(inner[0], ex["id"], reg)],
             [text_cell(inner[1], ex["captured"], reg), text_cell(inner[1], ex["added"], reg)],
             [text_cell(inner[2], ex["sha256"], reg, size=8.0, anywhere=True)]] for ex in view["exhibits"]]
    Grid(cols, head, body, repeat=True).draw(flow, LEFT, 2 * PT, 4 * PT)
    return flow.pages

