"""Bank statements, declared as column maps: ICBC, CCB, CMB, CITIC, SPDB.

Each bank is a `Layout` (or a few) over the shared `TableImporter`; only CMB's credit-card
statement needs code, because its dates are ``MM/DD`` with the year in the title line.
Separate 收入/支出 (存入/取出) columns give the direction and the header name of the column used
is kept as `direction_raw`; signed single amounts keep the raw signed text instead.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from .billkit import Layout, RowContext, TableImporter, When, cell_text, localize

ICBC = Layout(
    name="icbc",
    required=("交易日期", "摘要", "记账金额(收入)", "记账金额(支出)", "对方户名"),
    columns={
        "time": ("交易日期",),
        "amount_in": ("记账金额(收入)",),
        "amount_out": ("记账金额(支出)",),
        "currency": ("记账币种",),
        "counterparty": ("对方户名", "交易场所"),
        "counterparty_account": ("对方账户",),
        "memo": ("摘要", "交易详情", "交易场所"),
    },
    stop_prefixes=("合计金额", "人民币合计", "---"),
    account_pattern=r"卡号:\s*(\S+)",
    method_label="工商银行",
)

CCB = Layout(
    name="ccb",
    required=("记账日", "交易日期", "交易时间", "支出", "收入", "账户余额", "对方户名"),
    columns={
        "time": ("交易日期",),
        "clock": ("交易时间",),
        "amount_in": ("收入",),
        "amount_out": ("支出",),
        "currency": ("币种",),
        "counterparty": ("对方户名",),
        "counterparty_account": ("对方账号",),
        "memo": ("摘要", "交易地点"),
    },
    file_types=frozenset({"xls", "xlsx", "csv"}),
    stop_prefixes=("以上数据仅供参考",),
    seconds_expected=True,
    account_pattern=r"账\s*号\s*[:：]\s*(\S+)",
    method_label="建设银行",
)

CMB_NATIVE = Layout(
    name="cmb",
    required=("交易日期", "交易时间", "收入", "支出", "余额", "交易类型"),
    columns={
        "time": ("交易日期",),
        "clock": ("交易时间",),
        "amount_in": ("收入",),
        "amount_out": ("支出",),
        "memo": ("交易类型", "交易备注"),
    },
    markers=("招商银行",),
    stop_prefixes=("#",),
    seconds_expected=True,
    account_pattern=r"账\s*号:\s*\[[^:\]]*:?\s*([^\s\]]+)",
    method_label="招商银行",
)

CMB_DEBIT_PDF = Layout(
    name="cmb_debit_pdf",
    required=("记账日期", "货币", "交易金额", "联机余额", "交易摘要", "对手信息"),
    columns={
        "time": ("记账日期",),
        "amount": ("交易金额",),
        "currency": ("货币",),
        "counterparty": ("对手信息",),
        "memo": ("交易摘要", "客户摘要"),
    },
    method_label="招商银行",
    file_types=frozenset({"csv", "pdf"}),  # the 流水 PDF itself, or its CSV conversion
)

CMB_CREDIT_PDF = Layout(
    name="cmb_credit_pdf",
    required=("交易日", "记账日", "交易摘要", "人民币金额", "卡号末四位"),
    columns={
        "time": ("交易日", "记账日"),
        "amount": ("人民币金额",),
        "counterparty": ("交易摘要",),
        "card": ("卡号末四位",),
    },
    markers=("招商银行",),
    sign="positive_out",
)

CITIC = Layout(
    name="citic",
    required=("交易日期", "入账日期", "交易描述", "卡末四位", "结算金额"),
    columns={
        "time": ("交易日期", "入账日期"),
        "amount": ("结算金额",),
        "currency": ("结算币种",),
        "counterparty": ("交易描述",),
        "card": ("卡末四位",),
    },
    file_types=frozenset({"xls", "xlsx", "csv"}),
    sign="positive_out",
)

SPDB = Layout(
    name="spdb",
    required=("顺序号", "交易日期", "交易类型", "存入金额", "取出金额", "交易对手名称"),
    columns={
        "time": ("交易日期",),
        "amount_in": ("存入金额",),
        "amount_out": ("取出金额",),
        "counterparty": ("交易对手名称",),
        "counterparty_account": ("交易对手账号",),
        "memo": ("交易类型", "附言"),
    },
    file_types=frozenset({"xls", "xlsx", "csv"}),
    seconds_expected=True,
    account_pattern=r"账号\s+(\S+)",
    method_label="浦发银行",
)

_TRAILING_ACCOUNT = re.compile(r"^(?P<name>.*?)\s*(?P<account>\d{6,})$")
_STATEMENT_MONTH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月")
_MONTH_DAY = re.compile(r"^(\d{1,2})/(\d{1,2})$")


class BankImporter(TableImporter):
    """Bank statements; adds a card label from a card-number column to `method`."""

    def __init__(self, name: str, layouts: tuple[Layout, ...], card_label: str | None = None) -> None:
        super().__init__(name, layouts)
        self.card_label = card_label

    def _transaction(self, rec: dict[str, Any], row: RowContext, stats: dict[str, int]) -> Any:
        tx = super()._transaction(rec, row, stats)
        if tx is None:
            return None
        if rec.get("card") and self.card_label:
            tx.method = f"{self.card_label}({cell_text(rec['card'])})"
        if tx.memo and tx.counterparty:
            # 交易场所 stands in for an empty 对方户名 (ICBC credit); do not repeat it in the memo
            parts = [part for part in tx.memo.split("；") if part != tx.counterparty]
            tx.memo = "；".join(parts) or None
        return tx


class CmbImporter(BankImporter):
    """CMB: native PC CSV, and the PDF-converted debit and credit statements."""

    def _transaction(self, rec: dict[str, Any], row: RowContext, stats: dict[str, int]) -> Any:
        tx = super()._transaction(rec, row, stats)
        if tx is not None and row.layout is CMB_DEBIT_PDF and tx.counterparty:
            # 对手信息 = name followed by the account digits ("张三 66666666666666")
            match = _TRAILING_ACCOUNT.match(tx.counterparty)
            if match and match.group("name"):
                tx.counterparty, tx.counterparty_account = match.group("name"), match.group("account")
        return tx

    def when_of(self, rec: dict[str, Any], row: RowContext) -> When | None:
        if row.layout is not CMB_CREDIT_PDF:
            return super().when_of(rec, row)
        match = _MONTH_DAY.match(cell_text(rec.get("time")))
        statement = _STATEMENT_MONTH.search(row.preamble_text)
        if not match or not statement:
            return super().when_of(rec, row)
        year, month = int(statement.group(1)), int(match.group(1))
        if month > int(statement.group(2)):  # a December line on a January statement
            year -= 1
        try:
            return When(localize(datetime(year, month, int(match.group(2)))), "day")
        except ValueError:
            return None


ICBC_IMPORTER = BankImporter("icbc", (ICBC,))
CCB_IMPORTER = BankImporter("ccb", (CCB,))
CMB_IMPORTER = CmbImporter("cmb", (CMB_NATIVE, CMB_CREDIT_PDF, CMB_DEBIT_PDF), card_label="招商银行信用卡")
CITIC_IMPORTER = BankImporter("citic", (CITIC,), card_label="中信银行信用卡")
SPDB_IMPORTER = BankImporter("spdb", (SPDB,))

BANK_IMPORTERS = [ICBC_IMPORTER, CCB_IMPORTER, CMB_IMPORTER, CITIC_IMPORTER, SPDB_IMPORTER]
