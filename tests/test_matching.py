"""A transaction belongs to the case when it matches a suspect; masked forms match full forms."""

from decimal import Decimal

import pytest

from casekit.facts import parse_facts
from casekit.matching import belongs, match_transaction, values_match
from casekit.records import Transaction


@pytest.mark.parametrize("a,b,expected", [
    ("138****5678", "13812345678", True),
    ("13812345678", "138****5678", True),
    ("138****5678", "13812345679", False),
    ("138***5678", "13812345678", False),  # digit masks keep their length
    ("张**", "张三丰", True),
    ("张*", "张三丰", True),  # names are masked without keeping length
    ("张*", "李三丰", False),
    ("*美", "小美", True),
    ("138 1234 5678", "13812345678", True),
    ("****", "13812345678", False),  # an all-mask value says nothing
    ("", "x", False),
    ("6222 **** **** 1234", "6222020200001234", True),
])
def test_values_match(a, b, expected):
    assert values_match(a, b) is expected


FACTS = parse_facts('''
[[suspects]]
name = "张三丰"
shop = "小美好物旗舰店"
phones = ["13812345678"]
payment_accounts = ["zhang***@163.com"]
[order]
order_id = "2603051410558831"
''')


def txn(**kw):
    return Transaction(amount=Decimal("1"), direction="out", **kw)


def test_matches_by_masked_account():
    found = match_transaction(txn(counterparty_account="zhangsf@163.com"), FACTS)
    assert found and found.field == "payment_accounts"


def test_matches_masked_phone_inside_counterparty():
    found = match_transaction(txn(counterparty="张*(138****5678)"), FACTS)
    assert found is not None


def test_matches_shop_inside_longer_name():
    assert belongs(txn(counterparty="小美好物旗舰店(客服)"), FACTS)


def test_matches_order_id():
    assert match_transaction(txn(order_id="2603051410558831"), FACTS).field == "order_id"


def test_unrelated_does_not_match():
    assert not belongs(txn(counterparty="美团外卖", counterparty_account="mt@meituan.com"), FACTS)
    assert not belongs(txn(counterparty="张"), FACTS)  # too short to be a containment match


def test_masked_name_with_another_account_is_someone_else():
    """王* in a bill is every 王: with an account other than the suspect's, it is not the suspect."""
    facts = parse_facts('[[suspects]]\nname = "王大伟"\npayment_accounts = ["13812345678"]\n')
    assert not belongs(txn(counterparty="王*", counterparty_account="6222****1111"), facts)
    assert belongs(txn(counterparty="王*", counterparty_account="138****5678"), facts)
    assert belongs(txn(counterparty="王*"), facts)  # no account shown: the name is all there is
    assert belongs(txn(counterparty="王大伟", counterparty_account="6222****1111"), facts)  # a full name
