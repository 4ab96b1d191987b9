"""Synthetic detail pages for tests and the benchmark: order, refund / after-sale, product,
profile and anti-fraud-receipt screens drawn as those apps lay them out (a title, a few centred
lines, then label–value rows; long values wrap under their label). Every text is fictional."""

from __future__ import annotations

from typing import Any

from PIL import Image, ImageDraw

from .synth import font

Block = tuple[str, ...]  # ("title", text) | ("centre", text) | ("big", text) | ("text", text) | ("row", label, value)


def render_page(blocks: list[Block], *, width: int = 1080, dark: bool = False, status_time: str = "14:11",
                accent: tuple[int, int, int] = (254, 62, 98)) -> Image.Image:
    """Draw a phone detail page from blocks, top to bottom; a page longer than one phone screen
    grows (a long stitched capture)."""
    s = width / 1080
    screen = int(round(width * 2340 / 1080))
    height = max(screen, int(sum({"title": 110, "centre": 90, "big": 150, "text": 84, "rule": 40}.get(b[0], 160)
                                  for b in blocks) * s + 240 * s))
    bg, fg = ((18, 18, 18), (225, 225, 225)) if dark else ((255, 255, 255), (25, 25, 25))
    grey = (140, 140, 140) if dark else (128, 128, 128)
    img = Image.new("RGB", (width, height), bg)
    draw = ImageDraw.Draw(img)
    draw.text((60 * s, 30 * s), status_time, font=font(int(34 * s)), fill=fg)
    y = 120 * s
    f_row, f_text = font(int(42 * s)), font(int(44 * s))
    for block in blocks:
        kind = block[0]
        if kind in ("title", "centre", "big"):
            f = font(int({"title": 50, "centre": 44, "big": 84}[kind] * s), bold=kind == "big")
            colour = accent if kind == "centre" and "拒绝" in block[1] else fg
            draw.text(((width - f.getlength(block[1])) / 2, y), block[1], font=f, fill=colour)
            y += {"title": 110, "centre": 90, "big": 150}[kind] * s
        elif kind == "text":
            draw.text((70 * s, y), block[1], font=f_text, fill=fg)
            y += 84 * s
        elif kind == "rule":
            draw.line([(60 * s, y), (width - 60 * s, y)], fill=(60, 60, 60) if dark else (230, 230, 230),
                      width=max(1, int(2 * s)))
            y += 40 * s
        else:
            label, value = block[1], block[2]
            draw.text((70 * s, y), label, font=f_row, fill=grey)
            vw = f_row.getlength(value)
            if vw > width - 70 * s - 330 * s:
                y += 64 * s
            draw.text((width - 70 * s - vw, y), value, font=f_row, fill=fg)
            y += 96 * s
    return img


def render_order(shop: str = "小美羊绒旗舰店", goods: str = "女士双面羊绒大衣", spec: str = "黑色 XL",
                 subtotal: str = "1380.00", discount: str = "100.00", paid: str = "1280.00",
                 order_id: str = "2603051410558831", ordered_at: str = "2026-03-05 14:10:05",
                 carrier: str = "中通快递", waybill: str = "78812345678901", signed_at: str | None = "2026-03-08 16:20:11",
                 *, width: int = 1080, dark: bool = False, style: str = "rows") -> tuple[Image.Image, dict[str, Any]]:
    """An order-detail page and its ground truth. `style` "rows" is the 快手小店 / 抖音 layout
    (labels left, values right); "inline" the 淘宝 / 拼多多 / 京东 one ("订单编号：… 复制" on one
    line, left-aligned)."""
    head: list[Block] = [("title", "订单详情"), ("centre", "交易成功" if signed_at else "待收货"), ("rule",),
                         ("text", f"{shop} >"), ("text", goods), ("text", f"规格：{spec}"), ("text", f"¥{paid} x1"),
                         ("rule",)]
    facts = [("商品总价", f"¥{subtotal}"), ("店铺优惠", f"-¥{discount}"), ("实付款", f"¥{paid}"), ("订单编号", order_id),
             ("下单时间", ordered_at), ("物流公司", carrier), ("运单号", waybill)]
    if signed_at:
        facts.append(("签收时间", signed_at))
    if style == "inline":
        body: list[Block] = [("text", f"{k}：{v}" + ("  复制" if k in ("订单编号", "运单号") else "")) for k, v in facts]
    else:
        body = [("row", k, v) for k, v in facts]
    truth = {"order.order_id": order_id, "order.goods": goods, "order.amount": paid,
             "order.ordered_at": ordered_at.replace(" ", "T") + "+08:00", "order.shop": shop, "order.quantity": "1"}
    if signed_at:
        truth["story.delivered"] = "true"
    return render_page(head + body, width=width, dark=dark), {"kind": "order_page", "proposals": truth}


