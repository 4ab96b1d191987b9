"""`read_screen`: which kind of screen a page is and what it shows (issue 13 contract §2)."""

from __future__ import annotations

from datetime import datetime

from ..errors import bilingual
from ..ocr.entities import extract_entities, located_entities, union_box
from ..ocr.lines import OcrLine
from ..records import Entity, Extraction, Kind, Proposal, SourceRef, Transaction
from . import order, payment, product, profile, receipt, refund
from .rows import Page, read_rows


def vocabulary() -> list[str]:
    """Every label any screen parser knows (rows are split on them)."""
    return sorted(set(payment.LABELS) | set(order.LABELS) | set(refund.LABELS) | set(receipt.LABELS) | set(profile.ID_LABELS))


def page_of(lines: list[OcrLine], size: tuple[int, int]) -> Page:
    return read_rows(lines, size, vocabulary())


def line_entities(lines: list[OcrLine], evidence_id: str | None) -> list[Entity]:
    """Entities of a whole-page reading, each with the box of the words (else the line) showing
    it; one found only across lines keeps no box (redaction then withholds the picture)."""
    out, seen = [], set()
    for line in lines:
        boxes = [w.src for w in line.words if w.src]
        box = union_box(boxes) if boxes else line.box
        for e in located_entities(line.text, list(line.words), box, evidence_id):
            key = (e.kind, e.value, e.source.box if e.source else None)
            if key not in seen:
                seen.add(key)
                out.append(e)
    found = {(e.kind, e.value) for e in out}
    text = "\n".join(line.text for line in lines)
    return out + [e for e in extract_entities(text) if (e.kind, e.value) not in found]


def _merge_entities(first: list[Entity], more: list[Entity]) -> list[Entity]:
    have = {(e.kind, e.value) for e in first}
    return first + [e for e in more if (e.kind, e.value) not in have]


# most specific first: a refund page also shows an order number, an order page also shows 交易成功,
# a live room shows the streamer's 快手号 and 关注 beside the goods it sells
KINDS = (("filing_receipt", receipt.looks_like_receipt), ("refund_record", refund.looks_like_refund),
         ("order_page", order.looks_like_order), ("payment_screenshot", payment.looks_like_payment),
         ("product_page", product.looks_like_product), ("profile", profile.looks_like_profile))


def classify(page: Page) -> Kind | None:
    """The kind of screen (KINDS, in order), None when it is none of them."""
    return next((kind for kind, test in KINDS if test(page)), None)


def read_screen(lines: list[OcrLine], size: tuple[int, int], reference: datetime | None, evidence_id: str,
                exact_reference: bool = True) -> Extraction | None:
    """The screen's kind and records (`text` left for the importer to fill); None when it is no
    kind we know. `exact_reference` says
    `reference` is the capture time itself (a countdown is then turned into a deadline)."""
    page = page_of(lines, size)
    kind = classify(page)
    if kind is None:
        return None
    reading = Extraction(kind)
    found: list[tuple[str, str]] = []
    if kind == "payment_screenshot":
        tx = payment.parse_payment(page)
        if tx is None:
            return None
        tx.source = SourceRef(evidence_id, None, (0, 0, size[0], size[1]))
        reading.transactions.append(tx)
    elif kind == "order_page":
        reading.proposals, reading.entities, found, reading.messages = order.read_order(page, evidence_id)
    elif kind == "refund_record":
        reading.proposals, reading.entities, found, reading.messages = refund.read_refund(
            page, evidence_id, reference, exact_reference)
    elif kind == "profile":
        reading.proposals, reading.entities, found = profile.read_profile(page, evidence_id)
    elif kind == "product_page":
        reading.proposals, reading.entities, found = product.read_product(page, evidence_id)
    else:
        reading.proposals, reading.entities, found = receipt.read_receipt(page, evidence_id)
    reading.entities = _merge_entities(reading.entities, line_entities(lines, evidence_id))
    reading.warnings = ([bilingual(zh, en) for zh, en in found] + unsure_proposals(page, reading.proposals)
                        + [w for tx in reading.transactions for w in payment_notes(tx)])
    return reading


def payment_notes(tx: Transaction) -> list[str]:
    """What to check on a payment read from a screen (an implausible account, no order number);
    the importer asks again after merging two readings of one screen."""
    found = payment.payment_warnings(tx)
    if not tx.order_id:
        found.append(("支付截图中未读到订单号，请人工核对", "no order number read on the payment screen; check by hand"))
    return [bilingual(zh, en) for zh, en in found]


UNSURE_CONF = 45.0  # Tesseract word confidence (0-100) below which a character is a guess


def unsure_proposals(page: Page, proposals: list[Proposal]) -> list[str]:
    """A warning for each proposal whose pixels hold a word the engine was unsure of (羊绒 read
    as 羊红 at confidence 10), and the proposal marked `unsure`: the user checks it before
    accepting (`accept --all` leaves it)."""
    out = []
    for p in proposals:
        box = p.source.box
        if box is None:
            continue
        weak = [w.text for r in page.rows for w in r.words if w.conf < UNSURE_CONF and w.src and _inside(w.src, box)]
        if weak:
            p.unsure = True
            out.append(bilingual(f"{p.field}「{p.value}」中“{'、'.join(weak)}”识别不确定，接受前请对照截图核对",
                                 f"{p.field} '{p.value}': '{', '.join(weak)}' was read with low confidence; check it "
                                 "against the screenshot before accepting"))
    return out


def _inside(word: tuple[int, int, int, int], box: tuple[int, int, int, int]) -> bool:
    cx, cy = word[0] + word[2] / 2, word[1] + word[3] / 2
    return box[0] <= cx <= box[0] + box[2] and box[1] <= cy <= box[1] + box[3]
