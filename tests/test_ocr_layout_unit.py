"""The chat layout model on recorded PP-OCR line boxes of real screenshots (fast: the colour cues
are computed from the image, the engine's lines are replayed from layout_lines.json; regenerate
with tests/fixtures/ocr_recorded/regen_layout_lines.py)."""

import json
from pathlib import Path

import pytest
from PIL import Image

from casekit.ocr.layout import chat_layout, read_list
from casekit.ocr.layout.area import pane_edge
from casekit.ocr.layout.blocks import fill_around, group, merge_rows
from casekit.ocr.layout.media import media_kind
from casekit.ocr.lines import OcrLine
from casekit.ocr.segment import Region, segment

HERE = Path(__file__).parent / "fixtures"
RECORDED = json.loads((HERE / "ocr_recorded" / "layout_lines.json").read_text(encoding="utf-8"))


def shot(name):
    image = Image.open(HERE / "screenshots" / name).convert("RGB")
    lines = [OcrLine(text, tuple(box), conf) for text, box, conf in RECORDED[name]]
    return image, lines


def roles(layout):
    return [(r.role, r.side, r.text) for r in layout.regions]


def test_group_chat_nicknames_title_and_avatar_text():
    image, lines = shot("cow_wechat_group_1.jpg")
    layout = chat_layout(image, segment(image), lines)
    # the title bar's first centred line names the group; the pinned notice bar below it does not
    assert layout.title is not None and layout.title.text.startswith("大模型/知识库/bot交流")
    nicknames = [r.text for r in layout.regions if r.role == "nickname"]
    assert nicknames == ["扫地升", "chatbot", "暴躁老金"]
    texts = [r.text for r in layout.regions]
    assert "NLP" not in texts  # the letters drawn on an avatar are not a message
    assert not any("请先看群公告" in t for t in texts)  # chrome above the conversation area
    bubbles = [(r.side, r.text) for r in layout.regions if r.role == "bubble"]
    assert bubbles[0] == ("left", "QwenQVQ-72B真牛逼做OCR")
    assert ("left", "https://modelscope.cn/studios/Qwen/QVQ-72B-preview") in bubbles  # two lines, one bubble
    assert [s for s, t in bubbles if t.startswith("DeepSeek-V3正式发布性能")] == ["right"]  # the link card I sent
    assert any(r.role == "quote" for r in layout.regions)  # the quote chip is context, not a message


def test_desktop_window_title_is_not_a_message_and_sides_follow_the_pane():
    image, lines = shot("cow_single-chat-sample.jpg")
    layout = chat_layout(image, segment(image), lines)
    assert layout.title is not None and layout.title.text
    assert layout.title.text not in [r.text for r in layout.regions]
    sides = [(r.side, r.text[:6]) for r in layout.regions if r.role == "bubble"]
    assert [s for s, _ in sides] == ["right", "left"]


def test_qq_blue_bubble_is_mine_and_white_bubble_is_theirs():
    image, lines = shot("iqqbot_demo.png")
    layout = chat_layout(image, segment(image), lines)
    bubbles = [(r.side, r.text) for r in layout.regions if r.role == "bubble"]
    assert bubbles[0] == ("left", "/docs")
    assert bubbles[1][0] == "right" and "启用" in bubbles[1][1] and "/stop" in bubbles[1][1]
    assert [r.text for r in layout.regions if r.role == "centre"] == ["14:38"]


def test_list_view_rows_become_named_messages_and_the_action_sheet_is_chrome():
    image, lines = shot("lefex_pic1.png")
    layout = read_list(image, segment(image), lines)
    assert layout is not None
    names = [r.text for r in layout.regions if r.role == "nickname"]
    assert names == ["俺在大西北五金建材", "俺在大西北五金建材", "★斌★"]
    said = [r.text for r in layout.regions if r.role == "line" and r.side == "left"]
    assert said[1] == "我们山东的户型都是这样的。相中老家的户型了"  # two lines, one message
    assert not any(t in ("删除", "取消", "预览") for t in said)
    clocks = [r.text for r in layout.regions if r.role == "row_time"]
    assert clocks == ["下午3:59", "下午3:59", "下午6:56"]


def test_a_bubble_chat_is_not_a_list_view():
    image, lines = shot("cow_wechat_group_1.jpg")
    assert read_list(image, segment(image), lines) is None


def test_merge_rows_joins_boxes_of_one_row_only():
    a = OcrLine("好的", (100, 50, 60, 30), 0.9)
    b = OcrLine("谢谢", (170, 52, 60, 30), 0.8)  # same row, an emoji's width apart
    c = OcrLine("下一行", (100, 95, 90, 30), 0.9)
    far = OcrLine("14:38", (600, 50, 80, 30), 0.9)  # same row, across the screen
    merged = merge_rows([c, far, b, a])
    assert [ln.text for ln in merged] == ["好的谢谢", "14:38", "下一行"]
    assert merged[0].box == (100, 50, 130, 32) and merged[0].conf == 0.8


