"""Timeline: merge, de-duplicate payments, running totals, loss per payee, deadlines."""

from datetime import datetime, timedelta
from decimal import Decimal

from casekit.facts import CST, parse_facts
from casekit.records import Extraction, Message, SourceRef, Transaction
from casekit.timeline import build_timeline, merge_payments

FACTS = parse_facts('''
[case]
incident_date = 2026-03-05
[[suspects]]
name = "张三丰"
payment_accounts = ["138****5678"]
[[suspects]]
name = "李四"
payment_accounts = ["6222020200001234"]
[[events]]
time = 2026-03-05T13:00:00+08:00
text = "在直播间看到大衣"
''')


def t(h, m):
    return datetime(2026, 3, 5, h, m, tzinfo=CST)


def extractions():
    bill = Extraction("bill", transactions=[
        Transaction(Decimal("1280.00"), "out", t(14, 12), counterparty="张*", counterparty_account="138****5678",
                    method="支付宝", order_id="2026030522001", source=SourceRef("E0003", row=5)),
        Transaction(Decimal("300.00"), "out", t(16, 0), counterparty="李四",
                    counterparty_account="6222020200001234", source=SourceRef("E0003", row=6)),
        Transaction(Decimal("100.00"), "in", t(18, 0), counterparty="张*", counterparty_account="138****5678",
                    is_refund=True, source=SourceRef("E0003", row=7)),
        Transaction(Decimal("35.00"), "out", t(12, 0), counterparty="美团外卖", source=SourceRef("E0003", row=8)),
    ])
    shot = Extraction("payment_screenshot", transactions=[
        Transaction(Decimal("1280.00"), "out", t(14, 13), counterparty="张三丰", counterparty_account="13812345678",
                    order_id="2026030522001"),
    ])
    chat = Extraction("chat_screenshot", messages=[
        Message("them", "加我微信私下转账更便宜", name="客服", time=t(14, 0)),
        Message("me", "好的"),
        Message("me", "¥1280.00", kind="transfer", time=t(14, 11)),
    ], transactions=[Transaction(Decimal("1280.00"), "out", t(14, 11), counterparty="张三丰")])
    return {"E0001": chat, "E0002": shot, "E0003": bill}


def test_same_payment_seen_three_times_is_one():
    tl = build_timeline(FACTS, extractions(), now=t(23, 0) + timedelta(days=10))
    pays = [p for p in tl.payments if p.kind == "payment"]
    assert len(pays) == 2
    big = pays[0]
    assert big.amount == Decimal("1280.00")
    assert set(big.evidence_ids) == {"E0001", "E0002", "E0003"}
    assert big.time == t(14, 12)  # the bill's time wins
    assert big.account == "13812345678"  # the unmasked account wins


def test_loss_per_payee_and_total():
    tl = build_timeline(FACTS, extractions(), now=t(23, 0) + timedelta(days=10))
    assert tl.loss.paid == Decimal("1580.00")
    assert tl.loss.refunded == Decimal("100.00")
    assert tl.loss.net == Decimal("1480.00")
    per = {g.account: g.net for g in tl.loss.per_payee}
    assert per == {"13812345678": Decimal("1180.00"), "6222020200001234": Decimal("300.00")}
    assert len(tl.unmatched) == 1 and tl.unmatched[0].counterparty == "美团外卖"


def test_events_in_order_with_running_total():
    tl = build_timeline(FACTS, extractions(), now=t(23, 0) + timedelta(days=10))
    kinds = [e.kind for e in tl.events]
    assert kinds[0] == "user"
    times = [e.time for e in tl.events if e.time]
    assert times == sorted(times)
    assert tl.events[-1].paid_total == Decimal("1580.00")
    assert tl.events[-1].refunded_total == Decimal("100.00")
    untimed = [e for e in tl.events if e.text == "我：好的"][0]
    assert untimed.precision == "approx" and untimed.time == t(14, 0)
    assert not any("¥1280.00" == e.text[-8:] and e.kind == "message" for e in tl.events)


def test_merge_by_amount_counterparty_window_only():
    a = Transaction(Decimal("50"), "out", t(10, 0), counterparty="王五")
    b = Transaction(Decimal("50"), "out", t(10, 3), counterparty="王五")
    c = Transaction(Decimal("50"), "out", t(10, 30), counterparty="王五")  # a second, real payment
    d = Transaction(Decimal("50"), "out", t(10, 1), counterparty="赵六")
    assert len(merge_payments([a, b, c, d])) == 3


