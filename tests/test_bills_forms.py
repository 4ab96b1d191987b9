"""Bill rows in the forms real exports take (issue 13 §6): the old Alipay web export's blank or
其他 收/支, refunds recorded on the payment row, WeChat refunds pointing at their payment by
交易单号, and exports whose preamble was cut off. The headers and padding are those of the
real exports in tests/fixtures/bills (deb-sig/double-entry-generator, Apache-2.0); the rows are
invented."""

from decimal import Decimal
from pathlib import Path

from casekit.importers.base import ExtractContext
from casekit.importers.registry import extract_file

WEB_HEADER = ("交易号                  ,商家订单号               ,交易创建时间              ,付款时间                ,"
              "最近修改时间              ,交易来源地     ,类型              ,交易对方            ,商品名称                ,"
              "金额（元）   ,收/支     ,交易状态    ,服务费（元）   ,成功退款（元）  ,备注                  ,资金状态     ,")
WEB_PREAMBLE = ["支付宝交易记录明细查询", "账号:[faker@faker.com]", "起始日期:[2026-03-01 00:00:00]    终止日期:[2026-04-01 00:00:00]",
                "---------------------------------交易记录明细列表------------------------------------"]


def _web_row(order, merchant, when, counterparty, goods, amount, direction, status, refunded, fund):
    return (f"{order}\t,{merchant}\t,{when} ,{when} ,{when} ,其他（包括阿里巴巴和外部商家）,即时到账交易          ,{counterparty}      ,"
            f"{goods}       ,{amount}   ,{direction}      ,{status}    ,0.00     ,{refunded}     ,                    ,{fund}      ,")


def _write(tmp_path: Path, name: str, lines: list[str], encoding: str = "gb18030") -> Path:
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def test_web_export_direction_from_fund_status_when_shou_zhi_is_blank_or_other(tmp_path):
    rows = [_web_row("2026030522001", "", "2026-03-05 14:10:22", "张伟", "收钱码收款", "1280.00", "", "交易成功", "0.00", "已支出"),
            _web_row("2026030522002", "", "2026-03-05 15:00:00", "李四", "收钱码收款", "500.00", "其他", "交易成功", "0.00", "已支出"),
            _web_row("2026030522003", "", "2026-03-06 09:00:00", "王五", "转账", "20.00", "其他", "交易成功", "0.00", "已收入"),
            _web_row("2026030522004", "", "2026-03-06 10:00:00", "余额宝", "单次转入", "10.00", "其他", "交易成功", "0.00", "")]
    path = _write(tmp_path, "alipay_record.csv", WEB_PREAMBLE + [WEB_HEADER] + rows + ["-" * 84, "共4笔记录"])
    ex = extract_file(path, ExtractContext(evidence_id="E1"))
    assert [(t.amount, t.direction, t.direction_raw) for t in ex.transactions] == [
        (Decimal("1280.00"), "out", "已支出"), (Decimal("500.00"), "out", "其他"), (Decimal("20.00"), "in", "其他"),
        (Decimal("10.00"), "none", "其他")]


def test_refund_on_the_payment_row_reads_like_a_refund_row(tmp_path):
    """The same refund, once only in the payment's 成功退款 column and once also as its own row."""
    paid = _web_row("2026030522001", "T200P1", "2026-03-05 14:10:22", "某旗舰店", "大衣", "1280.00", "支出", "交易关闭", "1280.00", "已支出")
    alone = _write(tmp_path, "a.csv", WEB_PREAMBLE + [WEB_HEADER, paid])
    with_row = _write(tmp_path, "b.csv", WEB_PREAMBLE + [WEB_HEADER, _web_row(
        "2026030522001_9", "T200P1", "2026-03-07 10:00:00", "某旗舰店", "退款-大衣", "1280.00", "", "退款成功", "0.00", "已收入"), paid])
    for path in (alone, with_row):
        ex = extract_file(path, ExtractContext(evidence_id="E1"))
        refunds = [t for t in ex.transactions if t.is_refund]
        payments = [t for t in ex.transactions if not t.is_refund]
        assert [(t.amount, t.direction, t.refund_of) for t in refunds] == [(Decimal("1280.00"), "in", "2026030522001")], path
        assert [(t.amount, t.direction) for t in payments] == [(Decimal("1280.00"), "out")]


WECHAT_PREAMBLE = ["微信支付账单明细,,,,,,,,,,", "微信昵称：[测试],,,,,,,,,,",
                   "起始时间：[2026-03-01 00:00:00] 终止时间：[2026-04-01 00:00:00],,,,,,,,,,", "导出类型：[全部],,,,,,,,,,",
                   "导出时间：[2026-04-02 10:00:00],,,,,,,,,,", ",,,,,,,,,,",
                   "----------------------微信支付账单明细列表--------------------,,,,,,,,,,"]
