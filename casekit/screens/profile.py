"""Seller profile pages: the account id that does not change (快手号 / 抖音号 / 微信号 …)."""

from __future__ import annotations

import re

from .fields import entity, propose
from .rows import Page

ID_LABELS = {"快手号": "kuaishou_id", "抖音号": "douyin_id", "微信号": "wechat_id", "小红书号": "xiaohongshu_id",
             "淘宝号": "taobao_id", "拼多多号": "pinduoduo_id", "视频号": "channels_id", "QQ号": "qq_id"}
MARKERS = ("粉丝", "关注", "获赞", "作品", "主页", "私信", "添加到通讯录", "发消息")
# a digit 0 touching a letter: 0 and o are the one pair every engine confuses inside ids
_ZERO_BY_LETTER = re.compile(r"[A-Za-z]0|0[A-Za-z]")
_ID = re.compile(r"(快手号|抖音号|微信号|小红书号|淘宝号|拼多多号|视频号|QQ号)\s*[:：]?\s*([A-Za-z0-9_\-.]{3,40})")


def _ids(page: Page):
    for row in page.rows:
        match = _ID.search("".join(row.text.split()))
        if match:
            yield row, match.group(1), match.group(2)


def looks_like_profile(page: Page) -> bool:
    return any(True for _ in _ids(page)) and any(m in page.compact for m in MARKERS)


def read_profile(page: Page, evidence_id: str | None):
    """(proposals, entities, warnings): the id as `suspects.account_id`, the nickname above it as
    `suspects.name` (the first [[suspects]] block)."""
    found = list(_ids(page))
    row, label, value = found[0]
    proposals = propose("suspects.account_id", value, row, evidence_id)
    warnings = []
    if _ZERO_BY_LETTER.search(value):
        proposals[0].unsure = True
        warnings.append((f"suspects.account_id「{value}」中数字 0 与字母 o 容易认错，接受前请对照截图核对",
                         f"suspects.account_id '{value}': the digit 0 and the letter o are easily confused; check "
                         "it against the screenshot before accepting"))
    at = page.rows.index(row)
    above = [r for r in page.rows[max(0, at - 2):at] if not r.label and 1 < len(r.text) <= 24]
    if above:
        proposals += propose("suspects.name", above[-1].text, above[-1], evidence_id)
    entities = [e for r, lab, v in found for e in entity(ID_LABELS[lab], v, r, evidence_id)]
    return proposals, entities, warnings
