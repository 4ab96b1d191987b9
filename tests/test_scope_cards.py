"""Issue 15 §2 end to end on real Tesseract and WeasyPrint: a chat whose counterpart is not in
case.toml links through its transfer card, and one payment seen three times — a bill row, a
payment screenshot and a chat transfer card under an earlier time label — is one payment: the
loss is ¥1,280 (not ¥2,560) and its row of the payments table cites all three items together
(read back from the built PDFs with pdftotext)."""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from casekit.adding import add_paths
from casekit.casemodel import load_case_model
from casekit.extract import extract_case
from casekit.facts import CST
from casekit.packets import build_packets
from casekit.records import Extraction, Message, SourceRef, Transaction
from casekit.scoping import scope
from casekit.store import Case
from casekit.synth import render_chat, render_payment
from casekit.timeline import build_timeline, card_windows
from casekit.facts import Facts, load_facts
from .test_packets import pdftext, squash

TOML = '''
[case]
title = "直播间私下转账大衣未发货"
platform = "快手"
incident_date = 2026-03-05
[victim]
name = "赵某某"
[[suspects]]
name = "张三丰"
payment_accounts = ["138****5678"]
[order]
goods = "羊绒大衣"
amount = "1280.00"
[story]
off_platform_payment = true
delivered = false
'''
BILL = """导出信息：
姓名：赵某某
起始时间：[2026-03-01 00:00:00]    终止时间：[2026-03-31 23:59:59]
共2笔记录
------------------------支付宝支付科技有限公司  电子客户回单------------------------
交易时间,交易分类,交易对方,对方账号,商品说明,收/支,金额,收/付款方式,交易状态,交易订单号,商家订单号,备注,
2026-03-05 14:12:30,转账红包,张三丰,138****5678,转账,支出,1280.00,账户余额,交易成功,2026030522001	,,,
2026-03-06 08:00:00,餐饮美食,早餐店,/,包子两个,支出,19.00,账户余额,交易成功,2026030622001100002	,,,
"""
T = datetime(2026, 3, 5, 14, 0, tzinfo=CST)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("cards") / "case"
    case = Case.init(root, TOML)
    src = root.parent / "phone"
    src.mkdir()
    # the seller's chat under a name case.toml does not know; the card sits under the 14:00 label
    chat, _ = render_chat([{"kind": "time", "text": "3月5日 下午2:00"}, {"speaker": "them", "text": "拍下后私下转账可以便宜"},
                           {"speaker": "me", "text": "好的我现在转给你"},
                           {"kind": "transfer", "speaker": "me", "amount": "1280.00", "status": "已被接收"}],
                          contact="美美服饰客服")
    chat.save(src / "chat.png")
    # another scam's chat, weeks earlier, with a card of the same amount: stays out
    other, _ = render_chat([{"kind": "time", "text": "2月1日 下午3:00"}, {"speaker": "them", "text": "做任务返佣金"},
                            {"kind": "transfer", "speaker": "me", "amount": "1280.00", "status": "已被接收"}],
                           contact="刷单导师")
    other.save(src / "other.png")
    pay, _ = render_payment(amount="1280.00", counterparty="张三丰", account="138****5678",
                            order_id="2026030522001", time="2026-03-05 14:12:30")
    pay.save(src / "pay.png")
    (src / "bill.csv").write_bytes(BILL.encode("gbk"))
    for n, path in enumerate(sorted(src.iterdir())):  # files from that week, as on a phone
        os.utime(path, (1772691300 + n * 60, 1772691300 + n * 60))
    add_paths(case, [src])
    extract_case(case, jobs=1)
    result = build_packets(case, "all", draft=True, now=T + timedelta(days=15))
    return case, {o["recipient"]: pdftext(Path(o["pdf"]), layout=False) for o in result.outputs}


def _ids(case: Case) -> dict[str, str]:
    return {i.original_name: i.id for i in case.items()}


@pytest.mark.slow
def test_chat_links_by_its_card_and_the_payment_counts_once(built):
    case, _ = built
    model = load_case_model(case, now=T + timedelta(days=15))
    ids, by_id = _ids(case), {e.id: e for e in model.evidence}
    chat = by_id[ids["chat.png"]]
    assert chat.linked and "转账卡片" in chat.link_reason, chat.link_reason
    assert not by_id[ids["other.png"]].linked
    (payment,) = [p for p in model.timeline.payments if p.kind == "payment"]
    assert set(payment.evidence_ids) == {ids["chat.png"], ids["pay.png"], ids["bill.csv"]}
    assert model.timeline.loss.net == Decimal("1280.00")
    assert payment.time == datetime(2026, 3, 5, 14, 12, 30, tzinfo=CST)  # not the card's 14:00 label


