"""Screen kinds into records (issue 13 §3): real Tesseract on rendered detail pages, fields exact,
plus unit tests of the row reader on recorded-style OCR lines (PP-OCR gives label and value as
separate lines, Tesseract as one line with a wide gap)."""

from datetime import datetime
from decimal import Decimal

import pytest

from casekit.importers.base import ExtractContext
from casekit.importers.screenshots import read_screenshot
from casekit.ocr.engine import TesseractEngine, Word
from casekit.ocr.lines import OcrLine
from casekit.ocr.timelabels import SHANGHAI
from casekit.screens import page_of, read_screen
from casekit.screens.values import countdown, reference_no
from casekit.synth import render_payment
from casekit.synth_pages import render_order, render_product, render_profile, render_receipt, render_refund

CAPTURED = datetime(2026, 3, 8, 10, 25, tzinfo=SHANGHAI)


def _engine_names() -> list[str]:
    """Every engine casekit has: Tesseract, and PP-OCR once the engine interface (s19-ocr) is in."""
    from casekit.ocr import engine as engines

    return ["tesseract", "rapidocr"] if hasattr(engines, "make_engine") else ["tesseract"]


@pytest.fixture(params=_engine_names())
def engine(request):
    from casekit.ocr import engine as engines

    return engines.make_engine(request.param) if hasattr(engines, "make_engine") else TesseractEngine()


def _ctx(exact: bool = True) -> ExtractContext:
    return ExtractContext(evidence_id="E0007", reference_time=CAPTURED,
                          reference_source="exif" if exact else "incident_date")


def _line(text: str, left: int, top: int, width: int, height: int = 40) -> OcrLine:
    return OcrLine(text, (left, top, width, height), 0.95)


# ---- the row reader on lines as PP-OCR gives them ------------------------------------------

def test_unknown_bank_labels_read_by_their_words():
    """A bank app never seen: 收款户名 / 入账卡号 / 凭证编号 / 汇款日期 are not in any list."""
    lines = [_line("汇款结果", 420, 120, 240), _line("交易成功", 430, 500, 220), _line("¥3,500.00", 320, 640, 440, 90),
             _line("收款户名", 70, 830, 170), _line("王小二", 880, 830, 130),
             _line("入账卡号", 70, 930, 170), _line("6222 **** **** 1234", 640, 930, 370),
             _line("凭证编号", 70, 1030, 170), _line("BOC20260305889911", 640, 1030, 370),
             _line("汇款日期", 70, 1130, 170), _line("2026/03/05 09:41", 700, 1130, 310)]
    reading = read_screen(lines, (1080, 2340), None, "E0001")
    assert reading is not None and reading.kind == "payment_screenshot"
    (tx,) = reading.transactions
    assert (tx.amount, tx.counterparty, tx.counterparty_account, tx.order_id) == (
        Decimal("3500.00"), "王小二", "6222********1234", "BOC20260305889911")
    assert tx.time == datetime(2026, 3, 5, 9, 41, tzinfo=SHANGHAI)


def test_value_under_its_label_and_one_misread_label():
    lines = [_line("转账成功", 430, 500, 220), _line("¥1,280.00", 320, 640, 440, 90),
             _line("收蒜人", 70, 830, 120), _line("张伟", 930, 830, 80),
             _line("订单号", 70, 930, 120), _line("20260305200040011100660012345678”", 266, 1000, 742)]
    page = page_of(lines, (1080, 2340))
    assert [(r.label, r.value) for r in page.labelled()] == [
        ("收款人", "张伟"), ("订单号", "20260305200040011100660012345678”")]
    (tx,) = read_screen(lines, (1080, 2340), None, "E1").transactions
    assert tx.order_id == "20260305200040011100660012345678"  # the stray quote is not part of it


def test_title_is_not_taken_for_a_misread_label():
    """交易成功 is one character away from 交易号 but stands alone: a title, not a row."""
    page = page_of([_line("交易成功", 430, 500, 220)], (1080, 2340))
    assert page.rows[0].label is None


def test_countdown_and_reference_numbers():
    assert countdown("6天23时 内可申请平台介入").total_seconds() == (6 * 24 + 23) * 3600
    assert countdown("剩余23小时59分") is not None and countdown("评分4.9分") is None
    assert reference_no("订单号 2603O51410558831 复制") == "2603051410558831"


