"""How amounts, dates and masked numbers are written in casekit's Chinese output (packets, the CLI):
¥1,280.00, 2026年3月5日 14:10 in China time, ****5678. Beneath both the printer (render/) and the
commands, so neither depends on the other for it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from .facts import CST


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