@pytest.mark.slow
@pytest.mark.parametrize("recipient", ["police", "consumer", "platform"])
def test_each_payment_row_cites_every_source_together(built, recipient):
    case, texts = built
    text = squash(texts[recipient])
    assert "¥2,560.00" not in text and "损失金额¥1,280.00证据数量3件" in text  # the cover
    three = {"证据1", "证据2", "证据3"}
    # the timeline's payment row: its event, amount, running loss and evidence cell
    tl = text[text.index("序号时间类别事件"):]
    row = tl[tl.index("付款向张三丰"):tl.index("合计：付款")]
    assert set(re.findall(r"证据[1-9](?![0-9*])", row)) == three, row
    if recipient == "police":  # the payments table of 六、损失情况, and the loss sentence above it
        table = text[text.index("交易单号证据"):text.index("资金流向图")]
        assert set(re.findall(r"证据[1-9](?![0-9*])", table)) == three and table.count("付款") == 1, table
        assert "实际损失¥1,280.00（人民币壹仟贰佰捌拾元整），见证据1、证据2、证据3。" in text
    if recipient == "consumer":
        assert "实际损失¥1,280.00（付款¥1,280.00，已退款¥0.00；见证据1、证据2、证据3）" in text
    # the method is what the bill and the payment screen say, not the card's guess (the card's own
    # words stay in its exhibit's transcript)
    assert "微信转账" not in row and "账户余额" in row, recipient


def test_card_time_is_a_lower_bound_until_the_next_label():
    """Recorded records (the logic around OCR): a card under 14:00 with the next label 14:05 was
    sent by 14:05, so a payment screen at 14:12 is another payment; with no later label it is the
    same one."""
    facts = load_facts_text(TOML)
    card = Transaction(Decimal("1280.00"), "out", T, source=SourceRef("E0001", None, (1, 1, 9, 9)))
    pay = Transaction(Decimal("1280.00"), "out", T + timedelta(minutes=12), counterparty="张三丰",
                      counterparty_account="138****5678", source=SourceRef("E0002", None, (1, 1, 9, 9)))

    def chat(*later: Message) -> Extraction:
        return Extraction("chat_screenshot", messages=[
            Message("me", "转账 ¥1280.00", "transfer", time=T, source=SourceRef("E0001", None, (1, 1, 9, 9))), *later],
            transactions=[card])

    pays = Extraction("payment_screenshot", transactions=[pay])
    open_ended = build_timeline(facts, {"E0001": chat(), "E0002": pays}, now=T, linked={"E0001", "E0002"})
    assert len(open_ended.payments) == 1 and open_ended.loss.net == Decimal("1280.00")
    bounded = chat(Message("them", "收到", time=T + timedelta(minutes=5)))
    assert card_windows({"E0001": bounded})[id(card)] == (T, T + timedelta(minutes=5))
    two = build_timeline(facts, {"E0001": bounded, "E0002": pays}, now=T, linked={"E0001", "E0002"})
    assert len(two.payments) == 2 and two.loss.net == Decimal("2560.00")


def test_a_card_of_the_case_links_an_unknown_chat_only_inside_the_case_window():
    facts = load_facts_text(TOML)
    pay = Extraction("payment_screenshot", transactions=[Transaction(
        Decimal("1280.00"), "out", T + timedelta(minutes=12), counterparty="张三丰", counterparty_account="138****5678")])

    def chat(when: datetime, amount: str = "1280.00") -> Extraction:
        box = (1, 1, 9, 9)
        return Extraction("chat_screenshot", messages=[
            Message("them", "私下转账便宜", name="陌生客服", time=when),
            Message("me", f"转账 ¥{amount}", "transfer", time=when, source=SourceRef(None, None, box))],
            transactions=[Transaction(Decimal(amount), "out", when, source=SourceRef(None, None, box))])

    links = scope(facts, {"E0001": pay, "E0002": chat(T), "E0003": chat(T - timedelta(days=30)),
                          "E0004": chat(T, "1300.00")})
    assert links["E0001"].linked and links["E0002"].linked and "转账卡片" in links["E0002"].reason
    assert not links["E0003"].linked  # weeks before the case
    assert not links["E0004"].linked  # another amount


def load_facts_text(text: str) -> Facts:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "case.toml"
        path.write_text(text, encoding="utf-8")
        return load_facts(path)
