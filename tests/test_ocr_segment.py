"""Segmentation and message assembly on recorded Tesseract output (fast, deterministic).

Regenerate the recordings with tests/fixtures/ocr_recorded/regen.py after changing preprocessing."""

import json
import pickle
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from casekit.importers.base import ExtractContext
from casekit.importers.screenshots import SCREENSHOT_IMPORTERS, ScreenshotImporter, capture_time, read_screenshot
from casekit.ocr.engine import ReplayEngine
from casekit.ocr.segment import segment

HERE = Path(__file__).parent / "fixtures" / "ocr_recorded"
REF = datetime(2026, 3, 6, 10, 15)


def load(name):
    return Image.open(HERE / f"{name}.png").convert("RGB"), json.loads((HERE / f"{name}.truth.json").read_text())


@pytest.mark.parametrize("name", ["chat_light", "chat_dark"])
def test_layout_finds_every_item(name):
    img, truth = load(name)
    layout = segment(img)
    bubbles = [r for r in layout.regions if r.role == "bubble"]
    centre = [r for r in layout.regions if r.role == "centre"]
    want_side = [i for i in truth["items"] if i["kind"] in ("text", "transfer")]
    assert len(bubbles) == len(want_side)
    assert len(centre) == len([i for i in truth["items"] if i["kind"] in ("time", "notice")])
    for item, region in zip(want_side, bubbles):
        assert region.side == ("right" if item["speaker"] == "me" else "left")
    assert layout.dark == truth["dark"]
    assert layout.header_bottom > 0 and layout.footer_top < img.height


@pytest.mark.parametrize("name", ["chat_light", "chat_dark"])
def test_messages_from_replay(name):
    img, truth = load(name)
    ex = read_screenshot(img, ReplayEngine(HERE / "recorded.json"), ExtractContext(evidence_id="E7", reference_time=REF))
    assert ex.kind == "chat_screenshot"
    got = [(m.speaker, m.kind) for m in ex.messages]
    want = [(i["speaker"], {"text": "text", "transfer": "transfer", "notice": "notice"}[i["kind"]])
            for i in truth["items"] if i["kind"] != "time"]
    assert got == want
    texts = {m.text for m in ex.messages if m.kind == "text"}
    assert "好的，怎么付款？" in texts and "为什么还没有发货？" in texts
    them = [m for m in ex.messages if m.speaker == "them"]
    assert them and all(m.name == "小美客服" for m in them)
    first = ex.messages[0]
    assert "".join(first.time_text.split()) == "3月5日下午2:10"
    assert first.time == datetime.fromisoformat("2026-03-05T14:10:00+08:00")
    last = [m for m in ex.messages if m.speaker == "me"][-1]
    assert last.time == datetime.fromisoformat("2026-03-05T20:16:00+08:00")  # 昨天 20:16
    assert [t.amount for t in ex.transactions] == [Decimal("1280.00")]
    assert ex.transactions[0].direction == "out"
    assert all(m.source.evidence_id == "E7" and m.source.box for m in ex.messages)
    assert ("wechat_id", "xiaomei_8866") in {(e.kind, e.value) for e in ex.entities}


def test_relative_labels_without_reference_warn():
    img, _ = load("chat_light")
    ex = read_screenshot(img, ReplayEngine(HERE / "recorded.json"), ExtractContext())
    assert all(m.time is None for m in ex.messages)
    assert any("昨天" in w for w in ex.warnings)


def test_importer_is_picklable_and_registered():
    assert any(isinstance(i, ScreenshotImporter) for i in SCREENSHOT_IMPORTERS)
    clone = pickle.loads(pickle.dumps(SCREENSHOT_IMPORTERS[0]))
    assert clone.name == "screenshot"


def test_capture_time_from_file_name():
    got = capture_time(Path("Screenshot_20260306-101500.png"))
    assert got == datetime.fromisoformat("2026-03-06T10:15:00+08:00")
    assert capture_time(Path("IMG_1234.png")) is None


