"""PDF statements with a text layer (issue 13 §5): real WeasyPrint PDFs read back with
pdfplumber into the same transactions as the CSV exports; headers repeated on every page are
not rows; a scan without text is kept with a clear warning."""

from decimal import Decimal

import pytest

from casekit.importers.base import ExtractContext
from casekit.importers.registry import extract_file

from .pdf_statements import alipay_proof, wechat_proof


@pytest.mark.slow
def test_alipay_proof_pdf_over_several_pages(tmp_path):
    rows = [["支出", "张伟", "货款", "余额宝", "1280.00", "2026030522001422051456296641", "", "2026-03-05 14:10:22"]]
    rows += [["支出", f"商户{i}", "日用品", "花呗", f"{10 + i}.50", f"20260306220014220514{i:08d}", f"M{i:06d}",
              f"2026-03-06 09:{i % 60:02d}:00"] for i in range(60)]
    path = alipay_proof(tmp_path / "支付宝交易流水证明.pdf", rows)
    ex = extract_file(path, ExtractContext(evidence_id="E1"))
    assert ex.kind == "bill" and ex.importer == "alipay"
    assert len(ex.transactions) == 61  # the repeated page headers are not rows
    first = ex.transactions[0]
    assert (first.amount, first.direction, first.counterparty, first.order_id) == (
        Decimal("1280.00"), "out", "张伟", "2026030522001422051456296641")
    assert first.time.isoformat() == "2026-03-05T14:10:22+08:00"
    assert ex.transactions[-1].order_id == "2026030622001422051400000059"


@pytest.mark.slow
def test_wechat_proof_pdf_with_refund(tmp_path):
    rows = [["4200001234", "2026-03-05 14:10:22", "商户消费", "支出", "零钱", "1280.00", "某小店", "M20260305001"],
            ["4200009999", "2026-03-08 10:00:00", "商户消费-退款", "收入", "零钱", "1280.00", "某小店", "M20260305001"]]
    ex = extract_file(wechat_proof(tmp_path / "微信支付交易明细证明.pdf", rows), ExtractContext(evidence_id="E1"))
    assert ex.importer == "wechat"
    assert [(t.amount, t.direction, t.is_refund) for t in ex.transactions] == [
        (Decimal("1280.00"), "out", False), (Decimal("1280.00"), "in", True)]
    assert ex.transactions[1].refund_of == "4200001234"


def test_pdf_without_a_statement_table_is_kept_as_plain_evidence(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    ex = extract_file(path, ExtractContext(evidence_id="E1"))
    assert ex.kind == "other" and ex.warnings and "Traceback" not in " ".join(ex.warnings)


@pytest.mark.slow
def test_bank_statement_pdf_cmb_debit(tmp_path):
    """招商银行 个人账户交易流水 PDF, the columns of the real statement (as in the converted fixture)."""
    from .pdf_statements import statement_pdf

    header = ["记账日期", "货币", "交易金额", "联机余额", "交易摘要", "对手信息", "客户摘要"]
    rows = [["2026-03-05", "CNY", "-1,280.00", "3,271.66", "转账汇款", "张伟 6222021234567890123", "货款"],
            ["2026-03-08", "CNY", "1,280.00", "4,551.66", "退款", "张伟 6222021234567890123", "退款"]]
    path = statement_pdf(tmp_path / "招商银行交易流水.pdf", "招商银行交易流水", "户名：张某  账号：6214********1234",
                         header, rows)
    ex = extract_file(path, ExtractContext(evidence_id="E1"))
    assert ex.importer == "cmb"
    assert [(t.amount, t.direction) for t in ex.transactions] == [(Decimal("1280.00"), "out"), (Decimal("1280.00"), "in")]
    assert ex.transactions[0].time.date().isoformat() == "2026-03-05"
