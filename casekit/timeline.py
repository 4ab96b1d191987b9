"""The case timeline (DOMAIN D5): messages, payments and user-stated events in time order.

One payment is often seen several times — a bill row, a payment-result screenshot and a transfer
card in a chat. They are merged into one `Payment` when they share an order number, or have the
same amount and direction, compatible counterparties and times within `SAME_PAYMENT_WINDOW`.
The loss (payments − refunds, per payee account and in total) is computed here once; every
document prints this figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Iterable

from .facts import CST, Facts
from .law import cite
from .matching import match_transaction, values_match
from .records import Extraction, Message, SourceRef, Transaction

SAME_PAYMENT_WINDOW = timedelta(minutes=5)
# a chat transfer card carries the time label above it, a lower bound: the card was sent at or
# after it and before the next label; with no later label on the screen, within this long
CARD_OPEN_WINDOW = timedelta(days=1)
URGENT_WINDOW = timedelta(hours=48)
ZERO = Decimal("0.00")
_FAILED = ("失败", "关闭", "撤销", "取消", "failed", "closed")


@dataclass
class Payment:
    """One real money movement, merged from every record that shows it."""

    kind: str  # "payment" | "refund"
    amount: Decimal
    time: datetime | None
    counterparty: str | None = None
    account: str | None = None
    method: str | None = None
    order_id: str | None = None
    reference_no: str | None = None
    memo: str | None = None
    matched_by: str | None = None
    sources: list[SourceRef] = field(default_factory=list)
    records: list[Transaction] = field(default_factory=list)

    @property
    def evidence_ids(self) -> list[str]:
        """Every item showing this payment, in evidence order (so a filing cites 证据1、证据2、证据3)."""
        return sorted(dict.fromkeys(s.evidence_id for s in self.sources if s.evidence_id))

    @property
    def payee_key(self) -> str:
        return self.account or self.counterparty or "（未知收款方）"


@dataclass
class PayeeLoss:
    """Money paid to and refunded from one payee account."""

    account: str
    name: str | None
    paid: Decimal = ZERO
    refunded: Decimal = ZERO
    count: int = 0
    first: datetime | None = None
    last: datetime | None = None

    @property
    def net(self) -> Decimal:
        return self.paid - self.refunded


@dataclass
class Loss:
    """The case's loss, computed once."""

    paid: Decimal = ZERO
    refunded: Decimal = ZERO
    per_payee: list[PayeeLoss] = field(default_factory=list)

    @property
    def net(self) -> Decimal:
        return self.paid - self.refunded


@dataclass
class TimelineEvent:
    """One row of D5."""

    time: datetime | None
    kind: str  # "message" | "payment" | "refund" | "order" | "user"
    text: str
    party: str | None = None
    amount: Decimal | None = None
    # "unconfirmed": the screen shows a label (昨天 21:30, 星期三) that nothing dates; "unknown": no label
    precision: str = "minute"  # "minute" | "day" | "approx" | "unconfirmed" | "unknown"
    sources: list[SourceRef] = field(default_factory=list)
    evidence_ids: list[str] = field(default_factory=list)
    step: str = "identify"
    paid_total: Decimal = ZERO
    refunded_total: Decimal = ZERO
    payment: Payment | None = None
    corrected: bool = False  # a chat line whose text, speaker or time the user corrected (casekit.corrections)
    time_text: str | None = None  # the label as the screen shows it, when it could not be dated

    @property
    def dated(self) -> bool:
        return self.time is not None and self.precision not in ("unconfirmed", "unknown")


@dataclass
class Deadline:
    """A date the user must act by, with its legal or practical basis."""

    label: str
    due: datetime
    basis: str
    urgent: bool = False

    def passed(self, now: datetime) -> bool:
        return now > self.due