def _desktop_capture(with_rule: bool) -> Image.Image:
    """A WeChat-for-Windows-like capture cut just above a long green bubble: bubble and avatar
    together cover over 60 % of the top rows, which is no title bar."""
    from PIL import ImageDraw

    img = Image.new("RGB", (690, 540), (245, 245, 245))
    draw = ImageDraw.Draw(img)
    if with_rule:
        draw.rectangle((0, 40, 689, 40), fill=(200, 200, 200))  # the title bar's rule, across the pane
    draw.rounded_rectangle((250, 60, 636, 114), 4, fill=(149, 236, 105))
    draw.rectangle((646, 60, 680, 94), fill=(120, 140, 160))
    for y in (74, 96):
        draw.rectangle((262, y, 620, y + 10), fill=(35, 35, 35))
    draw.rounded_rectangle((60, 200, 420, 260), 4, fill=(255, 255, 255))
    draw.rectangle((10, 200, 44, 234), fill=(160, 120, 120))
    return img


def test_a_bubble_beside_its_avatar_at_the_top_is_no_title_bar():
    """Only an unbroken rule across the pane ends a desktop title bar (wx_img_2: the first line of
    my bubble was cut off as chrome because bubble + avatar filled 62 % of its rows)."""
    top_cut = segment(_desktop_capture(with_rule=False).crop((0, 60, 690, 540)))
    assert top_cut.header_bottom == 0
    assert any(r.role == "bubble" and r.side == "right" and r.box[1] <= 2 for r in top_cut.regions)
    with_rule = segment(_desktop_capture(with_rule=True))
    assert 40 <= with_rule.header_bottom <= 42


def test_a_phone_bar_runs_edge_to_edge_and_a_wide_bubble_does_not():
    """xdr_help_ai: a bubble as wide as the screen but for its 3 % margins, near the top of a
    capture cut below the title bar, was taken for the title bar's rule and cut off the chat."""
    from PIL import ImageDraw

    from casekit.ocr.segment import _find_dividers

    mask = Image.new("L", (784, 40), 0)
    draw = ImageDraw.Draw(mask)
    draw.rectangle((23, 0, 766, 9), fill=255)  # a wide bubble's rows
    draw.rectangle((0, 20, 783, 21), fill=255)  # a title bar's rule
    assert _find_dividers(mask, 0, 40, 784) == list(range(0, 10)) + [20, 21]
    assert _find_dividers(mask, 0, 40, 784, edge_to_edge=True) == [20, 21]


def test_opencv_and_the_fallback_find_the_same_components_in_the_same_order():
    """Where OpenCV is missing (the Tesseract-only install) the breadth-first search stands in for it."""
    import random

    from casekit.ocr.segment import _components_bfs, _components_cv

    rng = random.Random(7)
    for _ in range(200):
        gw, gh = rng.randint(1, 30), rng.randint(1, 30)
        share = rng.choice((0.0, 0.3, 0.6, 1.0))
        grid = bytes(1 if rng.random() < share else 0 for _ in range(gw * gh))
        assert _components_cv(grid, gw, gh) == _components_bfs(grid, gw, gh)
    assert _components_cv(bytes([1, 0, 1, 1, 0, 0, 0, 1]), 4, 2) == [(0, 0, 1, 1, 1), (2, 0, 4, 2, 3)]


def _phone_top(with_title: bool) -> Image.Image:
    from PIL import ImageDraw

    img = Image.new("RGB", (720, 1560), (237, 237, 237))
    draw = ImageDraw.Draw(img)
    if with_title:
        draw.rectangle((0, 0, 719, 159), fill=(250, 250, 250))  # the title bar, edge to edge
        draw.rectangle((0, 160, 719, 161), fill=(210, 210, 210))  # its rule
    draw.rectangle((18, 162, 701, 230), fill=(255, 255, 255))  # a pinned notice bar, or a wide bubble
    draw.rectangle((40, 300, 400, 380), fill=(255, 255, 255))
    draw.rectangle((560, 460, 700, 540), fill=(149, 236, 105))
    return img


def test_a_pinned_bar_under_the_title_is_header_and_a_wide_bubble_alone_is_not():
    """cow_wechat_group_2: the pinned notice right under the title bar's rule belongs to the header;
    xdr_help_ai: the same inset shape with no edge-to-edge bar above it is a message."""
    assert 229 <= segment(_phone_top(with_title=True)).header_bottom <= 232
    assert segment(_phone_top(with_title=False)).header_bottom == 0
