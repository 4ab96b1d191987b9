"""Screenshot importer: chat screenshots, payment-result screens and other images (DESIGN §5).

One importer claims every image file by its magic bytes and then decides what the picture is:
- a chat (bubbles beside avatars) → messages with speaker, contact name, time from the label above;
- a payment-result screen (转账成功 / 支付成功 / 交易成功 …) → one Transaction;
- anything else → kind "image" with its OCR text and entities.

The importer object holds no engine or open file, so it pickles into worker processes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, time
from pathlib import Path
from typing import Any

from ..errors import BadInput, bilingual
from ..ocr.cache import OcrCache, cache_key, file_sha256
from ..ocr.engine import OcrEngine, Word, engine_id, group_rows, make_engine
from ..ocr.entities import amount_warnings, card_amount, extract_entities, located_entities, union_box
from ..ocr.images import open_image, sniff_image
from ..ocr.lines import OcrLine
from ..ocr.payment import is_transfer_card, parse_transfer_card
from ..ocr.layout import chat_layout, read_list
from ..ocr.layout.media import LABELS as MEDIA_LABELS, picture_text
from ..ocr.layout.unread import square_bubbles, unread_bubbles
from ..ocr.pipeline import is_dimmed, lines_of, page_image, read_regions, region_lines
from ..ocr.segment import Layout, segment
from ..ocr.timelabels import SHANGHAI, is_time_label, parse_time_label, repair_time_label, resolve_time_label
from ..records import Entity, Extraction, Message, SourceRef
from ..screens import line_entities, lines_from_words, page_of, payment_notes, read_screen
from ..screens.payment import TITLES, amount_band
from ..ocr.tiles import owned, shifted, tile_spans
from ..ocr.weak import WEAK_CONF, weak_spans, weak_threshold
from ..printcopies import print_from_decoded
from .base import ExtractContext, Importer

SETTINGS = {"lang": "chi_sim", "psm": 6, "segment": 1, "boxes": 1,  # boxes: entities carry image boxes
            "screens": 1,  # casekit.screens reads order/refund/... pages: results cached before it are stale
            "layout": 1}  # the chat layout model (ocr/layout): chats read before it are read again
LOW_CONF = 55.0
_GROUP_TITLE = re.compile(r"[(（]\d{1,4}[)）]\s*$")  # 家人群(12): a group's member count
_FILENAME_TIME = re.compile(r"(20\d{2})[-_.]?(\d{2})[-_.]?(\d{2})[-_ T]?(\d{2})[-_.:]?(\d{2})[-_.:]?(\d{2})")


def capture_time(path: Path, info: dict[str, Any] | None = None, exif_time: str | None = None) -> datetime | None:
    """When a screenshot was taken: EXIF DateTimeOriginal, PNG 'Creation Time', or a file name
    such as Screenshot_20260306-101500.png. None when nothing says."""
    candidates = [exif_time, (info or {}).get("Creation Time"), path.name]
    for text in candidates:
        if not text:
            continue
        match = _FILENAME_TIME.search(str(text).replace(":", "").replace(" ", "_")) or _FILENAME_TIME.search(str(text))
        if match:
            try:
                y, mo, d, h, mi, s = (int(g) for g in match.groups())
                return datetime(y, mo, d, h, mi, s, tzinfo=SHANGHAI)
            except ValueError:
                continue
    return None


def _exif_time(image_info: dict[str, Any], path: Path) -> str | None:
    try:
        from PIL import Image

        with Image.open(path) as im:
            exif = im.getexif()
            sub = exif.get_ifd(0x8769) if exif else {}
            return sub.get(0x9003) or exif.get(0x0132)
    except Exception:  # unreadable EXIF is simply no EXIF
        return None


@dataclass
class ScreenshotImporter:
    """Reads PNG/JPEG/WebP/GIF/BMP/TIFF images. `engine` is for tests (replay); None = the engine
    named by `ctx.extras["ocr_engine"]`, else $CASEKIT_OCR_ENGINE, else the default (ocr.engine)."""

    name: str = "screenshot"
    kind: str = "chat_screenshot"
    engine: OcrEngine | None = None

    def identify(self, path: Path, head: bytes) -> bool:
        """Claim a file whose magic bytes name an image format."""
        return sniff_image(head) is not None

    def extract(self, path: Path, ctx: ExtractContext) -> Extraction:
        """OCR the image (cached) and return what it shows."""
        path = Path(path)
        engine = self.engine or make_engine(ctx.extras.get("ocr_engine"), ctx.extras.get("ocr_threads"))
        # a missing engine or model is a system problem (exit 4), not a content warning
        version = engine_id(engine)
        cache = OcrCache(Path(ctx.cache_dir)) if ctx.cache_dir else None
        key = None
        digest = file_sha256(path) if cache is not None or ctx.print_cache_dir else None
        if cache is not None:
            key = cache_key(digest, version, {**SETTINGS, "dating": ctx.dating(path)})
            hit = cache.get(key)
            if hit is not None:
                _relocate(hit, ctx, path)
                return hit
        try:
            loaded = open_image(path)
        except BadInput as exc:
            return Extraction(kind="image", warnings=[exc.one_line()], importer=self.name)
        if ctx.print_cache_dir and digest and loaded.decoded is not None:
            leave_print_copy(loaded.decoded, path, digest, Path(ctx.print_cache_dir))
        loaded.decoded = None  # OCR reads `loaded.image`; let a converted original go
        warnings = list(loaded.warnings)
        if min(loaded.image.size) < 16:
            return Extraction(kind="image", warnings=warnings, importer=self.name, text="")
        result = read_screenshot(loaded.image, engine, ctx, path, loaded.info)
        result.warnings[:0] = warnings
        result.importer = self.name
        if cache is not None and key is not None:
            cache.put(key, result)
        return result


def leave_print_copy(decoded, path: Path, digest: str, print_cache_dir: Path) -> None:
    """Make the exhibit's print copy from the original just decoded for OCR, so `casekit build`
    finds it cached instead of decoding the file again. A cache only: any failure is left for
    the build, which makes the copy itself (and says so when the image cannot be printed)."""
    try:
        print_from_decoded(decoded, path, digest, print_cache_dir)
    except Exception:  # noqa: BLE001 - never fail or hold up the reading of the evidence
        pass


def _relocate(extraction: Extraction, ctx: ExtractContext, path: Path) -> None:
    """A cached result read for another evidence id gets this id (same bytes, same content)."""
    for record in [*extraction.messages, *extraction.transactions]:
        box = record.source.box
        record.source = SourceRef(ctx.evidence_id, None, box)
    extraction.entities = [Entity(e.kind, e.value, SourceRef(ctx.evidence_id, None, e.source.box)) if e.source else e
                           for e in extraction.entities]
    extraction.proposals = [replace(p, source=SourceRef(ctx.evidence_id, None, p.source.box)) for p in extraction.proposals]


def _reference(ctx: ExtractContext, path: Path, info: dict[str, Any]) -> tuple[datetime | None, bool]:
    """(reference time, whether it is a real capture time rather than a day-only stand-in)."""
    if ctx.reference_time is not None:
        return ctx.reference_time, ctx.reference_source not in ("incident_date",)
    found = capture_time(path, info, _exif_time(info, path))
    if found is not None:
        return found, True
    if ctx.incident_date is not None:
        return datetime.combine(ctx.incident_date, time(23, 59), SHANGHAI), False
    return None, False


def is_chat(layout: Layout) -> bool:
    """Bubbles on the sides next to avatars (or several side bubbles) make a chat screen."""
    side = [r for r in layout.regions if r.role == "bubble" and r.side in ("left", "right")]
    avatars = layout.of_role("avatar")
    return (len(side) >= 1 and len(avatars) >= 1) or len(side) >= 2


def read_screenshot(image, engine: OcrEngine, ctx: ExtractContext, path: Path | None = None,
                    info: dict[str, Any] | None = None) -> Extraction:
    """The whole reading of one RGB image (no caching, no file handling): used by the importer,
    the benchmark and tests."""
    path = path or Path("image.png")
    info = info or {}
    cues = segment(image)
    square_bubbles(cues)
    reference, exact = _reference(ctx, path, info)
    if is_chat(cues):
        return _chat_extraction(chat_layout(image, cues, chat_lines(image, cues, engine)), ctx, reference, exact,
                                weak_threshold(getattr(engine, "name", "")))
    return _screen_extraction(image, cues, engine, ctx, reference, exact)


def chat_lines(image, cues: Layout, engine: OcrEngine) -> list[OcrLine]:
    """The OCR lines of a chat screen for the layout model: a whole-page engine's (PP-OCR) own
    line boxes; Tesseract's reading of the colour segmentation's crops (each bubble normalised
    against its own fill reads better than the whole page), boxes mapped back to the image."""
    if getattr(engine, "whole_page", False):
        lines = engine.read_lines(image)
        if hasattr(engine, "read_box"):  # a one-character reply the detector did not find
            again = [engine.read_box(image, box) for box in unread_bubbles(image, cues, lines)]
            lines = sorted(lines + [ln for ln in again if ln is not None], key=lambda ln: (ln.box[1], ln.box[0]))
        return lines
    read_regions(image, cues, engine)
    return region_lines(cues)


def _screen_extraction(image, layout: Layout, engine: OcrEngine, ctx: ExtractContext, reference: datetime | None,
                       exact: bool) -> Extraction:
    """A screen that is not a chat: payment, order, refund, product, profile page or receipt
    (casekit.screens); a page with text that is none of them is an image with a warning."""
    size = (image.width, image.height)
    grey = _with_amount(engine, image, layout, _page_lines(engine, image, layout, colour=False))
    reading = read_screen(grey, size, reference, ctx.evidence_id, exact)
    lines = grey
    if not getattr(engine, "whole_page", False) and (reading is None or reading.kind == "payment_screenshot"):
        # Tesseract's two greyings of the same page fail differently (a dropped bold amount in
        # one, 2026 read as 2020 in the other): payment screens are read in colour too and the
        # fields compared; a page none of the parsers took gets its second chance the same way.
        # An engine that reads the original page itself (whole_page) has no second greying.
        if reading is not None or _screen_hint(grey, size):
            colour = _with_amount(engine, image, layout, _page_lines(engine, image, layout, colour=True))
            second = read_screen(colour, size, reference, ctx.evidence_id, exact)
            if reading is None:
                reading, lines = second, colour
            elif second is not None and second.kind == reading.kind:
                tx = second.transactions[0]  # the colour reading first, as it keeps bold amounts
                notes = set(payment_notes(tx))  # asked again below, for the merged fields
                merged = _merge_reading(tx, reading.transactions[0])
                second.warnings = merged + [w for w in second.warnings if w not in notes] + payment_notes(tx)
                reading, lines = second, colour
    text = "\n".join(line.text for line in lines)
    if reading is None:
        listed = read_list(image, layout, lines)  # a list-style chat record: nickname + time rows
        if listed is None and text and not getattr(engine, "whole_page", False):
            # Tesseract's whole-page reading drops a list's small grey row times; its reading of
            # the colour segmentation's crops (each row normalised against its own fill) keeps
            # them. One more engine call, only for a page no parser took.
            listed = read_list(image, layout, chat_lines(image, layout, engine))
        if listed is not None:
            result = _chat_extraction(listed, ctx, reference, exact)
            # the page's text keeps what lies above and below the list (the status bar, an action
            # sheet): not messages, but read on the image
            top, bottom = min(r.box[1] for r in listed.regions), max(r.box[3] for r in listed.regions)
            outside = [ln.text for ln in lines if ln.text and not top <= ln.box[1] + ln.box[3] / 2 < bottom]
            result.text = "\n".join([result.text, *outside]) if outside else result.text
            return result
    if reading is not None:
        if reading.kind == "payment_screenshot":
            reading.warnings.extend(_amount_checks(text, card=False))
        reading.text = text
        return reading
    warnings: list[str] = []
    if not text:
        warnings.append(bilingual("图像中未识别到文字", "no text recognised in the image"))
    elif not picture_text(text):
        warnings.append(bilingual("图中有文字，但不是能识别的聊天、付款、订单或退款页面；请人工核对并在 case.toml 的"
                                  " [evidence] 中写明这是什么",
                                  "the image holds text but is no chat, payment, order or refund screen casekit knows; "
                                  "check it and say what it is under [evidence] in case.toml"))
    return Extraction(kind="image", entities=line_entities(lines, ctx.evidence_id), warnings=warnings, text=text)


def _with_amount(engine: OcrEngine, image, layout: Layout, lines: list) -> list:
    """`lines` plus the big amount read from its own crop when the whole-page reading dropped it
    (screens.payment.amount_band); one extra engine call, only then."""
    band = amount_band(page_of(lines, (image.width, image.height)))
    if band is None or getattr(engine, "whole_page", False):
        return lines
    crop = image.crop((0, band[0], image.width, band[1]))
    page = page_image(crop, layout.dark, colour=True)
    found = [line for line in shifted(lines_from_words(_page_read(engine, page, crop)), band[0])
             if card_amount(line.text) is not None]
    return sorted(lines + found, key=lambda line: line.box[1])


def _page_lines(engine: OcrEngine, image, layout: Layout, colour: bool) -> list:
    """The whole page as OcrLines; a long stitched capture in overlapping tiles (ocr.tiles),
    unless the engine reads whole pages itself (it tiles on its own terms)."""
    if getattr(engine, "whole_page", False):
        return _row_lines(engine, image)
    spans = tile_spans(image.height)
    out = []
    for index, (top, bottom) in enumerate(spans):
        tile = image if len(spans) == 1 else image.crop((0, top, image.width, bottom))
        page = page_image(tile, layout.dark, colour=colour, dimmed=not colour and is_dimmed(layout.page_bg))
        lines = shifted(lines_from_words(_page_read(engine, page, tile)), top)
        out.extend(line for line in lines if len(spans) == 1 or owned(line, spans, index))
    return out


def _row_lines(engine: OcrEngine, image) -> list[OcrLine]:
    """A whole-page engine's (PP-OCR) reading of the original `image`, the boxes of one row joined
    into one line as Tesseract's psm 6 gives it (label and value together)."""
    words = [Word(ln.text, *ln.box, ln.conf * 100.0, src=ln.box) for ln in engine.read_lines(image)]
    return lines_from_words(lines_of(group_rows(words)))