@dataclass
class Timeline:
    """Everything D5 shows, plus the merged payments and the loss."""

    events: list[TimelineEvent]
    payments: list[Payment]
    loss: Loss
    deadlines: list[Deadline]
    unmatched: list[Transaction] = field(default_factory=list)

    @property
    def last_payment(self) -> Payment | None:
        timed = [p for p in self.payments if p.kind == "payment" and p.time]
        return max(timed, key=lambda p: p.time) if timed else None  # type: ignore[arg-type, return-value]

    def to_json(self) -> dict[str, Any]:
        """The `casekit timeline --json` object: events with running totals, loss, deadlines."""
        return {
            "events": [{
                "time": e.time.isoformat() if e.time else None, "precision": e.precision, "time_text": e.time_text,
                "kind": e.kind,
                "text": e.text, "party": e.party, "amount": _money(e.amount), "evidence": e.evidence_ids,
                "paid_total": _money(e.paid_total), "refunded_total": _money(e.refunded_total),
            } for e in self.events],
            "loss": {
                "paid": _money(self.loss.paid), "refunded": _money(self.loss.refunded), "net": _money(self.loss.net),
                "per_payee": [{"account": g.account, "name": g.name, "paid": _money(g.paid), "refunded": _money(g.refunded),
                               "net": _money(g.net), "count": g.count} for g in self.loss.per_payee],
            },
            "deadlines": [{"label": d.label, "due": d.due.isoformat(), "basis": d.basis, "urgent": d.urgent} for d in self.deadlines],
            "unmatched_transactions": len(self.unmatched),
        }


def _money(value: Decimal | None) -> str | None:
    return f"{value:.2f}" if value is not None else None


# --------------------------------------------------------------------------------------------
# Payments


def _kind(txn: Transaction) -> str | None:
    status = (txn.status or "").lower()
    if any(word in status for word in _FAILED) and not txn.is_refund:
        return None
    if txn.is_refund or (txn.direction == "in"):
        return "refund"
    if txn.direction == "out":
        return "payment"
    return None


Span = tuple[datetime, datetime]


def card_windows(extractions: dict[str, Extraction]) -> dict[int, Span]:
    """For each chat transfer card (keyed by the record's id()): the span it was sent in — from the
    time label above it to the next later label of its screenshot (else `CARD_OPEN_WINDOW`)."""
    out: dict[int, Span] = {}
    for ex in extractions.values():
        if ex.kind != "chat_screenshot":
            continue
        for txn in ex.transactions:
            if txn.time is None or txn.source.row is not None:
                continue
            at = next((i for i, m in enumerate(ex.messages) if m.kind == "transfer" and txn.source.box
                       and m.source.box == txn.source.box), None)
            if at is None:
                at = next((i for i, m in enumerate(ex.messages) if m.kind == "transfer" and m.time == txn.time), None)
            later = [m.time for m in ex.messages[(at or 0) + 1:] if m.time and m.time > txn.time] if at is not None else []
            out[id(txn)] = (txn.time, min(later) if later else txn.time + CARD_OPEN_WINDOW)
    return out


def _times_agree(p: Payment, txn: Transaction, windows: dict[int, Span]) -> bool:
    """An exact time (bill row, payment screen) within the window of the other side's exact times;
    a card's span, when one side has only cards, overlapping the other's."""
    exact = [r.time for r in p.records if r.time and id(r) not in windows]
    spans = [windows[id(r)] for r in p.records if id(r) in windows]
    assert txn.time is not None
    w = SAME_PAYMENT_WINDOW
    if id(txn) not in windows:
        if exact:
            return any(abs(txn.time - t) <= w for t in exact)
        return any(lo - w <= txn.time <= hi + w for lo, hi in spans)
    lo, hi = windows[id(txn)]
    if exact:
        return any(lo - w <= t <= hi + w for t in exact)
    return any(a - w <= hi and lo - w <= b for a, b in spans)


def _same(p: Payment, txn: Transaction, kind: str, windows: dict[int, Span] | None = None) -> bool:
    windows = windows or {}
    ids = {x for x in (txn.order_id, txn.merchant_order_id) if x}
    known = {x for r in p.records for x in (r.order_id, r.merchant_order_id) if x}
    if ids and known:
        if any(a == b or (min(len(a), len(b)) >= 10 and (a in b or b in a)) for a in ids for b in known):
            return kind == p.kind  # e.g. a bill's 商家订单号 T2611… holding the order page's 订单编号
        if txn.memo != ORDER_PAGE_MEMO and all(r.memo != ORDER_PAGE_MEMO for r in p.records):
            return False
        # an order page's 订单编号 and a bill's 交易号 are different numbers for one payment: go on
    if kind != p.kind or txn.amount != p.amount:
        return False
    if txn.source.evidence_id and any(r.source.evidence_id == txn.source.evidence_id for r in p.records):
        return False  # one item shows one payment once: two equal cards (or rows) are two payments
    sides = [v for v in (txn.counterparty_account, txn.counterparty) if v]
    theirs = [v for r in p.records for v in (r.counterparty_account, r.counterparty) if v]
    if sides and theirs and not any(values_match(a, b) or _loose(a, b) for a in sides for b in theirs):
        return False
    if txn.time and p.time:
        return _times_agree(p, txn, windows)
    return bool(sides and theirs)  # an untimed record joins only on a positive counterparty match


