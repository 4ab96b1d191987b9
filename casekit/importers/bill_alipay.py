"""Alipay (支付宝) bill CSVs: the old web export and both app "电子客户回单" generations.

Layouts (research/bill-formats.md §1): web "支付宝交易记录明细查询" (16 columns, 资金状态),
app 2021 (收/支 first, 交易时间 last), app 2023+ (24-line preamble, 交易时间 first, 备注).
Columns are found by name, so the two app generations share one layout.

Directions follow the bill literally: 收/支 支出 → "out", 收入 → "in", 不计收支 / 其他 →
"none"; a blank 收/支 (web refunds) falls back to 资金状态 (已收入 → "in"), which is then kept
as `direction_raw`. Refunds (交易状态 退款…, 交易分类 退款, ``_REFUND_`` ids) get `is_refund`
and, when derivable, `refund_of` = the payment's order id.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from .billkit import DIRECTION_WORDS, Layout, RowContext, TableImporter, parse_amount

_COMMON = dict(
    markers=("支付宝",),
    expect_encoding="gb18030",
    seconds_expected=True,
    thousands_expected=False,
    ids_end_with_tab=True,
)

WEB = Layout(
    name="alipay_web",
    required=("交易号", "交易创建时间", "金额（元）", "收/支", "交易对方"),
    columns={
        "time": ("付款时间", "交易创建时间"),
        "amount": ("金额（元）",),
        "direction": ("收/支",),
        "fund_status": ("资金状态",),
        "status": ("交易状态",),
        "counterparty": ("交易对方",),
        "order_id": ("交易号",),
        "merchant_order_id": ("商家订单号",),
        "memo": ("商品名称", "备注"),
        "category": ("类型",),
        "refunded": ("成功退款（元）",),
    },
    **_COMMON,
)

APP = Layout(
    name="alipay_app",
    required=("交易时间", "交易对方", "收/支", "金额", "交易订单号"),
    columns={
        "time": ("交易时间",),
        "amount": ("金额",),
        "direction": ("收/支",),
        "status": ("交易状态",),
        "counterparty": ("交易对方",),
        "counterparty_account": ("对方账号",),
        "method": ("收/付款方式",),
        "order_id": ("交易订单号",),
        "merchant_order_id": ("商家订单号",),
        "memo": ("商品说明", "备注"),
        "category": ("交易分类",),
    },
    **{**_COMMON, "file_types": frozenset({"csv", "pdf"})},  # pdf: the app's 交易流水证明
)

# Refund order ids: "{original}_{suffix}" (old) and "{original}*REFUND_{suffix}" (2026).
_REFUND_ID = re.compile(r"^(?P<original>.+?)(?:[*_]REFUND_|_)[^_*]+$")


class AlipayImporter(TableImporter):
    """Alipay CSV bills, every generation in the fixtures."""

    def direction_of(self, rec: dict[str, Any], row: RowContext) -> tuple[str, str | None]:
        """收/支 as printed; the old web export leaves it blank or 其他 on refunds and on many
        successful payments (收钱码 payments among them), and then 资金状态 (已支出 / 已收入) says
        which way the money went; a 退款成功 row is money back whether 收/支 is blank, 其他 or 不计收支."""
        raw = rec.get("direction", "")
        if raw in ("", "其他"):
            fund = rec.get("fund_status", "")
            if fund in ("已支出", "已收入"):
                return DIRECTION_WORDS[fund], raw or fund
        if raw in ("", "其他", "不计收支") and "退款成功" in rec.get("status", ""):
            # the app marks a refund to the card it came from 不计收支; the money still came back
            return "in", raw or rec["status"]
        return super().direction_of(rec, row)

    def companions(self, tx: Any, rec: dict[str, Any], row: RowContext) -> list[Any]:
        """A web-export payment row whose 成功退款（元） is not zero also records that refund;
        `finish` drops it again when the export has the refund's own row."""
        refunded = parse_amount(rec.get("refunded"))
        if tx.is_refund or tx.direction != "out" or refunded is None or refunded.value <= 0:
            return []
        return [replace(tx, amount=abs(refunded.value), direction="in", direction_raw="成功退款（元）", is_refund=True,
                        refund_of=tx.order_id, status=tx.status, merchant_order_id=tx.merchant_order_id)]

    def mark_refund(self, tx: Any, rec: dict[str, Any], row: RowContext) -> None:
        status, category = rec.get("status", ""), rec.get("category", "")
        tx.is_refund = "退款" in status or category == "退款" or "REFUND" in (tx.order_id or "")

    def finish(self, layout: Layout, transactions: list[Any], warnings: list[str]) -> None:
        payments = [t for t in transactions if not t.is_refund]
        ids = {t.order_id for t in payments if t.order_id}
        by_merchant: dict[str, list[Any]] = {}
        for payment in payments:
            if payment.merchant_order_id and payment.order_id:
                by_merchant.setdefault(payment.merchant_order_id, []).append(payment)
        rows = [t for t in transactions if t.is_refund and t.direction_raw != "成功退款（元）"]
        for refund in rows:
            refund.refund_of = _refund_target(refund, by_merchant, ids)
        # the same refund as its own row and in its payment's 成功退款 column counts once
        covered = {r.refund_of for r in rows if r.refund_of}
        transactions[:] = [t for t in transactions if not (t.direction_raw == "成功退款（元）" and t.refund_of in covered)]


def _refund_target(refund: Any, by_merchant: dict[str, list[Any]], ids: set[str]) -> str | None:
    """The order id a refund returns: id prefix before ``_``/``*REFUND_``, else the 商家订单号 match."""
    order_id = refund.order_id or ""
    match = _REFUND_ID.match(order_id)
    if match and (match.group("original") in ids or "REFUND" in order_id):
        return match.group("original")
    same = by_merchant.get(refund.merchant_order_id or "", [])
    exact = [p for p in same if p.amount == refund.amount] or same
    if exact:
        return exact[0].order_id
    if order_id in ids:
        return order_id
    return match.group("original") if match else None


ALIPAY = AlipayImporter("alipay", (APP, WEB))