def _page_read(engine: OcrEngine, page, image) -> list[tuple[str, list]]:
    """A whole-page reading as (line text, its words), each word with its box in `image`'s pixels
    (the page sent to the engine may be upscaled)."""
    fx, fy = page.width / image.width, page.height / image.height
    out = []
    for text, words in lines_of(engine.words(page, psm=6)):
        if text:
            out.append((text, [replace(w, src=(int(w.left / fx), int(w.top / fy), max(1, round(w.width / fx)),
                                               max(1, round(w.height / fy)))) for w in words]))
    return out


def _screen_hint(lines, size) -> bool:
    """Worth a second reading: a payment title or two labels any screen parser knows."""
    page = page_of(lines, size)
    return any(t in page.compact for t in TITLES) or sum(1 for r in page.rows if r.known) >= 2


_CHECKED_FIELDS = (("amount", "金额", "amount"), ("order_id", "订单号", "order number"),
                   ("time", "时间", "time"), ("counterparty", "收款方", "payee"))


def _merge_reading(tx, other) -> list[str]:
    """Fill fields the first reading missed from the second; warn where both read a field and disagree."""
    out = []
    for attr in ("amount", "order_id", "time", "counterparty", "counterparty_account", "method", "status", "memo",
                 "merchant_order_id"):
        mine, theirs = getattr(tx, attr), getattr(other, attr)
        if mine in (None, "") and theirs not in (None, ""):
            setattr(tx, attr, theirs)
        elif theirs not in (None, "") and mine != theirs:
            label = next((f for f in _CHECKED_FIELDS if f[0] == attr), None)
            if label:
                out.append(bilingual(f"两次识别的{label[1]}不一致（{mine} / {theirs}），已取前者，请人工核对",
                                     f"two readings disagree on the {label[2]} ({mine} / {theirs}); kept the first, check by hand"))
    return out


