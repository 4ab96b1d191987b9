"""The filing's own words per recipient, from the route (issue 15 §5): what each recipient is
asked for, on which legal basis, and the platform's in-app 问题描述.

Each recipient is asked only what it can do: the police for 立案侦查, 冻结 and (while it can
still help) 紧急止付; 12315/消协 for refund and compensation, never for 立案 or 冻结; the platform
for after-sales or — when the money went round the checkout — for action against the merchant and
the merchant's real identity. Advice to the victim (建议优先报警…) is the guide's, never a filing's.
Every citation comes from casekit/law.py.
"""

from __future__ import annotations

import re
from typing import Any

from .casemodel import CaseModel
from .channels import as_rows, channels_for, stop_payment_channels
from .law import cite, law_name
from .redact import Redactor
from .route import (CHECKOUT, FRAUD, NOT_AS_DESCRIBED, NOT_DELIVERED, COUNTERFEIT, OFF_PLATFORM, OTHER, PATH_LABELS,
                     PROBLEM_LABELS, QUALITY, RETURN, Route, decide, jurisdiction)
from .formatting import date_zh, money

MAX_PLATFORM_DESCRIPTION = 500  # the in-app box's limit is not published: 500 is the safe default (DOMAIN D3)
POLICE_ONLY_DEMANDS = ("investigate", "freeze")
_SENTENCE_END = "。！？；"


def route_of(model: CaseModel) -> Route:
    return decide(model.facts, model.timeline, model.now)


def sentences(text: str) -> list[str]:
    """The whole sentences of a text, each ending in its punctuation. A tail without one is left
    out: it may be cut short ("……后来对方把我拉黑了，发现对方")."""
    parts = [p.strip() for p in re.findall(r"[^。！？；\n]+[。！？；]?", text or "") if p.strip()]
    return [p for p in parts if p[-1] in _SENTENCE_END]


def fit_sentences(parts: list[str], limit: int) -> str:
    """The leading whole sentences that fit in `limit` characters: never one cut short, and none
    skipped (a later sentence without the one before it could read as something else)."""
    out = ""
    for s in parts:
        if len(out) + len(s) > limit:
            break
        out += s
    return out


def apply(view: dict[str, Any], model: CaseModel, recipient: str, red: Redactor, draft: bool) -> None:
    """Put the route's wording into one recipient's view model (keys added, none renamed)."""
    route = route_of(model)
    view["route"] = {"path": route.path, "path_label": PATH_LABELS[route.path],
                     "problem": PROBLEM_LABELS[route.problem], "off_platform": route.off_platform}
    view["hints"] = []  # advice lines belong in the guide, not in a filing
    if recipient in ("consumer", "platform") and route.problem != OTHER:
        # the problem as decided (goods never received is 未发货 whatever the words in [story] problem)
        own = model.facts.story.problem
        label = PROBLEM_LABELS[route.problem]
        view["problem"] = label if not own or own == label else f"{label}（本人填写：{own}）"
    view["channels"] = as_rows(channels_for(recipient, model.facts.case.platform))
    view["deadlines"] = [d for d in view["deadlines"] if _deadline_for(d["label"], recipient)]
    {"police": _police, "consumer": _consumer, "platform": _platform}[recipient](view, model, route, red, draft)


def _deadline_for(label: str, recipient: str) -> bool:
    """Each packet's banner shows the deadlines of its own recipient: no 12315 时效 in the police
    packet, no 止付 in the consumer and platform ones."""
    if recipient == "police":
        return not label.startswith("12315") and "平台" not in label
    if recipient == "consumer":
        return "止付" not in label
    return "止付" not in label and not label.startswith("12315")


