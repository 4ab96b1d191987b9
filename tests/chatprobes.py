"""Chats drawn with Pillow for the tests (our own drawings, no third-party content).

`chat`: a WeChat-phone-like chat with voice messages: their voice bubble (12" beside a sound-wave
icon), a text, my voice bubble (4") with its speech-to-text either in a white chip under it or
inside the bubble below the length, and a text of mine.
`short_replies`: a dark desktop-client chat (WeChat for macOS) where I answer a menu with one digit
in a square green bubble beside my avatar, twice.
`cropped_group`: a phone group chat cut to the bubbles, no avatar and no title bar in the picture:
my green bubble at the very top, their answer in a bubble as wide as the screen but for its margins,
then a one-letter nickname ("Q") over their next bubble; each bubble's tail points at its sender."""

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

SPOKEN = "我已经转账了请尽快发货"


def wave(draw, x, y, r, colour, right):
    for k in (1, 2, 3):
        rr = r * k / 3
        box = (x - rr, y - rr, x + rr, y + rr)
        draw.arc(box, 300 if not right else 120, 60 if not right else 240, fill=colour, width=3)



def chat(inside: bool, width=720, dark=False):
    s = width / 720
    page = (17, 17, 17) if dark else (237, 237, 237)
    ink = (220, 220, 220) if dark else (25, 25, 25)
    white = (44, 44, 44) if dark else (255, 255, 255)
    green = (60, 168, 90) if dark else (149, 236, 105)
    img = Image.new("RGB", (width, int(1280 * s)), page)
    d = ImageDraw.Draw(img)
    f = ImageFont.truetype(FONT, int(30 * s))
    small = ImageFont.truetype(FONT, int(24 * s))
    # title bar
    d.rectangle((0, 0, width, int(88 * s)), fill=page)
    d.text((width / 2, 44 * s), "张经理", font=f, fill=ink, anchor="mm")
    d.line((0, 88 * s, width, 88 * s), fill=(214, 214, 214) if not dark else (40, 40, 40), width=2)
    d.text((width / 2, 130 * s), "昨天 20:16", font=small, fill=(150, 150, 150), anchor="mm")
    y = 170 * s
    A = 80 * s  # avatar
    def avatar(left, top):
        x0 = 24 * s if left else width - 24 * s - A
        d.rounded_rectangle((x0, top, x0 + A, top + A), 8 * s, fill=(90, 120, 200) if left else (200, 130, 80))
    def bubble(left, top, w, h, fill):
        x0 = 24 * s + A + 20 * s if left else width - 24 * s - A - 20 * s - w
        d.rounded_rectangle((x0, top, x0 + w, top + h), 10 * s, fill=fill)
        return x0
    # them: voice 12"
    avatar(True, y); x0 = bubble(True, y, 200 * s, A, white)
    wave(d, x0 + 36 * s, y + A / 2, 16 * s, ink, right=False)
    d.text((x0 + 70 * s, y + A / 2), '12"', font=f, fill=ink, anchor="lm")
    y += A + 40 * s
    # them: text
    avatar(True, y); x0 = bubble(True, y, 430 * s, A, white)
    d.text((x0 + 24 * s, y + A / 2), "亲，付款后三天内发货", font=f, fill=ink, anchor="lm")
    y += A + 40 * s
    # me: voice 4" with speech-to-text
    said = SPOKEN
    if inside:
        h = 150 * s
        avatar(False, y); x0 = bubble(False, y, 400 * s, h, green)
        wave(d, x0 + 400 * s - 36 * s, y + 40 * s, 16 * s, ink, right=True)
        d.text((x0 + 400 * s - 70 * s, y + 40 * s), '4"', font=f, fill=ink, anchor="rm")
        d.text((x0 + 24 * s, y + 105 * s), said, font=f, fill=ink, anchor="lm")
        y += h + 40 * s
    else:
        avatar(False, y); x0 = bubble(False, y, 170 * s, A, green)
        wave(d, x0 + 170 * s - 36 * s, y + A / 2, 16 * s, ink, right=True)
        d.text((x0 + 170 * s - 70 * s, y + A / 2), '4"', font=f, fill=ink, anchor="rm")
        y += A + 14 * s
        x1 = width - 24 * s - A - 20 * s
        d.rounded_rectangle((x1 - 390 * s, y, x1, y + A), 10 * s, fill=white)
        d.text((x1 - 366 * s, y + A / 2), said, font=f, fill=ink, anchor="lm")
        y += A + 40 * s
    # me: text
    avatar(False, y); x0 = bubble(False, y, 330 * s, A, green)
    d.text((x0 + 24 * s, y + A / 2), "订单号发你了", font=f, fill=ink, anchor="lm")
    # input bar
    d.line((0, 1180 * s, width, 1180 * s), fill=(214, 214, 214), width=2)
    d.rectangle((0, 1181 * s, width, 1280 * s), fill=(247, 247, 247) if not dark else (30, 30, 30))
    return img


