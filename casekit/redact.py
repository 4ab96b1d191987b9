"""What each recipient may read: masking in text and painting in exhibit images (DESIGN §6).

The police copy is complete. The platform copy (the merchant's side may see it) and the
consumer copy (12315 forwards complaints to the merchant for mediation) mask 居民身份证号,
bank-card numbers and the victim's own phone number and address — in the facts, transcripts,
captions, timeline and filing text (`Redactor.text`) and in the exhibit images
(`plan_image` + `redacted_print`: boxes from OCR painted on a copy made at render time; the
originals never change). One set of rules decides both, so a value masked in a transcript is
also painted in the picture it was read from; a sensitive value read from a picture whose place
in it is not known withholds the picture from that copy (never printed by accident).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from PIL import Image, ImageDraw

from .ocr.entities import ID_NUMBER, POSTAL_ADDRESS
from .records import Extraction

REDACTING = ("platform", "consumer")  # recipients whose copies are masked
REDACT_VERSION = "r1"  # bump when the painting below changes (cache key of redacted copies)

Box = tuple[int, int, int, int]  # (left, top, width, height)

KIND_NAMES = {"id_number": "身份证号", "bank_card": "银行卡号", "phone": "本人手机号", "address": "本人住址"}

# 12–19 digits, optionally in groups of four separated by single spaces or dashes
_DIGIT_RUN = re.compile(r"(?<![0-9A-Za-z*])\d(?:[ -]?\d){11,18}(?![0-9A-Za-z])")
_CARD_PREFIX = re.compile(r"^(?:62|4\d|5[1-5]|3[47]|9\d)")
_ORDER_LABEL = re.compile(r"(?:订单|单号|交易号|流水号|编号|运单)[:：\s]*$")
_CARD_LABEL = re.compile(r"(?:卡号|银行卡|储蓄卡|信用卡|借记卡|账号|帐号|卡)[:：\s]*$")
_PHONE = re.compile(r"(?<![0-9])1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?![0-9])")
_DISTRICT = re.compile(r"^.*?(?:区|县|旗)")
# letters OCR reads in place of digits; numbers are looked for in a copy with them folded (same length)
_CONFUSABLE = str.maketrans("IlOo|", "11001")


def luhn_ok(digits: str) -> bool:
    """The check digit of a bank-card number (ISO/IEC 7812) holds."""
    if not digits.isdigit() or not 12 <= len(digits) <= 19:
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _compact(text: str) -> str:
    return "".join(text.split())


def mask_id(value: str) -> str:
    """110101199001011234 → 1101**********1234."""
    core = _compact(value)
    return core[:4] + "*" * (len(core) - 8) + core[-4:] if len(core) > 8 else "*" * len(core)


def mask_card(value: str) -> str:
    """6217001234567890125 → 6217***********0125 (the last four say which card it was)."""
    core = _digits(value)
    return core[:4] + "*" * (len(core) - 8) + core[-4:] if len(core) > 8 else "*" * len(core)


def mask_phone(value: str) -> str:
    """13900001111 → 139****1111, as the apps themselves show it."""
    core = _digits(value)
    return core[:3] + "****" + core[-4:] if len(core) == 11 else "*" * len(core)


def mask_address(value: str) -> str:
    """北京市东城区某某街道1号 → 北京市东城区****: the district says which regulator; the rest is private."""
    m = _DISTRICT.match(value)
    return (m.group(0) if m and len(m.group(0)) < len(value) else "") + "****"


def _near(a: str, b: str, slack: int = 2) -> bool:
    """Same length and at most `slack` characters differ: an OCR misreading of a known number."""
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b)) <= slack


@dataclass(frozen=True)
class Finding:
    """One sensitive value in a text: where, what kind, and what the copy prints instead."""

    start: int
    end: int
    kind: str
    masked: str

    def value(self, text: str) -> str:
        return text[self.start:self.end]


class Redactor:
    """Masks, for one recipient, what that recipient may not read.

    `victim_*`: the victim's own identifiers from case.toml (matched also when OCR misread up to two
    digits); `known_cards`: full card/account numbers known from the facts (the suspects' payment
    accounts, say); `keep`: numbers that are evidence the recipient needs (order and transaction
    numbers), never masked even when they look like a card number. A text the victim wrote
    (`mine=True`: her own chat bubbles) also has any phone number and address in it masked: what she
    sends is most likely her own."""

    def __init__(self, recipient: str, *, victim_id: str = "", victim_phone: str = "", victim_address: str = "",
                 known_cards: Iterable[str] = (), keep: Iterable[str] = ()) -> None:
        self.recipient = recipient
        self.active = recipient in REDACTING
        self.victim_id = _compact(victim_id).upper()
        self.victim_phone = _digits(victim_phone)
        self.victim_address = victim_address.strip()
        self.known_cards = {d for d in (_digits(c) for c in known_cards if "*" not in c) if len(d) >= 12}
        self.keep = {_digits(k) for k in keep if k and len(_digits(k)) >= 8}

    # -- text --------------------------------------------------------------------------------
    def findings(self, text: str | None, mine: bool = False) -> list[Finding]:
        """The sensitive values in `text`, left to right, not overlapping."""
        if not self.active or not text:
            return []
        found: list[Finding] = []

        def free(a: int, b: int) -> bool:
            return not any(f.start < b and a < f.end for f in found)

        if self.victim_address and len(self.victim_address) >= 6:
            start = 0
            while (at := text.find(self.victim_address, start)) >= 0:
                found.append(Finding(at, at + len(self.victim_address), "address", mask_address(self.victim_address)))
                start = at + len(self.victim_address)
        folded = text.translate(_CONFUSABLE)
        for m in ID_NUMBER.finditer(folded):
            if free(*m.span()):
                found.append(Finding(m.start(), m.end(), "id_number", mask_id(m.group(0))))
        for m in _DIGIT_RUN.finditer(folded):
            if not free(*m.span()):
                continue
            digits = _digits(m.group(0))
            if digits in self.keep:
                continue
            before = text[max(0, m.start() - 8):m.start()]
            labelled, order = bool(_CARD_LABEL.search(before)), bool(_ORDER_LABEL.search(before))
            if len(self.victim_id) == 18 and len(digits) in (17, 18) and _near(digits[:17], self.victim_id[:17]):
                found.append(Finding(m.start(), m.end(), "id_number", mask_id(digits)))
            elif digits in self.known_cards or any(_near(digits, c) for c in self.known_cards) or \
                    (not order and (labelled or (len(digits) >= 15 and luhn_ok(digits) and _CARD_PREFIX.match(digits))
                                    or (mine and len(digits) >= 15))):
                # an unlabelled number counts as a card by its issuer prefix and check digit together (an
                # order number passes either alone often enough); one labelled as an order never does
                found.append(Finding(m.start(), m.end(), "bank_card", mask_card(digits)))
        for m in _PHONE.finditer(folded):
            if not free(*m.span()):
                continue
            digits = _digits(m.group(0))
            if (self.victim_phone and _near(digits, self.victim_phone, 1)) or mine:
                found.append(Finding(m.start(), m.end(), "phone", mask_phone(digits)))
        if self.victim_phone and len(self.victim_phone) >= 7:
            start = 0
            while (at := text.find(self.victim_phone, start)) >= 0:
                start = at + len(self.victim_phone)
                if free(at, start):
                    found.append(Finding(at, start, "phone", mask_phone(self.victim_phone)))
        if mine:
            for m in POSTAL_ADDRESS.finditer(text):
                if free(*m.span()):
                    found.append(Finding(m.start(), m.end(), "address", mask_address(m.group(0))))
        return sorted(found, key=lambda f: f.start)

    def text(self, value: str | None, mine: bool = False) -> str:
        """`value` as this recipient's copy prints it."""
        if not value:
            return ""
        out, at = [], 0
        for f in self.findings(value, mine):
            out.append(value[at:f.start])
            out.append(f.masked)
            at = f.end
        out.append(value[at:])
        return "".join(out)

    def id_number(self, value: str) -> str:
        return mask_id(value) if self.active and value else value

    def phone(self, value: str) -> str:
        """The victim's own phone (a field of the filing)."""
        return mask_phone(value) if self.active and value else value

    def address(self, value: str) -> str:
        """The victim's own address (a field of the filing)."""
        return mask_address(value) if self.active and value else value

    def account(self, value: str | None) -> str:
        """A payment account: a full card/account number of 12 or more digits is masked."""
        if not value:
            return ""
        digits = value.replace(" ", "")
        if self.active and "*" not in digits and digits.isdigit() and len(digits) >= 12 and digits not in self.keep:
            return mask_card(digits)
        return value


