"""Corrections (DESIGN §2 "confirm"): what the user confirmed or fixed in what casekit read.

The overlay is `corrections.jsonl` in the case folder: one JSON line per act, append-only, each
with the machine-read value (`raw`), the value shown before (`before`), the new one (`after`)
and when. Every line is also logged in `custody.jsonl` with its SHA-256, so `verify` notices an
edited, removed or unlogged line. Originals and the stored raw records are never changed:
`apply` lays the overlay over a freshly loaded Extraction, and `casemodel.load_case_model`
does that before anything else reads the records.

A correction names its record by evidence id, record type and 1-based number, and remembers
the raw value it replaced. After a re-extraction it still applies when the record with that
number (or else the only record of that type) still shows the raw value; otherwise it is
*stale* and reported, never forced onto a different record.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from .errors import BadInput
from .facts import CST
from .fsutil import atomic_write_bytes, deferred_interrupts
from .records import Extraction, Message, Transaction

FILE = "corrections.jsonl"
RecordType = Literal["message", "transaction"]
MESSAGE_FIELDS = ("text", "speaker", "name", "time")
TRANSACTION_FIELDS = ("amount", "time", "counterparty", "counterparty_account", "order_id")
FIELDS: dict[str, tuple[str, ...]] = {"message": MESSAGE_FIELDS, "transaction": TRANSACTION_FIELDS}
SPEAKERS = ("me", "them", "system")
LABELS_ZH = {"text": "文字", "speaker": "说话人", "name": "昵称", "time": "时间", "amount": "金额",
             "counterparty": "收款方", "counterparty_account": "收款账户", "order_id": "订单号"}


@dataclass(frozen=True)
class Correction:
    """One line of the overlay."""

    id: str
    time: str
    op: Literal["correct", "confirm"]
    evidence_id: str
    record: RecordType
    number: int  # 1-based, as `casekit corrections` and the web page show it
    field: str | None  # None for a confirmation of the whole record
    raw: str | None  # the machine-read value of `field` (or the record's fingerprint)
    before: str | None
    after: str | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "time": self.time, "op": self.op, "evidence_id": self.evidence_id,
                "record": self.record, "number": self.number, "field": self.field, "raw": self.raw,
                "before": self.before, "after": self.after}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Correction":
        return cls(data["id"], data["time"], data["op"], data["evidence_id"], data["record"], int(data["number"]),
                   data.get("field"), data.get("raw"), data.get("before"), data.get("after"))


@dataclass
class Applied:
    """What happened to one correction when laid over the current records."""

    correction: Correction
    applied: bool
    number: int | None  # where it landed (may differ from correction.number after re-extraction)

    def to_json(self) -> dict[str, Any]:
        return {**self.correction.to_json(), "applies": self.applied, "applied_to": self.number}


def overlay_path(root: Path) -> Path:
    return Path(root) / FILE


def line_sha256(line: bytes) -> str:
    return hashlib.sha256(line).hexdigest()


def raw_lines(root: Path) -> list[bytes]:
    """The overlay's lines as stored (verify hashes these)."""
    try:
        data = overlay_path(root).read_bytes()
    except FileNotFoundError:
        return []
    return [line for line in data.split(b"\n") if line]


def load(root: Path) -> list[Correction]:
    """Every correction in the order made. Unreadable lines are skipped (verify names them)."""
    out = []
    for line in raw_lines(root):
        try:
            out.append(Correction.from_json(json.loads(line)))
        except (ValueError, KeyError, TypeError):
            continue
    return out


# ---- values -------------------------------------------------------------------------------
def shown(record: Message | Transaction, field: str) -> str | None:
    """A record field as text, the form the overlay stores."""
    value = getattr(record, field)
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def fingerprint(record: Message | Transaction) -> str:
    """What a confirmation remembers of a record, to find it again after a re-extraction."""
    if isinstance(record, Message):
        return json.dumps([record.speaker, record.text, shown(record, "time")], ensure_ascii=False)
    return json.dumps([shown(record, "amount"), shown(record, "time"), record.order_id, record.counterparty], ensure_ascii=False)


def _bad(zh: str, en: str, hint_zh: str, hint_en: str) -> BadInput:
    return BadInput(zh, en, hint_zh=hint_zh, hint_en=hint_en)