def _page(fill=(255, 255, 255)):
    """A #F5F5F5 page with one faint white bubble holding two paragraphs and a blank line."""
    image = Image.new("RGB", (800, 600), (245, 245, 245))
    image.paste(fill, (100, 100, 500, 400))
    return image


def test_lines_sharing_a_faint_bubble_fill_are_one_bubble_across_a_blank_line():
    image = _page()
    lines = [OcrLine("第一段", (120, 120, 200, 30), 0.9), OcrLine("第二段", (120, 230, 300, 30), 0.9),
             OcrLine("名字", (120, 450, 100, 30), 0.9)]  # on the page, below the bubble
    assert fill_around(image, lines[0].box) == (255, 255, 255)
    blocks = group(image, lines, [], (245, 245, 245))
    assert [[ln.text for ln in b.lines] for b in blocks] == [["第一段", "第二段"], ["名字"]]
    assert blocks[0].fill == (255, 255, 255) and blocks[1].fill is None


def test_two_bubbles_one_above_the_other_stay_apart():
    image = Image.new("RGB", (800, 600), (245, 245, 245))
    image.paste((255, 255, 255), (100, 100, 500, 160))
    image.paste((255, 255, 255), (100, 190, 500, 250))
    lines = [OcrLine("一", (120, 115, 100, 30), 0.9), OcrLine("二", (120, 205, 100, 30), 0.9)]
    blocks = group(image, lines, [], (245, 245, 245))
    assert len(blocks) == 2  # the page colour between them parts them


def test_pane_edge_finds_a_chat_list_column():
    image = Image.new("RGB", (1200, 800), (245, 245, 245))
    image.paste((230, 230, 230), (0, 0, 300, 800))  # the chat list column of a desktop client
    assert 300 <= pane_edge(image, 60, 800) <= 304
    assert pane_edge(Image.new("RGB", (1200, 800), (245, 245, 245)), 60, 800) == 0


@pytest.mark.parametrize("texts,kind", [(["5\""], "voice"), (["12″"], "voice"), (["好的"], None),
                                        (["》12\""], "voice"), (["4\"@"], "voice"), (["4\" (@"], "voice"),
                                        (["等我12\"好吗"], None), (["3\" 5\""], None), (["ok 5\""], None)])
def test_a_bubble_holding_only_a_length_in_seconds_is_voice(texts, kind):
    image = Image.new("RGB", (800, 600), (245, 245, 245))
    region = Region((100, 100, 300, 160), "bubble", filled=True, colourful=0.05)
    lines = [OcrLine(t, (120, 115, 60, 30), 0.9) for t in texts]
    assert media_kind(image, region, lines, (245, 245, 245), 800) == kind


def test_a_colourful_region_with_junk_text_is_a_photo_and_a_play_length_makes_a_video():
    image = Image.new("RGB", (800, 600), (245, 245, 245))
    image.paste((20, 120, 40), (100, 100, 500, 400))
    photo = Region((100, 100, 500, 400), "bubble", filled=True, colourful=0.7)
    junk = [OcrLine("训2 RS人《4营如区", (110, 110, 380, 280), 0.35)]
    assert media_kind(image, photo, junk, (245, 245, 245), 800) == "image"
    assert media_kind(image, photo, [OcrLine("0:15", (440, 370, 50, 20), 0.95)], (245, 245, 245), 800) == "video"


def test_list_row_clock_with_a_misread_period_word_still_heads_a_row():
    from casekit.ocr.layout.listview import _head

    assert _head(OcrLine("关羽 下年7:00", (0, 0, 10, 10), 0.9)) == ("关羽", "下午7:00")
    assert _head(OcrLine("刘备 下午3:59", (0, 0, 10, 10), 0.9)) == ("刘备", "下午3:59")
    assert _head(OcrLine("小中12:30", (0, 0, 10, 10), 0.9)) == ("小中", "12:30")  # a name's last glyph stays
    assert _head(OcrLine("下午3:59", (0, 0, 10, 10), 0.9)) is None  # a clock alone names no one


