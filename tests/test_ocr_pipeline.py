"""Crop preparation details that need no OCR engine: colour-emoji blots, the second-reading choice."""

from PIL import Image, ImageDraw

from casekit.ocr.engine import Word
from casekit.ocr.pipeline import _better, colour_blots
from casekit.ocr.segment import distance_image
from casekit.synth import font


def _blots(img, bg, glyph=40):
    dist = distance_image(img, bg)
    return colour_blots(img, bg, dist, 240, glyph)


def _text_with_emoji(ink=(17, 17, 17), bg=(255, 255, 255)):
    img = Image.new("RGB", (520, 80), bg)
    draw = ImageDraw.Draw(img)
    draw.text((10, 15), "今天又赚了 4,650", font=font(40), fill=ink)
    # a smiley: a solid vivid disc with dark eyes (the eyes lie on the text's colour line)
    draw.ellipse((400, 18, 444, 62), fill=(255, 200, 40))
    draw.ellipse((412, 30, 418, 38), fill=(60, 40, 20))
    draw.ellipse((426, 30, 432, 38), fill=(60, 40, 20))
    return img


def test_emoji_next_to_text_is_found_and_text_is_not():
    (box,) = _blots(_text_with_emoji(), (255, 255, 255))
    assert box[0] >= 390 and box[2] <= 450  # the disc, not the digits before it


def test_emoji_on_a_coloured_bubble_with_white_text():
    (box,) = _blots(_text_with_emoji(ink=(255, 255, 255), bg=(0, 153, 255)), (0, 153, 255))
    assert box[0] >= 390


def test_coloured_link_text_is_not_an_emoji():
    img = Image.new("RGB", (620, 80), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    draw.text((10, 15), "请点 https://pay-refund.top/u/7Kx2", font=font(36), fill=(0, 122, 255))
    draw.text((10, 15), "请点", font=font(36), fill=(17, 17, 17))
    assert _blots(img, (255, 255, 255), glyph=36) == []


def test_plain_text_has_no_blots():
    img = Image.new("RGB", (400, 80), (149, 236, 105))  # WeChat green bubble
    ImageDraw.Draw(img).text((10, 15), "好的，怎么付款？", font=font(40), fill=(17, 17, 17))
    assert _blots(img, (149, 236, 105)) == []


def _w(text, conf):
    return Word(text, 0, 0, 10, 10, conf)


def test_second_reading_wins_only_when_more_confident_and_complete():
    first = [_w("12朋24日", 60), _w("14:02", 80)]
    assert _better([_w("12月24日", 91), _w("14:02", 92)], first)
    assert not _better([_w("12月24日", 61), _w("14:02", 80)], first)  # not clearly better
    assert not _better([_w("12", 99)], first)  # lost most of the text
    assert not _better([], first)
