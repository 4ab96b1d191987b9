"""Chat time labels ("3月5日 下午2:10", "昨天 20:16", "星期三 上午9:05", …) → absolute datetimes.

Relative labels only mean something against a reference (the capture time of the screenshot, or
the case's incident date). When a label cannot be resolved unambiguously the answer is None: a
wrong time in a police report is worse than a missing one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo

try:
    from zoneinfo import ZoneInfo

    SHANGHAI: tzinfo = ZoneInfo("Asia/Shanghai")
except Exception:  # no tzdata on this system: China has had no DST since 1991
    SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")

WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
DAY_WORDS = {"今天": 0, "昨天": 1, "前天": 2}
PERIODS = ("凌晨", "早上", "早晨", "上午", "中午", "下午", "傍晚", "晚上", "半夜", "深夜")

_TIME = r"(?P<period>凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|半夜|深夜)?(?P<h>\d{1,2})[:：](?P<m>\d{2})(?:[:：](?P<s>\d{2}))?"
_PATTERNS = [
    ("ymd", re.compile(r"(?P<y>\d{4})年(?P<mo>\d{1,2})月(?P<d>\d{1,2})日" + f"(?: ?{_TIME})?")),
    ("ymd", re.compile(r"(?P<y>\d{4})[-/.](?P<mo>\d{1,2})[-/.](?P<d>\d{1,2})" + f"(?: ?{_TIME})?")),
    ("md", re.compile(r"(?P<mo>\d{1,2})月(?P<d>\d{1,2})日" + f"(?: ?{_TIME})?")),
    ("md", re.compile(r"(?P<mo>\d{1,2})[-/](?P<d>\d{1,2}) ?" + _TIME)),
    ("rel", re.compile(r"(?P<rel>今天|昨天|前天)" + f"(?: ?{_TIME})?")),
    ("week", re.compile(r"(?:星期|周|礼拜)(?P<wd>[一二三四五六日天])" + f"(?: ?{_TIME})?")),
    ("time", re.compile(_TIME)),
]


@dataclass(frozen=True)
class TimeLabel:
    """A parsed label before resolution: which form it has and its parts."""

    form: str  # "ymd" | "md" | "rel" | "week" | "time"
    groups: dict

    @property
    def needs_reference(self) -> bool:
        return self.form != "ymd"


def _compact(text: str) -> str:
    """Whitespace removed, except one space between a numeric date and the clock ("3-5 10:15" must
    not become a 51st day; "1 2:30" split by OCR still is 12:30)."""
    kept = re.sub(r"(?:(?<=[-/.]\d)|(?<=[-/.]\d\d))\s+(?=\d)", "\x00", text)
    return "".join(kept.split()).replace("\x00", " ")


def parse_time_label(text: str) -> TimeLabel | None:
    """Recognise a time label (whitespace optional). None when `text` is not one."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    compact = _compact(text)
    for form, pattern in _PATTERNS:
        match = pattern.fullmatch(compact)
        if match:
            return TimeLabel(form, {k: v for k, v in match.groupdict().items() if v is not None})
    return None


# OCR misreads that the structure of a label makes unambiguous (serif fonts, small grey text):
# a digit field next to 年/月/日/: holding 1-lookalikes or O, the 月 between two digit fields read
# as a similar glyph, and one stray latin character between the period word and the clock.
_ONE_LIKE = "]|lIi!"
_ZERO_LIKE = "Oo"
_FIELD = re.compile(f"(?<![A-Za-z])[0-9{re.escape(_ONE_LIKE + _ZERO_LIKE)}]{{1,5}}(?=[年月日:：/.-]|$)"
                    f"|(?<=[年月日:：/.-])[0-9{re.escape(_ONE_LIKE + _ZERO_LIKE)}]{{1,5}}")
_MONTH_LIKE = re.compile(r"(?<=\d)[朋用冃目](?=\d{1,2}日)")
_STRAY = re.compile(r"(?:(?<=凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|半夜|深夜)|(?<=[日天]))[A-Za-z|\]\[!'\"`,.](?=\d{1,2}[:：]\d{2})")


def _fix_field(field: str, whole: str, start: int) -> list[str]:
    """Readings of one digit field with lookalikes: mapped to digits first, else the lookalikes dropped."""
    if not any(ch.isdigit() for ch in field) or all(ch.isdigit() for ch in field):
        return [field]
    mapped = "".join("1" if ch in _ONE_LIKE else "0" if ch in _ZERO_LIKE else ch for ch in field)
    dropped = "".join(ch for ch in field if ch.isdigit())
    return [mapped, dropped] if dropped else [mapped]


def _plausible(label: TimeLabel) -> bool:
    g = label.groups
    checks = (("mo", 1, 12), ("d", 1, 31), ("h", 0, 23), ("m", 0, 59), ("y", 1990, 2100))
    return all(lo <= int(g[k]) <= hi for k, lo, hi in checks if k in g)