def _loose(a: str, b: str) -> bool:
    """Counterparty names as printed by different apps: one contains the other."""
    a, b = a.replace(" ", ""), b.replace(" ", "")
    return len(min(a, b, key=len)) >= 2 and (a in b or b in a)


def _best(values: Iterable[str | None]) -> str | None:
    """Prefer an unmasked, longer value (a full account over `138****5678`)."""
    present = [v for v in values if v]
    if not present:
        return None
    return sorted(present, key=lambda v: ("*" in v, -len(v)))[0]


def _finish(p: Payment, windows: dict[int, Span]) -> None:
    bill_times = [r.time for r in p.records if r.time and r.source.row is not None]
    exact = [r.time for r in p.records if r.time and id(r) not in windows]
    times = bill_times or exact or [r.time for r in p.records if r.time]  # a card's label: a lower bound
    p.time = min(times) if times else None
    p.account = _best(r.counterparty_account for r in p.records)
    p.counterparty = _best(r.counterparty for r in p.records)
    # a card's method is guessed from its words (微信转账); a bill row or a payment screen says it
    p.method = _best(r.method for r in p.records if id(r) not in windows) or _best(r.method for r in p.records)
    p.order_id = _best(r.order_id for r in p.records)
    p.reference_no = _best(r.merchant_order_id for r in p.records) or p.order_id
    p.memo = _best(r.memo for r in p.records)
    p.sources = [r.source for r in p.records]


def merge_payments(txns: list[Transaction], windows: dict[int, Span] | None = None) -> list[Payment]:
    """De-duplicate money records into payments, in time order. `windows`: the span each chat
    transfer card was sent in (`card_windows`), its time being only the label above it."""
    windows = windows or {}
    ordered = sorted(txns, key=lambda t: (t.time is None, t.time or datetime.max.replace(tzinfo=CST)))
    payments: list[Payment] = []
    for txn in ordered:
        kind = _kind(txn)
        if kind is None:
            continue
        for p in payments:
            if _same(p, txn, kind, windows):
                p.records.append(txn)
                if p.time is None and txn.time:
                    p.time = txn.time
                break
        else:
            payments.append(Payment(kind, txn.amount, txn.time, records=[txn]))
    for p in payments:
        _finish(p, windows)
    return sorted(payments, key=lambda p: (p.time is None, p.time or datetime.max.replace(tzinfo=CST)))


def _unmask_accounts(payments: list[Payment], facts: Facts) -> None:
    """A payee account every record shows masked (186****3377) is printed in full when the user gave
    that account in full for a suspect (the police need the whole number to stop or freeze it)."""
    given = [a for s in facts.suspects for a in s.payment_accounts if a and "*" not in a]
    for p in payments:
        if p.account and "*" in p.account:
            full = [a for a in given if values_match(p.account, a)]
            if len(full) == 1:
                p.account = full[0]


def compute_loss(payments: list[Payment]) -> Loss:
    """Payments − refunds, per payee account and in total."""
    loss = Loss()
    groups: list[PayeeLoss] = []
    for p in payments:
        group = next((g for g in groups if values_match(g.account, p.payee_key)
                      or (p.counterparty and g.name and values_match(g.name, p.counterparty))), None)
        if group is None:
            group = PayeeLoss(p.payee_key, p.counterparty)
            groups.append(group)
        if p.kind == "payment":
            group.paid += p.amount
            group.count += 1
            loss.paid += p.amount
            if p.time:
                group.first = min(filter(None, [group.first, p.time]))
                group.last = max(filter(None, [group.last, p.time]))
        else:
            group.refunded += p.amount
            loss.refunded += p.amount
    loss.per_payee = groups
    return loss


# --------------------------------------------------------------------------------------------
# Events

_SPEAKER = {"me": "我", "them": "对方", "system": "系统提示"}


