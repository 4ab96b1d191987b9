"""Per-step checklists (DOMAIN §6.2) and triage hints (§6.4).

Each check says what is missing and the command (or case.toml field) that fixes it. Required
checks gate `build`; warnings are shown but never block.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from .casemodel import CaseModel
from .channels import channel
from .facts import CST
from .timeline import causal_problems

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
    route: dict = field(default_factory=dict)  # casekit/route.py's decisions (route_checks)

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
            "route": self.route,
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
    kinds = {e.subtype for e in model.linked}  # what the filings will show, not the whole folder
    payments = [p for p in tl.payments if p.kind == "payment"]
    # a checkout order's order page (实付款, 订单编号) is its payment record (timeline.order_page_payment)
    order_pages = {e.id for e in model.linked if e.subtype == "order_page"}
    has_payment_evidence = bool(kinds & {"payment_voucher", "bill"}) or any(
        set(p.evidence_ids) & order_pages for p in payments)
    add = "运行 casekit add DIR 文件… 然后 casekit extract DIR"
    suspect_ids = [x for s in f.suspects for x in s.identifiers()]
    describe = bool(f.story.summary or f.story.problem or len(tl.events) >= 1)

    identify = StepStatus("identify", [
        Check("order_or_payment", "至少一个订单号或一笔与本案相关的付款", bool(o.order_id or payments),
              f"在 case.toml [order] 填写 order_id，或{add}导入账单/付款截图；若已导入，在 [[suspects]] 填写收款账户以便匹配"),
        Check("payment_evidence", "付款证据（账单或付款截图）", has_payment_evidence, add),
        Check("chat_evidence", "聊天记录截图", "chat" in kinds, add),
        claim_evidence_check(kinds),
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
    identify.checks += scope_checks(model) + timeline_checks(model) + proposal_checks(model)
    status = Status({s.step: s for s in (identify, platform, police, consumer)})
    status.hints = triage(model)
    route_checks(model, status)
    return status


CLAIM_SUBTYPES = ("product_page", "live_recording")


def claim_evidence_check(subtypes: set[str]) -> Check:
    """A 商品/直播 page is ticked only when one is there: an item read as a product page, or one the
    user marked so in case.toml (any picture counted before, issue 15 §4)."""
    return Check("claim_evidence", "商品/直播宣传页面截图或录屏", bool(subtypes & set(CLAIM_SUBTYPES)),
                 "截取商品页或直播间页面后 casekit add DIR 文件…；已加入的可在 case.toml 写 "
                 '[evidence.E0001] subtype = "product_page"（或 "live_recording"）', required=False)


def _one_line(name: str) -> str:
    """A file name fit for one status line: undecodable bytes and control characters escaped."""
    text = name.encode("utf-8", "backslashreplace").decode("utf-8")
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def scope_checks(model: CaseModel) -> list[Check]:
    """One warning per included item that matches none of this case's counterparts (issue 15 §2):
    it is left out of every filing until the user links it or excludes it. Items the user unlinked
    herself are not flagged again."""
    which = "1" if len(model.facts.suspects) == 1 else "N"
    return [Check(f"unlinked:{e.id}", f"{e.id} 与本案对方均不匹配，未计入材料（{_one_line(e.original_name)}）", False,
                  f"若属于本案：casekit link DIR {e.id} --suspect {which}；"
                  f"若不属于：casekit exclude DIR {e.id} --reason 不属于本案", required=False)
            for e in model.unlinked if not e.link_by_user]


def _stamp(when) -> str:
    return f"{when.astimezone(CST):%Y-%m-%d %H:%M}"


def timeline_checks(model: CaseModel) -> list[Check]:
    """Warnings on the timeline's dates (issue 15 §1): an effect dated before its cause, and chat
    lines under a label nothing could date (shown as 日期待确认 in the filings). Each with the fix."""
    out: list[Check] = []
    incident = model.facts.case.incident_date
    if incident and incident > model.now.date():
        out.append(Check("incident_in_future", f"案发日期 {incident} 晚于今天（没有年份的聊天日期按它推断年份）", False,
                         "改正 case.toml 的 [case] incident_date，再 casekit extract DIR", required=False))
    for p in causal_problems(model.timeline, model.facts):
        ev = p.effect
        eid = ev.evidence_ids[0] if ev.evidence_ids else None
        where = f"（{'、'.join(ev.evidence_ids)}）" if ev.evidence_ids else ""
        fix = (f"核对截图上的日期（没有年份的日期按截图时间或案发日期推断，可能推错年份）："
               f"casekit corrections DIR --show {eid} 找到这一条，再 casekit correct DIR {eid} 编号 time YYYY-MM-DDTHH:MM"
               if eid else "核对 case.toml 中 [[events]] 的时间")
        out.append(Check(f"order:{p.effect_label}:{eid or '-'}",
                         f"时间线顺序可疑：{p.effect_label}{where}在 {_stamp(ev.time)}，早于{p.cause_label}（{_stamp(p.cause_time)}）",
                         False, fix + "；也请核对 case.toml 的 [case] incident_date 与 [order] ordered_at", required=False))
    undated: dict[str, list[str]] = {}
    for ev in model.timeline.events:
        if ev.kind == "message" and ev.precision == "unconfirmed" and ev.evidence_ids:
            undated.setdefault(ev.evidence_ids[0], []).append(ev.time_text or "")
    for eid, labels in undated.items():
        shown = "、".join(f"“{x}”" for x in dict.fromkeys(labels))
        out.append(Check(f"undated:{eid}",
                         f"{eid} 中 {len(labels)} 条消息日期待确认（截图只显示 {shown}，没有截图时间可参照）", False,
                         f"知道截图是哪天截的：在 case.toml 写 [evidence.{eid}] taken_on = YYYY-MM-DD，再 casekit extract DIR；或逐条更正："
                         f"casekit corrections DIR --show {eid}，再 casekit correct DIR {eid} 编号 time YYYY-MM-DDTHH:MM",
                         required=False))
    return out


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
            f"或到派出所申请紧急止付，报出收款账户 {payees or '（见付款记录）'}，再整理材料"
            f"（{channel('96110').contact} 是反诈咨询/举报专线，不办理止付）。",
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


def unit_matches(unit: str, addresses: list[str]) -> bool:
    """Whether a receiving unit names a city or district of one of the addresses
    (北京市东城区市场监督管理局 ~ 北京市东城区某某街道1号)."""
    import re

    places = re.findall(r"[\u4e00-\u9fff]{1,6}?(?:自治州|市|区|县)", unit)
    return any(p in a for a in addresses for p in places[-1:])


def route_checks(model: CaseModel, status: Status) -> None:
    """The route's checks and hints (casekit/route.py): where a 12315 complaint goes, the victim's
    own paying account while 紧急止付 can help, the computed compensation, the amount triage."""
    from .law import cite, law_name
    from .route import decide, jurisdiction

    f = model.facts
    route = decide(f, model.timeline, model.now)
    status.route = route.to_json()
    places = "、".join(f"{p}（{a}）" if a else p for p, a in jurisdiction(f))
    known = [a for _, a in jurisdiction(f) if a]
    unit = f.filing.consumer_unit
    status.steps["consumer"].checks.append(Check(
        "jurisdiction", "12315 投诉受理地：商家实际经营地或平台经营者住所地的县级市场监管局（不是按你的住址）"
        + (f"；“{unit}”与商家经营地、平台住所地都不符" if unit and known and not unit_matches(unit, known) else ""),
        bool(known and unit and unit_matches(unit, known)),
        f"可选：{places}。在店铺页公示的营业执照（{cite('dsf_15')}）或国家企业信用信息公示系统查商家的名称、"
        "统一社会信用代码和地址，填入 [respondent] operating_address / platform_operator_address，"
        "再在 [filing] consumer_unit 写选定的市场监管局", required=False))
    status.steps["police"].checks.append(Check(
        "fraud_alleged", "报案事由：对方涉嫌诈骗的事实", route.fraud_alleged,
        "现有材料是已收货的售后纠纷（没有私下付款、拉黑、未发货、假冒或欺诈的说法），宜走平台售后（第2步）和 "
        "12315（第4步）；若认为对方骗了你，在 case.toml 的 [story] problem 写明（如“欺诈：…”），或 [story] blocked = true"))
    if route.stop_payment:
        status.steps["police"].checks.append(Check(
            "victim_accounts", "本人付款账户（申请紧急止付时要报）", bool(f.victim.payment_accounts),
            '在 case.toml 的 [victim] payment_accounts 填写，如 ["支付宝 139****1111"]', required=False))
    if route.compensation is not None:
        status.hints.append(Hint(f"可主张的赔偿已计算并写入投诉请求：{route.compensation.label}。"))
    # the floor matters to a 报案 only: an after-sales dispute gets no police packet (packets.planned)
    if route.triage is not None and route.triage.fallback and route.fraud_alleged:
        status.hints.append(Hint(f"损失 ¥{route.triage.net:,.2f} 可能低于当地诈骗罪“数额较大”的立案标准（{route.triage.standard}）："
                                 f"报案材料同时请求公安机关在不够刑事立案时依照{law_name('治安管理处罚法')}查处。"))
    if route.off_platform:
        # money paid round the checkout has no platform order: the shop and the accounts name the merchant
        for step in ("platform", "consumer"):
            for check in status.steps[step].checks:
                if check.key == "order_id" and not check.ok:
                    check.required = False
                    check.fix += "（平台外私下付款没有订单号时可不填）"
        status.hints.append(Hint("款项是平台外私下付款，平台售后无法退款：平台材料为投诉/举报商家诱导站外交易，并请平台提供商家真实身份。"))
