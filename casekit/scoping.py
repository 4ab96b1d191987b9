"""Which evidence items belong to this case (issue 15 §2).

A case folder often holds more than one scam's screenshots. An item is *linked* to this case when
it shows one of the suspects' identifiers (name, platform account, 快手号/微信号, phone, payment
account, IM id), the case's order number, or — for a payment screen with no such identifier — the
same payment as a linked item (same amount, within `matching`'s same-payment window), a payee
account a linked chat gave, or an amount a linked chat names within a day; a chat with none of
them when its dated lines fall in the case's time window and a transfer card in it is one of the
case's payments (its time a lower bound, up to the next time label: `timeline.card_windows`). The user's
own word (`casekit link` / `casekit unlink`, custody-logged) comes before all of this.

Filings use linked items only; an item that links to nothing is listed by `status` with the two
fixes. Bill rows are judged one by one (`matching.match_transaction`): a bill is the whole
account's spending, so a linked bill never brings its other rows in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as dtime
from typing import Any

from .errors import BadInput
from .facts import CST, Facts
from .matching import MIN_CONTAINED, match_transaction, normalize, values_match
from .records import Extraction, Transaction
from .timeline import card_windows

SAME_PAYMENT = timedelta(minutes=5)
# kinds whose records can be compared with the case's identifiers; other items (a photo of the
# goods, a PDF) carry nothing to compare and are kept unless the user unlinks them
_CHECKED = ("chat_screenshot", "payment_screenshot", "bill")


@dataclass(frozen=True)
class Link:
    """Whether one item belongs to the case, and why (printed by `status`, kept in the model)."""

    evidence_id: str
    linked: bool
    reason: str  # zh-CN, for status and the JSON
    suspect_index: int | None = None
    by_user: bool = False
    checked: bool = True  # False: nothing in the item could be compared (kept, not proven)

    def to_json(self) -> dict[str, Any]:
        return {"evidence_id": self.evidence_id, "linked": self.linked, "reason": self.reason,
                "suspect": None if self.suspect_index is None else self.suspect_index + 1,
                "by_user": self.by_user, "checked": self.checked}


# --------------------------------------------------------------------------------------------
# User overrides (custody log)


def overrides(case: Any) -> dict[str, Link]:
    """The user's latest link/unlink per item, replayed from the custody log."""
    out: dict[str, Link] = {}
    for entry in case.custody_entries():
        action, eid = entry.get("action"), entry.get("evidence_id")
        if action == "link" and eid:
            suspect = entry.get("suspect")
            index = int(suspect) - 1 if isinstance(suspect, int) and suspect > 0 else None
            reason = entry.get("reason") or "本人确认属于本案"
            out[eid] = Link(eid, True, f"本人确认：{reason}", index, by_user=True)
        elif action == "unlink" and eid:
            out[eid] = Link(eid, False, f"本人确认不属于本案：{entry.get('reason') or '未说明'}", by_user=True)
    return out


def _check_suspect(facts: Facts, suspect: int | None) -> None:
    if suspect is not None and not 1 <= suspect <= len(facts.suspects):
        count = len(facts.suspects)
        raise BadInput(f"没有第 {suspect} 个对方（case.toml 中有 {count} 个 [[suspects]]）",
                       f"there is no suspect {suspect} (case.toml has {count} [[suspects]] blocks)",
                       hint_zh="用 1 表示第一个 [[suspects]] 段，或先在 case.toml 中补上这个对方",
                       hint_en="1 is the first [[suspects]] block; or add this counterpart to case.toml first")


def link(case: Any, evidence_id: str, suspect: int | None = None, reason: str = "") -> Link:
    """Count an item in this case whatever its contents say (custody op "link")."""
    from .facts import load_facts

    _check_suspect(load_facts(case.toml_path), suspect)
    item = case.item(evidence_id)
    case.log("link", evidence_id=item.id, sha256=item.sha256, suspect=suspect, reason=reason.strip() or None)
    return overrides(case)[item.id]


def unlink(case: Any, evidence_id: str, reason: str = "") -> Link:
    """Leave an item out of this case's filings (custody op "unlink"; the original stays)."""
    item = case.item(evidence_id)
    case.log("unlink", evidence_id=item.id, sha256=item.sha256, reason=reason.strip() or None)
    return overrides(case)[item.id]