def normalise(record: RecordType, field: str, value: str) -> str | None:
    """Check a new value as the CLI and the web page take it; return its stored text form."""
    if field not in FIELDS[record]:
        raise _bad(f"不能更正{LABELS_ZH.get(field, field)}这一项", f"{field} cannot be corrected on a {record}",
                   "可更正：" + "、".join(FIELDS[record]), "correctable: " + ", ".join(FIELDS[record]))
    value = value.strip()
    if field == "speaker":
        if value not in SPEAKERS:
            raise _bad(f"说话人必须是 me / them / system：{value}", f"speaker must be me, them or system: {value}",
                       "me=我，them=对方，system=系统提示", "me = the victim, them = the other party")
        return value
    if field == "time":
        if not value:
            return None
        try:
            parsed = datetime.fromisoformat(value.replace(" ", "T"))
        except ValueError:
            raise _bad(f"时间格式不对：{value}", f"not a date-time: {value}",
                       "写成 2026-03-05 14:10", "write it as 2026-03-05 14:10") from None
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=CST)).astimezone(CST).isoformat()
    if field == "amount":
        try:
            amount = Decimal(value.replace(",", "").replace("¥", "").replace("￥", ""))
        except InvalidOperation:
            amount = Decimal(-1)
        if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
            raise _bad(f"金额格式不对：{value}", f"not an amount: {value}", "写成 1280.00（正数，最多两位小数）",
                       "write it as 1280.00 (positive, at most two decimals)")
        return f"{amount:.2f}"
    if field == "text" and not value:
        raise _bad("文字不能为空", "the text cannot be empty", "要去掉一条误识别，请排除整张截图并说明理由",
                   "to drop a misread item, exclude the screenshot with a reason")
    return value or None


def _set(record: Message | Transaction, field: str, value: str | None) -> Message | Transaction:
    typed: Any = value
    if field == "time":
        typed = datetime.fromisoformat(value) if value else None
    elif field == "amount":
        typed = Decimal(value) if value else record.amount
    fields = set(record.corrected) | {field}
    extra = {"weak": ()} if field == "text" and isinstance(record, Message) else {}  # the spans were of the text read
    return replace(record, **{field: typed}, **extra, corrected=tuple(sorted(fields)))


def _records(extraction: Extraction, record: RecordType) -> list[Any]:
    return extraction.messages if record == "message" else extraction.transactions


# ---- applying -----------------------------------------------------------------------------
def _locate(records: list[Any], originals: list[Any], c: Correction) -> int | None:
    """Index of the record `c` applies to, judged on the machine-read records."""
    def matches(rec: Any) -> bool:
        return (fingerprint(rec) if c.field is None else shown(rec, c.field)) == c.raw

    i = c.number - 1
    if 0 <= i < len(originals) and matches(originals[i]):
        return i
    hits = [j for j, rec in enumerate(originals) if matches(rec)]
    return hits[0] if len(hits) == 1 else None


def apply(extraction: Extraction, corrections: list[Correction]) -> tuple[Extraction, list[Applied]]:
    """The extraction with the user's corrections laid over it (a copy), and what applied."""
    originals = {"message": list(extraction.messages), "transaction": list(extraction.transactions)}
    current = {"message": list(extraction.messages), "transaction": list(extraction.transactions)}
    results = []
    for c in corrections:
        if c.record not in current:
            results.append(Applied(c, False, None))
            continue
        i = _locate(current[c.record], originals[c.record], c)
        if i is None:
            results.append(Applied(c, False, None))
            continue
        rec = current[c.record][i]
        current[c.record][i] = replace(rec, confirmed=True) if c.op == "confirm" else _set(rec, c.field or "", c.after)
        results.append(Applied(c, True, i + 1))
    out = replace(extraction, messages=current["message"], transactions=current["transaction"])
    return out, results


def for_item(root: Path, evidence_id: str, corrections: list[Correction] | None = None) -> list[Correction]:
    return [c for c in (load(root) if corrections is None else corrections) if c.evidence_id == evidence_id]


def apply_case(root: Path, evidence_id: str, extraction: Extraction | None, corrections: list[Correction] | None = None) -> Extraction | None:
    """`extraction` as the user corrected it (what every document reads)."""
    if extraction is None:
        return None
    mine = for_item(root, evidence_id, corrections)
    return apply(extraction, mine)[0] if mine else extraction


def review(case: Any) -> list[Applied]:
    """Every correction and whether it still applies to the current records (after a re-extract)."""
    everything = load(case.root)
    out: list[Applied] = []
    for evidence_id in sorted({c.evidence_id for c in everything}):
        extraction = case.load_extraction(evidence_id)
        mine = for_item(case.root, evidence_id, everything)
        if extraction is None:
            out.extend(Applied(c, False, None) for c in mine)
        else:
            out.extend(apply(extraction, mine)[1])
    return out


