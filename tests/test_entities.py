from decimal import Decimal

from casekit.ocr.entities import extract_entities, find_amounts


def kinds(text):
    return {(e.kind, e.value) for e in extract_entities(text)}


def test_phone_full_and_masked():
    assert ("phone", "13812345678") in kinds("客服电话13812345678，工作时间")
    assert kinds("张伟 138****6621") == {("phone", "138****6621")}


def test_amounts_from_digits_not_sign():
    assert find_amounts("Y500.00 已被接收") == [Decimal("500.00")]
    assert find_amounts("¥1,280.00") == [Decimal("1280.00")]
    assert find_amounts("保证金500元") == [Decimal("500")]
    assert ("amount", "88.80") in kinds("交易金额 88.80")


def test_order_id_and_card():
    assert ("order_id", "2603051410558831") in kinds("订单号2603051410558831已经登记好了")
    assert ("bank_card", "6222021234567890123") in kinds("卡号是6222021234567890123吗")
    assert ("bank_card", "6222 **** **** 1234") in kinds("收款账号 6222 **** **** 1234")
    # a Luhn-valid 16-digit number without a card label is still a card
    assert ("bank_card", "4111111111111111") in kinds("4111111111111111")


def test_ids_and_urls():
    assert ("wechat_id", "xiaomei_8866") in kinds("加我微信号xiaomei_8866领优惠券")
    assert ("kuaishou_id", "ks_shop2026") in kinds("快手号：ks_shop2026")
    found = kinds("请点击链接 http://kf-refund.example.com/a8 退款")
    assert ("url", "http://kf-refund.example.com/a8") in found
    assert not any(k == "phone" for k, _ in found)


def test_empty_and_plain():
    assert extract_entities("") == []
    assert extract_entities("亲亲，质量绝对有保证的哦") == []