def test_failed_payment_not_counted():
    x = Transaction(Decimal("50"), "out", t(10, 0), counterparty="张三丰", status="交易关闭")
    assert merge_payments([x]) == []


def test_deadlines_urgent_first_within_48h():
    tl = build_timeline(FACTS, extractions(), now=t(20, 0))
    assert tl.deadlines[0].urgent and "110" in tl.deadlines[0].label
    assert any("12315" in d.label and d.due.year == 2029 for d in tl.deadlines)
    later = build_timeline(FACTS, extractions(), now=t(20, 0) + timedelta(days=3))
    assert not any(d.urgent for d in later.deadlines)


def test_json_form_carries_the_same_loss_and_order():
    import json

    tl = build_timeline(FACTS, extractions(), now=t(23, 0) + timedelta(days=10))
    data = json.loads(json.dumps(tl.to_json(), ensure_ascii=False))
    assert data["loss"]["net"] == "1480.00" and data["loss"]["paid"] == "1580.00"
    assert {g["account"]: g["net"] for g in data["loss"]["per_payee"]} == {"13812345678": "1180.00", "6222020200001234": "300.00"}
    times = [e["time"] for e in data["events"] if e["time"]]
    assert times == sorted(times)
    assert data["events"][-1]["paid_total"] == "1580.00"
    assert data["unmatched_transactions"] == 1


def test_overlapping_screenshots_give_each_message_once():
    """Two screenshots of one chat overlapping by two lines (as DOMAIN §4.4 asks users to take them):
    the overlap is one event evidenced by both; a line said twice in one screenshot stays twice."""
    first = Extraction("chat_screenshot", messages=[
        Message("them", "加我微信私下转账更便宜", name="客服", time=t(14, 0)),
        Message("me", "好的"),
        Message("me", "好的"),
        Message("them", "转到这个卡号", name="客服", time=t(14, 5)),
        Message("me", "马上转"),
    ])
    second = Extraction("chat_screenshot", messages=[
        Message("them", "转到这个卡号", name="客服", time=t(14, 5)),
        Message("me", "马上转"),
        Message("them", "收到了", name="客服", time=t(14, 20)),
    ])
    tl = build_timeline(FACTS, {"E0001": first, "E0002": second}, now=t(23, 0))
    chat = [(e.text, e.evidence_ids, len(e.sources)) for e in tl.events if e.kind == "message"]
    assert chat == [
        ("对方（客服）：加我微信私下转账更便宜", ["E0001"], 1),
        ("我：好的", ["E0001"], 1),
        ("我：好的", ["E0001"], 1),
        ("对方（客服）：转到这个卡号", ["E0001", "E0002"], 2),
        ("我：马上转", ["E0001", "E0002"], 2),
        ("对方（客服）：收到了", ["E0002"], 1),
    ]


def test_a_masked_payee_account_is_printed_in_full_when_the_user_gave_it():
    """The police copy needs the whole account to stop or freeze it; the label of the number a bill
    or payment screen gives is 交易号 (an order page's is the 订单号)."""
    from casekit.facts import parse_facts
    from casekit.records import SourceRef

    facts = parse_facts('[[suspects]]\nname = "陈志伟"\npayment_accounts = ["18612343377"]\n')
    pay = Transaction(Decimal("1280.00"), "out", datetime(2026, 3, 5, 20, 31, tzinfo=CST), counterparty="陈*伟",
                      counterparty_account="186****3377", order_id="2026030520004001",
                      source=SourceRef("E0001", None, (1, 1, 2, 2)))
    tl = build_timeline(facts, {"E0001": Extraction("payment_screenshot", transactions=[pay])},
                        now=datetime(2026, 3, 20, tzinfo=CST))
    (p,) = tl.payments
    assert p.account == "18612343377"
    (ev,) = [e for e in tl.events if e.kind == "payment"]
    assert "交易号 2026030520004001" in ev.text and "订单号" not in ev.text
    other = parse_facts('[[suspects]]\nname = "陈志伟"\npayment_accounts = ["13900003377"]\n')
    tl = build_timeline(other, {"E0001": Extraction("payment_screenshot", transactions=[pay])},
                        now=datetime(2026, 3, 20, tzinfo=CST), linked={"E0001"})
    assert tl.payments[0].account == "186****3377"  # another number: never guessed