def stale(case: Any) -> list[Applied]:
    return [a for a in review(case) if not a.applied]


# ---- writing ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    """One requested change: a field to set, or (field None) a confirmation of the record."""

    record: RecordType
    number: int
    field: str | None = None
    value: str | None = None


def record_of(case: Any, evidence_id: str, record: RecordType, number: int) -> tuple[Any, Any, Extraction]:
    """(raw record, corrected record, raw extraction) for one numbered record of an item."""
    item = case.item(evidence_id)
    extraction = case.load_extraction(item.id)
    if extraction is None:
        raise _bad(f"{item.id} 还没有识别结果", f"{item.id} has not been extracted yet",
                   f"先运行 casekit extract {case.root}", f"run `casekit extract {case.root}` first")
    raw = _records(extraction, record)
    if not 1 <= number <= len(raw):
        noun = ("消息", "messages") if record == "message" else ("交易", "transactions")
        raise _bad(f"{item.id} 没有第 {number} 条{noun[0]}（共 {len(raw)} 条）", f"{item.id} has no {record} {number} ({len(raw)} {noun[1]})",
                   f"用 casekit corrections {case.root} --show {item.id} 查看编号", f"see the numbers with `casekit corrections {case.root} --show {item.id}`")
    corrected = apply_case(case.root, item.id, extraction)
    return raw[number - 1], _records(corrected, record)[number - 1], extraction  # type: ignore[arg-type]


def save(case: Any, evidence_id: str, changes: list[Change]) -> list[Correction]:
    """Validate and append `changes` to the overlay and the custody log, under the case lock.

    All or nothing: every change is checked before the first line is written. A change that
    sets a field to what it already shows is recorded as nothing (no line)."""
    made: list[Correction] = []
    with case.locked():
        item = case.item(evidence_id)
        existing = load(case.root)
        lines: list[bytes] = []
        for ch in changes:
            raw_rec, cur_rec, _ex = record_of(case, item.id, ch.record, ch.number)
            stamp = datetime.now(CST).isoformat(timespec="seconds")
            cid = f"C{len(existing) + len(made) + 1:04d}"
            if ch.field is None:
                c = Correction(cid, stamp, "confirm", item.id, ch.record, ch.number, None, fingerprint(raw_rec), None, None)
            else:
                after = normalise(ch.record, ch.field, ch.value or "")
                before = shown(cur_rec, ch.field)
                if after == before:
                    continue
                c = Correction(cid, stamp, "correct", item.id, ch.record, ch.number, ch.field, shown(raw_rec, ch.field), before, after)
            made.append(c)
            lines.append(json.dumps(c.to_json(), ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        if not made:
            return made
        path = overlay_path(case.root)
        old = path.read_bytes() if path.exists() else b""
        if old and not old.endswith(b"\n"):
            old += b"\n"
        with deferred_interrupts():
            atomic_write_bytes(path, old + b"".join(line + b"\n" for line in lines), mode=0o600)
            for c, line in zip(made, lines):
                case.log_locked(c.op, evidence_id=c.evidence_id, correction=c.id, record=c.record, number=c.number,
                                field=c.field, line_sha256=line_sha256(line))
    return made


def check(root: Path, custody_entries: list[dict[str, Any]]) -> list[tuple[int | None, str, str]]:
    """Integrity of the overlay against the custody log: (line, zh, en) for each difference."""
    logged = [e.get("line_sha256") for e in custody_entries if e.get("action") in ("correct", "confirm") and e.get("line_sha256")]
    lines = raw_lines(root)
    problems: list[tuple[int | None, str, str]] = []
    for number, line in enumerate(lines, start=1):
        want = logged[number - 1] if number - 1 < len(logged) else None
        if want is None:
            problems.append((number, f"{FILE} 第 {number} 行未记入保管日志", f"{FILE} line {number} is not in the custody log"))
        elif line_sha256(line) != want:
            problems.append((number, f"{FILE} 第 {number} 行被改动（与保管日志记录的哈希不符）", f"{FILE} line {number} was edited (hash differs from the custody log)"))
    if len(logged) > len(lines):
        problems.append((len(lines) + 1, f"{FILE} 缺少第 {len(lines) + 1}–{len(logged)} 行（保管日志记有）",
                         f"{FILE} lines {len(lines) + 1}-{len(logged)} are missing (the custody log has them)"))
    return problems