def _message_text(m: Message) -> tuple[str, str | None]:
    who = _SPEAKER.get(m.speaker, m.speaker)
    if m.speaker == "them" and m.name:
        who = f"对方（{m.name}）"
    return f"{who}：{m.text}", (m.name if m.speaker == "them" else None)


def _payment_text(p: Payment) -> str:
    target = p.counterparty or "（未知）"
    if p.account and p.account != p.counterparty:
        target += f"（账户 {p.account}）"
    verb = "向" if p.kind == "payment" else "收到"
    action = "付款" if p.kind == "payment" else "的退款"
    text = f"{verb} {target} {action} ¥{p.amount:,.2f}"
    # a bill's or payment screen's number is the payment's 交易号; only an order page's is the 订单号
    number = "订单号" if any(r.memo == ORDER_PAGE_MEMO for r in p.records) else "交易号"
    extra = [x for x in (p.method, f"{number} {p.order_id}" if p.order_id else None) if x]
    return text + (f"（{'，'.join(extra)}）" if extra else "")


def _message_events(extractions: dict[str, Extraction], paying_evidence: set[str]) -> list[TimelineEvent]:
    """One event per chat message. Screenshots of a long chat overlap (each page should begin
    with the previous page's last line, DOMAIN §4.4): a message seen again in another screenshot
    — same speaker, same words, same time and precision — is the same event, evidenced by both.
    Repeats inside one screenshot stay separate events (someone did say it twice)."""
    events: list[TimelineEvent] = []
    seen: dict[tuple, list[TimelineEvent]] = {}
    for eid, ex in extractions.items():
        last_time: datetime | None = None
        for m in ex.messages:
            if m.kind == "transfer" and eid in paying_evidence:
                continue  # the transfer card is shown once, as its payment
            when, precision = m.time, "minute"
            if when is not None:
                last_time = when
            elif m.time_text:
                # under a label (昨天 21:30, 星期三) nothing could date: it may be days after the
                # last dated line, so it does not borrow that line's time
                precision, last_time = "unconfirmed", None
            elif last_time is not None:
                when, precision = last_time, "approx"
            else:
                precision = "unknown"
            text, party = _message_text(m)
            src = m.source if m.source.evidence_id else SourceRef(eid, m.source.row, m.source.box)
            same = seen.setdefault((text, when, precision), [])
            earlier = next((e for e in same if eid not in e.evidence_ids), None)
            if earlier is not None and when is not None:
                earlier.evidence_ids.append(eid)
                earlier.sources.append(src)
                continue
            event = TimelineEvent(when, "message", text, party, precision=precision,
                                  sources=[src], evidence_ids=[eid],
                                  time_text=m.time_text if when is None else None,
                                  corrected=bool(m.corrected))
            same.append(event)
            events.append(event)
    return events


OFF_PLATFORM_WORDS = ("转账", "私下", "红包", "扫码", "收款码")  # a payment method that is not the checkout
ORDER_PAGE_MEMO = "订单页实付款"
# an order is paid at or soon after its 下单时间 (the checkout holds an unpaid order this long)
ORDER_PAY_WINDOW = timedelta(minutes=30)


def _proposal(ex: Extraction, field_name: str) -> Any:
    return next((p for p in ex.proposals if p.field == field_name and p.value), None)


def order_page_payment(eid: str, ex: Extraction, facts: Facts) -> Transaction | None:
    """The payment an order page shows (实付款, 订单编号, 下单时间) when the order was paid through
    the checkout: for such an order the platform's order page is the payment record, often the only
    one the buyer has. None for another order, or when the money went round the checkout."""
    if ex.kind != "order_page" or facts.story.off_platform_payment \
            or any(w in (facts.order.payment_method or "") for w in OFF_PLATFORM_WORDS):
        return None
    amount, order_id = _proposal(ex, "order.amount"), _proposal(ex, "order.order_id")
    if amount is None or (facts.order.order_id and (order_id is None or order_id.value != facts.order.order_id)):
        return None
    try:
        value = Decimal(amount.value)
        ordered = _proposal(ex, "order.ordered_at")
        when = datetime.fromisoformat(ordered.value) if ordered else facts.order.ordered_at
    except (ValueError, ArithmeticError):
        return None
    shop = _proposal(ex, "order.shop")
    return Transaction(value, "out", when, counterparty=shop.value if shop else (facts.order.shop or None),
                       order_id=order_id.value if order_id else None,
                       method=facts.order.payment_method or "平台下单支付", memo=ORDER_PAGE_MEMO,
                       source=SourceRef(eid, None, amount.source.box if amount.source else None))


