"""Payment-result and bill-detail screens (Alipay 转账成功, WeChat 支付成功 / 转账详情, bank-app
交易成功, 账单详情) into one Transaction.

Labels are matched in two ways: the known labels below, and for a label never seen before
(another bank's wording) by the words it is made of — 收款 + 人/方/户名 is the payee, 账号/卡号 an
account, 流水/单号/交易号 a reference number, 时间 a time."""

from __future__ import annotations

import re

from ..records import Transaction
from ..ocr.quality import levenshtein
from .rows import Page, Row
from .values import money, parse_datetime, phone_mask, reference_no

TITLES = ("转账成功", "支付成功", "付款成功", "交易成功", "转账详情", "收款成功", "已收款", "待确认收款", "待对方确认收款",
          "汇款成功", "提交成功", "账单详情", "交易详情", "转账结果", "付款结果")
# label → field (known wordings; `field_of` covers the ones not listed)
LABELS: dict[str, str] = {
    "收款方": "counterparty", "收款人": "counterparty", "对方账户": "counterparty", "收款户名": "counterparty",
    "商户全称": "counterparty", "商户名称": "counterparty", "对方": "counterparty", "收款人姓名": "counterparty",
    "对方户名": "counterparty", "收款单位": "counterparty", "交易对方": "counterparty",
    "收款账号": "account", "收款卡号": "account", "对方账号": "account", "收款方账号": "account", "收款账户": "account",
    "对方卡号": "account",
    "订单号": "order_id", "交易单号": "order_id", "转账单号": "order_id", "流水号": "order_id", "交易流水号": "order_id",
    "支付宝交易号": "order_id", "交易号": "order_id", "凭证号": "order_id", "业务流水号": "order_id",
    "商户单号": "merchant_order_id", "商家订单号": "merchant_order_id", "商户订单号": "merchant_order_id",
    "转账时间": "time", "支付时间": "time", "交易时间": "time", "付款时间": "time", "创建时间": "time", "汇款时间": "time",
    "转账说明": "memo", "附言": "memo", "备注": "memo", "商品": "memo", "商品说明": "memo", "用途": "memo", "摘要": "memo",
    "付款方式": "method", "支付方式": "method", "付款账户": "method", "付款卡": "method",
    "金额": "amount", "交易金额": "amount", "付款金额": "amount", "转账金额": "amount", "汇款金额": "amount",
    "收款时间": "received",
}
_QUOTES = str.maketrans("", "", "“”\"'‘’`")  # OCR specks beside masked digits (138”**6621)
PAYMENT_FIELDS = ("counterparty", "account", "order_id", "time")
_ACCOUNT_TAIL = re.compile(r"^(?P<name>.*?)[\s(（]*(?P<acct>1[3-9]\d[\d*]{4}\d{4}|[\w.\-*]+@[\w.\-]+|[\d*][\d* ]{5,}\d)[)）]?$")


def field_of(row: Row) -> str | None:
    """What a row's label stands for on a payment screen (known label, else by its words)."""
    if row.label is None:
        return None
    if row.label in LABELS:
        return LABELS[row.label]
    label = row.label
    if "商户" in label and "单号" in label:
        return "merchant_order_id"
    if any(k in label for k in ("账号", "卡号", "账户")) and any(k in label for k in ("收款", "对方", "入账")):
        return "account"
    if "收款" in label and any(k in label for k in ("人", "方", "户名", "名称", "单位")):
        return "counterparty"
    if any(k in label for k in ("流水", "单号", "交易号", "凭证", "订单号")):
        return "order_id"
    if "时间" in label or "日期" in label:
        return "time"
    if "金额" in label:
        return "amount"
    if any(k in label for k in ("附言", "备注", "用途", "说明", "摘要")):
        return "memo"
    return None


def split_account(value: str) -> tuple[str | None, str | None]:
    """'张伟 138****6621' → ('张伟', '138****6621'); a value without an account → (value, None)."""
    match = _ACCOUNT_TAIL.match(value.strip())
    if match and match.group("name").strip():
        return match.group("name").strip(), match.group("acct").strip()
    if match:
        return None, match.group("acct").strip()
    return (value.strip() or None), None