def short_replies(width=1152):
    page, grey, green, ink = (17, 17, 17), (44, 44, 44), (76, 175, 100), (230, 230, 230)
    img = Image.new("RGB", (width, 1100), page)
    d = ImageDraw.Draw(img)
    f = ImageFont.truetype(FONT, 30)
    d.text((28, 24), "小助手", font=f, fill=ink)
    d.line((0, 100, width, 100), fill=(40, 40, 40), width=2)
    y = 140
    for question, answer in (("请选择服务（发送序号）：", "1"), ("请输入您的年龄：", "2")):
        d.rounded_rectangle((28, y, 92, y + 64), 6, fill=(70, 110, 170))
        d.rounded_rectangle((112, y, 620, y + 200), 8, fill=grey)
        d.text((136, y + 24), question, font=f, fill=ink)
        d.text((136, y + 110), "[1]、人工客服", font=f, fill=ink)
        y += 240
        # the capture ends at my avatar's outer edge, as a window cut at the chat pane does
        d.rounded_rectangle((width - 60, y, width, y + 64), 6, fill=(200, 140, 90))
        d.rounded_rectangle((width - 156, y, width - 84, y + 76), 6, fill=green)
        d.polygon(((width - 84, y + 30), (width - 74, y + 38), (width - 84, y + 46)), fill=green)
        d.text((width - 120, y + 38), answer, font=f, fill=(20, 20, 20), anchor="mm")
        y += 130
    return img


def _tailed(draw, box, fill, side):
    x0, y0, x1, y1 = box
    draw.rounded_rectangle(box, 10, fill=fill)
    if side == "left":
        draw.polygon(((x0, y0 + 34), (x0 - 13, y0 + 46), (x0, y0 + 58)), fill=fill)
    else:
        draw.polygon(((x1, y0 + 34), (x1 + 13, y0 + 46), (x1, y0 + 58)), fill=fill)


def cropped_group(width=784):
    page, white, green, ink = (226, 226, 226), (255, 255, 255), (149, 236, 105), (25, 25, 25)
    img = Image.new("RGB", (width, 1000), page)
    d = ImageDraw.Draw(img)
    f = ImageFont.truetype(FONT, 44)
    small = ImageFont.truetype(FONT, 30)
    _tailed(d, (500, 28, width - 18, 140), green, "right")
    d.text((540, 60), "/ai 测试！", font=f, fill=ink)
    _tailed(d, (23, 222, width - 18, 400), white, "left")
    d.text((72, 250), "你好！请问有什么需要测试的内容", font=f, fill=ink)  # wider margin left than right
    d.text((72, 320), "吗？", font=f, fill=ink)
    d.text((31, 580), "Q", font=small, fill=(130, 130, 130))
    _tailed(d, (23, 623, 420, 760), white, "left")
    d.text((58, 660), "已清空对话", font=f, fill=ink)
    return img
