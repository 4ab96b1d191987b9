"""The real screenshot set (issue 13): what a person checks first, read by the real engines on real images.

The images are real WeChat screenshots from public repositories, committed in
tests/fixtures/screenshots/ (sources in SOURCES.md there); all of them are in the `tune` split of
bench/real_truth.json. The held-out split is never read here. bench/bench_real.py gives the figures.
"""

import json
import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import pytest

from casekit.importers.base import ExtractContext
from casekit.importers.screenshots import read_screenshot
from casekit.ocr.engine import make_engine
from casekit.ocr.images import open_image
from casekit.ocr.quality import fold

FIX = Path(__file__).parent / "fixtures" / "screenshots"
TRUTH = Path(__file__).parent.parent / "bench" / "real_truth.json"
CTX = ExtractContext(reference_time=datetime(2026, 3, 6, 10, 15), reference_source="user")
ENGINES = ["tesseract", "rapidocr"]


@lru_cache(maxsize=None)
def _engine(name: str):
    return make_engine(name)  # PP-OCR loads its models once for the module


def _read(name: str, engine: str):
    loaded = open_image(FIX / name)
    return read_screenshot(loaded.image, _engine(engine), CTX, FIX / name, loaded.info)


def _one(ex, needle: str):
    """The reader's message holding `needle` (whitespace and width folded), exactly one of them."""
    found = [m for m in ex.messages if fold(needle) in fold(m.text)]
    assert len(found) == 1, (needle, [m.text for m in ex.messages])
    return found[0]


def test_truth_entries_and_committed_images_agree():
    truth = {k: v for k, v in json.loads(TRUTH.read_text(encoding="utf-8")).items() if not k.startswith("_")}
    sources = (FIX / "SOURCES.md").read_text(encoding="utf-8")
    committed = {p.name for p in FIX.iterdir() if p.suffix in (".png", ".jpg", ".jpeg")}
    assert {k for k, v in truth.items() if v["where"] == "fixtures"} == committed
    for name, entry in truth.items():
        assert entry["split"] in ("tune", "heldout"), name
        assert re.search(rf"^\| {re.escape(name)} \|", sources, re.M), f"{name} has no row in SOURCES.md"
        assert entry["messages"], name
        for m in entry["messages"]:
            assert m["speaker"] in ("me", "them", "system") and m["kind"] in (
                "text", "image", "voice", "video", "sticker", "file", "card", "notice"), (name, m)
    # only images fetched this round can be held out; those committed had been read by earlier rounds
    assert all(v["where"] == "fetched" for v in truth.values() if v["split"] == "heldout")


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_desktop_group_chat_named_bubble(engine):
    ex = _read("cow_group-chat-sample.jpg", engine)  # WeChat macOS, group "ChatGPT测试群(4)"
    assert ex.kind == "chat_screenshot"
    assert [m.speaker for m in ex.messages] == ["me", "them"]
    assert _one(ex, "产品经理的演讲稿").speaker == "me"
    answer = _one(ex, "谢谢大家")
    assert answer.speaker == "them" and answer.name == "ChatGPT机器人"
    assert fold("产品技术交流会") in fold(answer.text) and fold(answer.text).startswith("@YJ")
    assert not any("测试群" in m.text for m in ex.messages)  # the title is no message


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_phone_long_green_bubble_is_one_message_of_mine(engine):
    ex = _read("cow_wechat_group_2.jpg", engine)  # one bubble running past the bottom edge
    assert ex.kind == "chat_screenshot"
    assert len(ex.messages) == 1
    mine = ex.messages[0]
    assert mine.speaker == "me"
    for key in ("HQ4N", "gewechat_channel", "@benxiaohai86", "遵守相关法律法规"):
        assert fold(key) in fold(mine.text), key
    # the pinned-notice bar and the title are chrome, not the start of the message
    assert fold(mine.text).startswith(fold("群公告"))


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_phone_group_nicknames_and_time_label(engine):
    ex = _read("cow_wechat_group_1.jpg", engine)
    assert ex.kind == "chat_screenshot"
    asked = _one(ex, "表格识别效果")
    assert (asked.speaker, asked.name) == ("them", "扫地升")
    bot = _one(ex, "正在为您生成总结")
    assert (bot.speaker, bot.name) == ("them", "chatbot")
    card = _one(ex, "性能比肩世界顶尖模型")  # the link card I shared, white, on the right
    assert card.speaker == "me"
    assert fold(card.time_text) == fold("2024年12月26日 晚上19:19")
    assert [m.speaker for m in ex.messages].count("me") == 1


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_chat_record_list_is_never_filed_silently(engine):
    ex = _read("lefex_pic2.jpeg", engine)  # a chat-record list: nickname, time and text per row
    assert ex.kind == "chat_screenshot" or ex.warnings  # a text-bearing screen is never a silent image
    text = fold(ex.text or "".join(m.text for m in ex.messages))
    for key in ("海德星河城预售许可证", "富力华庭", "中冶有活动现房均价6700"):
        assert fold(key) in text, key


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_chat_record_list_rows_are_named_messages(engine):
    # Tesseract's whole-page reading drops the grey row times, so the list is read again from the
    # colour segmentation's crops
    ex = _read("lefex_pic2.jpeg", engine)
    assert ex.kind == "chat_screenshot"
    assert all(m.speaker == "them" for m in ex.messages)
    asked = _one(ex, "富力华庭现在毛坯多少钱")
    assert asked.name == "张飞" and fold(asked.time_text) == fold("2018-3-31 下午8:00")
    assert _one(ex, "中冶有活动现房均价6700").name == "小乔"
