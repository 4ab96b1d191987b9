"""What each page shows, as plain dicts: the templates only lay these out.

Everything comes from the library the CLI uses (casemodel, steps, corrections, scoping,
facts), so the page and `casekit status` / `casekit corrections --show` never disagree.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import tomlkit

from ..corrections import LABELS_ZH, apply_case
from ..errors import BadInput, CasekitError
from ..factsedit import current, show
from ..formatting import money
from ..interview import QUESTIONS
from ..store import Case
from .english import DIRECTIONS, error_line, KINDS_EN, STEP_EN, Shown, link_reason, shown

EVIDENCE_ID = re.compile(r"^E\d{4,6}$")
LOW_CONFIDENCE = 70.0  # bubble mean OCR confidence (0-100) under which the page highlights it
RECIPIENTS = {"police": ("报案材料", "police report"), "consumer": ("12315/消协投诉", "12315 complaint"),
              "platform": ("平台投诉", "platform complaint")}
KINDS_ZH = {"chat_screenshot": "聊天截图", "payment_screenshot": "付款截图", "order_page": "订单页", "refund_record": "退款记录",
            "product_page": "商品页", "profile": "主页", "filing_receipt": "受理回执", "image": "图片", "bill": "账单",
            "other": "其他", "not_extracted": "未识别"}
SPEAKERS_ZH = {"me": "我", "them": "对方", "system": "系统"}
FIELD_EN = {"text": "text", "speaker": "speaker", "name": "name", "time": "time", "amount": "amount",
            "counterparty": "payee", "counterparty_account": "payee account", "order_id": "order id"}


def evidence_id(value: str) -> str:
    """A path parameter that must be an evidence id (E0001); anything else is refused."""
    if not EVIDENCE_ID.match(value or ""):
        raise BadInput(f"证据编号不对：{value[:40]!r}", f"not an evidence id: {value[:40]!r}",
                       hint_zh="编号形如 E0001", hint_en="ids look like E0001")
    return value


def field_text(record: Any, field: str) -> str:
    """A record's field as its box on the item page shows it (and as the page posts it back)."""
    value = getattr(record, field)
    if value is None:
        return ""
    if field == "time":
        return value.isoformat(timespec="minutes")
    if field == "amount":
        return f"{value:.2f}"
    return str(value)


def changed_fields(case: Case, eid: str, record: str, number: int, form: dict[str, str]) -> dict[str, str]:
    """The fields of one record whose posted value differs from what the page showed: an
    untouched box is never recorded as a correction (nor an emptied time as unchanged)."""
    from ..corrections import FIELDS, record_of

    _raw, current_record, _ex = record_of(case, eid, record, number)  # type: ignore[arg-type]
    return {f: form[f] for f in FIELDS[record] if f in form and form[f].strip() != field_text(current_record, f).strip()}


def overview(case: Case, lang: str = "zh") -> dict[str, Any]:
    """The case overview: the checklist (urgent hints first), the items, the packets in out/;
    the library's texts in `lang` where the page knows their English (casekit.web.english)."""
    from ..casemodel import list_evidence, load_case_model
    from ..steps import evaluate

    data: dict[str, Any] = {"root": str(case.root), "error": None, "hints": [], "steps": [], "loss": None,
                            "title": case.root.name, "evidence": [], "packets": packets(case)}
    items = case.items()
    try:
        model = load_case_model(case)
    except CasekitError as exc:  # a broken case.toml: say so, still list the evidence
        data["error"] = error_line(exc, lang)
        for item, entry in zip(items, list_evidence(case, items)):
            data["evidence"].append(_item_row(item, entry.kind if entry.extraction is not None else "not_extracted", None, lang))
        return data
    status = evaluate(model)
    data["title"] = model.facts.case.title or case.root.name
    data["loss"] = money(model.timeline.loss.net)  # as the reminders and the packets write it
    data["hints"] = [{"text": shown(h.text, lang), "urgent": h.urgent} for h in sorted(status.hints, key=lambda h: not h.urgent)]
    for step in status.steps.values():
        checks = sorted(step.checks, key=lambda c: (c.ok, not c.required))
        data["steps"].append({"key": step.step, "title": step.title, "title_en": STEP_EN.get(step.step, step.title), "ready": step.ready, "gaps": len(step.gaps),
                              "checks": [{"label": shown(c.label, lang), "ok": c.ok, "required": c.required,
                                          "fix": _fix(c.fix, lang, case) if not c.ok else None,
                                          "field": None if c.ok else fix_field(c.fix),
                                          "add": not c.ok and "casekit add" in c.fix,
                                          "go": None if c.ok else web_fix(c.key)} for c in checks]})
    for item, entry in zip(items, model.evidence):
        kind = entry.kind if entry.extraction is not None else "not_extracted"
        data["evidence"].append(_item_row(item, kind, entry, lang))
    return data