def _amount_checks(text: str, card: bool) -> list[str]:
    """Bilingual warnings for amounts that may be misread (see entities.amount_warnings)."""
    out = []
    for note in amount_warnings(text, card):
        what, _, detail = note.partition(":")
        if what == "sign":
            out.append(bilingual(f"金额前的“{detail[0]}”可能是误读的 ¥，请核对金额 {detail[1:]}",
                                 f"'{detail[0]}' before the amount {detail[1:]} may be a misread ¥; check the amount"))
        elif what == "speck":
            out.append(bilingual(f"金额数字中有杂点，请人工核对：{detail}", f"specks inside an amount, check by hand: {detail}"))
        elif what == "truncated":
            out.append(bilingual(f"转账金额 {detail} 没有角分，可能读得不完整，请核对",
                                 f"transfer amount {detail} has no fen digits and may be cut off; check it"))
    return out


def _chat_extraction(layout: Layout, ctx: ExtractContext, reference: datetime | None, exact: bool,
                     weak: float = WEAK_CONF["tesseract"]) -> Extraction:
    contact = layout.title.text if layout.title is not None and layout.title.text else None
    # in a group chat (nicknames above bubbles) the title names the group, not a sender
    group_chat = any(r.role == "nickname" for r in layout.regions) or bool(contact and _GROUP_TITLE.search(contact))
    messages: list[Message] = []
    transactions = []
    warnings: list[str] = []
    texts: list[str] = [contact] if contact else []
    time_text: str | None = None
    when: datetime | None = None
    day_label: str | None = None  # the last date label: a clock-only label below it is on that day
    pending_name: str | None = None
    unresolved: set[str] = set()
    for r in layout.regions:
        if r.role in ("avatar", "banner", "title"):
            continue
        text = r.text
        if r.role == "quote":  # a quote-reply chip repeats an earlier message: context only
            if text:
                texts.append(text)
            continue
        if r.role == "nickname":
            # an emoji-only nickname comes back as one junk glyph at near-zero confidence: no name
            pending_name = text if text and (r.conf is None or r.conf >= 30 or len(text) > 2) else None
            if text:
                texts.append(text)
            continue
        ref = SourceRef(ctx.evidence_id, None, r.xywh)
        if r.role == "centre" and r.filled and text and is_transfer_card(text, r.bg):
            # a wide transfer card can sit almost centred (its avatar lost in JPEG noise): it is a
            # card, on the side with the smaller margin
            r.role, r.side = "bubble", ("left" if r.box[0] < layout.width - r.box[2] else "right")
        repaired = repair_time_label(text) if r.role in ("centre", "line") and not r.filled else None
        if repaired is not None:
            # a misread the label's structure makes unambiguous (12朋24日 → 12月24日): the label as shown
            warnings.append(bilingual(f"时间标签“{text}”按格式更正为“{repaired}”，请核对",
                                      f"time label '{text}' read as '{repaired}' (OCR misread fixed by its format); check it"))
            text = repaired
        if r.role in ("centre", "row_time") or (r.role == "line" and is_time_label(text)):
            if not text:
                continue
            texts.append(text)
            if is_time_label(text):
                label = parse_time_label(text)
                if label and label.form in ("ymd", "md"):
                    day_label = text if "h" not in label.groups else None
                elif r.role == "row_time" and label and label.form == "time" and day_label:
                    # a chat-record list: 2018-3-31 heads the rows, 下午3:59 on a row is on that day
                    text = f"{day_label} {text}"
                    label = parse_time_label(text)
                time_text = text
                when = resolve_time_label(text, reference, bounded=exact, latest=ctx.extras.get("latest_time")) \
                    if (exact or (label and label.form in ("ymd", "md"))) else None
                if when is None:
                    unresolved.add(text)
            else:
                messages.append(Message("system", text, "notice", None, when, time_text, ref, r.conf, weak_spans(text, r.words, weak)))
            continue
        if r.role not in ("bubble", "line"):
            continue
        speaker = "me" if r.side == "right" else "them"
        name = None if speaker == "me" else (pending_name or (None if group_chat else contact))
        pending_name = None
        if r.media:  # a photo, sticker, video or voice message: an item, never its pixels as text
            messages.append(Message(speaker, MEDIA_LABELS[r.media], "image", name, when, time_text, ref, r.conf))
            continue
        if not text:
            continue
        texts.append(text)
        if r.role == "bubble" and is_transfer_card(text, r.bg):
            warnings.extend(_amount_checks(text, card=True))
            tx = parse_transfer_card(text, speaker, when)
            if tx is not None:
                tx.source = ref
                transactions.append(tx)
            messages.append(Message(speaker, text, "transfer", name, when, time_text, ref, r.conf, weak_spans(text, r.words, weak)))
            continue
        messages.append(Message(speaker, text, "text", name, when, time_text, ref, r.conf, weak_spans(text, r.words, weak)))
        warnings.extend(_amount_checks(text, card=False))
        if r.conf is not None and r.conf < LOW_CONF:
            warnings.append(bilingual(f"此段文字识别置信度低，请人工核对：{text[:20]}",
                                      f"low OCR confidence, check by hand: {text[:20]}"))
    for label in sorted(unresolved):
        warnings.append(bilingual(f"无法确定时间标签“{label}”的日期（缺少截图时间，可用 --date 指定）",
                                  f"cannot date the time label '{label}' (no capture time; give --date)"))
    full = "\n".join(texts)
    return Extraction(kind="chat_screenshot", messages=messages, transactions=transactions,
                      entities=_region_entities(layout, full, ctx), warnings=warnings, text=full)


def _region_entities(layout: Layout, full: str, ctx: ExtractContext) -> list:
    """Entities read from each region, with the box of the words showing each (else the region's
    box: a bubble, a line); one found only in the joined text (across regions) keeps no box."""
    out, seen = [], set()
    for r in [layout.title, *layout.regions]:
        if r is None or not r.text or r.role in ("avatar", "banner"):
            continue
        for e in located_entities(r.text, r.words, r.xywh, ctx.evidence_id):
            key = (e.kind, e.value, e.source.box if e.source else None)
            if key not in seen:
                seen.add(key)
                out.append(e)
    found = {(e.kind, e.value) for e in out}
    return out + [e for e in extract_entities(full) if (e.kind, e.value) not in found]


SCREENSHOT_IMPORTERS: list[Importer] = [ScreenshotImporter()]
