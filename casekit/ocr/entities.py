"""Identifying things in free text: amounts, phones, bank cards, account ids, order numbers, URLs.

Amounts are read from the digits, never from the currency sign (Tesseract reads ¥ as Y/半/全).
Values are returned exactly as shown (masked forms like 138****5678 stay masked): evidence is
quoted, not corrected.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ..records import Entity, SourceRef

Box = tuple[int, int, int, int]  # (left, top, width, height) in original image pixels

_URL = re.compile(r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+|"
                  r"\b[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.(?:com|cn|net|org|top|cc|vip|xyz|shop|info)(?:/[A-Za-z0-9\-._~/?#=&%]*)?",
                  re.IGNORECASE)
_PHONE = re.compile(r"(?<![0-9*])1[3-9]\d(?:\*{4}|\d{4})\d{4}(?![0-9*])")
_PHONE_SPACED = re.compile(r"(?<![0-9])1[3-9]\d[ -]\d{4}[ -]\d{4}(?![0-9])")
_LANDLINE = re.compile(r"(?<![0-9])0\d{2,3}-\d{7,8}(?![0-9])")
_CARD = re.compile(r"(?<![0-9*])(?:\d{4}[ ]?){3}\d{4,7}(?![0-9])|(?<![0-9*])\d{4}[ ]?\*{2,}[ ]?(?:\*{4}[ ]?)?\d{4}(?![0-9])|"
                   r"\*{4}[ ]?\d{4}(?![0-9])")
_CARD_LABEL = re.compile(r"卡号|银行卡|账号|尾号|卡")
# 居民身份证号: area (first digit 1-8), birth date 19xx/20xx, sequence, check digit (0-9 or X)
# an 18-digit resident ID (region, birth date, sequence, check character); shared with redact.py
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[1-8]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])")
# a postal address: a province/city, then a district/county, ending at a number, room or building
POSTAL_ADDRESS = re.compile(r"[\u4e00-\u9fff]{2,9}?(?:省|自治区|市)[\u4e00-\u9fff0-9A-Za-z\-#（）()]{0,30}?(?:区|县|旗|镇|乡)"
                      r"[\u4e00-\u9fff0-9A-Za-z\-#（）()]{1,40}?(?:号|室|栋|幢|单元|弄|楼|村|组)(?:[0-9A-Za-z\-]{1,8}(?:号|室|楼))?")
_ADDRESS_LABEL = re.compile(r"^(?:收货地址|收件地址|家庭住址|联系地址|通讯地址|地址|住址|现住)[:：]?")
_ORDER = re.compile(r"(?<![0-9A-Za-z])\d{14,40}(?![0-9])")
_AMOUNT_SIGN = re.compile(r"(?:[¥￥Y半全羊]|RMB|CNY|人民币)\s*[-−]?\s*(\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)")
_AMOUNT_YUAN = re.compile(r"(?<![0-9.])(\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)\s*(?:元|块)")
_AMOUNT_DECIMAL = re.compile(r"(?<![0-9.,])(\d{1,3}(?:,\d{3})+\.\d{2}|\d{1,9}\.\d{2})(?![0-9])")
_LABELLED_ID = re.compile(
    r"(?P<label>微信号|微信|支付宝账号|支付宝|快手号|快手ID|抖音号|QQ号|QQ)\s*[:：]?\s*(?P<value>[A-Za-z0-9_\-@.]{5,40})",
    re.IGNORECASE)
_ID_KIND = {"微信号": "wechat_id", "微信": "wechat_id", "支付宝账号": "alipay_id", "支付宝": "alipay_id",
            "快手号": "kuaishou_id", "快手id": "kuaishou_id", "抖音号": "douyin_id", "qq号": "qq", "qq": "qq"}


def parse_amount(text: str) -> Decimal | None:
    """'1,280.00' → Decimal('1280.00'); None when it is not a plain number."""
    try:
        value = Decimal(text.replace(",", "").replace("，", ""))
    except (InvalidOperation, AttributeError):
        return None
    return value if value.is_finite() else None


def find_amounts(text: str) -> list[Decimal]:
    """Money amounts: after ¥ (or an OCR look-alike), before 元, or any number with two decimals."""
    found: list[Decimal] = []
    spans: list[tuple[int, int]] = []
    for pattern in (_AMOUNT_SIGN, _AMOUNT_YUAN, _AMOUNT_DECIMAL):
        for match in pattern.finditer(text):
            span = match.span(1)
            if any(a <= span[0] < b for a, b in spans):
                continue
            value = parse_amount(match.group(1))
            if value is not None:
                spans.append(span)
                found.append(value)
    return found


_JUNK_IN_NUMBER = re.compile(r"(?<=\d)[;'`‘’|]+(?=[\d,.])|(?<=[\d,])[;'`‘’|]+(?=\d)")
_SIGN_LOOKALIKE = "Y半全羊闻平丫¥￥"
_BEFORE_AMOUNT = re.compile(r"(?P<pre>[^\d\s,.])?\s*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+\.\d{2})(?![\d])")


def card_amount(text: str) -> Decimal | None:
    """The amount on a transfer card or payment screen: specks inside the number are dropped
    (`2;,600.00` → 2600.00) and a number with two decimals wins over a bare one (the card
    always shows fen, so a bare `¥2` is a misread fragment)."""
    compact = _JUNK_IN_NUMBER.sub("", "".join(text.split()))
    decimals = [parse_amount(m.group(1)) for m in _AMOUNT_DECIMAL.finditer(compact)]
    decimals = [d for d in decimals if d is not None]
    if decimals:
        return decimals[0]
    found = find_amounts(compact)
    return found[0] if found else None


def amount_warnings(text: str, card: bool = False) -> list[str]:
    """Checks that an amount may be misread: the sign before it read as another character, a
    speck inside the digits, or (on a card) no fen digits, which means the number may be cut off.
    Returned as English fragments; the caller words the warning."""
    out: list[str] = []
    compact = "".join(text.split())
    for m in _BEFORE_AMOUNT.finditer(compact):
        pre = m.group("pre")
        if pre and pre in _SIGN_LOOKALIKE and pre not in "¥￥":
            out.append(f"sign:{pre}{m.group('num')}")
    if _JUNK_IN_NUMBER.search(compact):
        out.append("speck:" + _JUNK_IN_NUMBER.sub("", compact)[:24])
    if card and not _AMOUNT_DECIMAL.search(_JUNK_IN_NUMBER.sub("", compact)):
        found = find_amounts(compact)
        if found:
            out.append(f"truncated:{found[0]}")
    return out


def extract_entities(text: str) -> list[Entity]:
    """Every entity in `text`, in order of kind then appearance, without duplicates."""
    if not text:
        return []
    out: list[Entity] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, value: str) -> None:
        key = (kind, value)
        if value and key not in seen:
            seen.add(key)
            out.append(Entity(kind, value))

    urls = [m.group(0).rstrip(".,;)，。") for m in _URL.finditer(text)]
    for url in urls:
        add("url", url)
    masked = text
    for url in urls:  # digits inside URLs are not phones or orders
        masked = masked.replace(url, " " * len(url))
    for match in _LABELLED_ID.finditer(masked):
        add(_ID_KIND.get(match.group("label").lower(), "account_id"), match.group("value"))
    taken: list[tuple[int, int]] = []
    for match in ID_NUMBER.finditer(masked):
        add("id_number", match.group(0).upper())
        taken.append(match.span())
    for match in POSTAL_ADDRESS.finditer(masked):
        add("address", _ADDRESS_LABEL.sub("", match.group(0)))
    for pattern in (_PHONE, _PHONE_SPACED, _LANDLINE):
        for match in pattern.finditer(masked):
            if any(a < match.end() and match.start() < b for a, b in taken):
                continue
            add("phone", re.sub(r"[ -]", "", match.group(0)) if pattern is _PHONE_SPACED else match.group(0))
            taken.append(match.span())
    for match in _CARD.finditer(masked):
        if any(a < match.end() and match.start() < b for a, b in taken):
            continue
        value = match.group(0).strip()
        digits = value.replace(" ", "")
        labelled = bool(_CARD_LABEL.search(masked[max(0, match.start() - 8):match.start()]))
        if digits.isdigit() and not (labelled or _luhn_ok(digits)):
            continue  # long digit runs that fail Luhn are order numbers, not cards
        add("bank_card", value)
    cards = {e.value.replace(" ", "").upper() for e in out if e.kind in ("bank_card", "id_number")}
    for match in _ORDER.finditer(masked):
        if match.group(0) not in cards:
            add("order_id", match.group(0))
    for amount in find_amounts(masked):
        add("amount", f"{amount:.2f}")
    return out


def _luhn_ok(digits: str) -> bool:
    if not 16 <= len(digits) <= 19:
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _compact(text: str) -> str:
    """Text as compared when locating a value among words: no whitespace, full-width digits and
    letters folded, upper case (OCR spacing and width vary, the characters do not)."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            ch = chr(code - 0xFEE0)
        if not ch.isspace():
            out.append(ch.upper())
    return "".join(out)


