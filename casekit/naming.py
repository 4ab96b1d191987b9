"""Exhibit names a reader can use (证据名称): what the item is, in which app, with whom.

"与快手用户“小美客服”的聊天记录" instead of "聊天记录截图（Screenshot_20260305-141200_com.smi…）":
a file name says nothing to a clerk and breaks mid-word on the page. Only what was read from the
item or given in case.toml goes into a name; what is not known is left out, never guessed (an
app is named only when the counterpart is a suspect's account on the case's platform).
"""

from __future__ import annotations

import re
from collections import Counter

from .casemodel import SUBTYPES, EvidenceEntry
from .facts import Facts
from .formatting import date_zh, money
from .matching import normalize

# importer name (casekit/importers/bill_*.py) → whose bill it is
BILL_SOURCES = {"alipay": "支付宝", "wechat": "微信支付", "icbc": "工商银行", "ccb": "建设银行", "cmb": "招商银行",
                "citic": "中信银行", "spdb": "浦发银行"}
APP_ID_NAMES = {"快手": "快手号", "抖音": "抖音号", "微信": "微信号"}
_LATIN_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_\-.]{3,39}$")


def _counterpart(e: EvidenceEntry) -> str | None:
    """The name the chat shows for the other side (its title, or the names beside their bubbles)."""
    ex = e.extraction
    if ex is None:
        return None
    names = Counter(m.name for m in ex.messages if m.speaker == "them" and m.name)
    return names.most_common(1)[0][0] if names else None


def _suspect_for(name: str, facts: Facts):
    key = normalize(name)
    for s in facts.suspects:
        for value in (s.platform_account, s.name, s.account_id, s.shop):
            if value and normalize(value) == key:
                return s
    return None


def chat_name(e: EvidenceEntry, facts: Facts) -> str:
    """与快手号 ks_xxx（小美客服）的聊天记录 / 与“小美客服”的聊天记录 / 聊天记录."""
    name = _counterpart(e)
    if not name:
        return "聊天记录"
    suspect = _suspect_for(name, facts)
    platform = facts.case.platform if facts.case.platform and facts.case.platform != "其他" else ""
    if suspect is not None and platform:
        label = APP_ID_NAMES.get(platform, f"{platform}账号")
        if suspect.account_id and normalize(suspect.account_id) != normalize(name):
            return f"与{label} {suspect.account_id}（{name}）的聊天记录"
        if _LATIN_ID.match(name):
            return f"与{label} {name} 的聊天记录"
        return f"与{platform}用户“{name}”的聊天记录"
    return f"与“{name}”的聊天记录"


def payment_name(e: EvidenceEntry) -> str:
    """付款凭证：向 张三丰 付款 ¥1,280.00."""
    ex = e.extraction
    txn = next((t for t in ex.transactions), None) if ex else None
    if txn is None:
        return "付款凭证"
    verb = "退款凭证：收到" if txn.is_refund or txn.direction == "in" else "付款凭证：向"
    who = f" {txn.counterparty} " if txn.counterparty else ""
    tail = "的退款 " if verb.startswith("退款") else "付款 "
    return f"{verb}{who}{tail}{money(txn.amount)}".replace("  ", " ")


def bill_name(e: EvidenceEntry) -> str:
    """支付宝账单明细（2026年3月1日—3月20日）."""
    ex = e.extraction
    source = BILL_SOURCES.get(ex.importer or "", "") if ex else ""
    title = f"{source}账单明细" if source else "支付账单明细"
    times = sorted(t.time for t in (ex.transactions if ex else []) if t.time)
    if times:
        first, last = date_zh(times[0], with_time=False), date_zh(times[-1], with_time=False)
        title += f"（{first}）" if first == last else f"（{first}至{last}）"
    return title


def _read(e: EvidenceEntry) -> dict[str, str]:
    """The values a screen of this item showed (its fact proposals), by case.toml field."""
    ex = e.extraction
    out: dict[str, str] = {}
    for p in ex.proposals if ex else []:
        out.setdefault(p.field, p.value)
    return out


def _quoted(value: str, limit: int = 24) -> str:
    value = " ".join(value.split())
    return f"“{value if len(value) <= limit else value[:limit - 1] + '…'}”"


# per screen kind, what of the page goes into its name: (case.toml field, how it is shown); a
# field after a "|" is shown only when the one before it was not on the page
_SCREEN_PARTS: dict[str, list[tuple[str, str]]] = {
    "order_page": [("order.order_id", "订单号 {}"), ("order.goods", "商品{q}"), ("order.shop", "店铺{q}")],
    "refund_record": [("filing.platform_request_no|order.order_id", "退款编号 {}|订单号 {}")],
    "product_page": [("order.goods", "{q}"), ("order.shop", "店铺{q}")],
    "shop_page": [("order.goods", "{q}"), ("order.shop", "店铺{q}")],
    "profile_page": [("suspects.account_id", "账号 {}"), ("suspects.name", "昵称{q}")],
}


def screen_name(e: EvidenceEntry) -> str | None:
    """订单页面截图（订单号 …，商品“…”，店铺“…”） / 退款/售后记录截图（退款编号 …） / 商品/直播页面
    截图（“…”，店铺“…”） / 对方账号主页截图（账号 …）: what the page itself showed, nothing more;
    None when it showed none of it (the kind's default name is used)."""
    wanted = _SCREEN_PARTS.get(e.subtype)
    if wanted is None:
        return None
    seen = _read(e)
    parts: list[str] = []
    for fields, shapes in wanted:
        for fld, shape in zip(fields.split("|"), shapes.split("|")):
            if seen.get(fld):
                parts.append(shape.format(seen[fld], q=_quoted(seen[fld])))
                break
    return f"{SUBTYPES[e.subtype][0]}（{'，'.join(parts)}）" if parts else None


def exhibit_name(e: EvidenceEntry, facts: Facts) -> str:
    """The 证据名称 of one item: the user's own name for it (case.toml [evidence.Exxxx] name), else
    made from its kind, app and counterpart; a capture date tells apart items of the same kind."""
    note = facts.evidence.get(e.id)
    if note and note.name:
        return note.name
    if e.subtype == "chat":
        name = chat_name(e, facts)
    elif e.subtype == "payment_voucher":
        name = payment_name(e)
    elif e.subtype == "bill":
        return bill_name(e)
    else:
        name = screen_name(e) or SUBTYPES.get(e.subtype, SUBTYPES["other"])[0]
    if e.capture_time:
        # one bracket only: a name that already ends in its details takes the date inside them
        taken = f"{date_zh(e.capture_time)} 截取"
        name = f"{name[:-1]}，{taken}）" if name.endswith("）") else f"{name}（{taken}）"
    return name
