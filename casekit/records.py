"""What was read from evidence: messages, transactions, entities — each tied to its source.

These are the records of DESIGN §2. Their JSON form is the `inspect --json` contract (DESIGN §7);
`to_json`/`from_json` are the single place that shape is written.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

Kind = Literal["chat_screenshot", "payment_screenshot", "order_page", "refund_record", "product_page",
               "profile", "filing_receipt", "image", "bill", "other"]
Speaker = Literal["me", "them", "system"]
MessageKind = Literal["text", "transfer", "image", "notice"]
Direction = Literal["out", "in", "none"]


@dataclass(frozen=True)
class SourceRef:
    """Where a record came from: an evidence id plus a row number or an image box."""

    evidence_id: str | None = None
    row: int | None = None  # 1-based line/row in a bill
    box: tuple[int, int, int, int] | None = None  # (left, top, width, height) in image pixels

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"evidence_id": self.evidence_id}
        if self.row is not None:
            data["row"] = self.row
        if self.box is not None:
            data["box"] = list(self.box)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> "SourceRef":
        data = data or {}
        box = data.get("box")
        return cls(data.get("evidence_id"), data.get("row"), tuple(box) if box else None)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass
class Message:
    """One chat message (or a system notice) as a person would read it."""

    speaker: Speaker
    text: str
    kind: MessageKind = "text"
    name: str | None = None
    time: datetime | None = None
    time_text: str | None = None
    source: SourceRef = field(default_factory=SourceRef)
    confidence: float | None = None  # OCR mean confidence of the bubble, 0-100
    # [start, end) spans of `text` whose words were read with low confidence (casekit.ocr.weak)
    weak: tuple[tuple[int, int], ...] = ()
    # Set by casekit.corrections when a case is loaded, never stored with the raw records:
    # the fields the user corrected, and whether the user confirmed the record as read.
    corrected: tuple[str, ...] = ()
    confirmed: bool = False

    def to_json(self) -> dict[str, Any]:
        data = {
            "speaker": self.speaker,
            "name": self.name,
            "text": self.text,
            "kind": self.kind,
            "time": _iso(self.time),
            "time_text": self.time_text,
            "source": self.source.to_json(),
        }
        if self.confidence is not None:
            data["confidence"] = round(float(self.confidence), 1)
        if self.weak:
            data["weak"] = [list(span) for span in self.weak]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Message":
        return cls(
            speaker=data["speaker"],
            text=data["text"],
            kind=data.get("kind", "text"),
            name=data.get("name"),
            time=_parse_iso(data.get("time")),
            time_text=data.get("time_text"),
            source=SourceRef.from_json(data.get("source")),
            confidence=data.get("confidence"),
            weak=tuple((int(a), int(b)) for a, b in data.get("weak") or ()),
        )


@dataclass
class Transaction:
    """One money movement. `amount` is always positive; `direction` says which way it went."""

    amount: Decimal
    direction: Direction
    time: datetime | None = None
    currency: str = "CNY"
    counterparty: str | None = None
    counterparty_account: str | None = None
    method: str | None = None
    status: str | None = None
    order_id: str | None = None
    memo: str | None = None
    # Raw values kept beside the normalised ones (收/支, 交易状态 as printed).
    direction_raw: str | None = None
    merchant_order_id: str | None = None
    is_refund: bool = False
    refund_of: str | None = None  # order id of the payment this refund returns
    source: SourceRef = field(default_factory=SourceRef)
    corrected: tuple[str, ...] = ()  # set by casekit.corrections at load time, as for Message
    confirmed: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "time": _iso(self.time),
            "amount": f"{self.amount:.2f}",
            "currency": self.currency,
            "direction": self.direction,
            "counterparty": self.counterparty,
            "counterparty_account": self.counterparty_account,
            "method": self.method,
            "status": self.status,
            "order_id": self.order_id,
            "memo": self.memo,
            "direction_raw": self.direction_raw,
            "merchant_order_id": self.merchant_order_id,
            "is_refund": self.is_refund,
            "refund_of": self.refund_of,
            "source": self.source.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Transaction":
        return cls(
            amount=Decimal(data["amount"]),
            direction=data["direction"],
            time=_parse_iso(data.get("time")),
            currency=data.get("currency", "CNY"),
            counterparty=data.get("counterparty"),
            counterparty_account=data.get("counterparty_account"),
            method=data.get("method"),
            status=data.get("status"),
            order_id=data.get("order_id"),
            memo=data.get("memo"),
            direction_raw=data.get("direction_raw"),
            merchant_order_id=data.get("merchant_order_id"),
            is_refund=bool(data.get("is_refund", False)),
            refund_of=data.get("refund_of"),
            source=SourceRef.from_json(data.get("source")),
        )


@dataclass(frozen=True)
class Entity:
    """Something identifying found in text: phone, bank card, account id, order number, URL, amount.

    `source.box`, when known, covers the pixels that show the value (redaction paints it)."""

    kind: str
    value: str
    source: SourceRef | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "value": self.value}
        if self.source is not None:
            data["source"] = self.source.to_json()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Entity":
        source = data.get("source")
        return cls(data["kind"], data["value"], SourceRef.from_json(source) if source else None)


@dataclass
class Proposal:
    """A value a screen shows for a case.toml field, offered to the user to accept or reject.

    `field` is the case.toml path as the file spells it (`order.order_id`, `order.amount`,
    `filing.platform_request_no`, ...); `value` is text in the form case.toml takes
    (amounts as "1280.00", times as ISO 8601)."""

    field: str
    value: str
    source: SourceRef = SourceRef()
    unsure: bool = False  # the engine was unsure of a character in it: check before accepting

    def to_json(self) -> dict[str, Any]:
        data = {"field": self.field, "value": self.value, "source": self.source.to_json()}
        if self.unsure:
            data["unsure"] = True
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Proposal":
        return cls(data["field"], str(data["value"]), SourceRef.from_json(data.get("source")),
                   bool(data.get("unsure", False)))


@dataclass
class Extraction:
    """Everything one importer read from one file."""

    kind: Kind
    messages: list[Message] = field(default_factory=list)
    transactions: list[Transaction] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    importer: str | None = None
    text: str | None = None  # full OCR text of an image, when there is one

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "importer": self.importer,
            "messages": [m.to_json() for m in self.messages],
            "transactions": [t.to_json() for t in self.transactions],
            "entities": [e.to_json() for e in self.entities],
            "proposals": [p.to_json() for p in self.proposals],
            "warnings": list(self.warnings),
            "text": self.text,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Extraction":
        return cls(
            kind=data["kind"],
            messages=[Message.from_json(m) for m in data.get("messages", [])],
            transactions=[Transaction.from_json(t) for t in data.get("transactions", [])],
            entities=[Entity.from_json(e) for e in data.get("entities", [])],
            proposals=[Proposal.from_json(p) for p in data.get("proposals", [])],
            warnings=list(data.get("warnings", [])),
            importer=data.get("importer"),
            text=data.get("text"),
        )