WECHAT_HEADER = "交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注"


def test_wechat_refund_linked_when_its_trade_number_is_the_payments_merchant_number(tmp_path):
    rows = ["2026-03-05 14:10:22,商户消费,某小店,羊绒大衣,支出,¥1280.00,零钱,支付成功,4200001234\t,M20260305001\t,/",
            "2026-03-08 10:00:00,商户消费-退款,某小店,羊绒大衣,收入,¥1280.00,零钱,已退款,M20260305001\t,/\t,/"]
    path = _write(tmp_path, "wechat.csv", WECHAT_PREAMBLE + [WECHAT_HEADER] + rows, "utf-8")
    ex = extract_file(path, ExtractContext(evidence_id="E1"))
    refund = next(t for t in ex.transactions if t.is_refund)
    assert refund.refund_of == "4200001234"


def test_exports_whose_preamble_was_cut_off_still_read_with_a_warning(tmp_path):
    wechat = _write(tmp_path, "w.csv", [WECHAT_HEADER, "2026-03-05 14:10:22,转账,张伟,/,支出,¥1280.00,零钱,对方已收钱,"
                                                      "1000050001\t,1000050001\t,/"], "utf-8")
    ex = extract_file(wechat, ExtractContext(evidence_id="E1"))
    assert ex.importer == "wechat" and [t.amount for t in ex.transactions] == [Decimal("1280.00")]
    assert any("可能被截取" in w and "cut" in w for w in ex.warnings)
    web = _write(tmp_path, "a.csv", [WEB_HEADER, _web_row("2026030522001", "", "2026-03-05 14:10:22", "张伟", "收钱码收款",
                                                          "1280.00", "", "交易成功", "0.00", "已支出")])
    ex = extract_file(web, ExtractContext(evidence_id="E1"))
    assert ex.importer == "alipay" and [(t.amount, t.direction) for t in ex.transactions] == [(Decimal("1280.00"), "out")]
    assert any("可能被截取" in w for w in ex.warnings)


def _app_export(tmp_path: Path, rows: list[str], said_total: int) -> Path:
    """The Alipay app's 交易明细 layout: the preamble and header of the real export in
    tests/fixtures/bills/alipay/alipay_app_2023_gbk.csv, its 共N笔 replaced, invented rows."""
    real = (Path(__file__).parent / "fixtures" / "bills" / "alipay" / "alipay_app_2023_gbk.csv").read_bytes().decode("gb18030")
    lines = real.splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.startswith("交易时间"))
    preamble = [f"共{said_total}笔记录" if line.startswith("共") and line.endswith("笔记录") else line for line in lines[:header_at]]
    return _write(tmp_path, "alipay_app.csv", preamble + [lines[header_at]] + rows)


def _app_row(when, kind, counterparty, goods, direction, amount, status, order, merchant):
    return (f"{when} ,{kind}                ,{counterparty}          ,/                   ,{goods}          ,{direction}              ,"
            f"{amount}               ,余额宝                 ,{status}              ,{order}\t,{merchant}\t,     ")


def test_refund_rows_marked_bu_ji_shou_zhi_read_as_money_back(tmp_path):
    """The app marks a refund 不计收支 + 退款成功 (as in the real export's 退款-亲情卡 row)."""
    rows = [_app_row("2026-03-08 09:00:00", "退款", "某旗舰店", "退款-羊毛袜 3双装", "不计收支", "29.90", "退款成功",
                     "2026030822001100000000000002", "T200P2026030100000001"),
            _app_row("2026-03-04 08:00:00", "投资理财", "余额宝", "余额宝-3月3日-收益发放", "不计收支", "0.31", "交易成功",
                     "2026030420001100000000000003", ""),
            _app_row("2026-03-01 10:00:00", "服饰装扮", "某旗舰店", "羊毛袜 3双装", "支出", "29.90", "交易关闭",
                     "2026030122001100000000000001", "T200P2026030100000001")]
    ex = extract_file(_app_export(tmp_path, rows, said_total=5), ExtractContext(evidence_id="E1"))
    refunds = [t for t in ex.transactions if t.status == "退款成功"]
    assert refunds and all(t.is_refund and t.direction == "in" and t.direction_raw == "不计收支" for t in refunds)
    assert [t.refund_of for t in refunds] == ["2026030122001100000000000001"]  # by its 商家订单号
    income = [t for t in ex.transactions if t.memo == "余额宝-3月3日-收益发放"]
    assert [t.direction for t in income] == ["none"]  # 不计收支 without a refund stays neutral
    assert any("共5笔" in w and "读到3笔" in w for w in ex.warnings)  # the export says 5 rows and holds 3: said so