def _police(view: dict[str, Any], model: CaseModel, route: Route, red: Redactor, draft: bool) -> None:
    f, tl = model.facts, model.timeline
    # 涉嫌诈骗 is alleged only when something the user gave says so (issue 15 §4)
    view["cause"] = (f"被报案人涉嫌诈骗（{cite('criminal_266')}；电信网络诈骗，{cite('fzf_2')}）。" if route.fraud_alleged
                     else "【待补充：对方涉嫌诈骗的事实（现有材料只显示售后纠纷）】" if draft else "—")
    requests = ["依法对被报案人涉嫌诈骗一案立案侦查；",
                "依法冻结涉案收款账户，追缴被骗款项并返还报案人；"]
    if route.triage is not None and route.triage.fallback:
        requests.append(f"如经审查认为未达到诈骗罪“数额较大”的刑事立案标准，请依照{law_name('治安管理处罚法')}"
                        "对被报案人的诈骗行为予以查处；")
    requests.append("依法追究被报案人的法律责任。")
    if not route.fraud_alleged:  # nothing to ask of the police until the facts allege a crime
        requests = ["【待补充：请求事项（写明对方涉嫌诈骗的事实后生成）】" if draft else "—"]
    view["requests"] = requests
    view["stop_payment"] = []
    view["stop_payment_urgent"] = False
    if route.stop_payment:
        mine = "、".join(f.victim.payment_accounts)
        view["stop_payment_urgent"] = True
        view["stop_payment_until"] = date_zh(route.stop_payment_until)
        view["victim_accounts"] = mine or ("【待补充：本人付款账户（[victim] payment_accounts）】" if draft else "—")
        view["stop_payment"] = [{
            "time": date_zh(p.time), "amount": money(p.amount), "name": red.text(p.counterparty or "—"),
            "account": red.account(p.account) or "—", "reference": p.reference_no or p.order_id or "—",
            "method": p.method or "—"} for p in tl.payments if p.kind == "payment"]
        view["stop_payment_where"] = "、".join(c.name for c in stop_payment_channels())


def _consumer(view: dict[str, Any], model: CaseModel, route: Route, red: Redactor, draft: bool) -> None:
    f = model.facts
    places = jurisdiction(f)
    known = [f"{place}（{addr}）" for place, addr in places if addr]
    view["unit"] = f.filing.consumer_unit or (
        "被投诉人实际经营地或平台经营者住所地县级市场监督管理部门（经全国12315平台）")
    view["jurisdiction"] = (f"依照{cite('tsjb_12')}，对平台内经营者的投诉由其实际经营地或者平台经营者住所地县级市场监督管理部门处理"
                            + (f"：{'；'.join(known)}。" if known else "。"))
    demands = [{"label": d.label, "amount": money(d.amount) if d.amount else ""}
               for d in f.demands if d.kind not in POLICE_ONLY_DEMANDS]
    comp = route.compensation
    if comp is not None and not any(d.kind == "compensation" and d.amount for d in f.demands):
        demands = [d for d in demands if d["label"] != "依法赔偿"]
        demands.append({"label": comp.label, "amount": ""})
    view["demands"] = demands
    view["legal_basis"] = [b.text for b in route.bases]
    view["return_window"] = ""
    if route.return_window and route.return_asked:
        first, last = route.return_window
        view["return_window"] = (f"商品于 {date_zh(route.received_on)} 签收，七日无理由退货期限自签收次日 "
                                 f"{date_zh(first)} 起至 {date_zh(last)} 止（{cite('xbf_25')}）。")
    view["report"] = []
    if route.off_platform:
        view["report"] = [
            "被投诉人的工作人员引导我绕开平台支付方式私下转账付款"
            + (f" {money(model.timeline.loss.paid)}" if model.timeline.loss.paid > 0 else "") + "，"
            + ("此后未发货。" if route.problem == NOT_DELIVERED else "规避平台交易保障。"),
            f"请依照{cite('tsjb_27')}对该平台内经营者诱导站外交易的行为依法调查处理。",
        ]


def _platform(view: dict[str, Any], model: CaseModel, route: Route, red: Redactor, draft: bool) -> None:
    f, tl = model.facts, model.timeline
    o = f.order
    refund = next((d.amount for d in f.demands if d.kind == "refund" and d.amount), None) or o.amount
    if route.off_platform:
        view["platform_title"] = "平台投诉 / 举报商家"
        view["after_sales_type"] = "投诉/举报商家（诱导站外交易" + ("、未发货）" if route.problem == NOT_DELIVERED else "）")
        requests = [
            "该商家工作人员引导我在平台支付方式以外私下转账付款"
            + (f"（共 {money(tl.loss.paid)}）" if tl.loss.paid > 0 else "")
            + ("，至今未发货" if route.problem == NOT_DELIVERED else "")
            + "：请依照平台规则对该商家诱导站外交易的行为予以处理；",
            f"请依照{cite('xbf_44')}，向我提供该商家的真实名称、地址和有效联系方式；",
            f"请依照{cite('dsf_62')}，保存并提供本店铺与我的交易记录、聊天记录" + ("及相关直播回放" if view.get("live") else "") + "。",
        ]
    else:
        kind = f.after_sales.kind or ("仅退款" if route.problem == NOT_DELIVERED or not route.received else "退货退款")
        view["platform_title"] = "平台介入申请" if route.rejected else "售后申请"
        view["after_sales_type"] = kind
        requests = [f"请按“{kind}”处理，退还货款 {money(refund)}；" if refund else f"请按“{kind}”处理；"]
        if route.rejected:
            requests.append(f"商家已于 {date_zh(f.filing.merchant_rejected_on)} 拒绝售后申请，"
                            f"请平台依照{cite('dsf_61')}介入处理；")
        requests.append(f"请依照{cite('dsf_62')}，保存并提供本订单的交易记录" + ("及相关直播回放" if view.get("live") else "") + "。")
    if f.filing.police_receipt_no:
        requests.append(f"本案已向公安机关报案，受案回执编号 {f.filing.police_receipt_no}。")
    view["title"] = view["platform_title"]  # cover, contents and PDF title name what this document is
    view["platform_requests"] = requests
    view["refund_amount"] = money(refund) if refund and not route.off_platform else (
        "不适用（款项未经平台支付）" if route.off_platform else view["refund_amount"])
    description = platform_description(model, route, red, MAX_PLATFORM_DESCRIPTION)
    view["description"] = description
    view["description_len"] = len(description)
    view["description_limit"] = MAX_PLATFORM_DESCRIPTION