# --------------------------------------------------------------------------------------------
# Matching an item's contents


def _identifiers(facts: Facts) -> list[tuple[int | None, str, str]]:
    """(suspect index or None for the order, field label, value) for everything that identifies
    this case's counterpart."""
    out: list[tuple[int | None, str, str]] = []
    labels = {"name": "姓名/昵称", "platform_account": "平台昵称", "account_id": "账号", "shop": "店铺",
              "live_room_id": "直播间号", "phones": "手机号", "payment_accounts": "收款账户", "im_ids": "微信号/QQ号"}
    for i, s in enumerate(facts.suspects):
        for key, label in labels.items():
            value = getattr(s, key)
            for v in (value if isinstance(value, list) else [value]):
                if v:
                    out.append((i, label, v))
    if facts.order.order_id:
        out.append((None, "订单号", facts.order.order_id))
    if facts.order.shop:
        out.append((None, "店铺", facts.order.shop))
    return out


def _shown(ex: Extraction) -> tuple[list[str], str]:
    """The values an item shows one by one (chat title, speakers' names, entities) and its text."""
    values = [m.name for m in ex.messages if m.name]
    values += [e.value for e in ex.entities if e.value]
    for t in ex.transactions:
        values += [v for v in (t.counterparty, t.counterparty_account, t.order_id, t.merchant_order_id) if v]
    text = "\n".join([ex.text or ""] + [m.text for m in ex.messages])
    return values, normalize(text)


def _shows(value: str, values: list[str], text: str) -> bool:
    if any(values_match(value, v) for v in values):
        return True
    wanted = normalize(value)
    return "*" not in wanted and len(wanted) >= MIN_CONTAINED and wanted in text


def _direct(eid: str, ex: Extraction, facts: Facts, idents: list[tuple[int | None, str, str]]) -> Link | None:
    if ex.kind == "bill":
        for t in ex.transactions:
            found = match_transaction(t, facts)
            if found:
                return Link(eid, True, f"账单中有与本案对方的交易（{found.value}）", found.suspect_index)
        return None
    for t in ex.transactions:
        found = match_transaction(t, facts)
        if found:
            return Link(eid, True, f"交易对方与本案一致（{found.value}）", found.suspect_index)
    values, text = _shown(ex)
    for index, label, value in idents:
        if _shows(value, values, text):
            return Link(eid, True, f"出现本案对方的{label} {value}", index)
    return None


def _same_payment(ex: Extraction, linked: list[Extraction]) -> bool:
    for t in ex.transactions:
        for other in linked:
            for u in other.transactions:
                if u.amount == t.amount and u.direction == t.direction and t.time and u.time \
                        and abs(t.time - u.time) <= SAME_PAYMENT:
                    return True
    return False


_ACCOUNT_KINDS = ("phone", "bank_card", "account_id")
MENTION_WINDOW = timedelta(days=1)


def _payee_given(ex: Extraction, linked: list[Extraction]) -> str | None:
    """The account a linked chat gave that this payment screen paid ("支付宝转我 186…", and the
    screen shows 186****3377): the payee the seller named, though the user never wrote it down."""
    given = [e.value for other in linked if other.kind == "chat_screenshot" for e in other.entities
             if e.kind in _ACCOUNT_KINDS]
    for t in ex.transactions:
        found = next((v for v in given if values_match(t.counterparty_account, v)), None)
        if found:
            return found
    return None


def _amount_said(ex: Extraction, linked: list[Extraction]) -> bool:
    """A linked chat names this payment's amount ("已经转了1280") within a day of it."""
    for t in ex.transactions:
        if t.time is None:
            continue
        whole = f"{t.amount:.2f}".removesuffix(".00")
        said = re.compile(r"(?<![\d.])" + re.escape(whole) + r"(?:\.00)?(?![\d])")
        for other in linked:
            if other.kind != "chat_screenshot":
                continue
            for m in other.messages:
                if m.time and abs(m.time - t.time) <= MENTION_WINDOW and said.search(m.text.replace(",", "")):
                    return True
    return False