def web_fix(key: str) -> dict[str, str] | None:
    """Where on the page a checklist gap is fixed, for the gaps whose library fix is a command
    (`casekit link …`, `casekit correct …`, `casekit accept …`): the page's own control instead."""
    kind, _, eid = key.partition(":")
    eid = eid.rsplit(":", 1)[-1]
    if kind == "unlinked" and EVIDENCE_ID.match(eid):
        return {"href": f"#row-{eid}", "zh": f"在第 2 步 {eid} 一行点“归属/排除”", "en": f"use “Link / exclude” on {eid}'s row in step 2"}
    if kind in ("undated", "order") and EVIDENCE_ID.match(eid):
        return {"href": f"/item/{eid}", "zh": f"打开 {eid} 逐条核对、更正时间", "en": f"open {eid} and check or correct each time"}
    if kind == "proposals":
        return {"href": "#proposals", "zh": "在上面“从截图读到的案件信息”中确认", "en": "confirm them under “Facts read from the screenshots” above"}
    return None


def build_gaps(case: Case) -> list[str]:
    """The labels a build without --draft would refuse on (casekit.packets.gap_listing), so the
    page can say so in its own words before starting a job."""
    from ..casemodel import load_case_model
    from ..packets import gap_listing, planned
    from ..steps import evaluate

    status = evaluate(load_case_model(case))
    _lines, labels = gap_listing(status, planned(status, "all", Path(case.root))[0])
    return labels


def _fix(fix: str, lang: str, case: Case) -> Shown | None:
    """A check's fix in `lang`, with the case folder in place of the DIR its commands name."""
    if not fix:
        return None
    text = shown(fix, lang)
    return Shown(text.text.replace("DIR", str(case.root)), text.lang)


def _item_row(item: Any, kind: str, entry: Any, lang: str) -> dict[str, Any]:
    return {"id": item.id, "name": item.original_name, "kind": kind, "kind_zh": KINDS_ZH.get(kind, kind),
            "kind_en": KINDS_EN.get(kind, kind), "excluded": item.excluded, "exclude_reason": item.exclude_reason,
            "linked": None if entry is None else entry.linked,
            "link_reason": link_reason("" if entry is None else entry.link_reason, lang),
            "image": item.media_type.startswith("image/")}


