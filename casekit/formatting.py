"""How amounts (also in words, 人民币大写), dates, masked numbers and nested brackets are written in casekit's Chinese output (packets, the CLI):
¥1,280.00, 2026年3月5日 14:10 in China time, ****5678. Beneath both the printer (render/) and the
commands, so neither depends on the other for it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from .facts import CST
from .numerals import FINANCIAL, spell_section


def money(value: Decimal | int | str | None, sign: bool = True) -> str:
    """¥1,280.00 — two decimals, thousands separators."""
    if value is None or value == "":
        return "—"
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    text = f"{amount:,.2f}"
    return f"¥{text}" if sign else text


def date_zh(value: datetime | date | None, with_time: bool = True) -> str:
    """2026年3月5日 14:10 (China time)."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        local = value.astimezone(CST) if value.tzinfo else value
        text = f"{local.year}年{local.month}月{local.day}日"
        return f"{text} {local:%H:%M}" if with_time else text
    return f"{value.year}年{value.month}月{value.day}日"


def mask(value: str | None, keep_start: int = 0, keep_end: int = 4) -> str:
    """Mask all but the first `keep_start` and last `keep_end` characters."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[len(value) - keep_end:]


_DIGITS = FINANCIAL[0]


def _section(n: int) -> str:
    return spell_section(n, *FINANCIAL)


def rmb_upper(amount: Decimal) -> str:
    """人民币大写, e.g. 1280.00 → 壹仟贰佰捌拾元整, 10005.5 → 壹万零伍元伍角."""
    amount = Decimal(amount).quantize(Decimal("0.01"))
    if amount < 0:
        return "负" + rmb_upper(-amount)
    yuan, cents = divmod(int(amount * 100), 100)
    jiao, fen = divmod(cents, 10)
    groups = []
    n = yuan
    while n:
        groups.append(n % 10000)
        n //= 10000
    text, pending = "", False
    for i in reversed(range(len(groups))):
        g = groups[i]
        if g == 0:
            pending = bool(text)
            continue
        if text and (pending or g < 1000):
            text += "零"
        text += _section(g) + ("", "万", "亿", "万亿")[i]
        pending = False
    text = (text or "零") + "元"
    if not cents:
        return text + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif yuan:
        text += "零"
    return text + (_DIGITS[fen] + "分" if fen else "整")


_OPEN, _CLOSE = "（(", "）)"


def unnest(text: str) -> str:
    """Brackets inside brackets become 〔〕 (对方（小美好物旗舰店(客服)） → 对方（小美好物旗舰店〔客服〕）):
    nested round brackets read as a typo in a filing."""
    if not text or not any(c in text for c in _OPEN):
        return text
    out, depth = [], 0
    for ch in text:
        if ch in _OPEN:
            depth += 1
            out.append("〔" if depth > 1 else ch)
        elif ch in _CLOSE and depth:
            out.append("〕" if depth > 1 else ch)
            depth -= 1
        else:
            out.append(ch)
    return "".join(out)
