"""Regression on held-out screenshots that our Pillow generator did not draw (slow, real Tesseract).

The images are HTML mock-ups rendered by headless Chromium (bench/mockups/make_mockups.py), in
fonts and layouts the reader was not tuned on; see tests/fixtures/screenshots/SOURCES.md.
"""

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from casekit.importers.base import ExtractContext
from casekit.importers.screenshots import read_screenshot
from casekit.ocr.engine import TesseractEngine
from casekit.ocr.quality import cer, fold

HELD = Path(__file__).parent / "fixtures" / "screenshots" / "heldout"
CTX = ExtractContext(reference_time=datetime(2026, 3, 6, 10, 15), reference_source="user")




def _read(name):
    truth = json.loads((HELD / f"{name}.json").read_text(encoding="utf-8"))
    image = Image.open(HELD / truth["image"]).convert("RGB")
    return truth, read_screenshot(image, TesseractEngine(), CTX)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["qq-group-light-720-sans-q70", "alipay-dark-720-wqy"])
def test_heldout_chat(name):
    truth, ex = _read(name)
    assert ex.kind == "chat_screenshot"
    items = [i for i in truth["items"] if i["kind"] in ("text", "notice", "transfer", "image")]
    # one message per bubble/notice: quote chips and nicknames are not messages
    assert [m.speaker for m in ex.messages] == [i["speaker"] for i in items]
    ref = fold("".join(i["text"] for i in items if i["kind"] in ("text", "notice")))
    hyp = fold("".join(m.text for m in ex.messages if m.kind in ("text", "notice")))
    assert cer(ref, hyp) <= 0.06
    labels = {fold(m.time_text) for m in ex.messages if m.time_text}
    assert {fold(i["text"]) for i in truth["items"] if i["kind"] == "time"} <= labels
    want = [Decimal(i["amount"]) for i in items if i["kind"] == "transfer"]
    assert [t.amount for t in ex.transactions] == want
    if name.startswith("qq-group"):
        names = [m.name for m in ex.messages if m.speaker == "them" and m.kind == "text"]
        assert names[0] == "导师-王老师"


@pytest.mark.slow
def test_heldout_dark_wechat_transfer_detail_1440():
    truth, ex = _read("pay-wechat-transfer-dark-1440")
    assert ex.kind == "payment_screenshot"
    (tx,) = ex.transactions
    assert f"{tx.amount:.2f}" == truth["fields"]["amount"]
    assert tx.order_id == truth["fields"]["order_id"]
    assert tx.time.strftime("%Y-%m-%d %H:%M:%S") == truth["fields"]["time"]


@pytest.mark.slow
def test_heldout_serif_720_time_label_andcer():
    # Noto Serif at 720 px: the first reading gives 12朋24日; the second (grey, larger) reading of
    # low-confidence regions and the structural label repair must give the label back
    truth, ex = _read("kuaishou-light-720-serif")
    assert ex.kind == "chat_screenshot"
    items = [i for i in truth["items"] if i["kind"] in ("text", "notice")]
    assert [m.speaker for m in ex.messages] == [i["speaker"] for i in items]
    assert {m.time_text for m in ex.messages} == {"12月24日14:02"}
    ref = fold("".join(i["text"] for i in items))
    hyp = fold("".join(m.text for m in ex.messages))
    assert cer(ref, hyp) <= 0.06
    assert "https://pay-refund.top/u/" in ex.text  # the scheme's two slashes survive


REAL = Path(__file__).parent / "fixtures" / "screenshots"


def _read_real(name):
    return read_screenshot(Image.open(REAL / name).convert("RGB"), TesseractEngine(), CTX)


@pytest.mark.slow
def test_desktop_wechat_title_is_the_chat_not_a_message():
    ex = _read_real("cow_single-chat-sample.jpg")
    assert ex.kind == "chat_screenshot"
    assert [m.speaker for m in ex.messages] == ["me", "them"]
    assert all("ChatGPT机器人" != m.text for m in ex.messages)
    assert ex.messages[1].name == "ChatGPT机器人"  # the window title names the other side
    assert "冒泡排序" in ex.messages[0].text


@pytest.mark.slow
def test_desktop_qq_is_read_as_a_chat():
    ex = _read_real("iqqbot_demo.png")
    assert ex.kind == "chat_screenshot"
    assert [m.speaker for m in ex.messages] == ["them", "me"]
    assert ex.messages[0].text == "/docs"
    assert ex.messages[0].time_text == "14:38"
    assert "启用" in ex.messages[1].text


@pytest.mark.slow
def test_dimmed_capture_text_under_the_overlay_is_read():
    ex = _read_real("lefex_pic1.png")  # a chat list dimmed behind an action sheet
    assert "两阳一阴" in ex.text and "户型" in ex.text
    assert "截图" in ex.text  # the sheet itself is still read