def render_bill_detail(merchant: str = "张伟", amount: str = "1280.00", paid_at: str = "2026-03-05 14:10:22",
                       order_id: str = "2026030522001422051456296641", *, width: int = 1080,
                       dark: bool = False) -> tuple[Image.Image, dict[str, Any]]:
    """Alipay's 账单详情 page of a 收钱码 payment: the payee's name above the amount, no 收款方 row."""
    blocks: list[Block] = [("title", "账单详情"), ("centre", merchant), ("big", f"-{amount}"), ("centre", "交易成功"),
                           ("rule",), ("row", "支付时间", paid_at), ("row", "付款方式", "余额宝"),
                           ("row", "商品说明", "收钱码收款"), ("row", "账单分类", "日用百货"), ("row", "订单号", order_id)]
    return render_page(blocks, width=width, dark=dark, accent=(22, 119, 255)), {
        "kind": "payment_screenshot", "fields": {"amount": amount, "counterparty": merchant, "order_id": order_id,
                                                 "time": paid_at}}


def render_refund(request_no: str = "RF2603081020334455", order_id: str = "2603051410558831", amount: str = "1280.00",
                  applied_at: str = "2026-03-07 09:30:12", reason: str = "商品与描述不符",
                  rejected_at: str = "2026-03-08 10:20:00", reject_reason: str = "商品已穿着，不支持退款",
                  countdown: str = "6天23时", *, width: int = 1080, dark: bool = False,
                  status_time: str = "10:25") -> tuple[Image.Image, dict[str, Any]]:
    """A Kuaishou-style 退款详情 page with the merchant's refusal and the 平台介入 countdown."""
    blocks: list[Block] = [("title", "退款详情"), ("centre", "商家拒绝退款"), ("centre", f"{countdown} 内可申请平台介入"),
                           ("rule",), ("row", "拒绝理由", reject_reason), ("row", "拒绝时间", rejected_at), ("rule",),
                           ("row", "退款类型", "仅退款"), ("row", "退款金额", f"¥{amount}"), ("row", "申请时间", applied_at),
                           ("row", "退款原因", reason), ("row", "退款编号", request_no), ("row", "订单编号", order_id)]
    truth = {"filing.platform_request_no": request_no, "filing.merchant_rejected_on": rejected_at[:10],
             "order.order_id": order_id}
    return render_page(blocks, width=width, dark=dark, status_time=status_time), {"kind": "refund_record",
                                                                                 "proposals": truth}


def render_product(shop: str = "小美羊绒旗舰店", price: str = "1280.00", title: str = "女士双面羊绒大衣 100%纯羊绒",
                   claims: tuple[str, ...] = ("专柜正品 假一赔十", "七天无理由退货 包邮"), *, width: int = 1080,
                   dark: bool = False) -> tuple[Image.Image, dict[str, Any]]:
    """A product page from a live room's 小黄车: price, title, claims, the shop and the buy button."""
    blocks: list[Block] = [("big", f"¥{price}"), ("text", title), *(("text", c) for c in claims), ("rule",),
                           ("text", f"{shop}  进店"), ("text", "已售 2.3万件"), ("centre", "立即购买")]
    return render_page(blocks, width=width, dark=dark), {"kind": "product_page", "proposals": {"order.shop": shop},
                                                         "claims": [title, *claims]}


def render_live_room(name: str = "小美羊绒", account_id: str = "xm_cashmere88", price: str = "1280.00", *,
                     width: int = 1080, dark: bool = False) -> tuple[Image.Image, dict[str, Any]]:
    """A live room (直播间) with the streamer's id, her claims and the 小黄车 card of the goods."""
    blocks: list[Block] = [("title", f"{name}的直播间"), ("text", f"快手号：{account_id}   关注"), ("rule",),
                           ("text", "主播：今天专柜正品 假一赔十"), ("text", "主播：100%纯羊绒 七天无理由"),
                           ("rule",), ("text", f"小黄车1号 双面羊绒大衣 ¥{price}"), ("centre", "去购买")]
    return render_page(blocks, width=width, dark=dark), {"kind": "product_page", "account_id": account_id,
                                                         "price": price}


def render_profile(name: str = "小美羊绒", account_id: str = "xm_cashmere88", platform: str = "快手号", *,
                   width: int = 1080, dark: bool = False) -> tuple[Image.Image, dict[str, Any]]:
    """A seller's profile page with the id that does not change."""
    blocks: list[Block] = [("title", name), ("centre", f"{platform}：{account_id}"), ("centre", "1.2万粉丝  36关注  获赞8.8万"),
                           ("centre", "私信")]
    return render_page(blocks, width=width, dark=dark), {
        "kind": "profile", "proposals": {"suspects.account_id": account_id, "suspects.name": name}}


def render_receipt(report_no: str = "JB2026030912345678", reported_at: str = "2026-03-09 09:12:30", *,
                   width: int = 1080, dark: bool = False) -> tuple[Image.Image, dict[str, Any]]:
    """The 国家反诈中心 App's 举报详情 page."""
    blocks: list[Block] = [("title", "国家反诈中心"), ("centre", "举报成功"), ("rule",), ("row", "举报编号", report_no),
                           ("row", "举报时间", reported_at), ("row", "举报类型", "网络购物诈骗"), ("row", "处理状态", "已受理")]
    return render_page(blocks, width=width, dark=dark, accent=(22, 119, 255)), {
        "kind": "filing_receipt", "report_no": report_no}
