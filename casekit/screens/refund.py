"""Refund / after-sale pages: the request number, what was asked, the merchant's answer and the
deadline the app counts down to (what case.toml's [filing] asks for)."""

from __future__ import annotations

from datetime import datetime

from ..records import Message, SourceRef
from .fields import entity, fields_of, has_any, propose, row_with
from .rows import Page
from .values import countdown, iso, money, parse_datetime, parse_day, reference_no

MARKERS = ("退款详情", "售后详情", "退款编号", "售后编号", "退款单号", "售后单号", "申请平台介入", "平台介入",
           "退款原因", "退货退款", "仅退款", "拒绝退款", "撤销申请")
LABELS: dict[str, str] = {
    "退款编号": "request_no", "退款单号": "request_no", "售后编号": "request_no", "售后单号": "request_no",
    "服务单号": "request_no", "退款申请编号": "request_no", "售后服务单号": "request_no",
    "退款类型": "type", "售后类型": "type", "服务类型": "type", "类型": "type", "申请类型": "type",
    "退款金额": "amount", "申请金额": "amount", "退款总额": "amount",
    "申请时间": "applied_at", "提交时间": "applied_at", "申请退款时间": "applied_at",
    "退款原因": "reason", "申请原因": "reason", "原因": "reason", "售后原因": "reason",
    "商家拒绝理由": "reject_reason", "拒绝理由": "reject_reason", "拒绝原因": "reject_reason", "商家拒绝原因": "reject_reason",
    "拒绝时间": "rejected_at", "商家拒绝时间": "rejected_at", "商家处理时间": "rejected_at", "处理时间": "rejected_at",
    "订单编号": "order_id", "订单号": "order_id",
    "退款状态": "status", "售后状态": "status", "状态": "status",
}
STATUSES = ("商家拒绝退款", "商家已拒绝", "商家拒绝", "退款成功", "退款关闭", "待商家处理", "商家处理中", "退款中",
            "平台介入中", "平台处理中", "已撤销", "退款完成", "待买家处理", "待退货")
_DEADLINE_WORDS = ("申请平台介入", "内处理", "内未处理", "自动", "内申请", "后将", "超时")


def looks_like_refund(page: Page) -> bool:
    found = set(fields_of(page, LABELS))
    return has_any(page, MARKERS) and bool(found & {"request_no", "reason", "amount", "type"})


def _status(page: Page, fields) -> str | None:
    if "status" in fields:
        return fields["status"].value
    row = row_with(page, STATUSES)
    if row is None:
        return None
    compact = "".join(row.text.split())
    return next(s for s in STATUSES if s in compact)


def _deadline(page: Page, reference: datetime | None, exact: bool):
    """(absolute deadline, its row, warning) from a countdown such as 6天23时 内申请平台介入."""
    for row in page.rows:
        compact = "".join(row.text.split())
        if not any(w in compact for w in _DEADLINE_WORDS):
            continue
        absolute = parse_datetime(compact)
        if absolute is not None:
            return absolute, row, None
        left = countdown(compact)
        if left is None:
            continue
        if reference is None or not exact:
            return None, row, ("截图中有倒计时“" + row.text + "”，但不知道截图时间，无法算出截止时间；请在 case.toml 的"
                               " [filing] after_sales_deadline 填写",
                               f"the countdown '{row.text}' cannot be turned into a deadline without the screenshot's "
                               "time; write [filing] after_sales_deadline")
        return (reference + left).replace(second=0, microsecond=0), row, None
    return None, None, None


def notices(facts: dict, fields, evidence_id: str | None) -> list[Message]:
    """The refund page's two events for the timeline, in the page's own words: the request
    (when, what, how much, why) and the merchant's refusal (when, the reason given)."""
    out = []
    if facts["applied_at"]:
        what = "，".join(x for x in (facts["type"], f"¥{facts['amount']}" if facts["amount"] else None,
                                    f"原因：{facts['reason']}" if facts["reason"] else None,
                                    f"退款编号 {facts['request_no']}" if facts["request_no"] else None) if x)
        row = fields.get("applied_at")
        out.append(Message("system", f"申请退款（{what}）" if what else "申请退款", kind="notice",
                           time=datetime.fromisoformat(facts["applied_at"]),
                           source=SourceRef(evidence_id, None, row.box if row else None)))
    rejected = fields.get("rejected_at")
    when = parse_datetime(rejected.value) if rejected else None
    if when is not None and (facts["reject_reason"] or (facts["status"] and "拒绝" in facts["status"])):
        reason = f"（理由：{facts['reject_reason']}）" if facts["reject_reason"] else ""
        out.append(Message("system", f"商家拒绝退款{reason}", kind="notice", time=when,
                           source=SourceRef(evidence_id, None, rejected.box)))
    return out


def read_refund(page: Page, evidence_id: str | None, reference: datetime | None, exact: bool = True):
    """(proposals, entities, warnings, messages) of a refund page; `messages` are the request and
    the refusal as timeline notices."""
    fields = fields_of(page, LABELS)
    request_no = reference_no(fields["request_no"].value) if "request_no" in fields else None
    order_id = reference_no(fields["order_id"].value) if "order_id" in fields else None
    status = _status(page, fields)
    rejected_row = fields.get("rejected_at")
    rejected = parse_day(rejected_row.value) if rejected_row else None
    if rejected is None and (status and "拒绝" in status or "reject_reason" in fields):
        row = row_with(page, ("拒绝",))
        found = parse_day(row.text) if row is not None else None
        if found is not None:
            rejected, rejected_row = found, row
    deadline, deadline_row, warning = _deadline(page, reference, exact)
    proposals = (propose("filing.platform_request_no", request_no, fields.get("request_no"), evidence_id)
                 + propose("filing.merchant_rejected_on", rejected.date().isoformat() if rejected else None,
                           rejected_row, evidence_id)
                 + propose("filing.after_sales_deadline", iso(deadline) if deadline else None, deadline_row, evidence_id)
                 + propose("order.order_id", order_id, fields.get("order_id"), evidence_id))
    entities = (entity("refund_no", request_no, fields.get("request_no"), evidence_id)
                + entity("order_id", order_id, fields.get("order_id"), evidence_id))
    amount = money(fields["amount"].value) if "amount" in fields else None
    applied = parse_datetime(fields["applied_at"].value) if "applied_at" in fields else None
    facts = {
        "request_no": request_no, "type": fields["type"].value if "type" in fields else None,
        "amount": f"{amount:.2f}" if amount is not None else None, "applied_at": iso(applied) if applied else None,
        "reason": fields["reason"].value if "reason" in fields else None, "status": status,
        "reject_reason": fields["reject_reason"].value if "reject_reason" in fields else None,
        "rejected_on": rejected.date().isoformat() if rejected else None,
        "deadline": iso(deadline) if deadline else None, "order_id": order_id,
    }
    warnings = [warning] if warning else []
    if request_no is None:
        warnings.append(("退款页面中未读到退款编号，请人工核对", "no refund number read on the refund page; check by hand"))
    return proposals, entities, warnings, notices(facts, fields, evidence_id)