def test_refund_countdown_without_capture_time_warns_instead_of_guessing():
    lines = [_line("退款详情", 420, 120, 240), _line("商家拒绝退款", 390, 230, 300),
             _line("6天23时 内可申请平台介入", 290, 320, 500),
             _line("退款编号", 70, 830, 170), _line("RF2603081020334455", 640, 830, 370)]
    reading = read_screen(lines, (1080, 2340), CAPTURED, "E1", exact_reference=False)
    assert reading.kind == "refund_record"
    assert "filing.after_sales_deadline" not in {p.field for p in reading.proposals}
    assert any("倒计时" in w and "after_sales_deadline" in w for w in reading.warnings)
    exact = read_screen(lines, (1080, 2340), CAPTURED, "E1")
    assert {p.field: p.value for p in exact.proposals}["filing.after_sales_deadline"] == "2026-03-15T09:25+08:00"


def test_words_of_one_tesseract_line_split_at_the_wide_gap():
    words = tuple(Word(t, 0, 0, 0, 0, 90.0, src=box) for t, box in [
        ("收款", (72, 834, 80, 39)), ("方", (166, 834, 27, 38)), ("张伟", (679, 833, 90, 40))])
    page = page_of([OcrLine("收款方张伟", (72, 833, 700, 40), 0.9, words)], (1080, 2340))
    (row,) = page.rows
    assert (row.label, row.value, row.value_box) == ("收款方", "张伟", (679, 833, 90, 40))


# ---- real Tesseract on rendered screens ----------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("dark", [False, True])
def test_bank_app_payment_is_read(dark, engine):
    img, truth = render_payment("bank", dark=dark)
    ex = read_screenshot(img, engine, _ctx())
    assert ex.kind == "payment_screenshot"
    (tx,) = ex.transactions
    f = truth["fields"]
    assert (f"{tx.amount:.2f}", tx.counterparty, tx.counterparty_account, tx.order_id) == (
        f["amount"], f["counterparty"], f["account"], f["order_id"])
    assert tx.time.strftime("%Y-%m-%d %H:%M:%S") == f["time"]


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["alipay_transfer", "wechat_pay", "wechat_transfer"])
def test_payment_payee_and_order_number_exact(kind, engine):
    img, truth = render_payment(kind, dark=True)
    ex = read_screenshot(img, engine, _ctx())
    (tx,) = ex.transactions
    assert (tx.counterparty, tx.counterparty_account, tx.order_id) == (
        truth["fields"]["counterparty"], truth["fields"]["account"], truth["fields"]["order_id"])
    assert not [w for w in ex.warnings if "不一致" in w]


@pytest.mark.slow
@pytest.mark.parametrize("dark", [False, True])
def test_order_page_into_proposals(dark, engine):
    img, truth = render_order(goods="女士双面呢子大衣", dark=dark)
    ex = read_screenshot(img, engine, _ctx())
    assert ex.kind == "order_page"
    got = {p.field: p.value for p in ex.proposals}
    assert got == {**truth["proposals"], "order.goods": "女士双面呢子大衣"}
    assert got["order.amount"] == "1280.00" and got["order.ordered_at"] == "2026-03-05T14:10:05+08:00"
    box = next(p.source.box for p in ex.proposals if p.field == "order.order_id")
    assert box is not None and box[0] > 500  # the value's pixels, right of its label
    assert all(p.source.evidence_id == "E0007" for p in ex.proposals)
    assert [(m.kind, m.text, m.time.isoformat()) for m in ex.messages] == [
        ("notice", "已签收（中通快递，运单号 78812345678901）", "2026-03-08T16:20:11+08:00")]


@pytest.mark.slow
@pytest.mark.parametrize("dark", [False, True])
def test_refund_page_into_proposals(dark, engine):
    img, truth = render_refund(dark=dark)
    ex = read_screenshot(img, engine, _ctx())
    assert ex.kind == "refund_record"
    got = {p.field: p.value for p in ex.proposals}
    assert got == {**truth["proposals"], "filing.after_sales_deadline": "2026-03-15T09:25+08:00"}
    assert [(m.speaker, m.kind, m.text, m.time.isoformat()) for m in ex.messages] == [
        ("system", "notice", "申请退款（仅退款，¥1280.00，原因：商品与描述不符，退款编号 RF2603081020334455）",
         "2026-03-07T09:30:12+08:00"),
        ("system", "notice", "商家拒绝退款（理由：商品已穿着，不支持退款）", "2026-03-08T10:20:00+08:00")]


