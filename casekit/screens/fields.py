"""Reading named fields out of a page's rows, shared by the order, refund and other parsers."""

from __future__ import annotations

from ..records import Entity, Proposal, SourceRef
from .rows import Page, Row


def fields_of(page: Page, labels: dict[str, str]) -> dict[str, Row]:
    """The first row with a value for each field named by `labels` (label → field)."""
    out: dict[str, Row] = {}
    for row in page.rows:
        name = labels.get(row.label or "")
        if name and row.value and name not in out:
            out[name] = row
    return out


def propose(field: str, value: str | None, row: Row | None, evidence_id: str | None) -> list[Proposal]:
    """A proposal for `field` when there is a value, pointing at the row that shows it."""
    if not value:
        return []
    box = (row.value_box or row.box) if row is not None else None
    return [Proposal(field, value, SourceRef(evidence_id, None, box))]


def entity(kind: str, value: str | None, row: Row | None, evidence_id: str | None) -> list[Entity]:
    if not value:
        return []
    box = (row.value_box or row.box) if row is not None else None
    return [Entity(kind, value, SourceRef(evidence_id, None, box))]


def has_any(page: Page, words: tuple[str, ...]) -> bool:
    compact = page.compact
    return any(w in compact for w in words)


def row_with(page: Page, words: tuple[str, ...]) -> Row | None:
    """The first row whose text holds one of `words`."""
    for row in page.rows:
        compact = "".join(row.text.split())
        if any(w in compact for w in words):
            return row
    return None
