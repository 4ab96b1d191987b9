"""Product and live-room pages: the shop, the price and the claims the seller makes there."""

from __future__ import annotations

import re

from ..records import Entity, SourceRef
from .fields import has_any, propose, row_with
from .rows import Page
from .values import money

MARKERS = ("立即购买", "加入购物车", "马上抢", "去购买", "直播间", "已售", "进店", "店铺", "领券购买", "小黄车", "购物袋")
# words of selling claims: what a buyer relies on and a 虚假宣传 complaint quotes
CLAIM_WORDS = ("正品", "保证", "假一赔", "包邮", "无理由", "专柜", "原价", "限时", "纯", "100%", "官方", "授权", "质保",
               "包退", "包换", "秒杀", "厂家直销", "特价", "羊绒", "真皮", "赔付")
_SHOP = re.compile(r"(?:店铺[:：]?\s*)?(\S{2,20}?(?:旗舰店|专卖店|专营店|小店|商店|直营店|工厂店|的店))")


def looks_like_product(page: Page) -> bool:
    return has_any(page, MARKERS) and money(page.compact) is not None and not page.compact.count("订单编号")


def read_product(page: Page, evidence_id: str | None):
    """(proposals, entities, warnings) of a product page; the claims are entities of kind `claim`."""
    shop_row = row_with(page, ("旗舰店", "专卖店", "专营店", "小店", "商店", "直营店", "工厂店", "的店"))
    shop = None
    if shop_row is not None:
        match = _SHOP.search("".join(shop_row.text.split()))
        shop = match.group(1) if match else None
    price_row = next((r for r in page.rows if money(r.text) is not None), None)
    entities: list[Entity] = []
    if price_row is not None:
        entities.append(Entity("price", f"{money(price_row.text):.2f}", SourceRef(evidence_id, None, price_row.box)))
    for row in page.rows:
        compact = "".join(row.text.split())
        if len(compact) >= 4 and any(w in compact for w in CLAIM_WORDS):
            entities.append(Entity("claim", row.text, SourceRef(evidence_id, None, row.box)))
    return propose("order.shop", shop, shop_row, evidence_id), entities, []