def _titled(page: Page) -> bool:
    """A payment title on the page, exactly or with one misread character (已收均 → 已收款)."""
    compact = page.compact
    if any(t in compact for t in TITLES):
        return True
    return any(len(t) >= 3 and levenshtein("".join(r.text.split()), t) == 1 for r in page.rows if not r.label
               for t in TITLES)


def looks_like_payment(page: Page) -> bool:
    """A payment-result screen: an amount with a title such as 转账成功 and one payment row, or
    an amount and three kinds of payment row (a bank whose title we do not know)."""
    fields = {field_of(r) for r in page.labelled()} & set(PAYMENT_FIELDS)
    if not any(money(r.text) is not None for r in page.rows):
        return False
    return (bool(fields) and _titled(page)) or len(fields) >= 3


def amount_band(page: Page) -> tuple[int, int] | None:
    """Where the big amount should be on a payment screen that has its title and rows but no
    amount read (Tesseract drops a large bold number from a whole page now and then, and reads
    it from a crop): the band between the title and the first payment row."""
    compact = page.compact
    if not any(t in compact for t in TITLES) or money(compact) is not None:
        return None
    rows = [r for r in page.rows if field_of(r) in PAYMENT_FIELDS]
    if not rows:
        return None
    title = next((r for r in page.rows if any(t in "".join(r.text.split()) for t in TITLES)), None)
    top = title.box[1] - title.box[3] if title is not None and title.box[1] < rows[0].box[1] else 0
    bottom = rows[0].box[1]
    return (max(0, top - 2 * (rows[0].box[3])), bottom) if bottom > top else None


def parse_payment(page: Page) -> Transaction | None:
    """The one payment the screen shows; None without an amount."""
    fields: dict[str, Row] = {}
    first_label = len(page.rows)
    for i, row in enumerate(page.rows):
        name = field_of(row)
        if name is None:
            continue
        first_label = min(first_label, i)
        if row.value and name not in fields:
            fields[name] = row
    amount = None
    if "amount" in fields:
        amount = money(fields["amount"].value)
    big = next((i for i, r in enumerate(page.rows[:first_label]) if money(r.text) is not None), None)
    if amount is None and big is not None:
        amount = money(page.rows[big].text)  # the big amount above the rows (¥1,280.00; ¥ read as Y)
    if amount is None:
        return None
    value = {k: r.value.translate(_QUOTES) for k, r in fields.items()}
    if "counterparty" not in value and big:
        # Alipay's 账单详情 prints the payee's name above the amount instead of a 收款方 row
        above = page.rows[big - 1]
        if not above.label and not any(t in "".join(above.text.split()) for t in TITLES) and len(above.text) <= 30:
            value["counterparty"] = above.text
    counterparty, account = split_account(value.get("counterparty", ""))
    if "account" in value:
        account = "".join(value["account"].split())
    if account:
        account, _ = phone_mask(account)
    compact = page.compact
    status = next((t for t in TITLES if t in compact), None)
    return Transaction(
        amount=amount,
        direction="out",
        time=parse_datetime(value.get("time", "")),
        counterparty=counterparty,
        counterparty_account=account,
        method=value.get("method"),
        status=status,
        order_id=reference_no(value["order_id"]) if "order_id" in value else None,
        merchant_order_id=reference_no(value["merchant_order_id"]) if "merchant_order_id" in value else None,
        memo=value.get("memo"),
    )


_ACCOUNT_SHAPE = re.compile(r"^(?:[\d*]{6,30}|[\w.\-*]+@[\w.\-]+|1[3-9]\d\*{4}\d{4})$")


def payment_warnings(tx: Transaction) -> list[tuple[str, str]]:
    """(zh, en) warnings for fields that cannot be what the screen showed (an account with
    letters or CJK in its digits is a misreading)."""
    out = []
    if tx.counterparty_account and not _ACCOUNT_SHAPE.match(tx.counterparty_account):
        out.append((f"收款账号“{tx.counterparty_account}”不像账号（可能识别有误），请对照截图核对",
                    f"payee account {tx.counterparty_account!r} does not look like an account (misread?); check it"))
    return out


def vocabulary() -> list[str]:
    return list(LABELS)