@pytest.mark.slow
def test_product_profile_and_receipt_pages(engine):
    product = read_screenshot(render_product()[0], engine, _ctx())
    assert product.kind == "product_page"
    assert {p.field: p.value for p in product.proposals} == {"order.shop": "小美羊绒旗舰店"}
    claims = [e.value for e in product.entities if e.kind == "claim"]
    assert "专柜正品假一赔十" in claims and "七天无理由退货包邮" in claims
    assert [e.value for e in product.entities if e.kind == "price"] == ["1280.00"]
    profile = read_screenshot(render_profile()[0], engine, _ctx())
    assert profile.kind == "profile"
    assert {p.field: p.value for p in profile.proposals} == {"suspects.account_id": "xm_cashmere88",
                                                             "suspects.name": "小美羊绒"}
    assert ("kuaishou_id", "xm_cashmere88") in {(e.kind, e.value) for e in profile.entities}
    receipt = read_screenshot(render_receipt()[0], engine, _ctx())
    assert receipt.kind == "filing_receipt"
    assert ("report_no", "JB2026030912345678") in {(e.kind, e.value) for e in receipt.entities}


@pytest.mark.slow
def test_text_page_of_no_known_kind_warns(engine):
    from casekit.synth_pages import render_page

    img = render_page([("title", "设置"), ("text", "通用"), ("text", "隐私与安全"), ("text", "关于本机")])
    ex = read_screenshot(img, engine, _ctx())
    assert ex.kind == "image"
    assert any("不是能识别的" in w for w in ex.warnings)


@pytest.mark.slow
@pytest.mark.parametrize("dark", [False, True])
def test_alipay_bill_detail_page(dark, engine):
    """账单详情: the payee's name above the amount (no 收款方 row); the big bold amount, which a
    whole-page reading drops here, is read again from its band."""
    from casekit.synth_pages import render_bill_detail

    img, truth = render_bill_detail(dark=dark)
    ex = read_screenshot(img, engine, _ctx())
    assert ex.kind == "payment_screenshot"
    (tx,) = ex.transactions
    f = truth["fields"]
    assert (f"{tx.amount:.2f}", tx.counterparty, tx.order_id, tx.time.strftime("%Y-%m-%d %H:%M:%S")) == (
        f["amount"], f["counterparty"], f["order_id"], f["time"])


@pytest.mark.slow
def test_inline_order_page_taobao_style(engine):
    """订单编号：… 复制 on one left-aligned line (淘宝 / 拼多多 / 京东)."""
    img, truth = render_order(shop="小美服饰旗舰店", goods="女士双面呢子大衣", style="inline")
    ex = read_screenshot(img, engine, _ctx())
    assert ex.kind == "order_page"
    assert {p.field: p.value for p in ex.proposals} == {**truth["proposals"], "order.goods": "女士双面呢子大衣"}


@pytest.mark.slow
@pytest.mark.parametrize("platform,kind,account", [("抖音号", "douyin_id", "dy_xiaomei2026"),
                                                   ("微信号", "wechat_id", "xiaomei_8866")])
def test_profile_ids_of_other_platforms(platform, kind, account, engine):
    img, truth = render_profile(name="小美服饰", account_id=account, platform=platform)
    ex = read_screenshot(img, engine, _ctx())
    assert ex.kind == "profile"
    got = {p.field: p.value for p in ex.proposals}
    assert got["suspects.name"] == truth["proposals"]["suspects.name"]
    if got["suspects.account_id"] != account:
        # PP-OCR reads dy_xiaomei2026 as dy_xia0mei2026: never silently
        assert got["suspects.account_id"].replace("0", "o") == account.replace("0", "o")
        assert any(w.startswith(f"suspects.account_id「{got['suspects.account_id']}」") for w in ex.warnings)
        assert next(p for p in ex.proposals if p.field == "suspects.account_id").unsure
    else:
        assert (kind, account) in {(e.kind, e.value) for e in ex.entities}


