"""Redaction rules (casekit/redact.py): what the platform and consumer copies may read, in text and
in pixels. Fast unit tests; tests/test_redact_e2e.py builds real packets and OCRs them."""

from __future__ import annotations

from PIL import Image

from casekit.records import Entity, Extraction, Message, SourceRef
from casekit.redact import Redactor, luhn_ok, mask_address, plan_image, redacted_print
from casekit.viewmodels import unnest

ID, CARD, PHONE = "110101199001011234", "6217001234567890122", "13900001111"
ORDER = "2603051410558831"


def platform() -> Redactor:
    return Redactor("platform", victim_id=ID, victim_phone=PHONE, victim_address="北京市东城区某某街道1号",
                    known_cards=["6222020200001234567", "138****5678"], keep=[ORDER, "4000123412341234"])


def test_platform_masks_ids_cards_victims_phone_and_address_not_orders():
    red = platform()
    text = red.text(f"身份证 {ID} 卡号 6222020200001234567 订单 {ORDER} 电话{PHONE} 住北京市东城区某某街道1号")
    for secret in (ID, "6222020200001234567", PHONE, "某某街道1号"):
        assert secret not in text, secret
    assert ORDER in text  # order numbers stay readable: the recipient needs them
    assert "1101**********1234" in text and "139****1111" in text and "北京市东城区****" in text
    assert red.account("6222020200001234567") == "6222***********4567"
    assert red.text("订单 4000123412341234") == "订单 4000123412341234"  # a kept number looking like a card


def test_police_copy_is_complete_and_consumer_is_masked():
    police = Redactor("police", victim_id=ID, victim_phone=PHONE)
    assert police.text(f"身份证 {ID} 电话 {PHONE}") == f"身份证 {ID} 电话 {PHONE}"
    assert police.account(CARD) == CARD and police.id_number(ID) == ID
    consumer = Redactor("consumer", victim_id=ID)
    assert ID not in consumer.text(f"身份证 {ID}")


def test_unknown_cards_by_luhn_or_label_and_ocr_misreads():
    red = Redactor("platform", victim_id=ID)
    assert luhn_ok(CARD) and not luhn_ok("6217001234567890124")
    assert CARD not in red.text(f"转到 {CARD}")                       # Luhn
    assert "6217001234567890124" not in red.text("卡号：6217001234567890124")  # labelled
    assert "6217 0012 3456 7890 122" not in red.text("6217 0012 3456 7890 122")  # grouped
    assert "I234" not in red.text("身份证 11010119900101I234")       # OCR read 1 as I
    assert red.text("身份证 110101199001011239").count("*") == 10     # one digit misread: still hers


def test_phones_other_than_the_victims_stay_unless_she_wrote_them():
    red = platform()
    assert red.text("客服电话 13812345678") == "客服电话 13812345678"  # the suspect's phone is evidence
    assert "13712345678" not in red.text("我的另一个号 13712345678", mine=True)
    assert "幸福路8号" not in red.text("寄到上海市浦东新区幸福路8号", mine=True)
    assert mask_address("上海市浦东新区幸福路8号") == "上海市浦东新区****"


def test_plan_paints_entity_boxes_then_bubbles_and_withholds_what_it_cannot_place():
    red = platform()
    bubble = (200, 500, 600, 180)
    ex = Extraction("chat_screenshot", messages=[
        Message("me", f"身份证号{ID}", source=SourceRef("E1", None, bubble)),
        Message("me", f"卡号{CARD}", source=SourceRef("E1", None, (200, 800, 600, 180))),
        Message("them", "好的", source=SourceRef("E1", None, (100, 1100, 300, 100)))],
        entities=[Entity("id_number", ID, SourceRef("E1", None, (260, 540, 500, 60)))],
        text=f"身份证号{ID}\n卡号{CARD}\n好的")
    plan = plan_image(ex, red)
    assert (260, 540, 500, 60) in plan.boxes          # the words' box
    assert bubble not in plan.boxes                    # … so not the whole bubble
    assert (200, 800, 600, 180) in plan.boxes          # no entity box for the card: its whole bubble
    assert not plan.withheld and plan.describe() == "身份证号、银行卡号"
    # the same card on a page without bubbles or boxes: the copy leaves the picture out
    page = Extraction("image", entities=[Entity("bank_card", CARD)], text=f"卡号 {CARD}")
    assert plan_image(page, red).withheld
    assert not plan_image(ex, Redactor("police", victim_id=ID)).boxes