def _problem_detail(problem: str) -> str:
    """The user's own words on the problem beyond its type ("质量问题：羽绒服跑绒严重，拉链损坏" →
    "羽绒服跑绒严重，拉链损坏"), as one clause; "" when she gave only the type."""
    text = problem.strip().rstrip("。；;")
    head, sep, rest = text.partition("：")
    if not sep:
        head, sep, rest = text.partition(":")
    detail = rest.strip() if sep else ""
    return detail.replace("。", "，").strip("，") if len(detail) >= 4 else ""


def platform_description(model: CaseModel, route: Route, red: Redactor, limit: int) -> str:
    """The in-app 问题描述: whole sentences built from the facts (then the user's own summary, as far
    as whole sentences fit), never a chat dump cut mid-sentence."""
    f, tl = model.facts, model.timeline
    o = f.order
    shop = o.shop or next((s.shop for s in f.suspects if s.shop), "")
    first = next((p for p in tl.payments if p.kind == "payment" and p.time), None)
    when = o.ordered_at or (first.time if first else None) or f.case.incident_date
    parts = []
    if o.goods:
        where = f"在{f.case.platform or '平台'}" + (f"店铺“{shop}”" if shop else "")
        parts.append(f"{date_zh(when, with_time=False) + '，' if when else ''}我{where}购买{o.goods}。")
    paid = tl.loss.paid
    if route.path == OFF_PLATFORM:
        parts.append("对方要求我绕开平台私下转账付款" + (f"，我共付款 {money(paid)}" if paid > 0 else "") + "。")
    elif route.path == CHECKOUT and (o.amount or paid > 0):
        parts.append(f"我通过平台支付 {money(o.amount or paid)}" + (f"，订单号 {o.order_id}" if o.order_id else "") + "。")
    problem = {NOT_DELIVERED: "商家至今未发货。", NOT_AS_DESCRIBED: "收到的商品与宣传描述不符。",
               COUNTERFEIT: "收到的商品是假冒商品。", QUALITY: "收到的商品存在质量问题。",
               RETURN: "我在七日无理由退货期限内申请退货。",
               FRAUD: "收到的商品与商家的宣传不符，我认为商家构成欺诈。"}.get(route.problem)
    if problem:
        parts.append(problem)
    detail = _problem_detail(f.story.problem)
    if detail:
        parts.append(f"具体情况：{detail}。")
    if f.story.blocked or any("拉黑" in e.text for e in tl.events if e.kind == "message"):
        parts.append("之后对方把我拉黑。")
    a = f.after_sales
    if a.requested_on:
        parts.append(f"我于 {date_zh(a.requested_on)} 申请{a.kind or '售后'}。")
    if f.filing.merchant_rejected_on:
        reply = a.merchant_reply.strip().rstrip("。")
        parts.append(f"商家于 {date_zh(f.filing.merchant_rejected_on)} 拒绝了我的售后申请"
                     + (f"，理由是“{reply}”" if reply else "") + "。")
    if f.filing.police_receipt_no:
        parts.append("我已向公安机关报案。")
    if route.path == OFF_PLATFORM:
        ask = "请平台处理该商家诱导站外交易的行为，并提供其真实名称、地址和联系方式。"
    elif o.amount or paid > 0:
        ask = f"请平台处理并退还 {money(o.amount or paid)}。"
    else:
        ask = "请平台介入处理。"
    # the facts, then the user's own summary as far as whole sentences fit, then the request
    parts = [red.text(p) for p in parts]
    room = limit - len(ask)
    text = fit_sentences(parts, room)
    text += fit_sentences(sentences(red.text(f.story.summary)), room - len(text))
    return text + ask
