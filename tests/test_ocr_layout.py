"""The chat layout model end to end: real engines (Tesseract and PP-OCRv4) on real screenshots
(tests/fixtures/screenshots, sources in SOURCES.md) and on rendered chats (casekit.synth), read
back as messages (issue 13 item 2)."""

from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

from casekit.importers.base import ExtractContext
from casekit.importers.screenshots import read_screenshot
from casekit.ocr.engine import make_engine
from casekit.synth import render_chat

FIX = Path(__file__).parent / "fixtures" / "screenshots"
CTX = ExtractContext(evidence_id="E1", reference_time=datetime(2026, 3, 6, 10, 15), reference_source="user")
ENGINES = ("tesseract", "rapidocr")


def read(image, engine):
    return read_screenshot(image, make_engine(engine), CTX)


def said(ex):
    return [(m.speaker, m.kind, m.text) for m in ex.messages]


@pytest.mark.parametrize("engine", ENGINES)
def test_qq_blue_bubble_is_read_as_mine(engine):
    ex = read(Image.open(FIX / "iqqbot_demo.png").convert("RGB"), engine)
    assert ex.kind == "chat_screenshot"
    theirs = [m for m in ex.messages if m.speaker == "them"]
    mine = [m for m in ex.messages if m.speaker == "me"]
    assert [m.text for m in theirs] == ["/docs"]
    assert len(mine) == 1 and "启用" in mine[0].text and "/help" in mine[0].text.replace(" ", "")
    assert mine[0].time_text == "14:38"


@pytest.mark.parametrize("engine", ENGINES)
def test_desktop_capture_sides_and_window_title(engine):
    """WeChat for macOS: my green bubble at the right, the bot's white one at the left, the window's
    title a contact name and never a message."""
    ex = read(Image.open(FIX / "cow_single-chat-sample.jpg").convert("RGB"), engine)
    assert ex.kind == "chat_screenshot"
    assert [m.speaker for m in ex.messages] == ["me", "them"]
    assert "李白" in ex.messages[0].text and "冒泡排序" in ex.messages[0].text
    assert "以李白为题" in ex.messages[1].text.replace(" ", "")
    assert ex.messages[1].name == "ChatGPT机器人"
    assert not any(m.text == "ChatGPT机器人" for m in ex.messages)


def test_group_chat_senders_from_nicknames_not_the_title():
    ex = read(Image.open(FIX / "cow_wechat_group_1.jpg").convert("RGB"), "rapidocr")
    by_text = {m.text: m for m in ex.messages}
    assert by_text["有没有尝试过表格识别效果呢？"].name == "扫地升"
    assert by_text["正在为您生成总结，请稍候..."].name == "chatbot"
    assert not any(m.name and "交流" in m.name for m in ex.messages)  # the group's title is no sender
    assert not any("请先看群公告" in m.text or m.text == "NLP" for m in ex.messages)


def test_list_view_of_chat_records():
    ex = read(Image.open(FIX / "lefex_pic1.png").convert("RGB"), "rapidocr")
    assert ex.kind == "chat_screenshot"
    assert [(m.speaker, m.name) for m in ex.messages] == [("them", "俺在大西北五金建材"), ("them", "俺在大西北五金建材"),
                                                          ("them", "★斌★")]
    assert ex.messages[0].text == "我想要两阳一阴的客厅在中间的"
    assert ex.messages[0].time == datetime.fromisoformat("2018-03-31T15:59:00+08:00")
    assert not any(t in m.text for m in ex.messages for t in ("删除", "取消", "发送给朋友"))


@pytest.mark.parametrize("engine", ENGINES)
def test_dark_mode_chat_with_a_photo(engine):
    img, _truth = render_chat([
        {"kind": "time", "text": "3月5日 下午2:10"},
        {"speaker": "them", "text": "这是实物图，保证正品"},
        {"speaker": "them", "kind": "image", "seed": 7},
        {"speaker": "me", "text": "好的，我要一件"},
    ], style="wechat", dark=True, width=1080, contact="好物优选店")
    ex = read(img, engine)
    assert ex.kind == "chat_screenshot"
    assert said(ex) == [("them", "text", "这是实物图，保证正品"), ("them", "image", "[图片]"), ("me", "text", "好的，我要一件")]
    assert all(m.name == "好物优选店" for m in ex.messages if m.speaker == "them")