def test_a_small_desktop_avatar_is_an_avatar_not_a_glyph():
    # WeChat for Windows at 573 px: a 34 px white avatar square holding a pink icon beside a white
    # bubble, on the #F5F5F5 page; the icon must not come back as a one-glyph message
    from PIL import ImageDraw

    image = Image.new("RGB", (573, 619), (245, 245, 245))
    draw = ImageDraw.Draw(image)
    for top in (92, 182, 282):
        draw.rectangle((30, top, 63, top + 33), fill=(255, 255, 255))
        draw.ellipse((36, top + 6, 57, top + 27), fill=(240, 70, 115))
        draw.rectangle((74, top - 1, 330, top + 35), fill=(255, 255, 255))
        draw.rectangle((85, top + 8, 300, top + 24), fill=(30, 30, 30))  # the bubble's text
    cues = segment(image)
    avatars = [r.box for r in cues.regions if r.role == "avatar"]
    assert len(avatars) == 3 and all(a[0] <= 31 and a[2] >= 62 for a in avatars)
    lines = [OcrLine("所", (36, top + 6, 21, 22), 0.53) for top in (92, 182, 282)]
    lines += [OcrLine("数据正在清理中", (85, top + 6, 215, 20), 0.96) for top in (92, 182, 282)]
    layout = chat_layout(image, cues, lines)
    assert [(r.side, r.text) for r in layout.regions if r.role in ("bubble", "line")] == [("left", "数据正在清理中")] * 3