def build_timeline(
    facts: Facts,
    extractions: dict[str, Extraction],
    now: datetime | None = None,
    linked: set[str] | None = None,
) -> Timeline:
    """Merge every record of the case into one timeline. `extractions` maps evidence id → records
    and should already leave out excluded and unlinked evidence.

    `linked`: items known to belong to the case (casekit.scoping). A payment screen or a chat
    transfer card in such an item counts even when its counterparty is not named (a card shows no
    payee; a payment screen shows the payee's real name, which the user may not know). Bill rows
    still match one by one: a bill holds all of the account's spending."""
    now = now or datetime.now(CST)
    belonging: list[Transaction] = []
    unmatched: list[Transaction] = []
    matched_by: dict[int, str] = {}
    windows = card_windows(extractions)
    # money sent round the checkout anywhere in the case: an order page is then no payment record
    round_checkout = any(w in (t.method or "") for ex in extractions.values() for t in ex.transactions
                         for w in OFF_PLATFORM_WORDS)
    for eid, ex in extractions.items():
        paid = None if round_checkout else order_page_payment(eid, ex, facts)
        if paid is not None and paid.time is not None:
            windows[id(paid)] = (paid.time, paid.time + ORDER_PAY_WINDOW)
        for txn in ex.transactions + ([paid] if paid else []):
            if txn.source.evidence_id is None:
                txn.source = SourceRef(eid, txn.source.row, txn.source.box)
            found = match_transaction(txn, facts)
            if found:
                belonging.append(txn)
                matched_by[id(txn)] = found.field
            elif linked is not None and eid in linked and ex.kind != "bill" and txn.source.row is None:
                belonging.append(txn)
                matched_by[id(txn)] = "linked_item"
            else:
                unmatched.append(txn)
    payments = merge_payments(belonging, windows)
    _unmask_accounts(payments, facts)
    for p in payments:
        p.matched_by = next((matched_by[id(r)] for r in p.records if id(r) in matched_by), None)
    loss = compute_loss(payments)

    events = _message_events(extractions, {eid for p in payments for eid in p.evidence_ids})
    for p in payments:
        events.append(TimelineEvent(
            p.time, p.kind, _payment_text(p), p.counterparty or p.account, p.amount,
            precision="minute" if p.time else "unknown", sources=p.sources,
            evidence_ids=p.evidence_ids, step="police", payment=p,
        ))
    order = facts.order
    if order.ordered_at:
        parts = [f"下单购买 {order.goods or '商品'}"]
        if order.shop:
            parts.append(f"店铺 {order.shop}")
        if order.order_id:
            parts.append(f"订单号 {order.order_id}")
        if order.amount is not None:
            parts.append(f"订单金额 ¥{order.amount:,.2f}")
        events.append(TimelineEvent(order.ordered_at, "order", "，".join(parts), order.shop or None,
                                    step="platform"))
    for e in facts.events:
        events.append(TimelineEvent(e.time, "user", e.text, precision=e.precision,
                                    evidence_ids=list(e.evidence), step="identify"))

    rank = {"user": 0, "order": 1, "message": 2, "payment": 3, "refund": 3}
    events.sort(key=lambda e: (e.time is None, e.time or datetime.max.replace(tzinfo=CST), rank[e.kind]))
    paid = refunded = ZERO
    for e in events:
        if e.kind == "payment" and e.amount is not None:
            paid += e.amount
        elif e.kind == "refund" and e.amount is not None:
            refunded += e.amount
        e.paid_total, e.refunded_total = paid, refunded

    timeline = Timeline(events, payments, loss, [], unmatched)
    timeline.deadlines = compute_deadlines(facts, timeline, now)
    return timeline


def _at_end_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, tzinfo=CST)