def test_desktop_chat_list_column_is_chrome():
    """A desktop client's chat list left of the conversation pane (drawn here beside a real
    WeChat-for-macOS capture): its contact names and previews are no messages, and the bubbles'
    sides are taken inside the pane, so the pane's left bubble is still theirs."""
    from casekit.synth import font
    from PIL import ImageDraw

    chat = Image.open(FIX / "cow_single-chat-sample.jpg").convert("RGB")
    pane = 560
    image = Image.new("RGB", (chat.width + pane, chat.height), (230, 230, 230))
    image.paste(chat, (pane, 0))
    draw = ImageDraw.Draw(image)
    draw.line([(pane - 1, 0), (pane - 1, chat.height)], fill=(214, 214, 214), width=1)
    for i, (name, preview) in enumerate([("张经理", "好的，明天发货"), ("好物优选店", "[图片]"), ("家人群", "妈妈：晚上回来吃饭吗")]):
        y = 120 + i * 150
        draw.rectangle([30, y, 110, y + 80], fill=(120, 160, 200))
        draw.text((140, y + 2), name, font=font(34), fill=(20, 20, 20))
        draw.text((140, y + 46), preview, font=font(28), fill=(150, 150, 150))
    ex = read(image, "rapidocr")
    assert [m.speaker for m in ex.messages] == ["me", "them"]
    assert not any(w in m.text for m in ex.messages for w in ("张经理", "明天发货", "家人群", "晚上回来"))


@pytest.mark.parametrize("inside", [False, True], ids=["text-under-the-bubble", "text-inside-the-bubble"])
def test_voice_messages_are_items_and_their_speech_to_text_is_the_speakers_message(inside):
    """PP-OCR on a drawn WeChat-like chat: a voice bubble is [语音] however the engine reads its
    sound-wave icon (》12", 4"@), and WeChat's 转文字 under or inside my voice bubble is my message,
    not a quote of an earlier one (it used to vanish as a quote chip)."""
    from tests.chatprobes import SPOKEN, chat

    ex = read_screenshot(chat(inside), make_engine("rapidocr", threads=1),
                         ExtractContext(reference_time=datetime(2026, 3, 6, 10, 15), reference_source="user"))
    got = [(m.speaker, m.kind, m.text) for m in ex.messages]
    assert got == [("them", "image", "[语音]"), ("them", "text", "亲，付款后三天内发货"),
                   ("me", "image", "[语音]"), ("me", "text", SPOKEN), ("me", "text", "订单号发你了")]


def test_one_digit_replies_in_square_bubbles_are_read():
    """PP-OCR's detector finds no line in a one-digit bubble, and the colour cues take a square
    green bubble beside my avatar for a second avatar: the reply "1" or "2" was lost."""
    from tests.chatprobes import short_replies

    ex = read_screenshot(short_replies(), make_engine("rapidocr", threads=1),
                         ExtractContext(reference_time=datetime(2026, 3, 6, 10, 15), reference_source="user"))
    got = [(m.speaker, m.text) for m in ex.messages]
    assert [t for s, t in got if s == "me"] == ["1", "2"]
    assert [s for s, _t in got] == ["them", "me", "them", "me"]


def test_a_bubble_the_detector_found_nothing_in_is_read_by_the_recogniser_alone():
    """lgfc_pic1: PP-OCR's detector found no line in my green "1" bubble. The bubble (level with my
    avatar, evenly filled, some ink, no line in it) is cut to its ink and read without detection."""
    from casekit.ocr.layout.unread import square_bubbles, unread_bubbles
    from casekit.ocr.segment import segment
    from tests.chatprobes import short_replies

    image = short_replies()
    engine = make_engine("rapidocr", threads=1)
    cues = segment(image)
    square_bubbles(cues)
    found = [ln for ln in engine.read_lines(image) if ln.text not in ("1", "2")]  # as if the detector missed them
    boxes = unread_bubbles(image, cues, found)
    assert len(boxes) == 2 and all(996 <= b[0] and b[2] <= 1069 for b in boxes)
    assert [engine.read_box(image, b).text for b in boxes] == ["1", "2"]
    assert unread_bubbles(image, cues, engine.read_lines(image)) == []  # nothing read twice


def test_a_cropped_group_chat_is_read_by_its_bubbles_tails():
    """No avatar and no title bar in the picture (xdr_help_ai): the wide bubble near the top is no
    title bar (its margins show it is not edge to edge), its tail says whose it is, and a one-letter
    nickname the detector misses is read from its cue."""
    from tests.chatprobes import cropped_group

    ex = read_screenshot(cropped_group(), make_engine("rapidocr", threads=1),
                         ExtractContext(reference_time=datetime(2026, 3, 6, 10, 15), reference_source="user"))
    got = [(m.speaker, m.name, m.text) for m in ex.messages]
    assert [(s, t) for s, _n, t in got] == [("me", "/ai测试！"), ("them", "你好！请问有什么需要测试的内容吗？"),
                                            ("them", "已清空对话")]
    assert got[2][1] == "Q"


def test_a_centred_time_label_the_detector_missed_is_read_from_its_cue():
    """wx_image1: PP-OCR found no line in the small grey 昨天 3:59, so every message lost its day."""
    from casekit.ocr.layout.unread import unread_bubbles
    from casekit.ocr.segment import segment
    from tests.chatprobes import chat

    image = chat(False)
    engine = make_engine("rapidocr", threads=1)
    lines = engine.read_lines(image)
    missed = [ln for ln in lines if "20:16" not in ln.text]
    assert len(missed) == len(lines) - 1
    again = [engine.read_box(image, box) for box in unread_bubbles(image, segment(image), missed)]
    assert [ln.text.replace(" ", "") for ln in again if ln is not None] == ["昨天20:16"]
