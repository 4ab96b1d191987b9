"""Values as detail pages print them: times, money, reference numbers, countdowns."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal

from ..ocr.entities import card_amount
from ..ocr.timelabels import SHANGHAI

_DATETIME = re.compile(r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?\s*(\d{1,2})\s*[:：]\s*(\d{2})(?:\s*[:：]\s*(\d{2}))?")
_DATE = re.compile(r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})")
_COUNTDOWN = re.compile(r"(?:(\d{1,3})\s*天)?\s*(?:(\d{1,2})\s*(?:小时|时))?\s*(?:(\d{1,2})\s*分(?:钟)?)?")
_REFERENCE = re.compile(r"[0-9A-Za-z][0-9A-Za-z\-_]{5,}")
# OCR turns the digit 0 and 1 of long numbers into letters now and then; only inside digit runs
_DIGIT_LOOKALIKE = re.compile(r"(?<=\d)[OoDlI|](?=\d)")
_AS_DIGIT = {"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1"}


def parse_datetime(text: str) -> datetime | None:
    """'2026-03-05 14:10:22' (or 2026年3月5日 14:10) → tz-aware datetime; None if absent/invalid."""
    match = _DATETIME.search(text or "")
    if not match:
        return None
    y, mo, d, h, mi, s = (int(g) if g else 0 for g in match.groups())
    try:
        return datetime(y, mo, d, h, mi, s, tzinfo=SHANGHAI)
    except ValueError:
        return None


def parse_day(text: str) -> datetime | None:
    """A date with or without a time of day (midnight when none)."""
    found = parse_datetime(text)
    if found is not None:
        return found
    match = _DATE.search(text or "")
    if not match:
        return None
    try:
        return datetime(*(int(g) for g in match.groups()), tzinfo=SHANGHAI)
    except ValueError:
        return None


_DOTTED_THOUSANDS = re.compile(r"(?<![\d.,])(\d{1,3})((?:[.,]\d{3})+)\.(\d{2})(?![\d])")
_PHONE_MASK = re.compile(r"^(1[3-9]\d)(\*{1,7})(\d{4})$")


def money(text: str) -> Decimal | None:
    """The amount a row shows (¥1,280.00, -1280.00, 1280.00元); never negative. A thousands
    comma read as a dot (1.280.00) is still a thousands separator: two decimals end the number."""
    text = _DOTTED_THOUSANDS.sub(lambda m: m.group(1) + m.group(2).replace(".", ",") + "." + m.group(3), text or "")
    found = card_amount(text)
    return abs(found) if found is not None else None


def reference_no(text: str) -> str | None:
    """An order / refund / serial number as printed: the longest run of letters and digits,
    quotes, spaces and the 复制 button text left out (an Alipay 订单号 followed by a stray ”)."""
    compact = "".join((text or "").split())
    runs = _REFERENCE.findall(compact)
    if not runs:
        return None
    best = max(runs, key=len)
    return _DIGIT_LOOKALIKE.sub(lambda m: _AS_DIGIT[m.group(0)], best)


def phone_mask(value: str) -> tuple[str, bool]:
    """A masked phone number as apps print it, 3 digits, four stars, 4 digits: a star dropped
    or doubled by OCR (138***6621) is put back. (value, whether it was repaired)."""
    match = _PHONE_MASK.match(value)
    if match and len(match.group(2)) != 4:
        return f"{match.group(1)}****{match.group(3)}", True
    return value, False


def countdown(text: str) -> timedelta | None:
    """'6天23时' / '2天3小时15分' / '23小时59分' before 内… → the time left; None without one."""
    compact = "".join((text or "").split())
    for match in _COUNTDOWN.finditer(compact):
        days, hours, minutes = match.groups()
        if not (days or hours or minutes):
            continue
        if not days and not hours:
            continue  # "5分" alone is too weak (scores, ratings)
        return timedelta(days=int(days or 0), hours=int(hours or 0), minutes=int(minutes or 0))
    return None


def iso(when: datetime) -> str:
    """ISO 8601 as case.toml takes it, without seconds when they are zero."""
    if when.second == 0:
        return when.isoformat(timespec="minutes")
    return when.isoformat(timespec="seconds")
