"""The case model (DESIGN §2 "model"): facts + evidence + records + timeline, loaded once.

`status`, `timeline` and `build` all start from `load_case_model(case)`, so every command and
every document sees the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from .facts import CST, Facts, load_facts
from .records import Extraction
from .timeline import Timeline, build_timeline

# DOMAIN §6.3: default 证明目的 and steps by evidence subtype.
SUBTYPES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    # subtype: (证据名称 default, 证明目的, steps)
    "chat": ("聊天记录截图", "证明双方沟通经过及对方所作的陈述、承诺",
             ("identify", "platform", "police", "consumer")),
    "payment_voucher": ("付款凭证截图", "证明付款事实、时间、金额及收款账户", ("identify", "platform", "police", "consumer")),
    "bill": ("支付账单明细", "证明付款事实、时间、金额及收款账户", ("identify", "platform", "police", "consumer")),
    "order_page": ("订单页面截图", "证明双方买卖合同关系、订单号、下单时间及实付价款", ("identify", "platform", "police", "consumer")),
    "product_page": ("商品/直播页面截图", "证明经营者/主播对商品所作宣传与承诺内容", ("identify", "platform", "police", "consumer")),
    "live_recording": ("直播录屏", "证明经营者/主播对商品所作宣传与承诺内容", ("identify", "platform", "police", "consumer")),
    "shop_page": ("店铺页面截图", "证明被投诉经营者的名称、主体信息", ("identify", "platform", "consumer")),
    "profile_page": ("对方账号主页截图", "证明聊天对方的账号身份", ("identify", "platform", "police")),
    "logistics": ("物流信息截图", "证明发货/签收/未发货情况", ("identify", "platform", "consumer")),
    "photo": ("照片", "证明所收商品与宣传不符或存在质量问题", ("identify", "platform", "consumer")),
    "refund_record": ("退款/售后记录截图", "证明已向经营者及平台主张退款及其处理结果", ("identify", "platform", "consumer")),
    "filing_receipt": ("受案回执/投诉回执", "证明已报案/已投诉及受理情况", ("platform", "consumer")),
    "id_copy": ("身份证明", "证明报案人/投诉人身份", ("police", "consumer")),
    "image": ("图片", "证明与本案有关的事实", ("identify", "platform", "police", "consumer")),
    "other": ("电子文件", "证明与本案有关的事实", ("identify", "police", "consumer")),
}
_KIND_TO_SUBTYPE = {"chat_screenshot": "chat", "payment_screenshot": "payment_voucher", "bill": "bill",
                    "order_page": "order_page", "refund_record": "refund_record", "product_page": "product_page",
                    "profile": "profile_page", "filing_receipt": "filing_receipt",
                    "image": "image", "other": "other"}
FORMS = {"chat": "电子数据（截图）", "payment_voucher": "电子数据（截图）", "bill": "电子数据（账单导出文件）",
         "live_recording": "视听资料", "other": "电子数据"}


class CaseLike(Protocol):
    """What the model needs from `casekit.store.Case` (tests may pass a small fake)."""

    root: Path
    toml_path: Path

    def items(self) -> list[Any]: ...
    def load_extraction(self, evidence_id: str) -> Extraction | None: ...


@dataclass
class EvidenceEntry:
    """One evidence item as the documents describe it."""

    id: str
    original_name: str
    path: Path
    sha256: str
    size: int
    media_type: str
    added_at: datetime
    capture_time: datetime | None
    capture_source: str | None
    excluded: bool
    exclude_reason: str | None
    kind: str  # extraction kind, or "other" when not extracted yet
    subtype: str
    title: str
    purpose: str
    steps: tuple[str, ...]
    extraction: Extraction | None
    metadata: dict[str, Any] = field(default_factory=dict)
    # case scoping (casekit.scoping): whether the item belongs to this case, and why
    linked: bool = True
    link_reason: str = ""
    link_checked: bool = True  # False: nothing in it could be compared (kept, not proven)
    link_by_user: bool = False  # the user's own `casekit link`/`unlink`, not the matching
    taken_on: date | None = None  # `[evidence.Exxxx] taken_on`: the user's word on the capture day

    @property
    def form(self) -> str:
        return FORMS.get(self.subtype, "电子数据（图片）" if self.is_image else "电子数据")

    @property
    def is_image(self) -> bool:
        return self.media_type.startswith("image/")


@dataclass
class CaseModel:
    """Facts, evidence and the timeline of one case."""

    root: Path
    case_id: str
    facts: Facts
    evidence: list[EvidenceEntry]
    timeline: Timeline
    now: datetime

    @property
    def included(self) -> list[EvidenceEntry]:
        return [e for e in self.evidence if not e.excluded]

    @property
    def linked(self) -> list[EvidenceEntry]:
        """What filings use: included items that belong to this case (casekit.scoping)."""
        return [e for e in self.included if e.linked]

    @property
    def unlinked(self) -> list[EvidenceEntry]:
        """Included items that match none of this case's counterparts: left out of filings."""
        return [e for e in self.included if not e.linked]

    def for_step(self, step: str) -> list[EvidenceEntry]:
        """The evidence a recipient's packet lists (DOMAIN D4: filtered by step tag), linked items only."""
        return [e for e in self.linked if step in e.steps]


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=CST)).astimezone(CST)


