"""Order-detail pages (快手小店, 抖音, 淘宝, 拼多多, 京东): the facts case.toml's [order] asks for."""

from __future__ import annotations

import re

from ..records import Message, SourceRef
from .fields import entity, fields_of, propose
from .rows import Page, Row
from .values import iso, money, parse_datetime, reference_no

TITLES = ("订单详情", "订单信息", "交易成功", "待发货", "待收货", "已签收", "已完成", "等待卖家发货", "卖家已发货")
LABELS: dict[str, str] = {
    "订单编号": "order_id", "订单号": "order_id", "订单号码": "order_id", "父订单编号": "order_id",
    "商品": "goods", "商品名称": "goods", "宝贝": "goods",
    "规格": "spec", "商品规格": "spec", "颜色分类": "spec", "型号": "spec",
    "数量": "quantity",
    "商品总价": "subtotal", "商品金额": "subtotal", "商品总额": "subtotal", "商品小计": "subtotal",
    "优惠": "discount", "店铺优惠": "discount", "平台优惠": "discount", "优惠券": "discount", "商品优惠": "discount",
    "运费": "shipping",
    "实付款": "paid", "实付": "paid", "实付金额": "paid", "需付款": "paid", "实付款金额": "paid", "订单金额": "paid",
    "下单时间": "ordered_at", "创建时间": "ordered_at", "成交时间": "ordered_at", "订单创建时间": "ordered_at",
    "付款时间": "paid_at", "支付时间": "paid_at",
    "店铺": "shop", "店铺名称": "shop", "商家": "shop", "卖家": "shop", "商家名称": "shop",
    "物流公司": "carrier", "快递公司": "carrier", "承运公司": "carrier", "配送方式": "carrier",
    "运单号": "waybill", "快递单号": "waybill", "物流单号": "waybill", "运单编号": "waybill",
    "签收时间": "signed_at", "发货时间": "shipped_at",
    "支付方式": "payment_method", "付款方式": "payment_method",
}
_SHOP_TAIL = re.compile(r"(旗舰店|专卖店|专营店|小店|商店|店铺|的店|工厂店|直营店|[^\d]店)\s*[>›〉]?$")
# "x1" after the price (Tesseract reads the 1 as l now and then), 共1件, 数量 1
_QUANTITY = re.compile(r"(?<=[\d\s])[x×X]\s*([\dlI|]{1,3})$|共\s*(\d{1,3})\s*件|数量\s*[:：]?\s*(\d{1,3})")


def looks_like_order(page: Page) -> bool:
    found = set(fields_of(page, LABELS))
    return "order_id" in found and bool(found & {"paid", "ordered_at", "subtotal", "waybill"})


def _shop_row(page: Page, fields: dict[str, Row]) -> Row | None:
    if "shop" in fields:
        return fields["shop"]
    for row in page.rows:
        if not row.label and _SHOP_TAIL.search(row.text) and len(row.text) <= 30:
            return row
    return None


def _goods_row(page: Page, fields: dict[str, Row], shop: Row | None) -> Row | None:
    """The item's title: its label, else the first plain text line under the shop's name."""
    if "goods" in fields:
        return fields["goods"]
    if shop is None:
        return None
    start = page.rows.index(shop) + 1 if shop in page.rows else 0
    for row in page.rows[start:]:
        if row.label:
            break
        text = "".join(row.text.split())
        if sum(ord(ch) > 0x3000 for ch in text) >= 4 and money(text) is None:
            return row
    return None


def read_order(page: Page, evidence_id: str | None):
    """(proposals, entities, warnings, messages) of an order page; `messages` holds the 签收
    (delivery) as a timeline notice when the page shows its time."""
    fields = fields_of(page, LABELS)
    shop = _shop_row(page, fields)
    goods = _goods_row(page, fields, shop)
    order_id = reference_no(fields["order_id"].value) if "order_id" in fields else None
    paid = money(fields["paid"].value) if "paid" in fields else None
    when_row = fields.get("ordered_at") or fields.get("paid_at")
    when = parse_datetime(when_row.value) if when_row else None
    shop_name = re.sub(r"\s*[>›〉]$", "", shop.value if shop and shop.label else shop.text) if shop else None
    quantity = None
    for row in ([fields["quantity"]] if "quantity" in fields else []) + page.rows:
        match = _QUANTITY.search(row.value if row.label == "数量" else row.text)
        if match:
            found = next(g for g in match.groups() if g)
            # "xl1": a stroke of the x read as l before the digit; a lone l is the digit 1
            found = re.sub(r"^[lI|]+(?=\d)", "", found)
            quantity = found.translate(str.maketrans("lI|", "111"))
            break
    proposals = (propose("order.order_id", order_id, fields.get("order_id"), evidence_id)
                 + propose("order.goods", goods.value if goods and goods.label else (goods.text if goods else None),
                           goods, evidence_id)
                 + propose("order.amount", f"{paid:.2f}" if paid is not None else None, fields.get("paid"), evidence_id)
                 + propose("order.ordered_at", iso(when) if when else None, when_row, evidence_id)
                 + propose("order.shop", shop_name, shop, evidence_id)
                 + propose("order.quantity", quantity, None, evidence_id)
                 + propose("order.payment_method", fields["payment_method"].value if "payment_method" in fields else None,
                           fields.get("payment_method"), evidence_id))
    entities = entity("order_id", order_id, fields.get("order_id"), evidence_id)
    if "waybill" in fields:
        entities += entity("waybill", reference_no(fields["waybill"].value), fields["waybill"], evidence_id)
    signed_row = fields.get("signed_at")
    signed = parse_datetime(signed_row.value) if signed_row else None
    messages = []
    if signed is not None:
        # a 签收时间 on the order page: the goods were delivered (signed for), and when
        proposals += propose("story.delivered", "true", signed_row, evidence_id)
        via = "，".join(x for x in (fields["carrier"].value if "carrier" in fields else None,
                                   f"运单号 {reference_no(fields['waybill'].value)}" if "waybill" in fields else None) if x)
        messages.append(Message("system", f"已签收（{via}）" if via else "已签收", kind="notice", time=signed,
                                source=SourceRef(evidence_id, None, signed_row.box)))
    warnings = []
    if order_id is None:
        warnings.append(("订单页面中未读到订单编号，请人工核对", "no order number read on the order page; check by hand"))
    return proposals, entities, warnings, messages
