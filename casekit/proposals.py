"""Fact proposals (issue 13 §4): what a screen shows that case.toml asks for, offered to the user.

A screen parser (casekit.screens) leaves `Proposal`s in an item's records: `order.order_id`
from an order page, `filing.platform_request_no` from a refund page, `suspects.account_id` from a
profile page (`suspects.*` means the first [[suspects]] block). `pending(case)` lists those
case.toml does not already say; one that disagrees with case.toml is flagged `conflict` and
shown beside the current value, and is only written when the user names its field. `accept`
writes case.toml with tomlkit (the user's comments and layout kept), validated the way `build`
validates it, under the case lock, custody-logged ("accept"); `reject` logs "reject" and the
proposal is not offered again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import tomlkit

from .errors import BadInput
from .facts import Facts, load_facts, parse_facts
from .fsutil import atomic_write_text
from .tomledit import set_key

# case.toml path → how its value is written (text | money | int | date | datetime | bool)
FIELDS: dict[str, str] = {
    "order.order_id": "text", "order.goods": "text", "order.amount": "money", "order.ordered_at": "datetime",
    "order.shop": "text", "order.quantity": "int", "order.payment_method": "text",
    "filing.platform_request_no": "text", "filing.merchant_rejected_on": "date",
    "filing.after_sales_deadline": "datetime", "filing.police_receipt_no": "text", "filing.complaint_no": "text",
    "suspects.account_id": "text", "suspects.name": "text", "suspects.shop": "text",
    "story.delivered": "bool",
}


@dataclass
class PendingProposal:
    """A value one evidence item shows for a case.toml field that case.toml does not say yet."""

    field: str
    value: str
    evidence_id: str
    current: str | None  # what case.toml says now (normalised like `value`), None when empty
    box: tuple[int, int, int, int] | None = None
    unsure: bool = False  # a character of it was read with low confidence

    @property
    def conflict(self) -> bool:
        return self.current is not None and not same(self.field, self.current, self.value)

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "value": self.value, "evidence_id": self.evidence_id, "current": self.current,
                "conflict": self.conflict, "unsure": self.unsure, "box": list(self.box) if self.box else None}


def _normal(field: str, value: Any) -> str | None:
    """A value in the text form proposals use, for comparing (None for empty)."""
    if value is None or value == "" or value == []:
        return None
    kind = FIELDS.get(field, "text")
    if kind == "money":
        return f"{Decimal(str(value)):.2f}"
    if kind == "datetime" and isinstance(value, datetime):
        return value.isoformat(timespec="minutes" if value.second == 0 else "seconds")
    if kind == "bool":
        return "true" if value is True else ("false" if value is False else None)
    if kind == "date" and isinstance(value, (date, datetime)):
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    return str(value)


def same(field: str, a: str, b: str) -> bool:
    """Two values of a field mean the same (1280 = 1280.00; times compared as instants)."""
    kind = FIELDS.get(field, "text")
    try:
        if kind == "money":
            return Decimal(a) == Decimal(b)
        if kind == "datetime":
            return datetime.fromisoformat(a) == datetime.fromisoformat(b)
    except (InvalidOperation, ValueError):
        pass
    return "".join(a.split()) == "".join(b.split())


def current_value(facts: Facts, field: str) -> str | None:
    """What case.toml says for `field` (normalised), None when it says nothing."""
    table, key = field.split(".", 1)
    if table == "suspects":
        holder = facts.suspects[0] if facts.suspects else None
    else:
        holder = getattr(facts, table, None)
    return _normal(field, getattr(holder, key, None)) if holder is not None else None


def _rejected(case) -> set[tuple[str, str, str]]:
    return {(e.get("field"), e.get("evidence_id"), e.get("value")) for e in case.custody_entries()
            if e.get("action") == "reject"}


def pending(case) -> list[PendingProposal]:
    """Every proposal of the included items that case.toml does not already say, oldest item
    first; rejected ones left out. A case.toml that does not parse is its own error (nothing
    could be compared with it)."""
    facts = load_facts(case.toml_path)
    rejected = _rejected(case)
    out: list[PendingProposal] = []
    seen: set[tuple[str, str]] = set()
    for item in case.items():
        if item.excluded:
            continue
        extraction = case.load_extraction(item.id)
        for p in (extraction.proposals if extraction is not None else []):
            if p.field not in FIELDS or (p.field, item.id, p.value) in rejected or (p.field, p.value) in seen:
                continue
            current = current_value(facts, p.field)
            if current is not None and same(p.field, current, p.value):
                continue
            seen.add((p.field, p.value))
            out.append(PendingProposal(p.field, p.value, item.id, current, p.source.box, p.unsure))
    return out


def _typed(field: str, value: str):
    kind = FIELDS[field]
    if kind == "int":
        return int(value)
    if kind == "date":
        return date.fromisoformat(value[:10])
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "bool":
        if value not in ("true", "false"):
            raise ValueError(value)
        return value == "true"
    return value  # text, and money as "1280.00" (case.toml reads it as a decimal)


def _find(case, field: str, evidence_id: str) -> PendingProposal:
    for p in pending(case):
        if p.field == field and p.evidence_id == evidence_id:
            return p
    raise BadInput(f"{evidence_id} 没有待确认的 {field}", f"{evidence_id} has no pending proposal for {field}",
                   hint_zh="运行 casekit proposals DIR 查看待确认的信息", hint_en="run `casekit proposals DIR` to list them")


def accept(case, field: str, evidence_id: str, value: str | None = None) -> dict[str, Any]:
    """Write one proposal (or the user's own `value` for it) into case.toml and log it."""
    with case.locked():
        proposal = _find(case, field, evidence_id)  # read under the lock: no second accept in between
        chosen = proposal.value if value is None else value
        try:
            typed = _typed(field, chosen)
        except ValueError:
            raise BadInput(f"{field} 的值“{chosen}”格式不对", f"{chosen!r} is not a valid value for {field}",
                           hint_zh="金额写 1280.00，时间写 2026-03-05T14:10+08:00",
                           hint_en="write amounts as 1280.00, times as 2026-03-05T14:10+08:00") from None
        text = case.toml_path.read_text("utf-8") if case.toml_path.exists() else ""
        doc = tomlkit.parse(text)
        set_key(doc, *field.split(".", 1), typed)
        new_text = tomlkit.dumps(doc)
        parse_facts(new_text, case.toml_path)  # the same validation `build` applies
        atomic_write_text(case.toml_path, new_text)
        case.log_locked("accept", field=field, value=chosen, evidence_id=evidence_id, before=proposal.current)
    return {"field": field, "value": chosen, "evidence_id": evidence_id, "before": proposal.current}


def reject(case, field: str, evidence_id: str) -> dict[str, Any]:
    """Turn one proposal down: logged, and never offered again for that item and value."""
    with case.locked():
        proposal = _find(case, field, evidence_id)
        case.log_locked("reject", field=field, value=proposal.value, evidence_id=evidence_id)
    return {"field": field, "value": proposal.value, "evidence_id": evidence_id}


def accept_many(case, fields: list[str], take_all: bool, evidence_id: str | None = None) -> tuple[list[dict], list[PendingProposal]]:
    """Accept the proposals the user named (conflicts included: naming a field is the user's
    word) or, with `take_all`, every one that disagrees with nothing. Returns (accepted, left),
    `left` being the conflicts and the fields two items read differently, for the user to decide."""
    todo = pending(case)
    if evidence_id:
        todo = [p for p in todo if p.evidence_id == evidence_id]
    unknown = [f for f in fields if f not in FIELDS]
    if unknown:
        raise BadInput(f"未知字段：{unknown[0]}", f"unknown field: {unknown[0]}",
                       hint_zh="可用的字段：" + "、".join(FIELDS), hint_en="known fields: " + ", ".join(FIELDS))
    by_field: dict[str, list[PendingProposal]] = {}
    for p in todo:
        by_field.setdefault(p.field, []).append(p)
    accepted, left = [], []
    for field, options in by_field.items():
        named = field in fields
        if not named and not take_all:
            continue
        values = {"".join(o.value.split()) for o in options}
        if len(values) > 1 or ((options[0].conflict or options[0].unsure) and not named):
            left.extend(options)
            continue
        accepted.append(accept(case, field, options[0].evidence_id))
    return accepted, left