def evidence_entry(item: Any, extraction: Extraction | None, facts: Facts) -> EvidenceEntry:
    """Describe one store item, applying the user's [evidence.Exxxx] notes from case.toml."""
    note = facts.evidence.get(item.id)
    kind = extraction.kind if extraction else "other"
    subtype = (note.subtype if note and note.subtype in SUBTYPES else "") or _KIND_TO_SUBTYPE.get(kind, "other")
    default_title, default_purpose, default_steps = SUBTYPES[subtype]
    meta = dict(getattr(item, "metadata", {}) or {})
    return EvidenceEntry(
        id=item.id,
        original_name=item.original_name,
        path=Path(item.path),
        sha256=item.sha256,
        size=int(getattr(item, "size", 0) or 0),
        media_type=getattr(item, "media_type", "application/octet-stream"),
        added_at=item.added_at,
        capture_time=_parse_time(meta.get("capture_time")),
        capture_source=meta.get("capture_time_source"),
        excluded=bool(item.excluded),
        exclude_reason=item.exclude_reason,
        kind=kind,
        subtype=subtype,
        title=(note.name if note and note.name else f"{default_title}（{item.original_name}）"),
        purpose=(note.purpose if note and note.purpose else default_purpose),
        steps=tuple(note.steps) if note and note.steps else default_steps,
        extraction=extraction,
        metadata=meta,
        taken_on=note.taken_on if note else None,
    )


def list_evidence(case: CaseLike, items: list[Any] | None = None) -> list[EvidenceEntry]:
    """Every item as the packets will describe it (kind, steps, title). Works with an unfinished
    or invalid case.toml — then without the user's per-item notes — so listing never waits for facts."""
    from .errors import CasekitError

    try:
        facts = load_facts(case.toml_path)
    except CasekitError:
        facts = Facts()
    from .corrections import apply_case, load as load_corrections

    overlay = load_corrections(Path(case.root))
    return [evidence_entry(item, apply_case(Path(case.root), item.id, case.load_extraction(item.id), overlay), facts)
            for item in (case.items() if items is None else items)]


def apply_scope(case: CaseLike, facts: Facts, entries: list[EvidenceEntry]) -> None:
    """Mark each included entry linked or not (casekit.scoping), the user's link/unlink first."""
    from .scoping import overrides, scope

    user = overrides(case) if hasattr(case, "custody_entries") else {}
    links = scope(facts, {e.id: e.extraction for e in entries if not e.excluded}, user)
    for e in entries:
        found = links.get(e.id)
        if found is not None:
            e.linked, e.link_reason, e.link_checked = found.linked, found.reason, found.checked
            e.link_by_user = found.by_user


def load_case_model(case: CaseLike, now: datetime | None = None) -> CaseModel:
    """Load facts, evidence and records of a case and build its timeline."""
    facts = load_facts(case.toml_path)
    now = now or datetime.now(CST)
    entries = []
    # The user's corrections (casekit.corrections) go over the machine-read records first, so
    # everything below and every document reads the corrected records.
    from .corrections import apply_case, load as load_corrections

    overlay = load_corrections(Path(case.root))
    for item in case.items():
        extraction = apply_case(Path(case.root), item.id, case.load_extraction(item.id), overlay)
        entries.append(evidence_entry(item, extraction, facts))
    apply_scope(case, facts, entries)
    records = {e.id: e.extraction for e in entries if not e.excluded and e.linked and e.extraction is not None}
    proven = {e.id for e in entries if e.id in records and e.link_checked}  # not "no suspects yet, all kept"
    timeline = build_timeline(facts, records, now=now, linked=proven)  # type: ignore[arg-type]
    case_id = facts.case.case_id or Path(case.root).name
    return CaseModel(Path(case.root), case_id, facts, entries, timeline, now)
