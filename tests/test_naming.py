"""Exhibit names of screen pages (casekit.naming.screen_name): only what the page showed."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from casekit.casemodel import SUBTYPES, EvidenceEntry
from casekit.naming import screen_name
from casekit.records import Extraction, Proposal


def entry(subtype: str, proposals: dict[str, str]) -> EvidenceEntry:
    title, purpose, steps = SUBTYPES[subtype]
    ex = Extraction("image", proposals=[Proposal(k, v) for k, v in proposals.items()])
    return EvidenceEntry("E0001", "IMG_0001.png", Path("x.png"), "0" * 64, 1, "image/png", datetime(2026, 3, 1),
                         None, None, False, None, "image", subtype, title, purpose, steps, ex)


def test_profile_page_names_the_account_the_page_shows():
    e = entry("profile_page", {"suspects.account_id": "xm_cashmere88", "suspects.name": "小美羊绒"})
    assert screen_name(e) == "对方账号主页截图（账号 xm_cashmere88，昵称“小美羊绒”）"


def test_product_page_title_is_shortened_not_cut_silently():
    e = entry("product_page", {"order.goods": "女士双面羊绒大衣 100%纯羊绒 加厚 冬季新款 高端 驼色", "order.shop": "小美羊绒旗舰店"})
    name = screen_name(e)
    assert name.startswith("商品/直播页面截图（“女士双面羊绒大衣") and "…”，店铺“小美羊绒旗舰店”）" in name


def test_refund_record_falls_back_to_the_order_number():
    assert screen_name(entry("refund_record", {"order.order_id": "2603051410558831"})) == \
        "退款/售后记录截图（订单号 2603051410558831）"
    both = {"filing.platform_request_no": "RF1", "order.order_id": "2603051410558831"}
    assert screen_name(entry("refund_record", both)) == "退款/售后记录截图（退款编号 RF1）"


def test_nothing_read_gives_no_name_and_chats_are_not_screens():
    assert screen_name(entry("order_page", {})) is None
    assert screen_name(entry("chat", {"order.order_id": "1"})) is None
