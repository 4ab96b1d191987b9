"""The 国家反诈中心 App's report receipt (举报成功 / 举报记录): that and when the victim reported."""

from __future__ import annotations

from .fields import entity, fields_of, has_any
from .rows import Page
from .values import reference_no

MARKERS = ("国家反诈中心", "反诈中心", "举报成功", "举报记录", "举报详情", "我的举报")
LABELS = {"举报编号": "report_no", "受理编号": "report_no", "编号": "report_no", "举报时间": "reported_at",
          "提交时间": "reported_at", "举报类型": "type", "处理状态": "status", "举报状态": "status"}


def looks_like_receipt(page: Page) -> bool:
    return has_any(page, MARKERS) and has_any(page, ("举报", "受理", "提交成功"))


def read_receipt(page: Page, evidence_id: str | None):
    fields = fields_of(page, LABELS)
    number = reference_no(fields["report_no"].value) if "report_no" in fields else None
    return [], entity("report_no", number, fields.get("report_no"), evidence_id), []
