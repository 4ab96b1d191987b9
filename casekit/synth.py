"""Synthetic phone screenshots with exact ground truth (chat screens and payment-result screens).

Used by the demo case, by tests and by `bench/bench_ocr.py`. Everything is drawn with Pillow and
the Noto Sans CJK font, so the output is deterministic for a given input.

    img, truth = render_chat([
        {"kind": "time", "text": "3月5日 下午2:10"},
        {"speaker": "them", "text": "亲，这款大衣今天特价"},
        {"speaker": "me", "text": "好的，怎么付款？"},
        {"speaker": "me", "kind": "transfer", "amount": "1280.00", "status": "请收款"},
        {"kind": "notice", "text": "对方撤回了一条消息"},
    ], style="wechat", width=1080, dark=False, contact="小美客服")

`truth["items"]` lists every drawn item in reading order with its box (left, top, width, height),
speaker, kind and text, so OCR output can be scored against it.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from PIL import Image, ImageDraw, ImageFont

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Medium.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)
BOLD_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Medium.ttc",
)
SC_INDEX = 2  # face index of "Noto Sans CJK SC" inside the .ttc collection

STYLES = ("wechat", "kuaishou", "qq", "douyin")
PAYMENT_KINDS = ("alipay_transfer", "wechat_pay", "wechat_transfer", "bank")


def _find_font(candidates: Iterable[str]) -> str:
    for path in candidates:
        if Path(path).exists():
            return path
    try:  # fall back to fontconfig
        import subprocess

        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10).stdout
        for line in out.splitlines():
            path = line.split(":")[0].strip()
            if "Sans" in path and Path(path).exists():
                return path
    except (OSError, subprocess.SubprocessError):
        pass
    from .errors import MissingDependency

    raise MissingDependency(
        "找不到中文字体（Noto Sans CJK）",
        "no CJK font (Noto Sans CJK) found",
        hint_zh="sudo apt-get install fonts-noto-cjk",
        hint_en="sudo apt-get install fonts-noto-cjk",
    )


@lru_cache(maxsize=64)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """The Simplified-Chinese Noto Sans CJK face at `size` pixels."""
    path = _find_font(BOLD_CANDIDATES + FONT_CANDIDATES if bold else FONT_CANDIDATES)
    try:
        return ImageFont.truetype(path, size, index=SC_INDEX)
    except OSError:
        return ImageFont.truetype(path, size)


@dataclass(frozen=True)
class Palette:
    """Colours of one chat style in one mode."""

    page: tuple[int, int, int]
    header: tuple[int, int, int]
    header_text: tuple[int, int, int]
    me_bubble: tuple[int, int, int]
    me_text: tuple[int, int, int]
    them_bubble: tuple[int, int, int]
    them_text: tuple[int, int, int]
    label: tuple[int, int, int]
    input_bar: tuple[int, int, int]
    divider: tuple[int, int, int]
    notice_chip: tuple[int, int, int] | None = None


PALETTES: dict[tuple[str, bool], Palette] = {
    ("wechat", False): Palette((237, 237, 237), (237, 237, 237), (25, 25, 25), (149, 236, 105), (25, 25, 25),
                               (255, 255, 255), (25, 25, 25), (160, 160, 160), (247, 247, 247), (215, 215, 215)),
    ("wechat", True): Palette((17, 17, 17), (17, 17, 17), (213, 213, 213), (87, 190, 71), (18, 18, 18),
                              (44, 44, 44), (213, 213, 213), (110, 110, 110), (30, 30, 30), (40, 40, 40)),
    ("kuaishou", False): Palette((255, 255, 255), (255, 255, 255), (34, 34, 34), (254, 62, 98), (255, 255, 255),
                                 (243, 243, 245), (34, 34, 34), (170, 170, 170), (250, 250, 250), (235, 235, 235)),
    ("kuaishou", True): Palette((25, 25, 28), (25, 25, 28), (230, 230, 230), (254, 62, 98), (255, 255, 255),
                                (50, 50, 56), (225, 225, 225), (120, 120, 125), (35, 35, 38), (45, 45, 48)),
    ("qq", False): Palette((242, 243, 245), (242, 243, 245), (20, 20, 20), (0, 153, 255), (255, 255, 255),
                           (255, 255, 255), (20, 20, 20), (150, 150, 155), (250, 250, 250), (220, 220, 222),
                           (226, 228, 232)),
    ("qq", True): Palette((16, 16, 20), (16, 16, 20), (220, 220, 220), (0, 120, 215), (255, 255, 255),
                          (38, 38, 44), (220, 220, 220), (105, 105, 110), (28, 28, 32), (40, 40, 44), (34, 34, 40)),
    ("douyin", False): Palette((248, 248, 248), (255, 255, 255), (22, 24, 35), (80, 122, 255), (255, 255, 255),
                               (255, 255, 255), (22, 24, 35), (155, 155, 160), (255, 255, 255), (230, 230, 230)),
    ("douyin", True): Palette((22, 24, 35), (22, 24, 35), (235, 235, 240), (80, 122, 255), (255, 255, 255),
                              (46, 48, 60), (235, 235, 240), (115, 117, 130), (30, 32, 44), (50, 52, 64)),
}

CARD_ORANGE = (250, 157, 59)
CARD_PALE = (252, 220, 184)
CARD_RED = (243, 90, 73)


def _seed(*parts: Any) -> random.Random:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def wrap(text: str, fnt: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    """Break `text` into lines no wider than `max_width` (by characters, as chat apps do for CJK)."""
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for ch in para:
            if line and fnt.getlength(line + ch) > max_width:
                lines.append(line)
                line = ch
            else:
                line += ch
        lines.append(line)
    return lines


def _box(x0: float, y0: float, x1: float, y1: float) -> list[int]:
    return [int(round(x0)), int(round(y0)), int(round(x1 - x0)), int(round(y1 - y0))]


def _draw_status_bar(draw: ImageDraw.ImageDraw, width: int, s: float, colour, status_time: str) -> None:
    f = font(int(34 * s), bold=True)
    draw.text((60 * s, 24 * s), status_time, font=f, fill=colour)
    # signal bars, wifi-ish dot and battery drawn as shapes (no text)
    x = width - 250 * s
    for i in range(4):
        h = (10 + 6 * i) * s
        draw.rectangle([x + i * 14 * s, 62 * s - h, x + i * 14 * s + 9 * s, 62 * s], fill=colour)
    draw.rounded_rectangle([width - 130 * s, 36 * s, width - 60 * s, 64 * s], radius=6 * s, outline=colour, width=max(1, int(3 * s)))
    draw.rectangle([width - 124 * s, 42 * s, width - 80 * s, 58 * s], fill=colour)


def _avatar(img: Image.Image, x: float, y: float, size: float, key: str) -> None:
    rng = _seed("avatar", key)
    base = tuple(rng.randint(60, 220) for _ in range(3))
    av = Image.new("RGB", (int(size), int(size)), base)
    d = ImageDraw.Draw(av)
    # a simple "photo": a circle head and shoulders in a second colour
    other = tuple(min(255, c + rng.randint(-60, 60)) % 256 for c in base)
    d.ellipse([size * 0.3, size * 0.18, size * 0.7, size * 0.58], fill=other)
    d.ellipse([size * 0.12, size * 0.62, size * 0.88, size * 1.3], fill=other)
    img.paste(av, (int(x), int(y)))


def render_chat(
    messages: list[dict[str, Any]],
    *,
    style: str = "wechat",
    width: int = 1080,
    dark: bool = False,
    contact: str = "小美客服",
    status_time: str = "10:15",
    height: int | None = None,
    group: bool = False,
) -> tuple[Image.Image, dict[str, Any]]:
    """Draw a chat screen.

    Each message is a dict with `kind` in text (default) / transfer / redpacket / image / time / notice:
    - text: `speaker` ("me" | "them"), `text`, optional `name` (nickname shown above in group chats)
    - transfer: `speaker`, `amount` ("1280.00"), `status` ("请收款" | "已收款" | "已被接收" | "已退还"), `memo`
    - redpacket: `speaker`, `text` (blessing, default 恭喜发财，大吉大利)
    - image: `speaker` (a picture bubble without text)
    - time: `text` (a centred time label such as "昨天 20:16")
    - notice: `text` (a centred system line such as "对方撤回了一条消息")

    Returns the RGB image and the ground truth dict.
    """
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; choose one of {STYLES}")
    pal = PALETTES[(style, dark)]
    s = width / 1080
    phone_h = int(round(width * 2340 / 1080))
    body_font = font(int(48 * s))
    label_font = font(int(36 * s))
    name_font = font(int(34 * s))
    title_font = font(int(52 * s), bold=True)
    avatar = 120 * s
    margin = 30 * s
    gap_av = 22 * s
    pad_x, pad_y = 32 * s, 26 * s
    line_h = int(48 * s * 1.45)
    max_text_w = width * 0.62 - 2 * pad_x
    header_h = 250 * s
    input_h = 170 * s

    # Lay out first (positions relative to the top of the scrolling area), draw afterwards.
    layout: list[dict[str, Any]] = []
    y = header_h + 40 * s
    for msg in messages:
        kind = msg.get("kind", "text")
        speaker = msg.get("speaker", "system" if kind in ("time", "notice") else "them")
        item: dict[str, Any] = {"kind": kind, "speaker": speaker, "msg": msg}
        if kind in ("time", "notice"):
            f = label_font
            text = msg["text"]
            tw = f.getlength(text)
            h = int(36 * s * 1.6)
            item.update(text=text, y=y, h=h, w=tw, font=f)
            y += h + 34 * s
        elif kind == "text":
            lines = wrap(msg["text"], body_font, max_text_w)
            tw = max(body_font.getlength(line) for line in lines) if lines else 0
            bh = len(lines) * line_h + 2 * pad_y - (line_h - 48 * s * 1.2)
            if group and speaker == "them" and msg.get("name", "") != "":
                item["name"] = msg.get("name", "群友")
                y += 48 * s
            item.update(text=msg["text"], lines=lines, y=y, h=max(bh, avatar * 0.9), w=tw + 2 * pad_x)
            y += max(item["h"], avatar) + 36 * s
        elif kind in ("transfer", "redpacket"):
            cw, ch = width * 0.6, 270 * s
            item.update(y=y, h=ch, w=cw)
            y += ch + 36 * s
        elif kind == "image":
            rng = _seed("img", msg.get("seed", len(layout)))
            iw, ih = width * rng.uniform(0.3, 0.42), width * rng.uniform(0.3, 0.5)
            item.update(y=y, h=ih, w=iw)
            y += ih + 36 * s
        else:
            raise ValueError(f"unknown message kind {kind!r}")
        layout.append(item)
    content_bottom = y + 20 * s
    total_h = max(phone_h, int(content_bottom + input_h)) if height is None else height

    img = Image.new("RGB", (width, total_h), pal.page)
    draw = ImageDraw.Draw(img)
    # header + status bar
    draw.rectangle([0, 0, width, header_h], fill=pal.header)
    draw.line([0, header_h, width, header_h], fill=pal.divider, width=max(1, int(2 * s)))
    _draw_status_bar(draw, width, s, pal.header_text, status_time)
    tw = title_font.getlength(contact)
    title_y = 130 * s
    draw.text(((width - tw) / 2, title_y), contact, font=title_font, fill=pal.header_text)
    # back chevron and "more" dots
    draw.line([(70 * s, 160 * s), (45 * s, 185 * s), (70 * s, 210 * s)], fill=pal.header_text, width=max(2, int(5 * s)))
    for i in range(3):
        cx = width - 90 * s + i * 22 * s
        draw.ellipse([cx, 180 * s, cx + 9 * s, 189 * s], fill=pal.header_text)

    truth_items: list[dict[str, Any]] = []
    for item in layout:
        kind, speaker, msg = item["kind"], item["speaker"], item["msg"]
        top = item["y"]
        if kind in ("time", "notice"):
            f = item["font"]
            x0 = (width - item["w"]) / 2
            if pal.notice_chip is not None and kind == "notice":
                draw.rounded_rectangle([x0 - 24 * s, top - 6 * s, x0 + item["w"] + 24 * s, top + item["h"]],
                                       radius=12 * s, fill=pal.notice_chip)
            draw.text((x0, top + 4 * s), item["text"], font=f, fill=pal.label)
            truth_items.append({"kind": kind, "speaker": "system", "text": item["text"],
                                "box": _box(x0, top, x0 + item["w"], top + item["h"])})
            continue
        right = speaker == "me"
        av_x = width - margin - avatar if right else margin
        _avatar(img, av_x, top, avatar, f"{style}-{speaker}-{contact}")
        bw, bh = item["w"], item["h"]
        bx0 = (av_x - gap_av - bw) if right else (av_x + avatar + gap_av)
        bx1 = bx0 + bw
        entry: dict[str, Any] = {"kind": kind, "speaker": speaker}
        if item.get("name"):
            draw.text((bx0, top - 46 * s), item["name"], font=name_font, fill=pal.label)
            entry["name"] = item["name"]
        if kind == "text":
            fill = pal.me_bubble if right else pal.them_bubble
            tcol = pal.me_text if right else pal.them_text
            draw.rounded_rectangle([bx0, top, bx1, top + bh], radius=10 * s, fill=fill)
            ty = top + 20 * s
            tail_y = top + 40 * s
            if right:
                draw.polygon([(bx1, tail_y), (bx1 + 14 * s, tail_y + 14 * s), (bx1, tail_y + 28 * s)], fill=fill)
            else:
                draw.polygon([(bx0, tail_y), (bx0 - 14 * s, tail_y + 14 * s), (bx0, tail_y + 28 * s)], fill=fill)
            for i, line in enumerate(item["lines"]):
                draw.text((bx0 + pad_x, ty + i * line_h), line, font=body_font, fill=tcol)
            entry["text"] = msg["text"]
        elif kind in ("transfer", "redpacket"):
            status = msg.get("status", "请收款")
            accepted = status in ("已收款", "已被接收", "已领取")
            colour = CARD_PALE if accepted else (CARD_RED if kind == "redpacket" else CARD_ORANGE)
            foot_h = 62 * s
            draw.rounded_rectangle([bx0, top, bx1, top + bh], radius=12 * s, fill=colour)
            foot_col = (255, 255, 255) if not dark else (60, 60, 60)
            draw.rectangle([bx0, top + bh - foot_h, bx1, top + bh - 10 * s], fill=foot_col)
            draw.rounded_rectangle([bx0, top + bh - foot_h, bx1, top + bh], radius=12 * s, fill=foot_col)
            tcol = (255, 255, 255) if not accepted else (120, 80, 40)
            # icon: a simple rounded square with two arrows ⇄ drawn as lines
            ix, iy = bx0 + 34 * s, top + 42 * s
            draw.rounded_rectangle([ix, iy, ix + 96 * s, iy + 96 * s], radius=48 * s, outline=tcol, width=max(2, int(5 * s)))
            draw.line([(ix + 24 * s, iy + 38 * s), (ix + 72 * s, iy + 38 * s)], fill=tcol, width=max(2, int(5 * s)))
            draw.line([(ix + 24 * s, iy + 60 * s), (ix + 72 * s, iy + 60 * s)], fill=tcol, width=max(2, int(5 * s)))
            tx = ix + 130 * s
            if kind == "transfer":
                amount = msg.get("amount", "500.00")
                main = f"¥{amount}"
                memo = msg.get("memo") or status
                draw.text((tx, top + 34 * s), main, font=font(int(50 * s)), fill=tcol)
                draw.text((tx, top + 104 * s), memo, font=font(int(34 * s)), fill=tcol)
                footer = msg.get("footer", "微信转账")
                entry.update(amount=amount, status=status, text=f"{main} {memo}", memo=msg.get("memo"))
            else:
                main = msg.get("text", "恭喜发财，大吉大利")
                draw.text((tx, top + 60 * s), main, font=font(int(42 * s)), fill=tcol)
                footer = msg.get("footer", "微信红包")
                entry.update(text=main, status=status)
            draw.text((bx0 + 34 * s, top + bh - foot_h + 12 * s), footer, font=font(int(28 * s)), fill=(150, 150, 150))
            entry["footer"] = footer
        elif kind == "image":
            rng = _seed("imgpix", msg.get("seed", top))
            pic = Image.new("RGB", (int(bw), int(bh)))
            pd = ImageDraw.Draw(pic)
            c0 = [rng.randint(40, 200) for _ in range(3)]
            for yy in range(int(bh)):
                t = yy / max(1, bh)
                pd.line([(0, yy), (bw, yy)], fill=tuple(int(c * (1 - t) + (255 - c) * t * 0.6) for c in c0))
            for _ in range(6):
                cx, cy, r = rng.uniform(0, bw), rng.uniform(0, bh), rng.uniform(bw * 0.05, bw * 0.2)
                pd.ellipse([cx - r, cy - r, cx + r, cy + r], fill=tuple(rng.randint(0, 255) for _ in range(3)))
            img.paste(pic, (int(bx0), int(top)))
            entry["text"] = ""
        entry["box"] = _box(bx0, top, bx1, top + bh)
        truth_items.append(entry)

    # input bar at the very bottom of the capture
    iy = total_h - input_h
    draw.rectangle([0, iy, width, total_h], fill=pal.input_bar)
    draw.line([0, iy, width, iy], fill=pal.divider, width=max(1, int(2 * s)))
    field_col = tuple(min(255, c + 25) for c in pal.input_bar) if dark else (255, 255, 255)
    draw.rounded_rectangle([130 * s, iy + 30 * s, width - 260 * s, iy + 120 * s], radius=12 * s, fill=field_col)
    for cx in (70 * s, width - 200 * s, width - 80 * s):
        draw.ellipse([cx - 32 * s, iy + 43 * s, cx + 32 * s, iy + 107 * s], outline=pal.header_text, width=max(2, int(4 * s)))

    truth = {
        "type": "chat",
        "style": style,
        "dark": dark,
        "width": width,
        "height": total_h,
        "contact": contact,
        "status_time": status_time,
        "items": truth_items,
    }
    return img, truth


def _fmt_amount(amount: str) -> str:
    whole, _, frac = f"{float(amount):.2f}".partition(".")
    return f"{int(whole):,}.{frac}"


def render_payment(
    kind: str = "alipay_transfer",
    amount: str = "1280.00",
    counterparty: str = "张伟",
    account: str | None = "138****6621",
    order_id: str = "20260305200040011100660012345678",
    time: datetime | str = "2026-03-05 14:10:22",
    memo: str | None = "货款",
    *,
    width: int = 1080,
    dark: bool = False,
    method: str | None = None,
    status_time: str = "14:11",
) -> tuple[Image.Image, dict[str, Any]]:
    """Draw a payment-result screen: alipay_transfer (转账成功), wechat_pay (支付成功),
    wechat_transfer (转账详情) or bank (交易成功). Returns the image and the ground truth,
    whose `fields` hold amount, counterparty, account, order_id, time, memo as drawn."""
    if kind not in PAYMENT_KINDS:
        raise ValueError(f"unknown payment kind {kind!r}; choose one of {PAYMENT_KINDS}")
    s = width / 1080
    height = int(round(width * 2340 / 1080))
    bg = (18, 18, 18) if dark else (255, 255, 255)
    fg = (225, 225, 225) if dark else (25, 25, 25)
    grey = (140, 140, 140) if dark else (128, 128, 128)
    accent = {"alipay_transfer": (22, 119, 255), "wechat_pay": (7, 193, 96),
              "wechat_transfer": (7, 193, 96), "bank": (200, 40, 40)}[kind]
    time_text = time.strftime("%Y-%m-%d %H:%M:%S") if isinstance(time, datetime) else str(time)
    shown_amount = _fmt_amount(amount)
    img = Image.new("RGB", (width, height), bg)
    draw = ImageDraw.Draw(img)
    _draw_status_bar(draw, width, s, fg, status_time)
    title = {"alipay_transfer": "转账成功", "wechat_pay": "支付成功", "wechat_transfer": "转账详情", "bank": "交易成功"}[kind]
    lines: list[str] = []
    # header: back chevron + page title for the detail pages
    nav = {"alipay_transfer": "", "wechat_pay": "", "wechat_transfer": "", "bank": "转账结果"}[kind]
    if nav:
        f = font(int(48 * s))
        draw.text(((width - f.getlength(nav)) / 2, 120 * s), nav, font=f, fill=fg)
        lines.append(nav)
    draw.line([(70 * s, 140 * s), (45 * s, 165 * s), (70 * s, 190 * s)], fill=fg, width=max(2, int(5 * s)))
    # success icon
    cy = 380 * s
    draw.ellipse([width / 2 - 70 * s, cy - 70 * s, width / 2 + 70 * s, cy + 70 * s], fill=accent)
    draw.line([(width / 2 - 35 * s, cy), (width / 2 - 8 * s, cy + 28 * s), (width / 2 + 40 * s, cy - 28 * s)],
              fill=(255, 255, 255), width=max(3, int(10 * s)))
    f_title = font(int(56 * s))
    status_line = title if kind != "wechat_transfer" else "已收款"
    draw.text(((width - f_title.getlength(status_line)) / 2, 490 * s), status_line, font=f_title, fill=fg)
    lines.append(status_line)
    f_amt = font(int(96 * s), bold=True)
    amt_text = f"¥{shown_amount}" if kind != "wechat_pay" else f"-{shown_amount}"
    if kind == "wechat_pay":
        amt_text = f"¥{shown_amount}"
    draw.text(((width - f_amt.getlength(amt_text)) / 2, 600 * s), amt_text, font=f_amt, fill=fg)
    lines.append(amt_text)
    method = method or {"alipay_transfer": "余额宝", "wechat_pay": "零钱", "wechat_transfer": "零钱", "bank": "手机银行"}[kind]
    party = f"{counterparty} {account}" if account and kind != "bank" else counterparty
    rows: list[tuple[str, str]]
    if kind == "alipay_transfer":
        rows = [("收款方", party), ("付款方式", method), ("转账时间", time_text), ("转账说明", memo or ""), ("订单号", order_id)]
    elif kind == "wechat_pay":
        rows = [("收款方", party), ("支付方式", method), ("支付时间", time_text), ("商品", memo or ""), ("交易单号", order_id)]
    elif kind == "wechat_transfer":
        rows = [("收款方", party), ("转账说明", memo or ""), ("转账时间", time_text), ("收款时间", time_text), ("转账单号", order_id)]
    else:
        rows = [("收款人", counterparty), ("收款账号", account or ""), ("付款方式", method), ("交易时间", time_text),
                ("附言", memo or ""), ("流水号", order_id)]
    rows = [(k, v) for k, v in rows if v]
    f_row = font(int(42 * s))
    y = 820 * s
    draw.line([(60 * s, y - 40 * s), (width - 60 * s, y - 40 * s)], fill=(60, 60, 60) if dark else (230, 230, 230),
              width=max(1, int(2 * s)))
    for key, value in rows:
        draw.text((70 * s, y), key, font=f_row, fill=grey)
        vw = f_row.getlength(value)
        # long values (order numbers) wrap onto a second line when they would hit the label
        if vw > width - 70 * s - 330 * s:
            draw.text((width - 70 * s - vw, y + 64 * s), value, font=f_row, fill=fg)
            lines.extend([key, value])
            y += 64 * s
        else:
            draw.text((width - 70 * s - vw, y), value, font=f_row, fill=fg)
            lines.append(f"{key} {value}")
        y += 104 * s
    # a "完成" button
    bw = 420 * s
    by = max(y + 80 * s, height - 420 * s)
    draw.rounded_rectangle([(width - bw) / 2, by, (width + bw) / 2, by + 120 * s], radius=14 * s,
                           outline=accent, width=max(2, int(4 * s)))
    f_btn = font(int(46 * s))
    draw.text(((width - f_btn.getlength("完成")) / 2, by + 28 * s), "完成", font=f_btn, fill=accent)
    lines.append("完成")
    truth = {
        "type": "payment",
        "kind": kind,
        "dark": dark,
        "width": width,
        "height": height,
        "title": title,
        "lines": lines,
        "fields": {
            "amount": f"{float(amount):.2f}",
            "counterparty": counterparty,
            "account": account,
            "order_id": order_id,
            "time": time_text,
            "memo": memo,
            "method": method,
        },
    }
    return img, truth


def sample_conversation(seed: int = 0) -> list[dict[str, Any]]:
    """A varied, plausible scam conversation (used by the benchmark and tests)."""
    rng = random.Random(seed)
    labels = ["3月5日 下午2:10", "昨天 20:16", "星期三 上午9:05", "2026年3月5日 14:10", "晚上19:19", "2025-6-18 20:03",
              "14:38", "3月6日 上午10:02"]
    them = ["亲，这款羊绒大衣今天直播间特价1280元", "付款后三天内发货，包邮到家", "加我微信号xiaomei_8866领优惠券",
            "订单号2603051410558831已经登记好了", "您好，请问还在吗？", "系统升级需要您先交保证金500元",
            "这边给您申请了退款，请点击链接 http://kf-refund.example.com/a8", "客服电话13812345678，工作时间9点到6点",
            "亲亲，质量绝对有保证的哦"]
    me = ["好的，怎么付款？", "我已经转账了，请尽快发货", "为什么还没有发货？", "请把钱退给我", "你们的店铺地址在哪里",
          "收到的衣服和图片完全不一样", "我要投诉你们", "卡号是6222021234567890123吗"]
    notices = ["对方撤回了一条消息", "你撤回了一条消息", "对方已将你拉黑", "以上是打招呼的内容"]
    out: list[dict[str, Any]] = [{"kind": "time", "text": rng.choice(labels)}]
    n = rng.randint(4, 7)
    for i in range(n):
        r = rng.random()
        if r < 0.12 and i > 0:
            out.append({"kind": "time", "text": rng.choice(labels)})
        elif r < 0.2:
            out.append({"kind": "notice", "text": rng.choice(notices)})
        elif r < 0.3:
            out.append({"kind": "transfer", "speaker": rng.choice(["me", "me", "them"]),
                        "amount": rng.choice(["1280.00", "500.00", "88.80", "2,000.00".replace(",", ""), "35.50"]),
                        "status": rng.choice(["请收款", "已收款", "已被接收"])})
        elif r < 0.34:
            out.append({"kind": "image", "speaker": rng.choice(["me", "them"]), "seed": seed * 10 + i})
        else:
            speaker = rng.choice(["me", "them"])
            out.append({"speaker": speaker, "text": rng.choice(me if speaker == "me" else them)})
    return out