# -- images ------------------------------------------------------------------------------------
@dataclass
class ImagePlan:
    """What to paint on one exhibit image for one recipient. `withheld`: a sensitive value was read
    from the image but where it is shown is not known, so the copy leaves the image out."""

    boxes: list[Box] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # entity kinds painted (for the captions)
    withheld: bool = False

    @property
    def painted(self) -> bool:
        return bool(self.boxes) and not self.withheld

    def describe(self) -> str:
        """"身份证号、银行卡号" — what the copy hides, in the order of KIND_NAMES."""
        return "、".join(KIND_NAMES[k] for k in KIND_NAMES if k in self.kinds)

    def flag(self) -> str:
        """The 证据清单's word on what this copy of an exhibit hides (empty when nothing)."""
        if self.withheld:
            return f"本副本不附此图（含{self.describe() or '个人信息'}）"
        return f"图中已遮盖{self.describe()}" if self.painted else ""

    def note(self) -> str:
        """The exhibit page's note above the transcript on what this copy hides."""
        if self.withheld:
            return (f"此图含{self.describe() or '个人信息'}，但无法确定其在图中的位置；为保护个人信息，本副本不附此图，"
                    "原件及其哈希见证据清单与电子数据说明。")
        if self.painted:
            return f"为保护个人信息，本副本已在图中遮盖{self.describe()}（共 {len(self.boxes)} 处），原件未作改动。"
        return ""