@pytest.mark.slow
@pytest.mark.parametrize("style", ["rows", "inline"])
def test_a_misread_proposal_is_flagged_never_silent(style, engine):
    """羊绒 is Tesseract's known weak spot (羊红, 症绕): whatever a proposal says that is not what
    the screen shows must carry a warning naming the field, so no guess is accepted unchecked."""
    img, truth = render_order(style=style)
    ex = read_screenshot(img, engine, _ctx())
    got = {p.field: p.value for p in ex.proposals}
    assert set(got) == set(truth["proposals"])
    for field, value in truth["proposals"].items():
        if got[field] != value:
            assert any(w.startswith(f"{field}「{got[field]}」") for w in ex.warnings), (field, got[field], ex.warnings)


def test_low_confidence_words_under_a_proposal_warn():
    from casekit.screens.reading import unsure_proposals

    words = (Word("女士", 0, 0, 0, 0, 88.0, src=(600, 400, 80, 40)), Word("羊红", 0, 0, 0, 0, 10.0, src=(680, 400, 80, 40)))
    page = page_of([OcrLine("女士羊红", (600, 400, 160, 40), 0.5, words)], (1080, 2340))
    from casekit.records import Proposal, SourceRef

    (warning,) = unsure_proposals(page, [Proposal("order.goods", "女士羊红", SourceRef("E1", None, (600, 400, 160, 40)))])
    assert "order.goods「女士羊红」" in warning and "羊红" in warning
    assert unsure_proposals(page, [Proposal("order.goods", "x", SourceRef("E1", None, (0, 0, 10, 10)))]) == []


def test_an_id_with_a_zero_beside_a_letter_is_flagged():
    lines = [_line("小美服饰", 400, 300, 280), _line("抖音号：dy_xia0mei2026", 300, 420, 480), _line("1.2万粉丝 36关注", 330, 520, 420)]
    reading = read_screen(lines, (1080, 2340), None, "E1")
    (p,) = [p for p in reading.proposals if p.field == "suspects.account_id"]
    assert p.value == "dy_xia0mei2026" and p.unsure
    clean = read_screen([_line("小美服饰", 400, 300, 280), _line("抖音号：dy_xiaomei2026", 300, 420, 480),
                         _line("1.2万粉丝 36关注", 330, 520, 420)], (1080, 2340), None, "E1")
    assert not [p for p in clean.proposals if p.unsure]


def test_misreadings_the_format_makes_unambiguous():
    from casekit.screens.values import money, phone_mask

    assert money("Y1.280.00") == Decimal("1280.00")  # a thousands comma read as a dot
    assert money("1.28") == Decimal("1.28") and money("-20.00") == Decimal("20.00")
    assert phone_mask("138***6621") == ("138****6621", True)
    assert phone_mask("6222********1234") == ("6222********1234", False)


def test_payment_title_with_one_misread_character_and_implausible_account_warns():
    lines = [_line("已收均", 440, 500, 200), _line("¥1,280.00", 320, 640, 440, 90),
             _line("收款方", 70, 830, 120), _line("张伟", 930, 830, 80),
             _line("收款账号", 70, 930, 170), _line("了98366241", 800, 930, 210),
             _line("转账单号", 70, 1030, 170), _line("1000050001", 760, 1030, 250)]
    reading = read_screen(lines, (1080, 2340), None, "E1")
    assert reading.kind == "payment_screenshot"
    assert any("了98366241" in w and "不像账号" in w for w in reading.warnings)


@pytest.mark.slow
def test_live_room_is_a_product_page_with_its_claims_and_the_streamers_id(engine):
    from casekit.synth_pages import render_live_room

    img, truth = render_live_room()
    ex = read_screenshot(img, engine, _ctx())
    assert ex.kind == "product_page"
    claims = " ".join(e.value for e in ex.entities if e.kind == "claim")
    assert "假一赔十" in claims and "七天无理由" in claims
    assert [e.value for e in ex.entities if e.kind == "price"] == ["1280.00"]
    assert ("kuaishou_id", "xm_cashmere88") in {(e.kind, e.value) for e in ex.entities}
