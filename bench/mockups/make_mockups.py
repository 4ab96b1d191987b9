"""Held-out chat and payment screenshots: HTML mock-ups rendered by headless Chromium.

This set is deliberately NOT drawn by `casekit.synth` (our own Pillow generator, which the reader
was tuned on). Different fonts (Noto Sans/Serif CJK, WenQuanYi Micro Hei, Droid Sans Fallback),
browser text rendering, bubble colours and radii, avatars as squares/circles/initials/gradients,
group nicknames, quote-reply chips, long multi-line bubbles, emoji, mixed Chinese/English/digits,
WeChat / QQ / Kuaishou / Douyin / Alipay-chat styles, light and dark, 720/1080/1440 px, one long
scrolling capture and JPEG q70 "forwarded" copies, plus payment-result screens.

    .venv/bin/python bench/mockups/make_mockups.py [--out bench/out/mockups] [--only NAME] [--truth-dir DIR]

For each scene it writes NAME.html, NAME.png (or .jpg) and NAME.json (ground truth). The ground
truth boxes are measured in the page by a script (getBoundingClientRect × device pixel ratio)
read back with `--dump-dom`, so they match the rendered pixels. The phone is emulated at CSS width
360 with device scale factor width/360 (2, 3 or 4), as on real phones.

Ground truth `items` (reading order): kind time | text | notice | transfer | image | quote |
nickname, speaker me | them | system, text (emoji removed: OCR cannot read them and the reference
transcripts leave them out), box [left, top, width, height] in image pixels; transfers have `amount`.
Payment scenes have `fields` {amount, order_id, counterparty, time}.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
CSS_W = 360
EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF\uFE0F\u200d]")

# ---------------------------------------------------------------------------------------------
# styles

STYLES = {
    # name: page, header, me bubble/text, them bubble/text, radius, avatar shape, label colour
    ("wechat", False): dict(page="#EDEDED", head="#EDEDED", head_line="#D6D6D6", me="#95EC69", me_fg="#111",
                            them="#FFFFFF", them_fg="#111", radius=4, avatar="rsquare", label="#9A9A9A",
                            quote="#E3E3E3", quote_fg="#777", foot="#F7F7F7", tail=True),
    ("wechat", True): dict(page="#111111", head="#111111", head_line="#2A2A2A", me="#3EB575", me_fg="#0B0B0B",
                           them="#2C2C2C", them_fg="#D5D5D5", radius=4, avatar="rsquare", label="#6B6B6B",
                           quote="#232323", quote_fg="#8A8A8A", foot="#1E1E1E", tail=True),
    ("qq", False): dict(page="#F1F1F1", head="#FFFFFF", head_line="#E0E0E0", me="#0099FF", me_fg="#FFFFFF",
                        them="#FFFFFF", them_fg="#222", radius=14, avatar="circle", label="#A0A0A0",
                        quote="#E6E6E6", quote_fg="#808080", foot="#FFFFFF", tail=False),
    ("kuaishou", True): dict(page="#17171C", head="#1F1F26", head_line="#17171C", me="#FE3666", me_fg="#FFFFFF",
                             them="#2B2B33", them_fg="#E8E8E8", radius=18, avatar="circle", label="#5E5E66",
                             quote="#24242B", quote_fg="#85858F", foot="#1F1F26", tail=False),
    ("kuaishou", False): dict(page="#FFFFFF", head="#FFFFFF", head_line="#F0F0F0", me="#FFE1E7", me_fg="#222",
                              them="#F3F3F5", them_fg="#222", radius=16, avatar="circle", label="#B0B0B0",
                              quote="#F7F7F7", quote_fg="#999", foot="#FFFFFF", tail=False),
    ("douyin", True): dict(page="#161823", head="#161823", head_line="#242633", me="#2E6BE6", me_fg="#FFFFFF",
                           them="#2A2C38", them_fg="#E6E6EA", radius=12, avatar="circle", label="#5A5C68",
                           quote="#20222D", quote_fg="#8C8E99", foot="#1D1F2B", tail=False),
    ("douyin", False): dict(page="#F8F8F8", head="#FFFFFF", head_line="#EFEFEF", me="#3A77F0", me_fg="#FFFFFF",
                            them="#FFFFFF", them_fg="#161823", radius=10, avatar="circle", label="#A5A5AA",
                            quote="#ECECEC", quote_fg="#8A8A8A", foot="#FFFFFF", tail=False),
    ("alipay", False): dict(page="#F5F5F5", head="#FFFFFF", head_line="#E8E8E8", me="#1677FF", me_fg="#FFFFFF",
                            them="#FFFFFF", them_fg="#333", radius=8, avatar="circle", label="#A8A8A8",
                            quote="#EAEAEA", quote_fg="#888", foot="#FFFFFF", tail=False),
    ("alipay", True): dict(page="#0F0F0F", head="#1A1A1A", head_line="#0F0F0F", me="#1668DC", me_fg="#F0F0F0",
                           them="#262626", them_fg="#DADADA", radius=8, avatar="circle", label="#6A6A6A",
                           quote="#1E1E1E", quote_fg="#808080", foot="#1A1A1A", tail=False),
}
FONTS = {
    "sans": "'Noto Sans CJK SC', sans-serif",
    "serif": "'Noto Serif CJK SC', serif",
    "wqy": "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', sans-serif",
    "droid": "'Droid Sans Fallback', 'Noto Sans CJK SC', sans-serif",
}
AVATAR_COLOURS = ["#E8A23B", "#5B8DEF", "#48B07B", "#D45D79", "#8E6CE0", "#3BB3C3", "#C9A27E"]

# ---------------------------------------------------------------------------------------------
# conversations (hand-written; none of these strings appear in casekit.synth)

CONV_A = [
    {"kind": "time", "text": "3月2日 上午10:41"},
    {"speaker": "them", "text": "您好，我是平台的售后专员，工号 KF2087 😊"},
    {"speaker": "them", "text": "系统显示您的订单 No.88216 物流异常，需要为您办理理赔，请问方便吗？"},
    {"speaker": "me", "text": "可以，怎么操作"},
    {"speaker": "them", "text": "请先下载我们的会议软件，房间号 735 902 118，进去后我一步一步教您"},
    {"kind": "time", "text": "昨天 21:07"},
    {"speaker": "me", "text": "我进不去，提示 error 403", "quote": "售后专员：请先下载我们的会议软件"},
    {"speaker": "them", "text": "没关系，您直接把验证码 648215 发给我就行 👍"},
    {"speaker": "me", "kind": "transfer", "amount": "2,600.00", "status": "请收款"},
    {"kind": "notice", "text": "对方撤回了一条消息"},
]
CONV_B = [
    {"kind": "time", "text": "星期二 下午3:26"},
    {"speaker": "them", "text": "姐，这是内部渠道，收益每天结算，稳赚不赔"},
    {"speaker": "me", "text": "真的假的？我同事说这种都是骗人的"},
    {"speaker": "them", "text": "你看我昨天提现了 12,800 元，截图都在群里，新人首单返利 30%"},
    {"speaker": "me", "text": "那我先投 5000 试试"},
    {"speaker": "them", "kind": "image"},
    {"speaker": "them", "text": "按这个二维码付款，备注写你的手机号 139 2051 7746"},
    {"kind": "time", "text": "22:15"},
    {"speaker": "me", "text": "钱已经转过去了，怎么还没到账？？"},
    {"kind": "notice", "text": "你已添加了小刘，现在可以开始聊天了。"},
]
CONV_GROUP = [
    {"kind": "time", "text": "2025年11月18日 晚上20:03"},
    {"speaker": "them", "name": "导师-王老师", "text": "各位学员晚上好，今晚八点半准时开课"},
    {"speaker": "them", "name": "助理小雅", "text": "请大家把 APP 更新到 v3.2.1 版本，下载地址 http://tz-app.cc/d"},
    {"speaker": "me", "text": "收到，已经更新了"},
    {"speaker": "them", "name": "投资达人888", "text": "跟着老师操作，今天又赚了 4,650 🚀🚀"},
    {"speaker": "them", "name": "导师-王老师", "text": "明天的名额只有 20 个，先报先得，保证金 3000 元"},
    {"speaker": "me", "text": "老师我报一个", "quote": "导师-王老师：明天的名额只有 20 个"},
    {"kind": "notice", "text": "\"助理小雅\"邀请\"陈先生\"加入了群聊"},
]
CONV_SHOP = [
    {"kind": "time", "text": "12月24日 14:02"},
    {"speaker": "them", "text": "亲，您拍的 iPhone 15 Pro 256G 库存不足，给您退款"},
    {"speaker": "them", "text": "因为您的账户被冻结了，需要先缴纳 ¥199 的解冻费才能原路退回"},
    {"speaker": "me", "text": "为什么要我付钱？"},
    {"speaker": "them", "text": "这是银联规定的流程，钱会在 24 小时内连同退款一起返还给您"},
    {"speaker": "me", "text": "好吧 那你发我链接"},
    {"speaker": "them", "text": "https://pay-refund.top/u/7Kx2"},
]
CONV_LONG = CONV_A[:5] + CONV_B[1:5] + [
    {"kind": "time", "text": "3月4日 下午6:30"},
    {"speaker": "them", "text": "恭喜您已通过审核！额度 50,000 元，需要先交 10% 的保证金验证还款能力"},
    {"speaker": "me", "text": "我只有 3000 可以吗"},
    {"speaker": "them", "text": "最低 5000，不够的话可以先找朋友借一下，放款后马上还"},
    {"speaker": "me", "kind": "transfer", "amount": "5,000.00", "status": "已被接收"},
    {"speaker": "them", "text": "收到，正在为您加急处理，请保持手机畅通 📞"},
    {"kind": "time", "text": "昨天 09:12"},
    {"speaker": "me", "text": "已经一天了还没放款，你们到底什么时候处理？"},
    {"speaker": "them", "text": "系统检测到您的银行卡号 6217 **** **** 3308 填写错误，需要再交 2000 元解冻"},
    {"speaker": "me", "text": "我要报警了"},
    {"kind": "notice", "text": "对方已将你拉黑"},
]

SCENES = [
    # name, style, dark, width, font, conversation, options
    ("wechat-light-1080-sans", "wechat", False, 1080, "sans", CONV_A, {}),
    ("wechat-dark-1080-wqy", "wechat", True, 1080, "wqy", CONV_A, {}),
    ("wechat-group-light-1440-serif", "wechat", False, 1440, "serif", CONV_GROUP, {"group": True}),
    ("wechat-dark-720-droid", "wechat", True, 720, "droid", CONV_SHOP, {}),
    ("qq-group-light-720-sans", "qq", False, 720, "sans", CONV_GROUP, {"group": True, "initials": True}),
    ("qq-light-1440-wqy", "qq", False, 1440, "wqy", CONV_B, {"initials": True}),
    ("kuaishou-dark-1080-sans", "kuaishou", True, 1080, "sans", CONV_B, {}),
    ("kuaishou-light-720-serif", "kuaishou", False, 720, "serif", CONV_SHOP, {}),
    ("douyin-dark-1440-sans", "douyin", True, 1440, "sans", CONV_SHOP, {}),
    ("douyin-light-1080-wqy", "douyin", False, 1080, "wqy", CONV_B, {"initials": True}),
    ("alipay-light-1080-sans", "alipay", False, 1080, "sans", CONV_SHOP, {}),
    ("alipay-dark-720-wqy", "alipay", True, 720, "wqy", CONV_A, {}),
    ("wechat-long-light-1080-sans", "wechat", False, 1080, "sans", CONV_LONG, {"height": 6000}),
    ("wechat-light-1080-sans-q70", "wechat", False, 1080, "sans", CONV_A, {"jpeg": 70}),
    ("qq-group-light-720-sans-q70", "qq", False, 720, "sans", CONV_GROUP, {"group": True, "initials": True, "jpeg": 70}),
    ("douyin-dark-1440-sans-q70", "douyin", True, 1440, "sans", CONV_SHOP, {"jpeg": 70}),
]

PAYMENTS = [
    ("pay-alipay-transfer-light-1080", "alipay_transfer", False, 1080, "sans",
     dict(amount="3,000.00", counterparty="陈*华", account="186****2290", time="2026-03-04 18:42:07",
          order_id="20260304200040011100870033912476", memo="保证金")),
    ("pay-wechat-pay-light-720", "wechat_pay", False, 720, "wqy",
     dict(amount="199.00", counterparty="深圳市优品退款服务中心", account=None, time="2026-03-05 14:20:51",
          order_id="4200002591202603057720164455", memo="解冻费")),
    ("pay-wechat-transfer-dark-1440", "wechat_transfer", True, 1440, "sans",
     dict(amount="5,000.00", counterparty="刘经理", account=None, time="2026-03-04 18:33:12",
          order_id="1000050001202603041811532847102", memo=None)),
    ("pay-bank-light-1080", "bank", False, 1080, "serif",
     dict(amount="12,800.00", counterparty="李建国", account="6228 **** **** 7710", time="2026-03-03 09:15:40",
          order_id="202603030915401288006", memo="投资款")),
    ("pay-alipay-transfer-dark-720", "alipay_transfer", True, 720, "sans",
     dict(amount="666.66", counterparty="王*", account="wang***@163.com", time="2026-03-06 08:01:33",
          order_id="20260306200040011100550087765431", memo="会员费")),
]

# ---------------------------------------------------------------------------------------------
# HTML

MEASURE_JS = """
<script>
window.addEventListener('load', () => {
  const dpr = window.devicePixelRatio || 1;
  const out = {dpr: dpr, h: document.documentElement.scrollHeight, items: {}};
  document.querySelectorAll('[data-i]').forEach(el => {
    const r = el.getBoundingClientRect();
    out.items[el.dataset.i] = [r.left * dpr, r.top * dpr, r.width * dpr, r.height * dpr].map(Math.round);
  });
  document.getElementById('measure').textContent = JSON.stringify(out);
});
</script>
"""


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _avatar(key: str, shape: str, initials: bool, size: float) -> str:
    digest = int(hashlib.sha1(key.encode()).hexdigest(), 16)
    c1 = AVATAR_COLOURS[digest % len(AVATAR_COLOURS)]
    c2 = AVATAR_COLOURS[(digest // 7) % len(AVATAR_COLOURS)]
    radius = "50%" if shape == "circle" else "5px"
    if initials:
        return (f'<div class="av" style="background:{c1};border-radius:{radius};color:#fff;font-size:{size * 0.42:.0f}px;'
                f'display:flex;align-items:center;justify-content:center">{_esc(key[:1])}</div>')
    # a "photo": gradient with a head-and-shoulders silhouette
    return (f'<div class="av" style="border-radius:{radius};background:linear-gradient(135deg,{c1},{c2});position:relative;'
            f'overflow:hidden"><div style="position:absolute;left:30%;top:18%;width:40%;height:40%;border-radius:50%;'
            f'background:rgba(255,255,255,.55)"></div><div style="position:absolute;left:12%;top:62%;width:76%;height:60%;'
            f'border-radius:50%;background:rgba(255,255,255,.45)"></div></div>')


def chat_html(style: str, dark: bool, font: str, conv: list[dict], *, contact: str, group: bool = False,
              initials: bool = False, height: int | None = None) -> tuple[str, list[dict]]:
    p = STYLES[(style, dark)]
    items: list[dict] = []
    body: list[str] = []
    tail_css = ""
    if p["tail"]:
        tail_css = f"""
        .row.them .bub::before {{content:"";position:absolute;left:-5px;top:13px;border:5px solid transparent;
            border-left:0;border-right-color:{p['them']};}}
        .row.me .bub::before {{content:"";position:absolute;right:-5px;top:13px;border:5px solid transparent;
            border-right:0;border-left-color:{p['me']};}}"""
    for msg in conv:
        kind = msg.get("kind", "text")
        i = len(items)
        if kind in ("time", "notice"):
            items.append({"kind": kind, "speaker": "system", "text": msg["text"]})
            cls = "time" if kind == "time" else "notice"
            body.append(f'<div class="{cls}"><span data-i="{i}">{_esc(msg["text"])}</span></div>')
            continue
        speaker = msg["speaker"]
        who = "我" if speaker == "me" else (msg.get("name") or contact)
        av = _avatar(who, p["avatar"], initials, 40)
        name_html = ""
        if group and speaker == "them":
            items.append({"kind": "nickname", "speaker": "them", "text": msg.get("name", "")})
            name_html = f'<div class="nick"><span data-i="{i}">{_esc(msg.get("name", ""))}</span></div>'
            i += 1
        if kind == "text":
            items.append({"kind": "text", "speaker": speaker, "text": EMOJI.sub("", msg["text"]).strip()})
            inner = f'<div class="bub" data-i="{i}">{_esc(msg["text"])}</div>'
        elif kind == "transfer":
            items.append({"kind": "transfer", "speaker": speaker, "text": f"¥{msg['amount']} {msg['status']}",
                          "amount": msg["amount"].replace(",", "")})
            pale = msg["status"] in ("已被接收", "已收款")
            bg = "#FCE3C7" if pale and not dark else ("#7A5630" if pale else "#FA9D3B")
            inner = (f'<div class="card" data-i="{i}" style="background:{bg}"><div class="ctop">'
                     f'<div class="cicon"></div><div><div class="camt">¥{_esc(msg["amount"])}</div>'
                     f'<div class="cst">{_esc(msg["status"])}</div></div></div><div class="cfoot">'
                     f'{"微信转账" if style == "wechat" else "转账"}</div></div>')
        else:  # image
            items.append({"kind": "image", "speaker": speaker, "text": ""})
            inner = (f'<div class="pic" data-i="{i}"><div style="position:absolute;left:15%;top:20%;width:70%;height:55%;'
                     f'background:repeating-linear-gradient(0deg,#fff 0 9px,#111 9px 12px)"></div></div>')
        quote_html = ""
        if msg.get("quote"):
            j = len(items)
            items.append({"kind": "quote", "speaker": speaker, "text": msg["quote"]})
            quote_html = f'<div class="quote" data-i="{j}">{_esc(msg["quote"])}</div>'
        body.append(f'<div class="row {speaker}">{av}<div class="col">{name_html}{inner}{quote_html}</div></div>')
    min_h = f"min-height:{height}px;" if height else ""
    doc = f"""<!doctype html><html><head><meta charset="utf-8"><style>
    html,body {{margin:0;padding:0;background:{p['page']};font-family:{FONTS[font]};}}
    body {{width:{CSS_W}px;{min_h}}}
    .status {{height:24px;display:flex;justify-content:space-between;align-items:center;padding:0 18px;font-size:12px;
        font-weight:600;color:{'#fff' if dark else '#000'};background:{p['head']};font-family:sans-serif}}
    .title {{height:44px;display:flex;align-items:center;justify-content:center;position:relative;font-size:16px;
        font-weight:500;color:{'#eee' if dark else '#111'};background:{p['head']};border-bottom:1px solid {p['head_line']}}}
    .title .back {{position:absolute;left:12px;font-size:22px}} .title .more {{position:absolute;right:14px;font-size:18px}}
    .msgs {{padding:6px 0 70px 0}}
    .time, .notice {{text-align:center;font-size:11.5px;color:{p['label']};margin:14px 40px 10px 40px}}
    .notice span {{display:inline-block;line-height:1.5}}
    .row {{display:flex;align-items:flex-start;margin:10px 12px;}}
    .row.me {{flex-direction:row-reverse}}
    .av {{width:40px;height:40px;flex:none}}
    .col {{display:flex;flex-direction:column;max-width:236px;margin:0 9px}}
    .row.me .col {{align-items:flex-end}} .row.them .col {{align-items:flex-start}}
    .nick {{font-size:11px;color:{p['label']};margin:-2px 0 4px 2px}}
    .bub {{position:relative;font-size:15.5px;line-height:1.45;padding:9px 11px;border-radius:{p['radius']}px;
        word-break:break-all;white-space:pre-wrap}}
    .row.me .bub {{background:{p['me']};color:{p['me_fg']}}} .row.them .bub {{background:{p['them']};color:{p['them_fg']}}}
    .quote {{margin-top:5px;font-size:12px;line-height:1.4;padding:5px 8px;border-radius:4px;background:{p['quote']};
        color:{p['quote_fg']};max-width:220px}}
    .card {{width:228px;border-radius:5px;color:#fff;overflow:hidden}}
    .ctop {{display:flex;align-items:center;padding:11px 12px 10px 12px}}
    .cicon {{width:34px;height:34px;border-radius:50%;border:2px solid rgba(255,255,255,.9);margin-right:10px;flex:none}}
    .camt {{font-size:17px}} .cst {{font-size:12px;margin-top:2px}}
    .cfoot {{font-size:10.5px;padding:4px 12px;border-top:1px solid rgba(255,255,255,.35);color:rgba(255,255,255,.85);
        background:rgba(255,255,255,.08)}}
    .pic {{width:150px;height:190px;border-radius:4px;background:linear-gradient(160deg,#9ad0f5,#f5d49a);position:relative}}
    .foot {{position:fixed;bottom:0;left:0;width:{CSS_W}px;height:56px;background:{p['foot']};
        border-top:1px solid {p['head_line']}}}
    .foot div {{position:absolute;left:48px;right:90px;top:9px;height:38px;border-radius:5px;
        background:{'#2a2a2a' if dark else '#fff'}}}
    {tail_css}
    #measure {{display:none}}
    </style></head><body>
    <div class="status"><span>10:15</span><span>5G ▮▮▮ 86%</span></div>
    <div class="title"><span class="back">‹</span>{_esc(contact)}<span class="more">···</span></div>
    <div class="msgs">{''.join(body)}</div>
    <div class="foot"><div></div></div>
    <pre id="measure"></pre>{MEASURE_JS}</body></html>"""
    return doc, items


PAY_ROWS = {
    "alipay_transfer": ("转账成功", [("收款方", "counterparty_full"), ("付款方式", "余额宝"), ("转账说明", "memo"),
                                     ("转账时间", "time"), ("订单号", "order_id")]),
    "wechat_pay": ("支付成功", [("商户全称", "counterparty"), ("支付方式", "零钱"), ("支付时间", "time"),
                               ("商品", "memo"), ("交易单号", "order_id")]),
    "wechat_transfer": ("转账详情", [("转账时间", "time"), ("收款时间", "time"), ("转账单号", "order_id")]),
    "bank": ("交易成功", [("收款户名", "counterparty"), ("收款账号", "account"), ("交易时间", "time"),
                         ("附言", "memo"), ("流水号", "order_id")]),
}


def payment_html(kind: str, dark: bool, font: str, f: dict) -> str:
    bg, card, fg, sub = ("#111111", "#191919", "#E6E6E6", "#8A8A8A") if dark else ("#F5F5F5", "#FFFFFF", "#1A1A1A", "#888888")
    title, rows = PAY_ROWS[kind]
    accent = {"alipay_transfer": "#1677FF", "wechat_pay": "#07C160", "wechat_transfer": "#07C160", "bank": "#C7000B"}[kind]
    values = dict(f)
    values["counterparty_full"] = f"{f['counterparty']} {f['account']}" if f.get("account") else f["counterparty"]
    row_html = []
    for label, key in rows:
        value = values.get(key, key) if key in values or key in ("counterparty_full",) else key
        if value is None:
            continue
        row_html.append(f'<div class="kv"><span class="k">{_esc(label)}</span><span class="v">{_esc(value)}</span></div>')
    head = title
    status = ""
    if kind == "wechat_transfer":
        head = ""
        status = f'<div class="st">{_esc(f["counterparty"])}已收款</div>'
    elif kind == "wechat_pay":
        status = f'<div class="st">{_esc(f["counterparty"])}</div>'
    return f"""<!doctype html><html><head><meta charset="utf-8"><style>
    html,body {{margin:0;background:{bg};font-family:{FONTS[font]};color:{fg}}} body {{width:{CSS_W}px}}
    .status {{height:24px;display:flex;justify-content:space-between;align-items:center;padding:0 18px;font-size:12px;
        font-weight:600;font-family:sans-serif}}
    .bar {{height:44px;display:flex;align-items:center;justify-content:center;font-size:16px;position:relative}}
    .bar span {{position:absolute;left:14px;font-size:22px}}
    .top {{text-align:center;padding:26px 0 18px 0}}
    .ok {{width:52px;height:52px;border-radius:50%;background:{accent};margin:0 auto 12px auto;color:#fff;
        font-size:30px;line-height:52px}}
    .t {{font-size:17px}} .st {{font-size:14px;color:{sub};margin-top:6px}}
    .amt {{font-size:34px;font-weight:600;margin-top:10px;font-family:'Noto Sans CJK SC',sans-serif}}
    .box {{background:{card};margin:12px 12px;border-radius:8px;padding:6px 14px}}
    .kv {{display:flex;justify-content:space-between;padding:11px 0;font-size:13.5px;gap:18px}}
    .k {{color:{sub};flex:none}} .v {{text-align:right;word-break:break-all}}
    .btn {{margin:26px 40px;height:42px;border-radius:6px;background:{accent};color:#fff;text-align:center;
        line-height:42px;font-size:15px}}
    </style></head><body><div class="status"><span>18:45</span><span>4G ▮▮▮ 61%</span></div>
    <div class="bar"><span>‹</span>{_esc(title if kind == 'wechat_transfer' else '')}</div>
    <div class="top"><div class="ok">✓</div><div class="t">{_esc(head)}</div>{status}
    <div class="amt">¥{_esc(f['amount'])}</div></div>
    <div class="box">{''.join(row_html)}</div><div class="btn">完成</div></body></html>"""


# ---------------------------------------------------------------------------------------------
# rendering

def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise SystemExit("headless Chromium not found (apt-get install chromium)")


def _run_chromium(html_path: Path, width: int, height: int, *extra: str) -> subprocess.CompletedProcess:
    dpr = width / CSS_W
    with tempfile.TemporaryDirectory() as profile:
        cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", f"--user-data-dir={profile}", "--hide-scrollbars",
               f"--force-device-scale-factor={dpr:g}", f"--window-size={CSS_W},{int(round(height / dpr))}",
               *extra, html_path.as_uri()]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def render_scene(scene: dict, out: Path) -> dict:
    """Write NAME.html/.png|.jpg/.json into `out`; return the truth dict (with the image path)."""
    from PIL import Image

    name, width = scene["name"], scene["width"]
    height = scene.get("height") or int(round(width * 2340 / 1080))
    html_path = out / f"{name}.html"
    html_path.write_text(scene["html"], encoding="utf-8")
    png = out / f"{name}.png"
    _run_chromium(html_path, width, height, f"--screenshot={png}")
    truth = {"name": name, "kind": scene["kind"], "style": scene.get("style"), "dark": scene["dark"],
             "width": width, "font": scene["font"], "source": "bench/mockups/make_mockups.py (headless Chromium)"}
    if scene["kind"] == "chat":
        dom = _run_chromium(html_path, width, height, "--dump-dom").stdout
        match = re.search(r'<pre id="measure">(.*?)</pre>', dom, re.S)
        measured = json.loads(html.unescape(match.group(1))) if match else {"items": {}}
        items = []
        for i, item in enumerate(scene["items"]):
            box = measured["items"].get(str(i))
            if box is None or box[1] + box[3] > height - 56 * width / CSS_W:
                continue  # below the fold or under the input bar
            items.append({**item, "box": box})
        truth["items"] = items
    else:
        truth["fields"] = scene["fields"]
    image_path = png
    if scene.get("jpeg"):
        image_path = out / f"{name}.jpg"
        Image.open(png).convert("RGB").save(image_path, quality=scene["jpeg"])
        png.unlink()
    truth["image"] = image_path.name
    (out / f"{name}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth


def scenes() -> list[dict]:
    out = []
    for name, style, dark, width, font, conv, opts in SCENES:
        contact = {"wechat": "售后专员-小林", "qq": "理财交流群(86)", "kuaishou": "小刘", "douyin": "优品客服",
                   "alipay": "退款中心"}[style]
        if opts.get("group") and style == "wechat":
            contact = "财富自由学习群(128)"
        doc, items = chat_html(style, dark, font, conv, contact=contact, group=opts.get("group", False),
                               initials=opts.get("initials", False),
                               height=int(opts["height"] / (width / CSS_W)) if opts.get("height") else None)
        out.append({"name": name, "kind": "chat", "style": style, "dark": dark, "width": width, "font": font,
                    "html": doc, "items": items, "height": opts.get("height"), "jpeg": opts.get("jpeg")})
    for name, kind, dark, width, font, f in PAYMENTS:
        fields = {"amount": f["amount"].replace(",", ""), "order_id": f["order_id"], "counterparty": f["counterparty"],
                  "time": f["time"], "payment_kind": kind}
        out.append({"name": name, "kind": "payment", "style": kind, "dark": dark, "width": width, "font": font,
                    "html": payment_html(kind, dark, font, f), "fields": fields})
    return out


def build(out: Path, only: str | None = None, jobs: int = 2) -> list[dict]:
    """Render every scene (or the ones whose name contains `only`) into `out`; skip up-to-date ones."""
    out.mkdir(parents=True, exist_ok=True)
    todo = [s for s in scenes() if not only or only in s["name"]]

    def one(scene: dict) -> dict:
        stamp = hashlib.sha256(json.dumps({k: v for k, v in scene.items()}, ensure_ascii=False,
                                          sort_keys=True).encode()).hexdigest()
        truth_path = out / f"{scene['name']}.json"
        if truth_path.exists():
            old = json.loads(truth_path.read_text(encoding="utf-8"))
            if old.get("stamp") == stamp and (out / old["image"]).exists():
                return old
        truth = render_scene(scene, out)
        truth["stamp"] = stamp
        truth_path.write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
        return truth

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(one, todo))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE.parent / "out" / "mockups")
    parser.add_argument("--only", default=None, help="only scenes whose name contains this")
    parser.add_argument("--truth-dir", type=Path, default=None,
                        help="also copy the ground-truth JSON here (bench/mockups/truth is committed)")
    args = parser.parse_args()
    truths = build(args.out, args.only)
    if args.truth_dir:
        args.truth_dir.mkdir(parents=True, exist_ok=True)
        for t in truths:
            (args.truth_dir / f"{t['name']}.json").write_text(
                json.dumps({k: v for k, v in t.items() if k != "stamp"}, ensure_ascii=False, indent=1), encoding="utf-8")
    for t in truths:
        print(t["name"], t["image"], len(t.get("items", [])) or t.get("fields", {}).get("amount"))


if __name__ == "__main__":
    sys.exit(main())
