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


def test_id_numbers_and_addresses_are_their_own_kinds():
    from casekit.ocr.entities import extract_entities

    found = {(e.kind, e.value) for e in extract_entities("身份证号110101199001011234，收货地址：北京市东城区某某街道1号")}
    assert ("id_number", "110101199001011234") in found
    assert ("address", "北京市东城区某某街道1号") in found
    assert not any(k == "bank_card" for k, _ in found)  # an ID number is not a card, even when Luhn agrees


def test_located_entities_get_the_box_of_their_words_one_a_line():
    from casekit.ocr.engine import Word
    from casekit.ocr.entities import located_entities

    words = [Word("身份证号", 0, 0, 80, 20, 90, 1, 1, 1, (100, 500, 160, 40)),
             Word("1101011990010", 90, 0, 200, 20, 90, 1, 1, 1, (280, 500, 400, 40)),
             Word("11234", 0, 30, 100, 20, 90, 1, 1, 2, (100, 560, 200, 40))]
    (first, second) = [e for e in located_entities("身份证号110101199001011234", words, (90, 490, 620, 120), "E1")
                       if e.kind == "id_number"]
    assert first.source.box == (280, 500, 400, 40)   # the label's word stays visible
    assert second.source.box == (100, 560, 200, 40)  # the wrapped tail on the next line
    # words that do not spell the value (OCR spacing aside): the bubble's box instead
    (only,) = [e for e in located_entities("卡号6217001234567890122", [], (90, 490, 620, 120), "E1")
               if e.kind == "bank_card"]
    assert only.source.box == (90, 490, 620, 120)
