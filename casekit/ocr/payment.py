"""Payment-result screens (Alipay 转账成功, WeChat 支付成功/转账详情, bank 交易成功) and chat
transfer cards → `Transaction`s. Fields are found by their printed labels, never by position."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from ..records import Transaction
from .entities import card_amount, find_amounts
from .timelabels import SHANGHAI

TITLES = ("转账成功", "支付成功", "付款成功", "交易成功", "转账详情", "收款成功", "已收款", "待确认收款", "待对方确认收款",
          "汇款成功", "提交成功", "账单详情")
# label → field; longer labels first so 收款方 never swallows 收款方账号 etc.
LABELS: list[tuple[str, str]] = sorted([
    ("收款方", "counterparty"), ("收款人", "counterparty"), ("对方账户", "counterparty"), ("收款户名", "counterparty"),
    ("商户全称", "counterparty"), ("商户名称", "counterparty"), ("对方", "counterparty"),
    ("收款账号", "account"), ("收款卡号", "account"), ("对方账号", "account"), ("收款方账号", "account"),
    ("订单号", "order_id"), ("交易单号", "order_id"), ("转账单号", "order_id"), ("流水号", "order_id"),
    ("交易流水号", "order_id"), ("支付宝交易号", "order_id"), ("商户单号", "merchant_order_id"), ("商家订单号", "merchant_order_id"),
    ("转账时间", "time"), ("支付时间", "time"), ("交易时间", "time"), ("付款时间", "time"), ("创建时间", "time"),
    ("转账说明", "memo"), ("附言", "memo"), ("备注", "memo"), ("商品", "memo"), ("商品说明", "memo"), ("用途", "memo"),
    ("付款方式", "method"), ("支付方式", "method"),
    ("金额", "amount"), ("交易金额", "amount"), ("付款金额", "amount"), ("转账金额", "amount"),
], key=lambda kv: -len(kv[0]))
FIELD_LABELS = ("收款方", "订单号", "交易单号", "转账单号", "流水号", "转账时间", "支付时间", "交易时间", "收款人")

_DATETIME = re.compile(r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?\s*(\d{1,2})\s*[:：]\s*(\d{2})(?:\s*[:：]\s*(\d{2}))?")
_ACCOUNT_TAIL = re.compile(r"^(?P<name>.*?)[\s(（]*(?P<acct>1[3-9]\d[\d*]{4}\d{4}|[\w.\-*]+@[\w.\-]+|[\d*][\d* ]{5,}\d)[)）]?$")
CARD_WORDS = ("转账", "红包", "收款", "已被接收", "已退还", "已领取", "恭喜发财")
CARD_STATUS = ("请收款", "已收款", "已被接收", "已退还", "待接收", "已领取", "已过期", "对方已收款")


def looks_like_payment(text: str) -> bool:
    """A payment-result screen: a title such as 转账成功, an amount, and at least one field label."""
    compact = "".join(text.split())
    return (any(t in compact for t in TITLES) and bool(find_amounts(compact))
            and any(label in compact for label in FIELD_LABELS))


def parse_datetime(text: str) -> datetime | None:
    """'2026-03-05 14:10:22' (or 2026年3月5日 14:10) → tz-aware datetime; None if absent/invalid."""
    match = _DATETIME.search(text)
    if not match:
        return None
    y, mo, d, h, mi, s = (int(g) if g else 0 for g in match.groups())
    try:
        return datetime(y, mo, d, h, mi, s, tzinfo=SHANGHAI)
    except ValueError:
        return None


def _label_of(line: str) -> tuple[str, str, str] | None:
    compact = line.replace(" ", "")
    for label, fieldname in LABELS:
        if compact.startswith(label):
            rest = line.split(label[-1], 1)[1] if label[-1] in line else ""
            return label, fieldname, rest.strip(" :：")
    return None


def split_account(value: str) -> tuple[str | None, str | None]:
    """'张伟 138****6621' → ('张伟', '138****6621'); a value without an account → (value, None)."""
    match = _ACCOUNT_TAIL.match(value.strip())
    if match and match.group("name").strip():
        return match.group("name").strip(), match.group("acct").strip()
    if match:
        return None, match.group("acct").strip()
    return (value.strip() or None), None


def parse_payment(lines: list[str]) -> Transaction | None:
    """Read a payment-result screen from its OCR lines (top to bottom). None when no amount."""
    fields: dict[str, str] = {}
    amount: Decimal | None = None
    status = None
    first_label = len(lines)
    i = 0
    while i < len(lines):
        line = lines[i]
        found = _label_of(line)
        if found is None:
            if status is None:
                status = next((t for t in TITLES if t in line.replace(" ", "")), None)
            i += 1
            continue
        first_label = min(first_label, i)
        _, fieldname, value = found
        if not value and i + 1 < len(lines) and _label_of(lines[i + 1]) is None:
            value = lines[i + 1].strip()  # long values wrap under their label
            i += 1
        if value and fieldname not in fields:
            fields[fieldname] = value
        i += 1
    for line in lines[:first_label]:
        found_amount = card_amount(line)
        if found_amount is not None:
            amount = found_amount
            break
    if "amount" in fields:
        amount = card_amount(fields["amount"]) or amount
    if amount is None:
        return None
    counterparty, account = split_account(fields.get("counterparty", ""))
    if "account" in fields:
        account = fields["account"].strip()
    order = fields.get("order_id")
    merchant = fields.get("merchant_order_id")
    return Transaction(
        amount=abs(amount),
        direction="out",
        time=parse_datetime(fields.get("time", "")),
        counterparty=counterparty,
        counterparty_account=account,
        method=fields.get("method"),
        status=status,
        order_id=re.sub(r"\s+", "", order) if order else None,
        merchant_order_id=re.sub(r"\s+", "", merchant) if merchant else None,
        memo=fields.get("memo"),
    )


def is_transfer_card(text: str, bg: tuple[int, int, int] | None = None) -> bool:
    """A chat transfer / red-packet card: card words plus an amount, or the card colour plus an amount."""
    compact = "".join(text.split())
    orange = bg is not None and bg[0] > 230 and 120 < bg[1] < 235 and bg[2] < 200 and bg[0] - bg[2] > 50
    has_words = any(w in compact for w in CARD_WORDS)
    return (has_words or orange) and (bool(find_amounts(compact)) or "红包" in compact)


def parse_transfer_card(text: str, speaker: str, time: datetime | None = None) -> Transaction | None:
    """Transaction for a transfer card; red packets without a visible amount give None."""
    compact = "".join(text.split())
    amount = card_amount(compact)
    if amount is None:
        return None
    status = next((s for s in CARD_STATUS if s in compact), None)
    method = "微信红包" if "红包" in compact else ("微信转账" if "微信" in compact else "转账")
    return Transaction(amount=amount, direction="out" if speaker == "me" else "in", time=time,
                       method=method, status=status)
