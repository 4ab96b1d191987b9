"""The route (casekit/route.py) and the filing text made from it (casekit/filing_text.py),
on facts alone: fast logic tests; tests/test_route_packets.py reads the built PDFs."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import re

from casekit.facts import CST, parse_facts
from casekit.law import unknown_citations
from casekit.route import NATIONAL_FLOOR
from casekit.filing_text import fit_sentences, sentences
from casekit.route import (CHECKOUT, COUNTERFEIT, NOT_AS_DESCRIBED, NOT_DELIVERED, OFF_PLATFORM, RETURN,
                           compensation_for, decide, payment_path, problem_type, region_of, triage_amount)
from casekit.timeline import Loss, Payment, Timeline

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=CST)


def timeline(amount="1280", method="支付宝转账", when=NOW - timedelta(days=10)) -> Timeline:
    p = Payment("payment", Decimal(amount), when, counterparty="张三", account="138****5678", method=method)
    loss = Loss(paid=Decimal(amount), refunded=Decimal("0"))
    return Timeline([], [p], loss, [])


def facts(story="", order='order_id = "A1"\namount = "1280.00"', extra=""):
    return parse_facts(f"[order]\n{order}\n[story]\n{story}\n{extra}")


def test_payment_path_from_the_flag_or_a_private_transfer():
    assert payment_path(facts("off_platform_payment = true"), timeline(method="平台支付")) == OFF_PLATFORM
    assert payment_path(facts(), timeline(method="微信转账")) == OFF_PLATFORM
    assert payment_path(facts(), timeline(method="快手支付")) == CHECKOUT


def test_problem_type_not_delivered_wins_over_words():
    assert problem_type(facts('problem = "七日无理由"\ndelivered = false')) == NOT_DELIVERED
    assert problem_type(facts('problem = "与描述不符"')) == NOT_AS_DESCRIBED
    assert problem_type(facts("counterfeit = true")) == COUNTERFEIT
    assert problem_type(facts('problem = "七日无理由退货"\ndelivered = true')) == RETURN


def test_compensation_three_times_with_floor_and_food_ten_times():
    assert compensation_for(NOT_AS_DESCRIBED, False, Decimal("1280")).amount == Decimal("3840")
    assert compensation_for(COUNTERFEIT, False, Decimal("99")).amount == Decimal("500")
    food = compensation_for(NOT_AS_DESCRIBED, True, Decimal("80"))
    assert (food.basis, food.amount) == ("spaq_148", Decimal("1000"))
    assert compensation_for(NOT_AS_DESCRIBED, True, Decimal("150")).amount == Decimal("1500")
    assert compensation_for(NOT_DELIVERED, False, Decimal("1280")) is None  # 退款, not a 3× claim


def test_non_delivery_bases_and_no_seven_day_return():
    route = decide(facts('problem = "未发货"\ndelivered = false'), timeline(), NOW)
    keys = [b.key for b in route.bases]
    assert keys[:2] == ["dsf_20", "xbf_53"] and "xbf_25" not in keys and "xbf_55" not in keys


def test_seven_day_window_from_the_day_after_signing():
    f = facts('problem = "七日无理由退货"', order='order_id = "A1"\namount = "300"\nreceived_on = 2026-03-08')
    route = decide(f, timeline("300", "快手支付"), NOW)
    assert route.return_window == (date(2026, 3, 9), date(2026, 3, 15))
    assert "xbf_25" in [b.key for b in route.bases]


def test_amount_triage_by_province():
    f = facts(extra='[filing]\npolice_unit = "重庆市公安局渝中区分局某派出所"')
    assert region_of(f) == "重庆"
    assert triage_amount(Decimal("1280"), "", f).below == "yes"
    assert triage_amount(Decimal("4000"), "重庆", f).below == "yes"      # 重庆: 5,000
    assert triage_amount(Decimal("6000"), "重庆", f).below == "no"
    assert triage_amount(Decimal("6000"), "北京", f).below == "maybe"    # no verified figure: fallback asked
    assert triage_amount(Decimal("20000"), "", f).fallback is False


def test_province_floor_table_cites_a_notice_for_every_figure():
    """§5: a figure only with its notice (issuer, 文号 or 施行日期) and the copy it was read in; a
    province without one is 未核实 and prints no figure."""
    from casekit.route import PROVINCE_FLOORS

    assert len([x for x in PROVINCE_FLOORS if x.verified]) >= 5
    for floor in PROVINCE_FLOORS:
        assert floor.source.startswith("http"), floor.region
        if floor.verified:
            assert NATIONAL_FLOOR[0] <= floor.amount <= NATIONAL_FLOOR[1]
            assert "《" in floor.document and re.search(r"\d{4}年\d{1,2}月", floor.document), floor.region
            assert "转载" in floor.describe() and f"{floor.amount:,.0f} 元" in floor.describe()
        else:
            text = floor.describe()
            assert text == f"{floor.region}的具体标准未核实" and not re.search(r"\d", text)


def test_amount_triage_reads_the_province_table():
    def at(unit: str, amount: str):
        f = facts(extra=f'[filing]\npolice_unit = "{unit}"')
        return triage_amount(Decimal(amount), region_of(f), f)

    assert at("云南省昆明市公安局某派出所", "4000").below == "yes" and at("云南省昆明市公安局某派出所", "5000").below == "no"
    assert at("湖北省武汉市公安局某派出所", "4000").below == "maybe"   # 3,000 with aggravating circumstances
    assert at("江苏省南京市公安局某派出所", "6000").below == "no"
    assert at("惠州市公安局某派出所", "4500").below == "no"             # 广东 二类 4,000
    assert at("广州市公安局某派出所", "4500").below == "yes"            # 广东 一类 6,000
    assert at("上海市公安局某派出所", "6000").below == "maybe"          # 未核实: no figure
    t = at("上海市公安局某派出所", "6000")
    assert "上海的具体标准未核实" in t.standard and "3000 元至 1 万元" in t.standard
    assert "据云南省高级人民法院" in at("云南省昆明市公安局某派出所", "4000").standard
    assert unknown_citations(at("湖北省武汉市公安局某派出所", "4000").standard) == []


def test_stop_payment_only_while_it_can_help():
    f = facts("off_platform_payment = true")
    assert decide(f, timeline(when=NOW - timedelta(hours=3)), NOW).stop_payment is True
    assert decide(f, timeline(when=NOW - timedelta(days=3)), NOW).stop_payment is False


def test_whole_sentences_only():
    parts = sentences("我买了大衣。对方要求私下转账；我付了1280元！发现对方")
    assert parts == ["我买了大衣。", "对方要求私下转账；", "我付了1280元！"]  # the unfinished tail is left out
    assert fit_sentences(parts, 12) == "我买了大衣。"  # the next sentence does not fit: left out, not cut
    assert fit_sentences(parts, 20) == "我买了大衣。对方要求私下转账；"
    assert fit_sentences(parts, 1000) == "".join(parts)


def _view(tmp_path, toml: str, recipient: str, now=NOW) -> dict:
    """The filing text of one recipient for facts plus one recorded payment (no PDF)."""
    from casekit.casemodel import load_case_model
    from casekit.records import Extraction, SourceRef, Transaction
    from casekit.redact import Redactor
    from casekit import filing_text

    from .test_steps import FakeCase

    paid = Extraction("payment_screenshot", transactions=[Transaction(
        Decimal("80.00"), "out", now - timedelta(days=5), counterparty="张三丰", counterparty_account="138****5678",
        method="快手支付", source=SourceRef("E0001"))])
    model = load_case_model(FakeCase(tmp_path, toml, {"E0001": paid}), now=now)
    view = {"deadlines": [], "refund_amount": "¥80.00"}
    filing_text.apply(view, model, recipient, Redactor(recipient), False)
    return view


FOOD = '''
[case]
platform = "快手"
[[suspects]]
name = "张三丰"
payment_accounts = ["138****5678"]
[order]
order_id = "A1"
goods = "进口奶粉"
amount = "80.00"
received_on = 2026-03-10
[story]
problem = "假冒商品"
delivered = true
food = true
[[demands]]
kind = "refund"
amount = "80.00"
[[demands]]
kind = "investigate"
'''


def test_food_claims_ten_times_at_least_1000_and_no_police_demands(tmp_path):
    view = _view(tmp_path, FOOD, "consumer")
    labels = [d["label"] for d in view["demands"]]
    assert any("《食品安全法》第一百四十八条第二款" in x and "¥1,000.00" in x and "十倍" in x for x in labels)
    assert not any("立案" in x or "冻结" in x for x in labels)  # 12315 is not asked to investigate
    assert any("第一百四十八条" in b for b in view["legal_basis"])
    assert not any("第五十五条" in b for b in view["legal_basis"])  # food: the special law, not 3×
    assert "签收" not in view["return_window"]  # not a 七日无理由 complaint


def test_platform_after_sales_for_a_checkout_order(tmp_path):
    view = _view(tmp_path, FOOD, "platform")
    assert view["platform_title"] == "售后申请" and view["after_sales_type"] == "退货退款"
    assert view["platform_requests"][0].startswith("请按“退货退款”处理，退还货款 ¥80.00")
    assert len(view["description"]) <= view["description_limit"] and view["description"].endswith("。")


def test_status_explains_where_a_12315_complaint_goes(tmp_path):
    from casekit.casemodel import load_case_model
    from casekit.steps import evaluate

    from .test_steps import RECORDS, FakeCase

    toml = FOOD + '''
[respondent]
operating_address = "浙江省杭州市余杭区某路1号"
[filing]
consumer_unit = "北京市东城区市场监督管理局"
'''
    model = load_case_model(FakeCase(tmp_path, toml, RECORDS), now=NOW)
    check = next(c for c in evaluate(model).steps["consumer"].checks if c.key == "jurisdiction")
    assert not check.ok and not check.required and "都不符" in check.label
    assert "浙江省杭州市余杭区某路1号" in check.fix and "统一社会信用代码" in check.fix
    model.facts.filing.consumer_unit = "杭州市余杭区市场监督管理局"
    check = next(c for c in evaluate(model).steps["consumer"].checks if c.key == "jurisdiction")
    assert check.ok
    route = evaluate(model).to_json()["route"]
    assert route["payment_path"] == "checkout" and route["compensation"] == "1000.00" and route["food"] is True
