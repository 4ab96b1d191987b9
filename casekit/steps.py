"""Per-step checklists (DOMAIN §6.2) and triage hints (§6.4).

Each check says what is missing and the command (or case.toml field) that fixes it. Required
checks gate `build`; warnings are shown but never block.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from .casemodel import CaseModel
from .channels import channel

STEP_TITLES = {
    "identify": "第1步 识别与固证",
    "platform": "第2步 平台投诉/退款",
    "police": "第3步 报案",
    "consumer": "第4步 12315/消协投诉",
}
RECIPIENT_STEPS = {"police": ("identify", "police"), "consumer": ("identify", "consumer"),
                   "platform": ("identify", "platform")}
RECIPIENTS = ("police", "consumer", "platform")


@dataclass
class Check:
    """One checklist line."""

    key: str
    label: str
    ok: bool
    fix: str = ""
    required: bool = True

    def to_json(self) -> dict:
        return {"key": self.key, "label": self.label, "ok": self.ok, "fix": self.fix, "required": self.required}


@dataclass
class StepStatus:
    """The checklist of one step."""

    step: str
    checks: list[Check]

    @property
    def title(self) -> str:
        return STEP_TITLES[self.step]

    @property
    def gaps(self) -> list[Check]:
        return [c for c in self.checks if c.required and not c.ok]

    @property
    def warnings(self) -> list[Check]:
        return [c for c in self.checks if not c.required and not c.ok]

    @property
    def ready(self) -> bool:
        return not self.gaps


@dataclass
class Hint:
    """A triage hint; urgent ones are shown first."""

    text: str
    urgent: bool = False


@dataclass
class Status:
    """All steps plus triage hints."""

    steps: dict[str, StepStatus]
    hints: list[Hint] = field(default_factory=list)

    def gaps_for(self, recipient: str) -> list[Check]:
        """Required checks still failing for one recipient's packet."""
        seen: dict[str, Check] = {}
        for step in RECIPIENT_STEPS[recipient]:
            for gap in self.steps[step].gaps:
                seen.setdefault(gap.key, gap)
        return list(seen.values())

    def to_json(self) -> dict:
        return {
            "hints": [{"text": h.text, "urgent": h.urgent} for h in self.hints],
            "steps": {
                name: {"title": s.title, "ready": s.ready, "checks": [c.to_json() for c in s.checks]}
                for name, s in self.steps.items()
            },
        }


def _fact(label: str, ok: bool, where: str, key: str, required: bool = True) -> Check:
    return Check(key, label, ok, f"在 case.toml 的 {where} 填写，或运行 casekit interview DIR", required)


