"""The victim's own guide (issue 15 §6): out/guide.pdf, written by every build, sent to no one.

What to hand in where, the deadlines (止付 now; 平台介入; 12315 within 3 years; 受理 within 7
working days), what a 受案回执 is and is not, 复议 after a 不予立案通知书, the later routes (先行赔付,
小额诉讼, 支付令, 互联网法院), how not to be defrauded a second time, and the after-sales record
from the facts the user gave. Advice lines that must never appear inside a filing live here.
Everything is decided in Python (this module and casekit/route.py); the template lays it out, and
it goes through the same Jinja2 environment, stylesheet and WeasyPrint as the packets.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

import pikepdf

from .casemodel import CaseModel
from .channels import as_rows, channels_for, stop_payment_channels
from .fsutil import atomic_write_bytes
from .law import cite
from .render.jinja import date_zh, make_env, money, templates_dir
from .render.pdf import html_to_pdf
from .render.pdfa import make_pdfa
from .route import PATH_LABELS, PROBLEM_LABELS, decide, jurisdiction
from .steps import Status

GUIDE_NAME = "guide.pdf"
# `build` (all) for a case whose facts allege no crime: a 报案材料 would be sent back as a 民事纠纷;
# said by the CLI, --json and the web page (packets.planned, DIR the case folder) and the guide
NO_POLICE = {"recipient": "police",
             "reason_zh": "未生成报案材料：现有事实不指向诈骗（已收货的售后纠纷），宜走平台售后和 12315；"
                          "若对方骗了你（收款后拉黑、不发货、假冒、欺诈），在 case.toml [story] 写明后运行 "
                          "casekit build DIR --recipient police",
             "reason_en": "no police report: the facts allege no fraud (an after-sales dispute over goods received); "
                          "say so in case.toml [story], then `casekit build DIR --recipient police`"}


def _where(model: CaseModel, route: Any, built: list[str]) -> list[dict[str, str]]:
    """What to hand in where: one row per packet built."""
    f = model.facts
    police_unit = f.filing.police_unit or "当地派出所（受害时所在地或钱款被骗地）"
    places = "或".join(f"{p}（{a}）" if a else p for p, a in jurisdiction(f))
    rows = [{"file": "out/police.pdf（报案材料）", "to": police_unit,
             "how": "本人带身份证、付款用的银行卡/手机、存有原始聊天和付款记录的手机到场递交；"
                    "民警会制作笔录，核对后签名并捺指印；离开前索取受案回执"},
            {"file": "out/consumer.pdf（消费投诉书）",
             "to": f.filing.consumer_unit or f"{places}的县级市场监督管理局",
             "how": f"先在店铺页公示的营业执照（{cite('dsf_15')}）或国家企业信用信息公示系统查商家的名称、"
                    "统一社会信用代码和地址；再经全国12315平台（电话 12315 或 App/小程序）提交，"
                    f"受理地依照{cite('tsjb_12')}"},
            {"file": "out/platform.pdf（平台材料）", "to": f"{f.case.platform or '平台'} App 内",
             "how": ("在订单或店铺页选“投诉商家/举报”，把“问题描述”一段粘贴进去，上传证据图片"
                     if route.off_platform else
                     "在订单页“申请售后”，把“问题描述”一段粘贴进去；商家拒绝后在 App 内申请平台介入")}]
    by_file = dict(zip(("police", "consumer", "platform"), rows))
    if "police" not in built and not route.fraud_alleged:
        by_file["police"] = {"file": "未生成报案材料", "to": "—",
                             "how": NO_POLICE["reason_zh"].split("：", 1)[1].replace(" DIR", "")}
        built = ["police"] + list(built)
    return [by_file[r] for r in ("police", "consumer", "platform") if r in built]


def _deadlines(model: CaseModel, route: Any) -> list[dict[str, Any]]:
    f, tl = model.facts, model.timeline
    out: list[dict[str, Any]] = []
    if route.stop_payment:
        out.append({"what": "紧急止付：现在就拨打 110 或到派出所", "when": f"越早越好（宜在 {date_zh(route.stop_payment_until)} 前）",
                    "urgent": True})
    if route.return_window:
        first, last = route.return_window
        out.append({"what": "七日无理由退货（自签收次日起算）", "when": f"{date_zh(first)} 至 {date_zh(last)}（{cite('xbf_25')}）",
                    "urgent": False})
    for d in tl.deadlines:
        if "止付" in d.label:
            continue
        out.append({"what": d.label, "when": date_zh(d.due) + ("（已过）" if d.passed(model.now) else ""),
                    "urgent": d.urgent})
    if not f.filing.merchant_rejected_on and not route.off_platform:
        out.append({"what": "申请平台介入", "when": "商家拒绝售后后，在 App 显示的期限内（以 App 为准；记下日期填入 [filing] merchant_rejected_on）",
                    "urgent": False})
    out.append({"what": "12315 决定是否受理", "when": f"收到投诉之日起七个工作日内（{cite('tsjb_14')}）", "urgent": False})
    return out


def _after_sales(model: CaseModel) -> dict[str, Any]:
    """The after-sales record from the facts: the request, its status history and the return."""
    f = model.facts
    a, filing = f.after_sales, f.filing
    history = [("申请售后", a.requested_on, a.kind), ("商家拒绝", filing.merchant_rejected_on, a.merchant_reply),
               ("平台介入", a.intervention_on, ""), ("结果", a.result_on, a.result)]
    steps = [{"step": name, "when": date_zh(day) if day else "未记录", "note": note or ""} for name, day, note in history]
    rows = [("售后单号", filing.platform_request_no), ("售后类型", a.kind), ("商家回复", a.merchant_reply),
            ("退货物流公司", a.return_carrier), ("退货运单号", a.return_waybill),
            ("App 显示的处理期限", date_zh(filing.after_sales_deadline) if filing.after_sales_deadline else "")]
    recorded = any(v for _, v in rows) or any(day for _, day, _ in history)
    return {"recorded": recorded, "steps": steps, "rows": [(k, v or "未记录") for k, v in rows]}


def build_guide_view(model: CaseModel, status: Status, built: list[str] | None = None) -> dict[str, Any]:
    """Everything the guide shows; `built`: the packets this build wrote (default: all three)."""
    built = list(built) if built is not None else ["police", "consumer", "platform"]
    f, tl = model.facts, model.timeline
    route = decide(f, tl, model.now)
    stop = []
    if route.stop_payment:
        payees = "、".join(g.account + (f"（{g.name}）" if g.name else "") for g in tl.loss.per_payee if g.paid > 0)
        paid = "；".join(f"{date_zh(p.time)} {money(p.amount)} 交易号 {p.reference_no or p.order_id or '见付款凭证'}"
                        for p in tl.payments if p.kind == "payment")
        mine = "、".join(f.victim.payment_accounts) or "在 case.toml [victim] payment_accounts 填写"
        stop = [f"对方收款账户及户名：{payees or '见付款记录'}", f"每笔付款的时间、金额和交易号：{paid}",
                f"本人付款账户：{mine}"]
    comp = route.compensation
    return {
        "title": "维权指南（仅供本人使用，不要递交）", "case_id": model.case_id,
        "case_title": f.case.title or "本案", "generated": date_zh(model.now, with_time=False),
        "route": {"path": PATH_LABELS[route.path], "problem": PROBLEM_LABELS[route.problem],
                  "off_platform": route.off_platform},
        "stop_payment": stop,
        "stop_where": "、".join(c.name for c in stop_payment_channels()),
        "hints": [h.text for h in status.hints if not h.urgent],  # the urgent one is the 止付 section
        "where": _where(model, route, built),
        "packet_files": "、".join(f"{r}.pdf" for r in ("police", "consumer", "platform") if r in built),
        "deadlines": _deadlines(model, route),
        "receipt": [f"公安机关接受案件时应当制作受案回执交给报案人（{cite('gaxs_171')}）：没有给就当场索取。"
                    "受案回执只证明报案已被接受，不等于立案。",
                    "公安机关决定不予立案的，应当制作不予立案通知书送达。",
                    f"对不予立案决定不服的，可以在收到不予立案通知书后七日以内向作出决定的公安机关申请复议；"
                    f"对复议决定不服的，可以在收到复议决定书后七日以内向上一级公安机关申请复核（{cite('gaxs_179')}）。"],
        "later": [f"先行赔付：平台不能提供商家的真实名称、地址和有效联系方式的，可以要求平台赔偿（{cite('xbf_44')}）。",
                  f"小额诉讼：事实清楚、争议不大的简单金钱纠纷，标的额在当地上年度就业人员年平均工资百分之五十以下的，"
                  f"适用小额诉讼程序，一审终审（{cite('mss_165')}）。",
                  f"支付令：对方身份和地址清楚、双方没有其他债务纠纷时，可以向基层人民法院申请支付令（{cite('mss_225')}）。",
                  f"互联网法院：北京、广州、杭州互联网法院集中管辖所在市通过电子商务平台签订或履行网络购物合同产生的纠纷（{cite('hlwfy_2')}）。"],
        "compensation": comp.label if comp else "",
        "prevention": ["被骗后最常见的是第二次诈骗：自称“快手官方客服”“平台客服”“退款专员”来电或私信，说可以帮您退款或追回损失——这是诈骗。",
                       "退款只在 App 的订单页、售后页里进行；不要点对方发来的链接，不要下载对方让装的 App。",
                       "不要开“屏幕共享”，不要把短信验证码、银行卡密码告诉任何人，警察和平台客服都不会索要。",
                       "不要相信“一键报案”“帮你追回被骗款”的网站、群和“律师”，不要再付任何“手续费”“保证金”。",
                       "安装“国家反诈中心”App（应用商店搜索“国家反诈中心”），打开诈骗预警；接到 96110 来电一定要接。",
                       "不要删除聊天记录、不要退出群聊、不要重置手机：原件就在手机里。"],
        "after_sales": _after_sales(model),
        "channels": as_rows(channels_for("guide", f.case.platform)),
    }


def write_guide(model: CaseModel, status: Status, out_dir: Path) -> Path:
    """Render the guide to out/guide.pdf (atomically) and return its path."""
    view = build_guide_view(model, status)
    html = make_env(model.root).get_template("zh-CN/guide.html").render(**view)
    laid = html_to_pdf(html, out_dir, [model.root, templates_dir()])
    # PDF/A-3b like the packets (render's own step), with nothing attached: the guide is not evidence
    with pikepdf.open(BytesIO(laid)) as pdf:
        make_pdfa(pdf, f"{view['title']} — {view['case_id']}", [], model.now)
        out = BytesIO()
        pdf.save(out)
    path = Path(out_dir) / GUIDE_NAME
    atomic_write_bytes(path, out.getvalue())
    return path
