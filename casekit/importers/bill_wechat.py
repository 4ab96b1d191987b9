"""WeChat Pay (微信支付) bills: CSV (until 2025-07) and XLSX (2025-07 and the 2026-03 layout).

The header row is found by name, so the 16/17-line preambles, the 2026 extra note and both
amount forms (text ``¥28.16``, numeric cells) read the same way. 收/支 ``/`` (中性交易:
零钱提现, 理财通…) → "none". Refund rows (交易类型 containing 退款, or money in with a 退款
status) get `is_refund`; `refund_of` is the payment with the same 商户单号 when there is one.
"""

from __future__ import annotations

from typing import Any

from .billkit import Layout, RowContext, TableImporter

LAYOUT = Layout(
    name="wechat",
    required=("交易时间", "交易类型", "交易对方", "收/支", "金额(元)", "交易单号"),
    columns={
        "time": ("交易时间",),
        "amount": ("金额(元)",),
        "direction": ("收/支",),
        "status": ("当前状态",),
        "counterparty": ("交易对方",),
        "method": ("支付方式",),
        "order_id": ("交易单号",),
        "merchant_order_id": ("商户单号",),
        "memo": ("商品", "备注"),
        "category": ("交易类型",),
    },
    markers=("微信支付",),
    file_types=frozenset({"csv", "xlsx"}),
    expect_encoding="utf-8",
    seconds_expected=True,
    thousands_expected=False,
)


class WechatImporter(TableImporter):
    """WeChat Pay bill exports (CSV and XLSX)."""

    def mark_refund(self, tx: Any, rec: dict[str, Any], row: RowContext) -> None:
        category, status = rec.get("category", ""), rec.get("status", "")
        tx.is_refund = "退款" in category or (tx.direction == "in" and "退款" in status)

    def finish(self, layout: Layout, transactions: list[Any], warnings: list[str]) -> None:
        first_payment: dict[str, str] = {}
        for t in transactions:
            if not t.is_refund and t.direction == "out" and t.merchant_order_id and t.order_id:
                first_payment.setdefault(t.merchant_order_id, t.order_id)
        for refund in (t for t in transactions if t.is_refund):
            # the refund row carries the payment's 商户单号 in 商户单号, or (the other form seen in
            # real exports) in its own 交易单号
            refund.refund_of = (first_payment.get(refund.merchant_order_id or "")
                                or first_payment.get(refund.order_id or ""))


# 微信支付交易明细证明 (the PDF the app sends for police and courts): its own column names
PROOF_PDF = Layout(
    name="wechat_proof_pdf",
    required=("交易单号", "交易时间", "交易类型", "收/支/其他", "金额(元)", "交易对方"),
    columns={
        "time": ("交易时间",),
        "amount": ("金额(元)",),
        "direction": ("收/支/其他",),
        "counterparty": ("交易对方",),
        "method": ("交易方式",),
        "order_id": ("交易单号",),
        "merchant_order_id": ("商户单号",),
        "category": ("交易类型",),
    },
    markers=("微信支付",),
    file_types=frozenset({"pdf"}),
    seconds_expected=True,
    thousands_expected=False,
)

WECHAT = WechatImporter("wechat", (LAYOUT, PROOF_PDF))