def packets(case: Case) -> list[dict[str, Any]]:
    """The packets already built in out/."""
    out = []
    for key, (zh, en) in RECIPIENTS.items():
        pdf = case.out_dir / f"{key}.pdf"
        if pdf.is_file():
            out.append({"key": key, "zh": zh, "en": en, "size_kb": max(1, pdf.stat().st_size // 1024)})
    return out


def item_view(case: Case, eid: str) -> dict[str, Any]:
    """One item: its image with the boxes read, and every record as corrected, numbered."""
    item = case.item(evidence_id(eid))
    raw = case.load_extraction(item.id)
    extraction = apply_case(case.root, item.id, raw)
    size = image_size(item.path) if item.media_type.startswith("image/") else None
    messages, transactions, boxes = [], [], []
    for n, m in enumerate(extraction.messages if extraction else [], start=1):
        low = m.confidence is not None and m.confidence < LOW_CONFIDENCE
        row = {"n": n, "speaker": m.speaker, "speaker_zh": SPEAKERS_ZH.get(m.speaker, m.speaker), "name": m.name or "",
               "text": m.text, "time": field_text(m, "time"), "time_text": m.time_text or "",
               "kind": m.kind, "corrected": [(LABELS_ZH.get(f, f), FIELD_EN.get(f, f)) for f in m.corrected], "confirmed": m.confirmed,
               "confidence": None if m.confidence is None else round(m.confidence), "low": low,
               "pieces": text_pieces(m.text, m.weak), "weak": len(m.weak), "when": when_text(m.time)}
        messages.append(row)
        if m.source.box:
            boxes.append({"record": "message", "n": n, "box": list(m.source.box), "low": low, "speaker": m.speaker})
    for n, t in enumerate(extraction.transactions if extraction else [], start=1):
        transactions.append({"n": n, "direction": DIRECTIONS.get(t.direction, (t.direction, t.direction)),
                             **{f: field_text(t, f) for f in ("amount", "counterparty", "counterparty_account", "order_id", "time")},
                             "corrected": [(LABELS_ZH.get(f, f), FIELD_EN.get(f, f)) for f in t.corrected], "confirmed": t.confirmed,
                             "when": when_text(t.time)})
        if t.source.box:
            boxes.append({"record": "transaction", "n": n, "box": list(t.source.box), "low": False, "speaker": ""})
    return {"id": item.id, "name": item.original_name, "sha256": item.sha256, "excluded": item.excluded,
            "exclude_reason": item.exclude_reason, "kind": extraction.kind if extraction else "not_extracted",
            "kind_zh": KINDS_ZH.get(extraction.kind if extraction else "not_extracted", ""),
            "kind_en": KINDS_EN.get(extraction.kind if extraction else "not_extracted", ""),
            "extracted": extraction is not None, "image": size is not None, "size": size, "boxes": boxes,
            "messages": messages, "transactions": transactions, "warnings": list(extraction.warnings) if extraction else [],
            "message_fields": [(f, LABELS_ZH[f], FIELD_EN[f]) for f in ("text", "speaker", "name", "time")],
            "transaction_fields": [(f, LABELS_ZH[f], FIELD_EN[f]) for f in ("amount", "time", "counterparty", "counterparty_account", "order_id")]}


def when_text(value: Any) -> str:
    """A record's time as a person reads it: China time, no "T", no offset (2026-03-05 14:00)."""
    from ..facts import CST

    if value is None:
        return ""
    local = value.astimezone(CST) if value.tzinfo else value
    return local.strftime("%Y-%m-%d %H:%M")


def text_pieces(text: str, weak: tuple[tuple[int, int], ...]) -> list[tuple[str, bool]]:
    """A message's text cut into (piece, read with low confidence) runs for the transcript.
    A corrected text has no weak spans (casekit.corrections drops them with the reading)."""
    out: list[tuple[str, bool]] = []
    at = 0
    for start, end in sorted(weak):
        start, end = max(start, at), min(end, len(text))
        if start >= end:
            continue
        if start > at:
            out.append((text[at:start], False))
        out.append((text[start:end], True))
        at = end
    if at < len(text) or not out:
        out.append((text[at:], False))
    return out


def image_size(path: Path) -> tuple[int, int] | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            return im.size
    except (OSError, UnidentifiedImageError, ValueError):
        return None


# English for the interview's questions (casekit.interview.QUESTIONS holds the Chinese).
QUESTION_EN = {
    "case.title": "Case title", "case.platform": "Platform", "case.incident_date": "Date it happened (2026-03-05)",
    "case.original_carrier": "Where the original evidence is (e.g. my phone, Kuaishou app)",
    "victim.name": "Your name", "victim.gender": "Gender", "victim.birth_date": "Date of birth (1990-01-01)",
    "victim.id_number": "ID card number (18 digits)", "victim.phone": "Phone", "victim.address": "Address",
    "suspects.name": "Their name or nickname", "suspects.account_id": "Their Kuaishou / Douyin / WeChat id",
    "suspects.shop": "Their shop", "suspects.phones": "Their phones (comma-separated)",
    "suspects.payment_accounts": "Accounts you paid (comma-separated)", "order.order_id": "Order number",
    "order.goods": "Goods", "order.amount": "Order amount (1280.00)", "story.problem": "What went wrong",
    "story.off_platform_payment": "Did they ask you to pay outside the platform?", "story.blocked": "Did they block you?",
    "filing.police_unit": "Police station to report to", "filing.consumer_unit": "Market regulator or consumer association",
    "filing.truth_declared": "I declare this is true and know false accusations carry legal liability",
    "victim.payment_accounts": "The accounts you paid from (e.g. Alipay 139****1111; comma-separated)",
    "story.delivered": "Did the goods arrive?", "order.received_on": "Date you signed for them (only if they came, 2026-03-08)",
    "story.food": "Is it food?",
}
# More case.toml keys the form offers beyond the interview: (table, key, zh, en, kind).
EXTRA_FIELDS = [
    ("case", "id", "案件编号（可不填）", "Case number (optional)", "text"),
    ("suspects", "platform_account", "对方平台账号", "Their platform account", "text"),
    ("suspects", "live_room_id", "直播间号", "Live room id", "text"),
    ("suspects", "im_ids", "对方聊天账号（多个用逗号分隔）", "Their chat ids (comma-separated)", "list"),
    ("suspects", "urls", "对方主页或商品链接（多个用逗号分隔）", "Their page or product links (comma-separated)", "list"),
    ("order", "shop", "订单上的店铺名称", "Shop on the order", "text"),
    ("order", "ordered_at", "下单时间（2026-03-05 14:10）", "Ordered at (2026-03-05 14:10)", "datetime"),
    ("order", "payment_method", "付款方式", "Payment method", "text"),
    ("respondent", "legal_name", "被投诉方（商家）名称", "Respondent (merchant) name", "text"),
    ("respondent", "credit_code", "统一社会信用代码", "Unified social credit code", "text"),
    ("respondent", "address", "被投诉方地址", "Respondent's address", "text"),
    ("respondent", "phone", "被投诉方电话", "Respondent's phone", "text"),
    ("respondent", "platform_operator", "平台经营者（公司名称）", "Platform operator (company)", "text"),
    ("story", "summary", "事情经过（用自己的话写）", "What happened, in your own words", "textarea"),
    ("story", "negotiation", "与商家或平台协商的经过", "How you tried to settle it", "textarea"),
    ("story", "delivered", "是否收到货", "Were the goods delivered?", "bool"),
    ("story", "counterfeit", "是否为假冒商品", "Were they counterfeit?", "bool"),
    ("filing", "police_receipt_no", "报案回执编号（报案后）", "Police receipt number (after reporting)", "text"),
    ("filing", "complaint_no", "12315 投诉编号", "12315 complaint number", "text"),
    ("filing", "platform_request_no", "平台售后或投诉单号", "Platform after-sales or complaint number", "text"),
    ("filing", "merchant_rejected_on", "商家拒绝退款的日期（2026-03-06）", "Date the merchant refused (2026-03-06)", "date"),
    ("filing", "after_sales_deadline", "App 显示的售后处理期限（2026-03-08 18:00）", "After-sales deadline the app shows", "datetime"),
]
SECTIONS = [("case", "案件", "Case"), ("victim", "您本人", "You"), ("suspects", "对方", "The other side"),
            ("order", "订单", "Order"), ("respondent", "被投诉方", "Respondent"), ("story", "经过", "What happened"),
            ("filing", "递交", "Filing")]
_ASKED = {(t, k) for t, k, _q, _kind in QUESTIONS}
FORM_FIELDS = [(t, k, q, QUESTION_EN.get(f"{t}.{k}", q), kind) for t, k, q, kind in QUESTIONS] + \
    [f for f in EXTRA_FIELDS if (f[0], f[1]) not in _ASKED]  # a key the interview comes to ask is shown once
FACT_KINDS = {(t, k): ("text" if kind == "textarea" else kind) for t, k, _zh, _en, kind in FORM_FIELDS}
FIX_FIELD = re.compile(r"\[(\w+)\] (\w+)")


def fix_field(fix: str) -> str | None:
    """The form field a checklist fix names ("在 case.toml 的 [victim] phone 填写"), if the form has it."""
    match = FIX_FIELD.search(fix or "")
    return f"{match.group(1)}.{match.group(2)}" if match and (match.group(1), match.group(2)) in FACT_KINDS else None


def facts_form(case: Case) -> list[dict[str, Any]]:
    """The facts form, section by section, with the answers case.toml holds now."""
    text = case.toml_path.read_text("utf-8") if case.toml_path.exists() else ""
    try:
        doc = tomlkit.parse(text)
    except Exception:
        doc = tomlkit.document()
    groups = []
    known = {table for table, _zh, _en in SECTIONS}
    sections = SECTIONS + [(t, t, t) for t in dict.fromkeys(f[0] for f in FORM_FIELDS) if t not in known]
    for table, zh, en in sections:
        rows = [{"name": f"{t}.{k}", "zh": q, "en": qe, "kind": kind, "value": show(current(doc, t, k))}
                for t, k, q, qe, kind in FORM_FIELDS if t == table]
        groups.append({"key": table, "zh": zh, "en": en, "rows": rows})
    return groups


def pending_proposals(case: Case) -> list[dict[str, Any]] | None:
    """Proposals waiting for the user (casekit.proposals, contract §3); None until it exists."""
    try:
        from .. import proposals  # type: ignore[attr-defined]
    except ImportError:
        return None
    try:
        waiting = proposals.pending(case)
    except CasekitError:
        return []  # case.toml does not read: the overview already says so at the top
    return [{"field": p.field, "value": p.value, "evidence_id": p.evidence_id, "current": p.current,
             "conflict": bool(p.conflict), "unsure": bool(getattr(p, "unsure", False))} for p in waiting]


# The [[events]] and [[demands]] blocks as rows of the facts form (casekit.factsedit.ROWS).
ROW_TABLES = [
    ("events", "自己记得的事件（聊天以外的）", "Events you remember (beyond the chats)",
     [("time", "时间（2026-03-05 14:10，或只写日期）", "Time (2026-03-05 14:10, or just the date)", "text"),
      ("text", "发生了什么", "What happened", "text"),
      ("evidence", "相关证据编号（如 E0001，可不填）", "Evidence ids (e.g. E0001, optional)", "text")]),
    ("demands", "诉求", "Demands",
     [("kind", "诉求类型", "Kind of demand", "kind"),
      ("amount", "金额（1280.00，可不填）", "Amount (1280.00, optional)", "money"),
      ("note", "具体写法（可不填）", "Wording (optional)", "text")]),
]
DEMAND_KIND_EN = {"refund": "refund of the whole price", "compensation": "compensation by law",
                  "investigate": "a criminal investigation", "freeze": "freezing and recovering the money"}
ROW_NAMES = {"events": ("事件", "Event"), "demands": ("诉求", "Demand")}  # one row's heading: 事件 2
ROW_FIELD = re.compile(r"^(events|demands)\.(\d+|new)\.(\w+)$")


def row_tables(case: Case, posted: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Each row table with its blocks as case.toml holds them (or as posted, after a refused
    save) and one empty row to add a block."""
    from ..facts import DEMAND_KINDS, DEMAND_LABELS
    from ..factsedit import fingerprint, row_values

    text = case.toml_path.read_text("utf-8") if case.toml_path.exists() else ""
    try:
        doc = tomlkit.parse(text)
    except Exception:
        doc = tomlkit.document()
    posted = posted or {}
    out = []
    for table, zh, en, fields in ROW_TABLES:
        rows = []
        blocks = list(doc.get(table) or [])
        for key, block in [(str(i), b) for i, b in enumerate(blocks)] + [("new", None)]:
            values = row_values(table, block) if block is not None else {f: "" for f, *_ in fields}
            shown = {f: posted.get(f"{table}.{key}.{f}", v) for f, v in values.items()}
            rows.append({"key": key, "n": len(rows) + 1, "shown": shown, "was": fingerprint(values) if block is not None else "",
                         "remove": posted.get(f"{table}.{key}.remove") == "1"})
        out.append({"table": table, "zh": zh, "en": en, "fields": fields, "rows": rows, "row_name": ROW_NAMES[table],
                    "kinds": [(k, DEMAND_LABELS.get(k, k), DEMAND_KIND_EN.get(k, k)) for k in DEMAND_KINDS]})
    return out


def posted_rows(form: dict[str, str]) -> dict[str, list[Any]]:
    """The facts form's row fields (events.0.time, demands.new.kind, …) as factsedit.RowEdits."""
    from ..factsedit import ROWS, RowEdit

    found: dict[str, dict[str, dict[str, str]]] = {}
    for name, value in form.items():
        match = ROW_FIELD.match(name)
        if match and (match.group(3) in ROWS[match.group(1)] or match.group(3) in ("remove", "was")):
            found.setdefault(match.group(1), {}).setdefault(match.group(2), {})[match.group(3)] = value
    out: dict[str, list[Any]] = {}
    for table, rows in found.items():
        edits = []
        for key in sorted(rows, key=lambda k: (k == "new", int(k) if k.isdigit() else 0)):
            fields = rows[key]
            values = {k: v for k, v in fields.items() if k in ROWS[table]}
            edits.append(RowEdit(None if key == "new" else int(key), values, fields.get("remove") == "1", fields.get("was", "")))
        out[table] = edits
    return out
