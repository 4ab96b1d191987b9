"""View models: everything a packet shows, computed in Python before any template runs.

Labels (证据N), page-reference anchors, formatted money and dates, masking per recipient and the
fund-flow diagram are all made here. Templates only lay them out.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from .casemodel import CaseModel, EvidenceEntry
from .facts import CST
from .steps import STEP_TITLES, Status
from .store import print_cache_dir
from .matching import belongs
from .redact import ImagePlan, Redactor, displayed_size, plan_image, redacted_print
from .formatting import date_zh, money, rmb_upper, unnest
from .naming import exhibit_name
from .printcopies import print_images, print_size_mm
from .verify import packet_custody_head
from . import filing_text

__all__ = ["Gap", "Redactor", "build_view", "rmb_upper", "unnest"]

RECIPIENT_TITLES = {"police": "报案材料", "consumer": "消费投诉书", "platform": "平台投诉/退款申请"}
RECIPIENT_TO = {"police": "公安机关", "consumer": "市场监督管理部门/消费者协会", "platform": "平台客服/纠纷处理部门"}
MAX_NARRATIVE_LINES = 40
KEY_WORDS = ("转账", "付款", "支付", "微信", "退款", "发货", "拉黑", "保证金", "链接", "订单", "撤回", "删除",
             "收款", "优惠", "投诉", "客服")

CAPTURE_SOURCES = {"exif": "据EXIF", "png": "据PNG元数据", "filename": "据文件名"}
# what the item is; where it was taken from is the user's `original_carrier`, said only when given
def _captured(e: Any) -> str:
    """When the item was taken: its file's capture time (and where that was read), else the day
    the user gave as `[evidence.Exxxx] taken_on`, else —."""
    if e.capture_time:
        return date_zh(e.capture_time) + (f"（{CAPTURE_SOURCES.get(e.capture_source, e.capture_source)}）"
                                          if e.capture_source else "")
    return f"{date_zh(e.taken_on)}（本人填写）" if e.taken_on else "—"


SHORT_SOURCES = {"chat": "聊天界面截图", "payment_voucher": "支付App截图",
                 "bill": "支付平台导出账单", "order_page": "订单页截图", "product_page": "商品页截图",
                 "profile_page": "截图（对方主页）", "live_recording": "录屏"}


def _sources(e: EvidenceEntry, carrier: str) -> dict[str, str]:
    """The 证据来源 / 载体 words of one exhibit. "本人手机" only when the user said so (issue 15 §4):
    nothing tells casekit where a file came from but `[case] original_carrier`."""
    kind = SHORT_SOURCES.get(e.subtype, "截图/文件" if e.is_image else "电子文件")
    original = "原始图片文件" if e.is_image else "原始导出文件"
    return {"short_source": f"{carrier}{kind}" if carrier and e.subtype != "bill" else kind,
            "carrier_short": f"原件在{carrier}" if carrier and e.is_image else original,
            "source": f"{carrier}；原文件名 {e.original_name}" if carrier else f"原文件名 {e.original_name}"}


@dataclass(frozen=True)
class Gap:
    """A missing fact, shown as 【待补充：…】 in a draft."""

    label: str

    def __str__(self) -> str:
        return f"【待补充：{self.label}】"

    def __html__(self) -> str:
        return f'<span class="gap">{escape(str(self))}</span>'

    def __bool__(self) -> bool:
        return True


def _need(value: Any, label: str, draft: bool) -> Any:
    """The value, or a visible gap marker (or a dash outside drafts — a build then refused)."""
    if value:
        return value
    return Gap(label) if draft else "—"


def _rel(path: Path, out_dir: Path) -> str:
    return Path(os.path.relpath(path, out_dir)).as_posix()


OCR_NOTE = "以下文字为 OCR 机器识别，以原图为准。"
CORRECTED = "（经本人核对更正）"
TIMELINE_OCR_NOTE = "“聊天”一类事件的文字为 OCR 机器识别，以各证据原图为准。"
def _marked(record: Any) -> str:
    """The note a corrected or confirmed record carries (casekit/corrections.py sets the flags)."""
    if getattr(record, "corrected", False):
        return CORRECTED
    if getattr(record, "confirmed", False):
        return "（经本人核对）"
    return ""


def _relevant_rows(e: EvidenceEntry, model: CaseModel, case_rows: set[tuple[str, int | None]]) -> list[Any]:
    """The rows of a bill that belong to this case: those a payment cites, those whose counterparty or
    account matches a suspect, and those with the amount and minute of a payment of the case."""
    paid = {(p.amount, p.time.replace(second=0, microsecond=0)) for p in model.timeline.payments if p.time}
    out = []
    for t in e.extraction.transactions if e.extraction else []:
        minute = t.time.replace(second=0, microsecond=0) if t.time else None
        if (e.id, t.source.row) in case_rows or belongs(t, model.facts) or (t.amount, minute) in paid:
            out.append(t)
    return out


def _transcript(e: EvidenceEntry, red: Redactor, model: CaseModel,
                case_rows: set[tuple[str, int | None]]) -> dict[str, Any]:
    """What casekit read from one exhibit, as lines or a table, marked as machine-read (OCR) where it
    is, each line corrected by the user marked so."""
    ex = e.extraction
    if ex is None:
        return {"lines": ["（尚未识别：运行 casekit extract）"], "rows": [], "note": ""}
    lines: list[str] = []
    speakers = {"me": "我", "them": "对方", "system": "系统"}
    for m in ex.messages:
        who = speakers.get(m.speaker, m.speaker)
        if m.speaker == "them" and m.name:
            who = f"对方（{m.name}）"
        when = f"[{m.time_text}] " if m.time_text else ""
        lines.append(unnest(red.text(f"{when}{who}：{m.text}", m.speaker == "me")) + _marked(m))
    rows, notes = [], []
    txns = ex.transactions
    if ex.kind == "bill" and txns:
        relevant = _relevant_rows(e, model, case_rows)
        if relevant:
            notes.append(f"账单共 {len(txns)} 笔记录，以下列出与本案有关的 {len(relevant)} 笔。")
        else:
            notes.append(f"账单共 {len(txns)} 笔记录，其中未识别出与本案对方相符的记录。")
        txns = relevant
    elif ex.kind != "bill" and e.is_image:
        notes.append(OCR_NOTE)
    for t in txns:
        rows.append({
            "time": date_zh(t.time), "amount": money(t.amount),
            "direction": {"out": "支出", "in": "收入"}.get(t.direction, "—") + ("·退款" if t.is_refund else ""),
            "counterparty": unnest(red.text(t.counterparty or "—")) + _marked(t),
            "account": red.account(t.counterparty_account) or "—",
            "order_id": t.order_id or t.merchant_order_id or "—", "status": t.status or "—",
            "memo": unnest(red.text(t.memo or "")), "row": t.source.row,
        })
    if not lines and not rows and ex.text:
        lines = [unnest(red.text(x)) for x in ex.text.splitlines() if x.strip()][:60]
    if not lines and not rows:
        lines = ["（未识别出文字）"]
    return {"lines": lines, "rows": rows, "note": "".join(notes)}


UNDATED = "日期待确认"


def undated(ev: Any) -> str:
    """An event nothing dates (a label such as 昨天 21:30 with no capture time to count from):
    日期待确认 and the label as the screen shows it, never a guessed date (issue 15 §1)."""
    shown = getattr(ev, "time_text", None)
    return f"{UNDATED}（截图显示“{shown}”）" if shown else UNDATED


def _when(ev: Any) -> str:
    if ev.time is None:
        return undated(ev)
    when = date_zh(ev.time, with_time=ev.precision not in ("day",))
    return when + "（约）" if ev.precision == "approx" else when


def _chat_bursts(events: list[Any]) -> list[list[Any]]:
    """Timeline events as D5 rows: consecutive chat lines read from the same screenshot(s) share
    one row, one line each (a row per line made the timeline as long as every transcript again,
    and a table row is the costliest thing to lay out); every other event is a row of its own."""
    rows: list[list[Any]] = []
    for ev in events:
        last = rows[-1][-1] if rows else None
        if last is not None and ev.kind == "message" == last.kind and ev.evidence_ids == last.evidence_ids \
                and ev.step == last.step and ev.dated == last.dated and ev.time_text == last.time_text:
            # an undated line is never under a dated row, nor under another label's
            rows[-1].append(ev)
        else:
            rows.append([ev])
    return rows


def _burst_text(burst: list[Any], red: "Redactor") -> Markup:
    """The row's event text; a burst's lines one under another, each with its own time when the
    burst spans more than one."""
    if len(burst) == 1:
        return escape(unnest(red.text(burst[0].text, _mine(burst[0]))) + _event_mark(burst[0]))
    timed = len({(e.time, e.precision) for e in burst}) > 1
    lines = []
    for ev in burst:
        prefix = ""
        if timed:
            clock = f"{ev.time.astimezone(CST) if ev.time.tzinfo else ev.time:%H:%M}" if ev.time else undated(ev)
            prefix = ("约" if ev.precision == "approx" else "") + clock + " "
        lines.append(escape(prefix + unnest(red.text(ev.text, _mine(ev))) + _event_mark(ev)))
    return Markup("<br>").join(lines)


def _event_mark(ev: Any) -> str:
    """D5 marks a chat line the user corrected, as the exhibit transcripts do."""
    return CORRECTED if getattr(ev, "corrected", False) else ""


def _mine(ev: Any) -> bool:
    """A timeline event that is something the victim herself wrote (timeline words it "我：…")."""
    return ev.kind == "message" and ev.text.startswith("我：")


def build_view(model: CaseModel, status: Status, recipient: str, draft: bool, out_dir: Path) -> dict[str, Any]:
    """The whole view model of one recipient's packet.

    Each exhibit's `image` is already the copy this recipient may see (casekit/redact.py: painted
    for the platform and consumer copies where needed); `redaction` is what the 证据清单 prints about it, `image_withheld`
    says the copy leaves the picture out, and `attach_original` is False when the original shows
    what this copy hides (a packet that carries originals must leave that one out)."""
    f, tl = model.facts, model.timeline
    o = f.order
    keep = [o.order_id] + [x for p in tl.payments for x in (p.order_id, p.reference_no) if x]
    keep += [x for e in model.included if e.extraction for t in e.extraction.transactions
             for x in (t.order_id, t.merchant_order_id) if x]
    red = Redactor(recipient, victim_id=f.victim.id_number, victim_phone=f.victim.phone,
                   victim_address=f.victim.address, known_cards=[a for s in f.suspects for a in s.payment_accounts],
                   keep=keep)
    step = recipient
    evidence = model.for_step(step)
    labels = {e.id: f"证据{i}" for i, e in enumerate(evidence, 1)}

    def refs(ids: list[str]) -> list[dict[str, str]]:
        return [{"label": labels[i], "anchor": f"#ex-{i}"} for i in dict.fromkeys(ids) if i in labels]

    gaps = [g.label for g in status.gaps_for(recipient)]
    v = f.victim
    victim = {
        "name": _need(v.name, "姓名", draft), "gender": v.gender or "—",
        "birth_date": date_zh(v.birth_date) if v.birth_date else "—",
        "id_number": _need(red.id_number(v.id_number), "身份证号", draft),
        "phone": _need(red.phone(v.phone), "联系电话", draft), "address": _need(red.address(v.address), "住址", draft),
        "occupation": v.occupation or "—",
    }
    suspects = []
    for i, s in enumerate(f.suspects, 1):
        rows = [("姓名/昵称", s.name), ("平台账号昵称", s.platform_account), ("平台账号ID", s.account_id),
                ("店铺", s.shop), ("直播间号", s.live_room_id), ("电话", "、".join(s.phones)),
                ("收款账户", "、".join(red.account(a) for a in s.payment_accounts)),
                ("微信/QQ", "、".join(s.im_ids)), ("网址", "、".join(s.urls))]
        suspects.append({"label": f"对方{i}", "rows": [(k, unnest(red.text(x))) for k, x in rows if x]})

    payments = []
    for n, p in enumerate([p for p in tl.payments], 1):
        payments.append({
            "n": n, "kind": "付款" if p.kind == "payment" else "退款", "time": date_zh(p.time),
            "amount": money(p.amount), "method": p.method or "—",
            "payee": unnest(red.text(p.counterparty or "—")), "account": red.account(p.account) or "—",
            "reference": p.reference_no or "—", "refs": refs(p.evidence_ids),
        })
    loss = tl.loss
    loss_vm = {"paid": money(loss.paid), "refunded": money(loss.refunded), "net": money(loss.net),
               "net_upper": "人民币" + rmb_upper(loss.net), "count": len([p for p in tl.payments if p.kind == "payment"]),
               # every record of every payment and refund (bill row, payment screen, chat transfer card)
               "refs": refs([i for p in tl.payments for i in p.evidence_ids])}
    per_payee = [{"account": red.account(g.account), "name": red.text(g.name or "—"), "paid": money(g.paid),
                  "refunded": money(g.refunded), "net": money(g.net), "count": g.count,
                  "first": date_zh(g.first), "last": date_zh(g.last)} for g in loss.per_payee]

    step_names = {"identify": "固证", "platform": "平台", "police": "报案", "consumer": "投诉"}
    kind_names = {"message": "聊天", "payment": "付款", "refund": "退款", "order": "下单", "user": "自述"}
    timeline_rows = []
    for n, burst in enumerate(_chat_bursts(tl.events), 1):
        ev = burst[0]
        timeline_rows.append({
            # an undated row: 待确认 in the narrow time cell, the label as the screen shows it atop the event
            "n": n, "time": _when(ev) if ev.dated else "待确认", "kind": kind_names.get(ev.kind, ev.kind),
            "event": _burst_text(burst, red) if ev.dated else Markup("<br>").join([undated(ev), _burst_text(burst, red)]),
            "party": unnest(red.text("、".join(dict.fromkeys(e.party for e in burst if e.party)) or "—")),
            "amount": money(ev.amount) if ev.amount is not None else "",
            "refs": refs(ev.evidence_ids), "step": step_names.get(ev.step, ev.step),
            "running": money(ev.paid_total - ev.refunded_total) if ev.kind in ("payment", "refund") else "",
            "is_money": ev.kind in ("payment", "refund"),
            "undated": not ev.dated,  # the rows nothing dates come last, under 日期待确认 (D5)
        })
    deadlines = [{"label": d.label, "due": date_zh(d.due), "basis": d.basis, "urgent": d.urgent,
                  "passed": d.passed(model.now)} for d in tl.deadlines]

    # Narrative (D1 事实与理由 / D2 投诉事实): deterministic, from the timeline.
    narrative = []
    for ev in tl.events:
        if ev.kind == "message" and not (ev.party is None and "系统" in ev.text) and \
                not any(w in ev.text for w in KEY_WORDS):
            continue
        when = date_zh(ev.time, with_time=ev.precision != "day") if ev.time else undated(ev)
        ref = "、".join(r["label"] for r in refs(ev.evidence_ids))
        narrative.append(unnest(red.text(f"{when}，{ev.text}", _mine(ev))) + (f"（见{ref}）" if ref else "") + "。")
    if len(narrative) > MAX_NARRATIVE_LINES:
        narrative = narrative[:MAX_NARRATIVE_LINES] + [f"……（其余 {len(narrative) - MAX_NARRATIVE_LINES} 条见案件时间线）"]

    case_rows = {(s.evidence_id, s.row) for p in tl.payments for s in p.sources}
    cache = print_cache_dir(model.root)
    exhibits = []
    shown = [e for e in evidence if e.is_image and e.path.is_file()]
    plans = {e.id: plan_image(e.extraction, red) for e in shown}
    shown = [e for e in shown if not plans[e.id].withheld]
    prints = dict(zip([e.id for e in shown], print_images([(e.path, e.sha256 or None) for e in shown], cache)))
    for e in evidence:
        plan = plans.get(e.id, ImagePlan())
        img = prints.get(e.id)
        if img is not None and plan.painted:
            size_px = displayed_size(e.path)
            img = redacted_print(img, size_px, plan.boxes, cache) if size_px else None
        size = print_size_mm(img) if img else (0.0, 0.0)
        transcript = _transcript(e, red, model, case_rows)
        redaction = plan.note()
        if redaction:
            transcript["note"] = redaction + transcript["note"]
        exhibits.append({
            "label": labels[e.id], "anchor": f"ex-{e.id}", "id": e.id,
            "title": unnest(red.text(exhibit_name(e, f))),
            "form": e.form,
            **{k: unnest(red.text(x)) for k, x in _sources(e, f.case.original_carrier).items()},
            "purpose": red.text(e.purpose), "sha256": e.sha256, "size": e.size,
            "captured": _captured(e),
            # the 证据清单's one time: when it was taken (file metadata, else the user's taken_on), else imported
            "taken": f"取证时间 {_captured(e)}" if e.capture_time or e.taken_on else f"导入时间 {date_zh(e.added_at)}",
            "added": date_zh(e.added_at), "stored": f"evidence/ 中的原件（{e.id}）",
            "image": _rel(img, out_dir) if img else None,
            "image_mm": {"width": f"{size[0]:.2f}", "height": f"{size[1]:.2f}"},
            "image_missing": e.is_image and img is None and not plan.withheld,
            # what this copy hides (the 证据清单 prints it), and whether its original may travel with
            # the packet: an original holding what the copy hides must not be attached to it
            "redacted": plan.painted or plan.withheld, "redaction": plan.flag(),
            "image_withheld": plan.withheld, "attach_original": not (plan.painted or plan.withheld),
            "transcript": transcript,
        })

    manifest = model.root / "MANIFEST.sha256"
    manifest_hash = hashlib.sha256(manifest.read_bytes()).hexdigest() if manifest.is_file() else "—"
    custody_head = packet_custody_head(model.root / "custody.jsonl")
    title = RECIPIENT_TITLES[recipient]
    o = f.order
    view: dict[str, Any] = {
        "recipient": recipient, "title": title, "draft": draft, "gaps": gaps,
        "case_id": model.case_id, "case_title": f.case.title or title,
        "platform": _need(f.case.platform, "平台", draft),
        "generated": date_zh(model.now, with_time=False), "generated_full": date_zh(model.now),
        "victim": victim, "suspects": suspects, "payments": payments, "loss": loss_vm,
        "per_payee": per_payee, "timeline": timeline_rows, "deadlines": deadlines, "narrative": narrative,
        "summary": red.text(f.story.summary), "exhibits": exhibits, "manifest_hash": manifest_hash,
        "custody_head": custody_head, "redacting": red.active,
        "evidence_note": _evidence_note(f, red, exhibits),
        "timeline_note": TIMELINE_OCR_NOTE if any(ev.kind == "message" for ev in tl.events) else "",
        "carrier": f.case.original_carrier, "hints": [h.text for h in status.hints],  # "" when not given
        "order": {
            "order_id": _need(o.order_id, "订单号", draft), "shop": _need(red.text(o.shop or next(
                (s.shop for s in f.suspects if s.shop), "")), "店铺名称", draft),
            "goods": _need(red.text(o.goods), "商品名称", draft), "quantity": o.quantity or 1, "quantity_given": o.quantity is not None,
            "amount": money(o.amount) if o.amount else _need("", "订单金额", draft),
            "ordered_at": _ordered_at(f, tl, draft, labels),
            "payment_method": o.payment_method or (tl.payments[0].method if tl.payments and tl.payments[0].method else "—"),
        },
        "channels": [],  # filing_text.apply: the recipient's channels, each marked verified or not
        "demands": [{"label": d.label, "amount": money(d.amount) if d.amount else ""} for d in f.demands],
        "sections": [],
        "step_title": STEP_TITLES[recipient],
    }
    if recipient == "police":
        view["unit"] = _need(f.filing.police_unit, "受理派出所", draft)
        view["declared"] = f.filing.truth_declared
        view["last_payment"] = date_zh(tl.last_payment.time) if tl.last_payment and tl.last_payment.time else "—"
        # victim → payee accounts with amounts and times, drawn by templates/zh-CN/_fund_flow.svg
        view["fund_flow"] = {"victim": str(v.name or "报案人"), "payees": [
            {"name": g["name"], "account": g["account"], "amount": g["paid"], "count": f"{g['count']} 笔",
             "when": f"{g['first']} — {g['last']}" if g["count"] > 1 else g["first"]}
            for g in per_payee if g["paid"] != money(0)] or [
            {"name": "（未识别收款方）", "account": "—", "amount": "¥0.00", "count": "", "when": ""}]}
        view["document"] = "d1_police.html"
    elif recipient == "consumer":
        r = f.respondent
        view["respondent"] = [
            ("名称", _need(r.legal_name or o.shop, "被投诉方名称", draft)),
            ("统一社会信用代码", r.credit_code or "（未知，请平台协助提供）"),
            ("地址", r.address or "（未知，请平台协助提供）"), ("电话", r.phone or "—"),
            ("店铺名称", o.shop or next((s.shop for s in f.suspects if s.shop), "—")),
            ("平台", f.case.platform or "—"), ("平台经营者", r.platform_operator or "—"),
        ]
        view["problem"] = _need(f.story.problem, "问题类型", draft)
        view["negotiation"] = red.text(f.story.negotiation) or "—"
        view["document"] = "d2_consumer.html"
    else:
        refund = next((d.amount for d in f.demands if d.kind == "refund" and d.amount), None) or o.amount
        view["problem"] = _need(f.story.problem, "问题类型", draft)
        view["refund_amount"] = money(refund) if refund else _need("", "退款金额", draft)
        view["request_no"] = f.filing.platform_request_no or "—"
        view["police_receipt_no"] = f.filing.police_receipt_no or ""
        view["live"] = _live_sale(model)
        view["image_count"] = sum(1 for ex in exhibits if ex["image"])  # withheld ones not
        view["document"] = "d3_platform.html"
    filing_text.apply(view, model, recipient, red, draft)
    view["sections"] = [
        {"anchor": "#doc", "title": view["title"]},  # the platform's follows its route (filing_text)
        {"anchor": "#evidence-list", "title": "证据清单"},
        {"anchor": "#timeline", "title": "案件时间线"},
    ] + [{"anchor": f"#{x['anchor']}", "title": f"{x['label']}　{x['title']}"} for x in exhibits] + [
        {"anchor": "#appendix", "title": "附：电子数据说明"}]
    return view


def _live_sale(model: CaseModel) -> bool:
    """Whether anyone said the sale was made in a live stream (a 直播间号, a live recording or product
    page, or 直播 in the user's own words): only then does a filing ask for the 直播回放 (issue 15 §4)."""
    f = model.facts
    words = " ".join([f.case.title, f.story.summary, f.story.problem, f.order.goods])
    return (any(s.live_room_id for s in f.suspects) or "直播" in words
            or any(e.subtype == "live_recording" for e in model.linked))


def _evidence_note(f, red: Redactor, exhibits: list[dict[str, Any]]) -> str:
    """The line under the 证据清单: what the hashes are, what this copy hides, where the originals are
    (only when the user said where)."""
    note = "SHA-256 为原始文件的哈希值，可用 sha256sum 核对（另见“附：电子数据说明”）。"
    if any(ex["redacted"] for ex in exhibits):
        note += "注明“已遮盖”或“不附此图”的证据，本副本为保护个人信息只处理了打印图片，原件未作改动。"
    elif red.active:
        note += "本副本已隐去身份证号、银行卡号及本人手机号、住址等个人信息。"
    if f.case.original_carrier:
        note += f"原件保存在{f.case.original_carrier}，可当场出示核对。"
    return note


def _ordered_at(f, tl, draft: bool, labels: dict[str, str]) -> Any:
    """购买时间 as `status` judges it: the order's time; else the first payment's (with its
    source); else the incident date. A gap only when none is known (as `status` says then)."""
    if f.order.ordered_at:
        return date_zh(f.order.ordered_at)
    first = next((p for p in tl.payments if p.kind == "payment" and p.time), None)
    if first is not None:
        refs = "、".join(labels[i] for i in first.evidence_ids if i in labels)
        return f"{date_zh(first.time)}（据付款记录{'，见' + refs if refs else ''}）"
    if f.case.incident_date:
        return f"{date_zh(f.case.incident_date)}（案发日期）"
    return _need("", "下单时间", draft)