def compute_deadlines(facts: Facts, timeline: Timeline, now: datetime) -> list[Deadline]:
    """Deadlines per DOMAIN D5, soonest first. Platform timings are only ever the user's own."""
    out: list[Deadline] = []
    last = timeline.last_payment
    if last and last.time and now - last.time < URGENT_WINDOW:
        out.append(Deadline("紧急止付：立即拨打 110 或到派出所，提供收款账户", last.time + URGENT_WINDOW,
                            "最后一笔付款后越早越好（DOMAIN §1.2）", urgent=True))
    if facts.filing.after_sales_deadline:
        out.append(Deadline("平台售后处理期限（App 显示）", facts.filing.after_sales_deadline,
                            "用户记录的 App 显示期限"))
    if facts.filing.merchant_rejected_on:
        out.append(Deadline("申请平台介入（商家拒绝后，参考 7 日，以 App 显示为准）",
                            _at_end_of(facts.filing.merchant_rejected_on + timedelta(days=7)),
                            "微信小店规则参考；各平台以 App 显示为准"))
    start = facts.case.incident_date or (last.time.date() if last and last.time else None)
    if start:
        try:
            end = start.replace(year=start.year + 3)
        except ValueError:  # 29 February
            end = start + timedelta(days=365 * 3)
        out.append(Deadline("12315 投诉时效（知道权益受损之日起 3 年）", _at_end_of(end),
                            cite("tsjb_15")))
    out.sort(key=lambda d: (not d.urgent, d.due))
    return out


# --------------------------------------------------------------------------------------------
# Causal order (issue 15 §1): an effect dated before its cause means a date was read or inferred
# wrong (most often a year-less chat date put in the wrong year), and every filing would say so.

RECEIVED_WORDS = ("已收款", "已被接收", "已领取", "收款成功")
BLOCKED_WORDS = ("拉黑", "拒收", "你还不是他", "你还不是她", "不是对方好友", "已被对方删除", "开启了朋友验证")
UNDELIVERED_WORDS = ("没发货", "不发货", "未发货", "没收到货", "没有收到货")
REFUSAL_WORDS = ("拒绝退款", "不予退款", "不能退款", "不给退", "拒绝了你的退款", "拒绝了您的退款", "不退")
REQUEST_WORDS = ("退款", "退钱", "退货")


@dataclass(frozen=True)
class OrderProblem:
    """An event dated before the event it follows from."""

    effect: TimelineEvent
    effect_label: str  # zh-CN: what the effect is ("被对方拉黑/拒收")
    cause_time: datetime
    cause_label: str  # zh-CN: what should have come first ("付款")


def _said(ev: TimelineEvent, words: tuple[str, ...]) -> bool:
    return ev.kind in ("message", "user") and any(w in ev.text for w in words)


def causal_problems(timeline: Timeline, facts: Facts) -> list[OrderProblem]:
    """Effects dated before their causes: 已收款 before any payment, blocking or a non-delivery
    complaint before the purchase, a refund refusal before any refund request, a refund before any
    payment. Only dated events are compared (an undated one is reported as such elsewhere)."""
    dated = [e for e in timeline.events if e.dated]
    paid = [e.time for e in dated if e.kind == "payment"]
    first_paid = min(paid) if paid else None
    purchase = facts.order.ordered_at or first_paid
    out: list[OrderProblem] = []

    def check(effects: list[TimelineEvent], label: str, cause: datetime | None, cause_label: str) -> None:
        if cause is None:
            return
        for ev in effects:
            if ev.time < cause - SAME_PAYMENT_WINDOW:  # type: ignore[operator]
                out.append(OrderProblem(ev, label, cause, cause_label))
                return  # the first one says enough; fixing its date usually fixes the rest

    check([e for e in dated if _said(e, RECEIVED_WORDS) and e.payment is None], "对方已收款", first_paid, "付款")
    check([e for e in dated if _said(e, BLOCKED_WORDS)], "被对方拉黑/拒收", purchase, "购买付款")
    check([e for e in dated if _said(e, UNDELIVERED_WORDS)], "催发货/未发货", purchase, "购买付款")
    check([e for e in dated if e.kind == "refund"], "收到退款", first_paid, "付款")
    # a refusal is the other side's (her own "不退款我就报警" is a demand, not a refusal)
    refusals = [e for e in dated if _said(e, REFUSAL_WORDS) and not e.text.startswith("我：")]
    requests = [e.time for e in dated if _said(e, REQUEST_WORDS) and e not in refusals]
    check(refusals, "拒绝退款", min(requests) if requests else None, "申请退款")  # type: ignore[type-var]
    return out