def union_box(boxes: list[Box]) -> Box:
    """The smallest box around `boxes` (left, top, width, height)."""
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    x1 = max(b[0] + b[2] for b in boxes)
    y1 = max(b[1] + b[3] for b in boxes)
    return (x0, y0, x1 - x0, y1 - y0)


def locate(value: str, words: list) -> list[Box]:
    """The boxes (original image pixels) of the OCR words that show `value`, one a text line: the
    words its characters fall on, in reading order (a value wrapped onto a second line gets a box
    on each, and the label before it on the first line stays visible). Empty when the words do not
    spell it or carry no original-image box (`Word.src`)."""
    target = _compact(value)
    if not target:
        return []
    stream, owner = [], []
    for i, w in enumerate(words):
        for ch in _compact(w.text):
            stream.append(ch)
            owner.append(i)
    at = "".join(stream).find(target)
    if at < 0:
        return []
    hit = [words[i] for i in sorted(set(owner[at:at + len(target)]))]
    if not hit or any(w.src is None for w in hit):
        return []
    lines: dict[tuple[int, int, int], list[Box]] = {}
    for w in hit:
        lines.setdefault(w.line_key, []).append(w.src)
    return [union_box(boxes) for boxes in lines.values()]


def located_entities(text: str, words: list, fallback: Box | None, evidence_id: str | None) -> list[Entity]:
    """`extract_entities(text)` with each entity's box: the words showing it (`locate`; a value
    wrapped over two lines is two entities, one box each), else `fallback` (the bubble or line it
    was read from), so whatever identifies someone can be painted out of a print copy even when the
    words do not spell it exactly."""
    ordered = sorted(words, key=lambda w: (w.block, w.par, w.line, w.left))
    out = []
    for e in extract_entities(text):
        boxes = locate(e.value, ordered) or ([fallback] if fallback else [])
        out += [Entity(e.kind, e.value, SourceRef(evidence_id, None, box)) for box in boxes] or [Entity(e.kind, e.value)]
    return out