def repair_time_label(text: str) -> str | None:
    """The label an OCR misread stands for, when its structure makes it unambiguous, else None.

    `12朋24日 14:02` → `12月24日 14:02`, `2025年1]月18日` → `2025年11月18日`, `2025年11]月` →
    `2025年11月` (a digit field maps its 1/0-lookalikes to digits; only when that gives an impossible
    month, day or time are they dropped instead), `晚上F20:03` → `晚上20:03`. Text that already is
    a label, or that has no such structure, gives None."""
    if not isinstance(text, str) or len(text) > 40 or is_time_label(text):
        return None
    compact = _MONTH_LIKE.sub("月", _compact(text))
    compact = _STRAY.sub("", compact)
    fields = list(_FIELD.finditer(compact))
    options: list[str] = [compact]
    for m in reversed(fields):  # right to left keeps the earlier offsets valid
        alts = _fix_field(m.group(), compact, m.start())
        if alts == [m.group()]:
            continue
        options = [o[: m.start()] + a + o[m.end():] for o in options for a in alts]
    for candidate in options:  # mapped readings come first
        label = parse_time_label(candidate)
        if label is not None and _plausible(label):
            return candidate if candidate != _compact(text) else None
    return None


def is_time_label(text: str) -> bool:
    """True when `text` reads as a chat time label."""
    return parse_time_label(text) is not None


def _clock(groups: dict) -> time | None:
    if "h" not in groups:
        return time(0, 0)
    hour, minute, second = int(groups["h"]), int(groups["m"]), int(groups.get("s", 0))
    period = groups.get("period")
    if hour > 23 or minute > 59 or second > 59:
        return None
    if period in ("下午", "傍晚", "晚上") and hour < 12:
        hour += 12
    elif period == "中午" and hour < 6:
        hour += 12
    elif period in ("凌晨", "半夜", "深夜") and hour == 12:
        hour = 0
    elif period in ("凌晨", "早上", "早晨", "上午") and hour > 12:
        return None  # "上午15:00" contradicts itself
    if period in ("半夜", "深夜") and 6 <= hour < 12:
        hour += 12
    return time(hour, minute, second)


def _reference_date(reference: datetime) -> date:
    if reference.tzinfo is None:
        reference = reference.replace(tzinfo=SHANGHAI)
    return reference.astimezone(SHANGHAI).date()


def resolve_time_label(text: str, reference: datetime | None, *, bounded: bool = True,
                       latest: datetime | None = None) -> datetime | None:
    """The absolute time a label names, tz-aware (Asia/Shanghai), or None.

    `reference` is when the screenshot was taken (or the best stand-in); labels without a full
    date need it. A naive reference is taken as Asia/Shanghai time. Never raises.

    `bounded` says the reference is the capture time, so nothing shown on the screen can come
    after it. A stand-in reference (the incident date) is not a bound: a "3月9日" with an incident
    on 2026-03-05 is 2026-03-09, the date nearest the reference. `latest` (the file's time, when
    known) is a bound in either case: the year never puts a date after it."""
    try:
        return _resolve(text, reference, bounded, latest)
    except (ValueError, OverflowError, TypeError, AttributeError):
        return None


def infer_year(month: int, dom: int, reference: date, *, bounded: bool = True, latest: date | None = None) -> date | None:
    """The date of a year-less "M月D日": the year that puts it nearest `reference`, never after
    `reference` (+1 day of clock slack) when the reference is a capture time (`bounded`), and never
    after `latest`. None when no year fits (29 Feb in no nearby leap year, or every candidate bound out)."""
    limit = reference + timedelta(days=1) if bounded else None
    if latest is not None:
        limit = min(limit, latest + timedelta(days=1)) if limit else latest + timedelta(days=1)
    candidates = []
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            day = date(year, month, dom)
        except ValueError:
            continue
        if limit is None or day <= limit:
            candidates.append(day)
    if not candidates:
        return None
    return min(candidates, key=lambda d: (abs((d - reference).days), -d.toordinal()))


def _resolve(text: str, reference: datetime | None, bounded: bool = True, latest: datetime | None = None) -> datetime | None:
    label = parse_time_label(text)
    if label is None:
        return None
    g = label.groups
    clock = _clock(g)
    if clock is None:
        return None
    if label.form == "ymd":
        day = date(int(g["y"]), int(g["mo"]), int(g["d"]))
        if day.year < 1990:
            return None
        return datetime.combine(day, clock, SHANGHAI)
    if reference is None or (not bounded and label.form != "md"):
        return None  # 昨天 / 星期三 / a bare clock only mean something against a capture time
    today = _reference_date(reference)
    if label.form == "md":
        # "12月30日" seen on 1月2日 means last year; "3月9日" near an incident on 3月5日 is that year
        found = infer_year(int(g["mo"]), int(g["d"]), today, bounded=bounded,
                           latest=_reference_date(latest) if latest is not None else None)
        if found is None:
            return None
        day = found
    elif label.form == "rel":
        day = today - timedelta(days=DAY_WORDS[g["rel"]])
    elif label.form == "week":
        back = (today.weekday() - WEEKDAYS[g["wd"]]) % 7 or 7
        day = today - timedelta(days=back)
    else:  # a bare clock time: today
        day = today
    return datetime.combine(day, clock, SHANGHAI)