def _dingtalk_like():
    """A DingTalk-like desktop capture, 1314×452: a 72 px photo avatar at the left edge (over the
    cues' avatar size at this height), a nickname with a 机器人 chip, a white card whose bottom
    row holds two buttons."""
    import random

    from PIL import ImageDraw

    rng = random.Random(7)
    image = Image.new("RGB", (1314, 452), (241, 242, 243))
    draw = ImageDraw.Draw(image)
    for y in range(196, 268, 4):  # a photo: many colours
        for x in range(16, 88, 4):
            draw.rectangle((x, y, x + 3, y + 3), fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    draw.rectangle((232, 200, 332, 230), fill=(255, 255, 255))  # the 机器人 chip
    draw.rectangle((112, 240, 1060, 432), fill=(255, 255, 255))  # the card
    draw.line((112, 356, 1060, 356), fill=(230, 230, 230))
    lines = [OcrLine("0", (28, 212, 35, 28), 0.10), OcrLine("面1", (30, 253, 42, 13), 0.47),  # read on the photo
             OcrLine("-备、本门", (237, 204, 79, 14), 0.47), OcrLine("UPAS", (237, 216, 90, 12), 0.08),
             OcrLine("测试api", (113, 202, 79, 29), 0.93),
             OcrLine("hello from webhook,一定要注意安全方式的鉴权哦", (137, 262, 896, 33), 0.92),
             OcrLine("@Artin", (145, 305, 90, 32), 0.99),
             OcrLine("收到", (309, 377, 92, 37), 1.0), OcrLine("回复", (788, 377, 63, 38), 1.0)]
    return image, lines


def test_a_photo_avatar_over_the_cues_size_is_no_picture_message_and_a_two_line_chip_is_a_tag():
    image, lines = _dingtalk_like()
    layout = chat_layout(image, segment(image), lines)
    said = [(r.role, r.side, r.text) for r in layout.regions if r.role in ("bubble", "line")]
    assert not any(r.media for r in layout.regions)  # the avatar is not a [图片]
    assert [r.text for r in layout.regions if r.role == "nickname"] == ["测试api"]
    assert len(said) == 1 and said[0][1] == "left" and said[0][2].startswith("hello from webhook")


def test_a_cards_button_bar_is_not_part_of_its_text():
    image, lines = _dingtalk_like()
    layout = chat_layout(image, segment(image), lines)
    card = next(r for r in layout.regions if r.role == "bubble")
    assert card.text.endswith("@Artin") and "收到" not in card.text and "回复" not in card.text
    # two short words in a row of a message that are not centred in halves stay text
    from casekit.ocr.layout import _without_buttons

    kept = [OcrLine("第一行", (120, 250, 300, 30), 0.9), OcrLine("好的", (120, 300, 60, 30), 0.9),
            OcrLine("谢谢", (200, 300, 60, 30), 0.9)]
    assert _without_buttons(kept, (112, 240, 1060, 340)) == kept


def test_a_quote_inside_a_qq_bubble_is_context_not_the_reply():
    """QQ NT draws a quote-reply inside my blue bubble (幻象 / /docs beside a faint bar): the reply
    starts at [+] 启用, and the quote is a quote region."""
    image, lines = shot("iqqbot_demo.png")
    layout = chat_layout(image, segment(image), lines)
    mine = [r for r in layout.regions if r.role == "bubble" and r.side == "right"]
    assert len(mine) == 1 and mine[0].text.startswith("[+] 启用") and "幻象" not in mine[0].text
    quotes = [r.text for r in layout.regions if r.role == "quote"]
    assert quotes == ["幻象 /docs"] or quotes == ["幻象/docs"]


def _bubble_with_quote(bar: bool):
    from PIL import ImageDraw

    fill = (0, 153, 255)
    image = Image.new("RGB", (600, 300), (242, 242, 242))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((200, 20, 560, 260), 8, fill=fill)
    if bar:
        draw.rectangle((214, 36, 215, 104), fill=(0, 143, 239))
    for y, x1 in ((40, 300), (72, 330), (130, 520), (170, 500), (210, 480)):
        draw.rectangle((236 if y < 110 else 222, y + 6, x1, y + 18), fill=(255, 255, 255))
    lines = [OcrLine(text, (236 if y < 110 else 222, y, x1 - (236 if y < 110 else 222), 26), 0.99)
             for text, (y, x1) in zip(("幻象", "/docs", "启用 /点赞", "e.g. 开发者", "启用 /echo"),
                                      ((40, 300), (72, 330), (130, 520), (170, 500), (210, 480)))]
    region = Region((200, 20, 560, 260), "bubble", side="right", filled=True, bg=fill)
    return image, region, lines


def test_split_quote_needs_the_bar_beside_the_top_lines_only():
    from casekit.ocr.layout.quotes import split_quote

    image, region, lines = _bubble_with_quote(bar=True)
    assert split_quote(image, region, lines, 600) == 2
    image, region, lines = _bubble_with_quote(bar=False)  # an indented first line is no quote
    assert split_quote(image, region, lines, 600) == 0


@pytest.mark.parametrize("tail,want", [("left", "left"), ("right", "right"), (None, None)])
def test_a_bubbles_tail_tells_its_side(tail, want):
    from PIL import ImageDraw

    from casekit.ocr.layout.regions import tail_side

    page, white = (237, 237, 237), (255, 255, 255)
    image = Image.new("RGB", (784, 300), page)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((40, 50, 740, 230), 10, fill=white)
    if tail == "left":
        draw.polygon(((40, 84), (27, 96), (40, 108)), fill=white)
    elif tail == "right":
        draw.polygon(((740, 84), (753, 96), (740, 108)), fill=white)
    assert tail_side(image, (40, 50, 741, 231), white, page, 784) == want
    assert tail_side(image, (40, 50, 741, 231), page, page, 784) is None  # no fill to tell a tail by


@pytest.mark.parametrize("hint,chrome", [("请输入消息，按Enter键发送或点击发送按钮发送", True), ("说点什么…", True),
                                         ("发消息", True), ("请输入你想要转换的年龄", False)])
def test_an_input_boxs_placeholder_is_chrome(hint, chrome):
    """xy_xianyu-chat-detail: the web chat's empty input box came out as a message of theirs."""
    from casekit.ocr.layout.area import find_area

    image = Image.new("RGB", (1000, 800), (245, 245, 245))
    cues = segment(image)
    line = OcrLine(hint, (60, 640, 500, 24), 0.99)
    high = OcrLine(hint, (60, 100, 500, 24), 0.99)  # the same words up in the chat are a message
    area = find_area(image, cues, [line, high])
    assert any(ln is line for ln in area.chrome) == chrome
    assert not any(ln is high for ln in area.chrome)


def test_a_workbench_list_with_full_date_times_is_read_as_a_chat_record():
    """千牛 (dq_…): rows of name + 2025-4-3 20:19:57 at 4 % of the width, no avatars; PP-OCR glues the
    day to the hour (2025-4-320:19:57) and reads a date-time close after a name as its own box."""
    from casekit.ocr.layout.listview import _date_time

    assert _date_time("倩倩2025-4-320:19:57") == (2, "2025-4-3 20:19:57")
    assert _date_time("2025-4-4 01:13:33") == (0, "2025-4-4 01:13:33")
    assert _date_time("2025-12-3120:05") == (0, "2025-12-31 20:05")
    assert _date_time("订单号 2025") is None
    image = Image.new("RGB", (1250, 550), (245, 246, 250))
    lines = [OcrLine("twins中华区总代理：倩倩2025-4-320:19:57", (44, 78, 270, 21), 0.97),
             OcrLine("在的", (45, 105, 40, 24), 1.0),
             OcrLine("tyw350127093", (44, 298, 94, 24), 1.0), OcrLine("2025-4-4 01:13:33", (149, 302, 116, 17), 0.97),
             OcrLine("你好", (45, 328, 37, 23), 1.0),
             OcrLine("tyw350127093", (44, 366, 94, 24), 0.97), OcrLine("2025-4-4 01:14:54", (149, 370, 116, 17), 0.97),
             OcrLine("在吗", (45, 396, 37, 23), 1.0)]
    layout = read_list(image, segment(image), lines)
    assert layout is not None
    got = [(r.role, r.text) for r in layout.regions if r.role in ("nickname", "row_time", "line")]
    assert got == [("row_time", "2025-4-3 20:19:57"), ("nickname", "twins中华区总代理：倩倩"), ("line", "在的"),
                   ("row_time", "2025-4-4 01:13:33"), ("nickname", "tyw350127093"), ("line", "你好"),
                   ("row_time", "2025-4-4 01:14:54"), ("nickname", "tyw350127093"), ("line", "在吗")]
