"""Bill importers on real export layouts: who claims what, and exactly what each file yields."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from casekit.importers.base import ExtractContext, read_head
from casekit.importers.bill_generic import generic_importer, load_column_map
from casekit.importers.bills import BILL_IMPORTERS
from casekit.importers.billkit import TZ
from casekit.importers.registry import claimants
from casekit.records import Extraction
from tests.regen_bill_goldens import ROOT, bill_fixtures, dump, extract_fixture, golden_path

FIXTURES = bill_fixtures()
NATIVE = [p for p in FIXTURES if not p.with_name(p.name + ".map.toml").exists()]

# Which importer must claim each fixture (by directory, or by file for the synthetic ones).
OWNER = {"alipay": "alipay", "wechat": "wechat", "icbc": "icbc", "ccb": "ccb", "cmb": "cmb", "citic": "citic", "spdb": "spdb"}


def owner_of(path: Path) -> str:
    folder = path.parent.name
    if folder != "synthetic":
        return OWNER[folder]
    return path.name.split("_")[0]


def test_fixture_set_is_complete():
    """Every shared fixture is here (15 real exports), plus our synthetic bills."""
    real = [p for p in FIXTURES if p.parent.name != "synthetic"]
    assert len(real) == 15
    assert {p.parent.name for p in real} == set(OWNER)


@pytest.mark.parametrize("path", NATIVE, ids=lambda p: p.name)
def test_exactly_one_importer_claims(path: Path):
    head = read_head(path)
    claimed = [i.name for i in BILL_IMPORTERS if i.identify(path, head)]
    assert claimed == [owner_of(path)]


@pytest.mark.parametrize("importer", BILL_IMPORTERS, ids=lambda i: i.name)
def test_each_importer_rejects_every_other_fixture(importer):
    others = [p for p in NATIVE if owner_of(p) != importer.name]
    assert others
    wrongly = [p.name for p in others if importer.identify(p, read_head(p))]
    assert wrongly == []


def test_registry_sees_bill_importers():
    path = ROOT / "alipay" / "alipay_app_2023_gbk.csv"
    assert [i.name for i in claimants(path)] == ["alipay"]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_golden(path: Path, monkeypatch):
    monkeypatch.setenv("CASEKIT_LANG", "zh")
    expected = golden_path(path).read_text(encoding="utf-8")
    assert dump(extract_fixture(path)) == expected


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_golden_round_trips_and_rows_are_physical(path: Path):
    data = json.loads(golden_path(path).read_text(encoding="utf-8"))
    extraction = Extraction.from_json(data)
    assert extraction.kind == "bill"
    assert extraction.transactions, "every fixture has transactions"
    for tx in extraction.transactions:
        assert tx.amount >= 0 and tx.direction in ("out", "in", "none")
        assert tx.source.row and tx.source.row > 1
        assert tx.time is None or tx.time.utcoffset().total_seconds() == 8 * 3600
        assert tx.order_id is None or ("\t" not in tx.order_id and '"' not in tx.order_id)
    if path.suffix == ".csv":  # row numbers point at the physical line holding that amount
        lines = path.read_bytes().splitlines()
        for tx in extraction.transactions:
            line = lines[tx.source.row - 1].decode("gb18030", errors="replace")
            digits = f"{tx.amount:.2f}"
            assert digits in line.replace(",", "") or digits.rstrip("0").rstrip(".") in line


def _extract(path: Path) -> Extraction:
    column_map = path.with_name(path.name + ".map.toml")
    importer = generic_importer(load_column_map(column_map)) if column_map.exists() else [
        i for i in BILL_IMPORTERS if i.identify(path, read_head(path))][0]
    return importer.extract(path, ExtractContext(evidence_id="E7"))


def _rows(extraction: Extraction, *fields: str) -> list[tuple]:
    return [tuple(getattr(t, f) for f in fields) for t in extraction.transactions]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


# ---------------------------------------------------------------- held-out style, every field asserted

SYN = ROOT / "synthetic"
ALL_FIELDS = ("time", "amount", "direction", "direction_raw", "counterparty", "counterparty_account", "method",
              "status", "order_id", "merchant_order_id", "memo", "is_refund", "refund_of")


def test_alipay_2026_layout_every_field(monkeypatch):
    monkeypatch.setenv("CASEKIT_LANG", "zh")
    got = _extract(SYN / "alipay_app_2026_synthetic.csv")
    assert _rows(got, *ALL_FIELDS) == [
        (at("2026-03-05 14:10:55"), Decimal("1280.00"), "out", "支出", "小美好物旗舰店", "xm***@shop.example",
         "招商银行储蓄卡(8705)&支付宝随机立减", "交易成功", "2026030522001100001", "T2603051410558831",
         "羊绒大衣 <b>限时</b> 特价", False, None),
        (at("2026-03-09 09:01:02"), Decimal("1280.00"), "in", "不计收支", "小美好物旗舰店", "xm***@shop.example",
         "招商银行储蓄卡(8705)", "退款成功", "2026030522001100001*REFUND_88", "T2603051410558831",
         "退款-羊绒大衣", True, "2026030522001100001"),
        (at("2026-03-06 08:00:00"), Decimal("19.00"), "out", "支出", "早餐店", None, "账户余额", "交易成功",
         "2026030622001100002", None, "包子两个", False, None),
        (at("2026-03-07 20:16:00"), Decimal("200.00"), "in", "收入", "张*", "138****5678", "账户余额", "交易成功",
         "2026030722001100003", None, "转账", False, None),
        (at("2026-03-08 02:00:00"), Decimal("0.00"), "none", "不计收支", "基金公司", None, "余额宝", "交易成功",
         "2026030822001100004", None, "余额宝-收益发放", False, None),
    ]
    assert [t.source.row for t in got.transactions] == [17, 18, 19, 20, 21]
    assert {t.source.evidence_id for t in got.transactions} == {"E7"}
    assert got.warnings == []


def test_alipay_excel_resaved_reads_and_says_what_was_lost(monkeypatch):
    monkeypatch.setenv("CASEKIT_LANG", "zh")
    got = _extract(SYN / "alipay_excel_resaved.csv")
    assert _rows(got, "time", "amount", "direction", "order_id", "merchant_order_id") == [
        (at("2026-03-05 14:10:00"), Decimal("1280.00"), "out", "2026030522001100001", "T2603051410558831"),
        (at("2026-03-06 08:00:00"), Decimal("19.00"), "out", "2026030622001100002", None),
    ]
    text = "\n".join(got.warnings)
    assert "时间缺少秒（文件可能被 Excel 另存过）：2行" in text
    assert "千位分隔符" in text and "UTF-8 (BOM)" in text and "制表符" in text
    assert len(got.warnings) == 4


def test_wechat_refund_neutral_and_quirks_every_field(monkeypatch):
    monkeypatch.setenv("CASEKIT_LANG", "zh")
    got = _extract(SYN / "wechat_csv_synthetic.csv")
    assert _rows(got, *ALL_FIELDS) == [
        (at("2026-03-05 14:10:55"), Decimal("1280.00"), "out", "支出", "小美好物旗舰店", None, "零钱", "支付成功",
         "4200000001202603051", "2603051410558831", "羊绒大衣", False, None),
        (at("2026-03-09 09:01:02"), Decimal("1280.00"), "in", "收入", "小美好物旗舰店", None, "零钱", "已全额退款",
         "5000000001202603091", "2603051410558831", "退款-羊绒大衣", True, "4200000001202603051"),
        (at("2026-03-06 12:00:00"), Decimal("188.00"), "out", "支出", "WALMART HONG KONG CO.,LIMITED", None, "零钱",
         "支付成功", "4200000001202603061", None, None, False, None),
        (at("2026-03-07 16:29:37"), Decimal("100.10"), "none", "/", "招商银行(1234)", None, "招商银行(1234)",
         "提现已到账", "2072103071000771", None, "服务费¥0.10", False, None),
        (at("2026-03-08 10:00:00"), Decimal("0.00"), "none", "/", None, None, "零钱", "支付成功",
         "1800007001202603081", None, None, False, None),
    ]
    assert [t.source.row for t in got.transactions] == [18, 19, 20, 21, 22]
    assert got.warnings == ["第20行：有未加引号的逗号，已合并多出的列 / row 20: an unquoted comma split a cell; merged it back"]


def test_wechat_excel_resaved_gbk_and_scientific_ids(monkeypatch):
    monkeypatch.setenv("CASEKIT_LANG", "zh")
    got = _extract(SYN / "wechat_excel_resaved.csv")
    assert _rows(got, "time", "amount", "direction", "order_id") == [
        (at("2026-03-05 14:10:00"), Decimal("1280.00"), "out", "4.2E+18")]
    text = "\n".join(got.warnings)
    assert "科学计数法" in text and "时间缺少秒" in text and "千位分隔符" in text and "GBK/GB18030" in text


def test_cmb_native_csv_with_leading_tabs():
    got = _extract(SYN / "cmb_native_synthetic.csv")
    assert _rows(got, "time", "amount", "direction", "direction_raw", "method", "memo", "is_refund") == [
        (at("2026-03-05 14:10:55"), Decimal("1280.00"), "out", "支出", "招商银行(6214********1234)",
         "快捷支付；支付宝-小美好物旗舰店", False),
        (at("2026-03-09 09:01:02"), Decimal("1280.00"), "in", "收入", "招商银行(6214********1234)",
         "退款；支付宝-小美好物旗舰店退款", True),
    ]


def test_generic_bank_with_column_map(monkeypatch):
    monkeypatch.setenv("CASEKIT_LANG", "zh")
    got = _extract(SYN / "generic_bank.csv")
    assert _rows(got, "time", "amount", "direction", "direction_raw", "counterparty", "counterparty_account",
                 "order_id", "memo", "is_refund") == [
        (at("2026-03-05 14:10:55"), Decimal("1280.00"), "out", "借", "张某", "6222****1234", "B0001", "购物 <i>大衣</i>", False),
        (at("2026-03-09 09:01:02"), Decimal("1280.00"), "in", "贷", "张某", "6222****1234", "B0002", "退款", True),
    ]
    assert got.warnings == ["第5行：金额无法读取（'abc'），已跳过 / row 5: unreadable amount ('abc'); skipped"]


# ---------------------------------------------------------------- real fixtures, spot checks by hand

def test_alipay_web_refunds_link_to_payments():
    got = _extract(ROOT / "alipay" / "alipay_web_2019_gbk.csv")
    refunds = [(t.order_id, t.refund_of, t.direction, t.direction_raw) for t in got.transactions if t.is_refund]
    assert refunds == [("987654_321", "987654", "in", "已收入"), ("202011_133899", "202011", "in", "已收入")]


def test_wechat_xlsx_2026_numeric_amounts_and_active_sheet(monkeypatch):
    monkeypatch.setenv("CASEKIT_LANG", "zh")
    got = _extract(ROOT / "wechat" / "wechat_xlsx_2026.xlsx")
    first = got.transactions[0]
    assert (first.source.row, first.amount, first.order_id, first.time) == (19, Decimal("28.16"), "3985734", at("2019-09-26 12:45:27"))
    assert "只读取了「Sheet1」" in got.warnings[0]


def test_icbc_thousands_and_direction_from_columns():
    got = _extract(ROOT / "icbc" / "icbc_credit.csv")
    repay = got.transactions[5]
    assert (repay.amount, repay.direction, repay.direction_raw, repay.method) == (
        Decimal("4621.01"), "in", "记账金额(收入)", "工商银行(1234****5678)")


def test_cmb_credit_year_from_title():
    got = _extract(ROOT / "cmb" / "cmb_credit_from_pdf.csv")
    assert [t.time.date().isoformat() for t in got.transactions][:3] == ["2023-12-29", "2023-12-30", "2024-01-01"]
    assert [t.direction for t in got.transactions] == ["in", "in", "in", "out", "in", "out"]