def evaluate(model: CaseModel) -> Status:
    """Compute every step's checklist and the triage hints."""
    f, tl, ev = model.facts, model.timeline, model.included
    v, o = f.victim, f.order
    kinds = {e.subtype for e in ev}
    payments = [p for p in tl.payments if p.kind == "payment"]
    has_payment_evidence = bool(kinds & {"payment_voucher", "bill"})
    add = "运行 casekit add DIR 文件… 然后 casekit extract DIR"
    suspect_ids = [x for s in f.suspects for x in s.identifiers()]
    describe = bool(f.story.summary or f.story.problem or len(tl.events) >= 1)

    identify = StepStatus("identify", [
        Check("order_or_payment", "至少一个订单号或一笔与本案相关的付款", bool(o.order_id or payments),
              f"在 case.toml [order] 填写 order_id，或{add}导入账单/付款截图；若已导入，在 [[suspects]] 填写收款账户以便匹配"),
        Check("payment_evidence", "付款证据（账单或付款截图）", has_payment_evidence, add),
        Check("chat_evidence", "聊天记录截图", "chat" in kinds, add),
        Check("claim_evidence", "商品/直播宣传页面截图或录屏",
              bool(kinds & {"product_page", "live_recording", "image", "order_page"}), add, required=False),
        _fact("原始证据载体（如“本人手机”）", bool(f.case.original_carrier), "[case] original_carrier", "carrier"),
        Check("account_id", "对方不可更改的账号 ID（快手号/微信号）", any(s.account_id for s in f.suspects),
              "截图对方主页并在 [[suspects]] 填写 account_id", required=False),
        Check("extracted", "所有证据已识别（extract）", all(e.extraction is not None for e in ev),
              "运行 casekit extract DIR", required=False),
    ])
    platform = StepStatus("platform", [
        _fact("订单号", bool(o.order_id), "[order] order_id", "order_id"),
        _fact("店铺名称", bool(o.shop or any(s.shop for s in f.suspects)), "[order] shop", "shop"),
        _fact("平台", bool(f.case.platform), "[case] platform", "platform"),
        _fact("问题类型", bool(f.story.problem), "[story] problem", "problem"),
        _fact("事情经过", describe, "[story] summary", "description"),
        Check("image_evidence", "至少一张图片证据", any(e.is_image for e in ev), add),
        _fact("退款金额", any(d.kind == "refund" and d.amount for d in f.demands) or bool(o.amount),
              "[[demands]] amount", "refund_amount"),
        _fact("App 显示的售后处理期限", bool(f.filing.after_sales_deadline), "[filing] after_sales_deadline",
              "after_sales_deadline", required=False),
    ])
    police = StepStatus("police", [
        _fact("报案人姓名", bool(v.name), "[victim] name", "victim_name"),
        _fact("报案人身份证号", bool(v.id_number), "[victim] id_number", "victim_id"),
        _fact("报案人电话", bool(v.phone), "[victim] phone", "victim_phone"),
        _fact("报案人住址", bool(v.address), "[victim] address", "victim_address"),
        Check("loss", "损失金额大于 0（付款减退款）", tl.loss.net > 0,
              f"{add}，并在 [[suspects]] 填写收款账户/店铺名以便匹配付款"),
        Check("payee", "至少一笔付款有收款账户或交易单号", any(p.account or p.reference_no for p in payments),
              "导入含收款账户/交易单号的账单或付款截图：casekit add DIR 账单.csv"),
        _fact("至少一个对方身份信息（账号、电话或收款账户）", bool(suspect_ids), "[[suspects]]", "suspect"),
        Check("events", "时间线至少 3 个事件", len(tl.events) >= 3,
              "导入聊天记录，或在 case.toml 添加 [[events]]"),
        _fact("确认所述属实（知悉诬告责任）", f.filing.truth_declared, "[filing] truth_declared = true", "truth"),
        _fact("受理派出所", bool(f.filing.police_unit), "[filing] police_unit", "police_unit"),
        _fact("受案回执编号（报案后）", bool(f.filing.police_receipt_no), "[filing] police_receipt_no",
              "receipt", required=False),
    ])
    respondent_ok = bool((f.respondent.legal_name and f.respondent.address)
                         or ((o.shop or any(s.shop for s in f.suspects)) and f.case.platform
                             and f.respondent.platform_operator))
    within = True
    if f.case.incident_date:
        within = model.now.date() <= f.case.incident_date + timedelta(days=3 * 365)
    consumer = StepStatus("consumer", [
        _fact("投诉人姓名", bool(v.name), "[victim] name", "victim_name"),
        _fact("投诉人电话", bool(v.phone), "[victim] phone", "victim_phone"),
        _fact("投诉人地址", bool(v.address), "[victim] address", "victim_address"),
        _fact("被投诉方名称和地址（或店铺+平台+平台经营者）", respondent_ok, "[respondent]", "respondent"),
        _fact("购买日期", bool(o.ordered_at or f.case.incident_date), "[order] ordered_at", "purchase_date"),
        _fact("商品名称", bool(o.goods), "[order] goods", "goods"),
        _fact("金额", bool(o.amount), "[order] amount", "amount"),
        _fact("订单号", bool(o.order_id), "[order] order_id", "order_id"),
        _fact("至少一项带金额的诉求", any(d.amount for d in f.demands), "[[demands]]", "demand"),
        _fact("事实经过", describe, "[story] summary", "description"),
        Check("evidence", "至少一件证据", bool(ev), add),
        Check("within_3_years", "在知道权益受损之日起 3 年内", within, "已超过 12315 受理时效，可考虑诉讼"),
        _fact("统一社会信用代码", bool(f.respondent.credit_code), "[respondent] credit_code", "credit_code",
              required=False),
        _fact("与商家/平台协商经过", bool(f.story.negotiation), "[story] negotiation", "negotiation",
              required=False),
        _fact("受理的市场监管局或消协", bool(f.filing.consumer_unit), "[filing] consumer_unit",
              "consumer_unit", required=False),
    ])
    identify.checks.extend(proposal_checks(model))
    status = Status({s.step: s for s in (identify, platform, police, consumer)})
    status.hints = triage(model)
    return status


def proposal_checks(model: CaseModel) -> list[Check]:
    """Facts read from screens that case.toml does not say yet (casekit.proposals); a value that
    disagrees with case.toml is shown beside it."""
    from .errors import CasekitError
    from .proposals import pending
    from .store import Case

    try:
        found = pending(Case(model.root))
    except (OSError, ValueError, CasekitError):  # no case folder behind this model: nothing read
        return []
    if not found:
        return []
    shown = "；".join(f"{p.field}：case.toml「{p.current}」≠ {p.evidence_id}「{p.value}」" if p.conflict
                     else f"{p.field} = {p.value}（{p.evidence_id}）" for p in found)
    return [Check("proposals", f"截图中读到 {len(found)} 项案件信息待确认：{shown}", False,
                  "运行 casekit proposals DIR 查看，casekit accept DIR --all 接受（不一致的须写明字段）", required=False)]


def triage(model: CaseModel) -> list[Hint]:
    """DOMAIN §6.4 hints, the urgent 110/96110 one first."""
    f, tl = model.facts, model.timeline
    hints: list[Hint] = []
    last = tl.last_payment
    if last and last.time and model.now - last.time < timedelta(hours=48):
        payees = "、".join(g.account for g in tl.loss.per_payee if g.paid > 0)
        hints.append(Hint(
            f"最后一笔付款在 48 小时内（{last.time:%m月%d日 %H:%M}）：现在就拨打 {channel('110').contact} "
            f"或 {channel('96110').contact} 申请紧急止付，报出收款账户 {payees or '（见付款记录）'}，再整理材料。",
            urgent=True))
    fraud = []
    if f.story.off_platform_payment or any(p.method and "转账" in p.method for p in tl.payments):
        fraud.append("对方要求绕开平台私下付款")
    if f.story.blocked or any("拉黑" in e.text or "删除" in e.text for e in tl.events if e.kind == "message"):
        fraud.append("被对方拉黑/删除")
    if f.story.delivered is False:
        fraud.append("未收到货")
    if f.story.counterfeit:
        fraud.append("假冒商品")
    if fraud:
        hints.append(Hint("有诈骗迹象（" + "、".join(fraud) + "）：建议优先报警（第3步），同时向平台投诉。"))
    elif f.story.delivered:
        hints.append(Hint("已收到货、属于质量或与描述不符的纠纷：以平台售后（第2步）和 12315/消协（第4步）为主。"))
    return hints