def _by_linked(ex: Extraction, linked: list[Extraction]) -> str | None:
    """Why a payment screen with none of the case's identifiers still belongs, or None."""
    if _same_payment(ex, linked):
        return "与已关联证据中的同一笔付款金额、时间一致"
    payee = _payee_given(ex, linked)
    if payee:
        return f"收款账户与本案聊天中对方给出的账户一致（{payee}）"
    if _amount_said(ex, linked):
        return "付款金额与时间与本案聊天中所说的付款一致"
    return None


def _case_payments(facts: Facts, extractions: dict[str, Extraction | None], out: dict[str, Link]) -> list[Transaction]:
    """The payments already known to be this case's: a linked payment screen's, and each bill row
    that matches the case on its own."""
    found: list[Transaction] = []
    for eid, lk in out.items():
        ex = extractions.get(eid)
        if not lk.linked or ex is None:
            continue
        if ex.kind == "payment_screenshot":
            found += [t for t in ex.transactions if t.time]
        elif ex.kind == "bill":
            found += [t for t in ex.transactions if t.time and match_transaction(t, facts)]
    return found


def _case_window(facts: Facts, linked: list[Extraction]) -> tuple[datetime, datetime] | None:
    """From the incident date (or the first dated record of a linked item) to the last one, a day
    wider on each side."""
    times = [r.time for ex in linked for r in [*ex.messages, *ex.transactions] if r.time]
    if facts.case.incident_date:
        times.append(datetime.combine(facts.case.incident_date, dtime(0, 0), CST))
    if not times:
        return None
    return min(times) - MENTION_WINDOW, max(times) + MENTION_WINDOW


def _card_paid(ex: Extraction, payments: list[Transaction], window: tuple[datetime, datetime] | None) -> str | None:
    """Why a chat that names none of the case's counterparts still belongs: its dated lines fall in
    the case's time window and a transfer card in it is a payment of this case (same amount and
    direction, the payment's time within the card's span — from the label above the card to the
    next label)."""
    dated = [m.time for m in ex.messages if m.time]
    if window is None or not dated or not all(window[0] <= t <= window[1] for t in dated):
        return None
    spans = card_windows({"_": ex})
    for card in ex.transactions:
        span = spans.get(id(card))
        if span is None:
            continue
        lo, hi = span
        for t in payments:
            if t.amount == card.amount and t.direction == card.direction and t.time \
                    and lo - SAME_PAYMENT <= t.time <= hi + SAME_PAYMENT:
                return f"聊天中的转账卡片（¥{card.amount:,.2f}）与本案的一笔付款金额、时间一致，聊天时间在案发期间"
    return None


def scope(facts: Facts, extractions: dict[str, Extraction | None], user: dict[str, Link] | None = None) -> dict[str, Link]:
    """A `Link` for every item in `extractions` (evidence id → records, None when not read yet)."""
    user = user or {}
    idents = _identifiers(facts)
    out: dict[str, Link] = {}
    for eid, ex in extractions.items():
        if eid in user:
            out[eid] = user[eid]
        elif not idents:
            out[eid] = Link(eid, True, "案件信息中尚未填写对方，全部计入", checked=False)
        elif ex is None or ex.kind not in _CHECKED or not (ex.messages or ex.transactions):
            out[eid] = Link(eid, True, "无可比对的内容，按加入计入", checked=False)
        else:
            found = _direct(eid, ex, facts, idents)
            if found:
                out[eid] = found
    linked = [extractions[e] for e, lk in out.items() if lk.linked and extractions.get(e) is not None]
    for eid, ex in extractions.items():
        if eid in out or ex is None:
            continue
        why = _by_linked(ex, linked) if ex.kind == "payment_screenshot" else None
        if why:
            out[eid] = Link(eid, True, why)
    # a chat whose counterpart is not known yet, by a card paying one of the case's payments
    payments = _case_payments(facts, extractions, out)
    window = _case_window(facts, [extractions[e] for e, lk in out.items() if lk.linked and extractions.get(e)])
    for eid, ex in extractions.items():
        if eid in out or ex is None:
            continue
        why = _card_paid(ex, payments, window) if ex.kind == "chat_screenshot" else None
        out[eid] = Link(eid, True, why) if why else Link(eid, False, "与本案对方均不匹配")
    return out