def _inside(inner: Box, outer: Box) -> bool:
    cx, cy = inner[0] + inner[2] / 2, inner[1] + inner[3] / 2
    return outer[0] <= cx <= outer[0] + outer[2] and outer[1] <= cy <= outer[1] + outer[3]


def plan_image(ex: Extraction | None, red: Redactor) -> ImagePlan:
    """The boxes to paint on an exhibit image so this recipient cannot read what `red` masks in its
    transcript. Each sensitive entity is painted where OCR saw it; a chat bubble whose text has a
    sensitive value no painted box falls in is painted whole; a sensitive value left over (read from
    the page but placed nowhere) withholds the image."""
    plan = ImagePlan()
    if ex is None or not red.active:
        return plan
    mine_boxes = [m.source.box for m in ex.messages if m.speaker == "me" and m.source.box]
    covered: list[str] = []  # compact values painted
    for e in ex.entities:
        box = e.source.box if e.source else None
        mine = bool(box) and any(_inside(box, b) for b in mine_boxes)
        hits = red.findings(e.value, mine)
        if not hits:
            continue
        kind = hits[0].kind
        if box is None:
            continue  # accounted for below: its value is a sensitive value no box covers
        plan.boxes.append(box)
        plan.kinds.append(kind)
        covered.append(_compact(e.value))
    in_bubbles: list[str] = []
    for m in ex.messages:
        box = m.source.box
        hits = red.findings(m.text, m.speaker == "me")
        if not hits:
            continue
        values = [_compact(h.value(m.text)) for h in hits]
        in_bubbles += values
        if box and not all(any(_inside(b, box) and (v in c or c in v) for b, c in zip(plan.boxes, covered))
                           for v in values):
            plan.boxes.append(box)
            plan.kinds += [h.kind for h in hits]
        elif not box:
            plan.withheld = True
            plan.kinds += [h.kind for h in hits]
    # the rest of what was read (titles, page text): every sensitive value must be painted somewhere
    for line in (ex.text or "").splitlines():
        for h in red.findings(line, False):
            v = _compact(h.value(line))
            if not any(v in c or c in v for c in covered + in_bubbles if c):
                plan.withheld = True
                plan.kinds.append(h.kind)
    plan.kinds = list(dict.fromkeys(plan.kinds))
    return plan


def displayed_size(path: Path) -> tuple[int, int] | None:
    """Width and height of an image as shown (EXIF quarter turns applied) — the frame OCR boxes are in."""
    try:
        with Image.open(path) as img:
            width, height = img.size
            orientation = img.getexif().get(0x0112, 1) if img.format != "PNG" else 1
    except Exception:
        return None
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def redacted_print(print_copy: Path, original_size: tuple[int, int], boxes: list[Box], cache_dir: Path) -> Path:
    """A copy of `print_copy` (the exhibit's print copy, a downscaled original) with `boxes` (in the
    original's pixels, `original_size`) painted solid, cached in `cache_dir` by the print copy's name,
    the size and the boxes. Each box grows by a margin (a fifth of its height, at least 3 px) so
    anti-aliased edges of the glyphs are gone too."""
    key = hashlib.sha256(f"{REDACT_VERSION}|{print_copy.name}|{original_size}|{sorted(boxes)}".encode()).hexdigest()
    target = cache_dir / f"red-{key[:32]}{print_copy.suffix}"
    if target.is_file() and target.stat().st_size > 0:
        return target
    with Image.open(print_copy) as src:
        img = src.convert("RGB")
    sx, sy = img.width / original_size[0], img.height / original_size[1]
    draw = ImageDraw.Draw(img)
    for left, top, width, height in boxes:
        pad = max(3, round(height * sy / 5))
        draw.rectangle((int(left * sx) - pad, int(top * sy) - pad,
                        int((left + width) * sx) + pad, int((top + height) * sy) + pad), fill=(40, 40, 40))
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    if print_copy.suffix == ".png":
        img.quantize(256, method=Image.Quantize.FASTOCTREE).save(tmp, "PNG")
    else:
        img.save(tmp, "JPEG", quality=85)
    tmp.replace(target)
    return target
