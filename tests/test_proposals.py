"""Fact proposals (issue 13 §4): from a real order page in a real case to case.toml, through the
CLI — comments kept, custody-logged, a disagreeing value shown beside case.toml's, never written
unless the user names the field."""

import json

import pytest

from casekit.facts import load_facts
from casekit.synth_pages import render_order, render_refund


def _order_case(cli, new_case, tmp_path, **order):
    img, truth = render_order(goods="女士双面呢子大衣", **order)
    path = tmp_path / "Screenshot_20260308-102500.png"
    img.save(path)
    assert cli("add", new_case.root, path).exit_code == 0
    assert cli("extract", new_case.root).exit_code == 0
    return truth


@pytest.mark.slow
def test_inspect_json_gives_kind_and_proposals(cli, tmp_path):
    img, _ = render_refund()
    path = tmp_path / "Screenshot_20260308-102500.png"
    img.save(path)
    result = cli("inspect", path, "--json")
    data = json.loads(result.stdout)
    assert data["kind"] == "refund_record"
    assert {"field": "filing.platform_request_no", "value": "RF2603081020334455"} in data["proposals"]
    assert {"field": "filing.after_sales_deadline", "value": "2026-03-15T09:25+08:00"} in data["proposals"]
    assert all(set(p) == {"field", "value"} for p in data["proposals"])


@pytest.mark.slow
def test_accept_all_writes_case_toml_keeps_comments_and_logs(cli, new_case, tmp_path):
    truth = _order_case(cli, new_case, tmp_path)
    listed = json.loads(cli("proposals", new_case.root, "--json").stdout)["proposals"]
    assert {p["field"] for p in listed} == {"order.order_id", "order.goods", "order.amount", "order.ordered_at",
                                            "order.shop", "order.quantity", "story.delivered"}
    assert all(p["evidence_id"] == "E0001" and not p["conflict"] for p in listed)
    status = cli("status", new_case.root)
    assert "截图中读到 7 项案件信息待确认" in status.stdout and "order.order_id = 2603051410558831" in status.stdout
    comments_before = [l for l in new_case.toml_path.read_text("utf-8").splitlines() if l.startswith("#")]
    result = cli("accept", new_case.root, "--all", "--json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)["accepted"]) == 7
    text = new_case.toml_path.read_text("utf-8")
    assert [l for l in text.splitlines() if l.startswith("#")] == comments_before
    facts = load_facts(new_case.toml_path)
    assert facts.order.order_id == truth["proposals"]["order.order_id"]
    assert str(facts.order.amount) == "1280.00" and facts.order.goods == "女士双面呢子大衣"
    assert facts.order.ordered_at.isoformat() == "2026-03-05T14:10:05+08:00" and facts.order.quantity == 1
    assert facts.story.delivered is True
    accepts = [e for e in new_case.custody_entries() if e["action"] == "accept"]
    assert {e["field"] for e in accepts} == {p["field"] for p in listed}
    assert all(e["evidence_id"] == "E0001" for e in accepts)
    assert json.loads(cli("proposals", new_case.root, "--json").stdout)["proposals"] == []
    assert cli("verify", new_case.root).exit_code == 0
    from casekit.casemodel import list_evidence

    (entry,) = list_evidence(new_case)
    assert (entry.subtype, entry.title) == ("order_page", "订单页面截图（Screenshot_20260308-102500.png）")


@pytest.mark.slow
def test_disagreeing_value_is_shown_side_by_side_and_only_written_when_named(cli, new_case, tmp_path):
    new_case.toml_path.write_text(new_case.toml_path.read_text("utf-8").replace(
        "amount = \"\"                 # 实付金额", 'amount = "1200.00"  # what I remembered', 1), "utf-8")
    _order_case(cli, new_case, tmp_path)
    listed = json.loads(cli("proposals", new_case.root, "--json").stdout)["proposals"]
    amount = next(p for p in listed if p["field"] == "order.amount")
    assert (amount["current"], amount["value"], amount["conflict"]) == ("1200.00", "1280.00", True)
    shown = cli("proposals", new_case.root).stdout
    assert "case.toml「1200.00」 / E0001「1280.00」" in shown
    cli("accept", new_case.root, "--all")
    assert str(load_facts(new_case.toml_path).order.amount) == "1200.00"  # not overwritten silently
    assert cli("accept", new_case.root, "order.amount").exit_code == 0
    assert str(load_facts(new_case.toml_path).order.amount) == "1280.00"
    assert "# what I remembered" in new_case.toml_path.read_text("utf-8")
    (entry,) = [e for e in new_case.custody_entries() if e["action"] == "accept" and e["field"] == "order.amount"]
    assert (entry["before"], entry["value"]) == ("1200.00", "1280.00")


@pytest.mark.slow
def test_reject_is_logged_and_not_offered_again(cli, new_case, tmp_path):
    _order_case(cli, new_case, tmp_path)
    assert cli("reject", new_case.root, "order.goods", "--from", "E0001").exit_code == 0
    listed = json.loads(cli("proposals", new_case.root, "--json").stdout)["proposals"]
    assert "order.goods" not in {p["field"] for p in listed}
    assert [e["field"] for e in new_case.custody_entries() if e["action"] == "reject"] == ["order.goods"]


def test_accept_of_nothing_pending_is_a_clear_error(cli, new_case):
    result = cli("accept", new_case.root, "order.goods", "--from", "E0001", "--value", "大衣")
    assert result.exit_code != 0
    assert "没有待确认的 order.goods" in result.stderr and "no pending proposal" in result.stderr
    assert "Traceback" not in result.stderr
    assert cli("accept", new_case.root).exit_code != 0  # neither fields nor --all