def test_redacted_copy_paints_scaled_boxes_and_keeps_the_print_copy(tmp_path):
    src = tmp_path / "print.png"
    Image.new("RGB", (540, 1170), (255, 255, 255)).save(src)
    before = src.read_bytes()
    out = redacted_print(src, (1080, 2340), [(200, 1000, 400, 100)], tmp_path / "cache")
    with Image.open(out) as img:
        img = img.convert("RGB")
        assert img.getpixel((200, 525)) == (40, 40, 40)     # inside: painted (scaled by 1/2)
        assert img.getpixel((50, 50)) == (255, 255, 255)    # elsewhere: untouched
    assert src.read_bytes() == before
    assert redacted_print(src, (1080, 2340), [(200, 1000, 400, 100)], tmp_path / "cache") == out  # cached
    assert redacted_print(src, (1080, 2340), [(0, 0, 10, 10)], tmp_path / "cache") != out


def test_unnest_brackets():
    assert unnest("对方（小美好物旗舰店(客服)）：在吗") == "对方（小美好物旗舰店〔客服〕）：在吗"
    assert unnest("付款（银行卡）（见证据1）") == "付款（银行卡）（见证据1）"


def test_view_model_withholds_an_image_it_cannot_paint_and_says_so(tmp_path):
    """A screenshot whose reading shows the victim's ID but with no box anywhere (a record from
    before boxes were kept): the platform copy leaves the picture out, names why, and keeps the
    original out of the packet's attachments; the police copy shows it."""
    from casekit.casemodel import load_case_model
    from casekit.viewmodels import build_view
    from casekit.steps import evaluate

    from .test_packets import CASE_TOML, NOW, make_case

    case = make_case(tmp_path / "case", CASE_TOML)
    item = next(i for i in case.items() if i.original_name == "chat.png")
    case.save_extraction(item.id, item.sha256, "test", Extraction("chat_screenshot", messages=[
        Message("them", "请发身份证号核实", name="小美好物旗舰店", source=SourceRef(item.id)),
        Message("me", f"身份证号 {ID}", source=SourceRef(item.id))], text=f"身份证号 {ID}"))
    model = load_case_model(case, now=NOW)
    status = evaluate(model)
    views = {r: build_view(model, status, r, True, case.out_dir) for r in ("platform", "police")}
    ex = {r: next(x for x in v["exhibits"] if x["id"] == item.id) for r, v in views.items()}
    assert ex["platform"]["image"] is None and ex["platform"]["image_withheld"]
    assert not ex["platform"]["attach_original"] and ex["platform"]["redaction"].startswith("本副本不附此图")
    assert "本副本不附此图" in ex["platform"]["transcript"]["note"]
    assert ID not in " ".join(ex["platform"]["transcript"]["lines"])
    assert ex["police"]["image"] and ex["police"]["attach_original"] and not ex["police"]["redaction"]
    assert ID in " ".join(ex["police"]["transcript"]["lines"])


def test_order_numbers_that_look_like_cards_stay_readable():
    red = Redactor("platform", victim_id=ID)
    assert red.text("订单号：4000123412341234") == "订单号：4000123412341234"  # labelled as an order
    assert red.text("我的订单号 6217001234567890122", mine=True).endswith("6217001234567890122")
    assert red.text("流水 4111111111111112") == "流水 4111111111111112"  # a card prefix without the check digit
    assert "4111111111111111" not in red.text("转账到 4111111111111111")  # prefix and check digit: a card


def test_a_value_painted_in_one_bubble_does_not_excuse_another_bubble():
    """The same card in two bubbles, OCR placed only the first: the second bubble is painted whole."""
    red = platform()
    first, second = (200, 500, 600, 180), (200, 800, 600, 180)
    ex = Extraction("chat_screenshot", messages=[
        Message("me", f"卡号{CARD}", source=SourceRef("E1", None, first)),
        Message("them", f"你的卡是{CARD}吗", source=SourceRef("E1", None, second))],
        entities=[Entity("bank_card", CARD, SourceRef("E1", None, (260, 540, 500, 60)))])
    plan = plan_image(ex, red)
    assert (260, 540, 500, 60) in plan.boxes and second in plan.boxes and first not in plan.boxes


def test_redaction_of_a_rotated_jpeg_original(tmp_path):
    """Boxes are in the picture as shown (EXIF turn applied, as OCR saw it); the JPEG print copy is
    painted where they fall."""
    from casekit.redact import displayed_size
    from casekit.printcopies import print_image

    src = tmp_path / "photo.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # stored landscape, shown portrait
    Image.new("RGB", (2000, 1000), (250, 250, 250)).save(src, "JPEG", exif=exif.tobytes())
    assert displayed_size(src) == (1000, 2000)
    copy = print_image(src, tmp_path / "cache")
    out = redacted_print(copy, (1000, 2000), [(100, 1500, 500, 100)], tmp_path / "cache")
    with Image.open(out) as img:
        sx = img.width / 1000
        r, g, b = img.convert("RGB").getpixel((int(300 * sx), int(1550 * sx)))
        assert max(r, g, b) < 80  # painted (JPEG: nearly the fill colour)
        r, g, b = img.convert("RGB").getpixel((int(300 * sx), int(500 * sx)))
        assert min(r, g, b) > 200
