"""Proposals on recorded records (fast): value types written into case.toml, suspects.* into the
first [[suspects]] block, a case.toml that does not parse is its own error, and two accepts at
once (the case lock) both land."""

import json
import subprocess
import sys
import tomllib

import pytest

from casekit.errors import BadInput
from casekit.proposals import accept, pending
from casekit.records import Extraction, Proposal, SourceRef

from .conftest import run_casekit


def _case_with(cli, new_case, tmp_path, proposals):
    path = tmp_path / "shot.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    assert cli("add", new_case.root, path).exit_code == 0
    (item,) = new_case.items()
    extraction = Extraction(kind="refund_record", proposals=[Proposal(f, v, SourceRef(item.id, None, (1, 2, 3, 4)))
                                                             for f, v in proposals])
    new_case.save_extraction(item.id, item.sha256, "k", extraction)
    return item.id


def test_values_are_written_in_the_type_case_toml_takes(cli, new_case, tmp_path):
    eid = _case_with(cli, new_case, tmp_path, [
        ("order.amount", "1280.00"), ("order.ordered_at", "2026-03-05T14:10:05+08:00"),
        ("filing.merchant_rejected_on", "2026-03-08"), ("filing.after_sales_deadline", "2026-03-15T09:25+08:00"),
        ("suspects.account_id", "xm_cashmere88"), ("order.quantity", "1")])
    assert [p.box for p in pending(new_case)] == [(1, 2, 3, 4)] * 6
    for p in pending(new_case):
        accept(new_case, p.field, eid)
    data = tomllib.loads(new_case.toml_path.read_text("utf-8"))
    assert data["order"]["amount"] == "1280.00" and data["order"]["quantity"] == 1
    assert data["order"]["ordered_at"].isoformat() == "2026-03-05T14:10:05+08:00"
    assert data["filing"]["merchant_rejected_on"].isoformat() == "2026-03-08"
    assert data["filing"]["after_sales_deadline"].isoformat() == "2026-03-15T09:25:00+08:00"
    assert data["suspects"][0]["account_id"] == "xm_cashmere88"
    assert pending(new_case) == []


def test_a_value_case_toml_refuses_is_not_written(cli, new_case, tmp_path):
    eid = _case_with(cli, new_case, tmp_path, [("order.amount", "1280.00")])
    before = new_case.toml_path.read_bytes()
    with pytest.raises(BadInput):
        accept(new_case, "order.amount", eid, value="一千")
    assert new_case.toml_path.read_bytes() == before
    assert not [e for e in new_case.custody_entries() if e["action"] == "accept"]


def test_broken_case_toml_is_reported_not_guessed(cli, new_case, tmp_path):
    _case_with(cli, new_case, tmp_path, [("order.amount", "1280.00")])
    new_case.toml_path.write_text("[order\n", "utf-8")
    result = cli("proposals", new_case.root)
    assert result.exit_code != 0 and "case.toml" in result.stderr and "Traceback" not in result.stderr


def test_two_accepts_at_once_both_land(cli, new_case, tmp_path):
    _case_with(cli, new_case, tmp_path, [("order.order_id", "2603051410558831"), ("order.shop", "小美羊绒旗舰店")])
    procs = [subprocess.Popen([sys.executable, "-m", "casekit", "accept", str(new_case.root), field],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for field in ("order.order_id", "order.shop")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    data = tomllib.loads(new_case.toml_path.read_text("utf-8"))
    assert (data["order"]["order_id"], data["order"]["shop"]) == ("2603051410558831", "小美羊绒旗舰店")
    assert run_casekit("verify", new_case.root).returncode == 0
    assert json.loads(run_casekit("proposals", new_case.root, "--json").stdout) == {"proposals": []}


def test_accept_all_leaves_unsure_readings_for_the_user(cli, new_case, tmp_path):
    path = tmp_path / "shot.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"1" * 64)
    assert cli("add", new_case.root, path).exit_code == 0
    (item,) = new_case.items()
    new_case.save_extraction(item.id, item.sha256, "k", Extraction(kind="order_page", proposals=[
        Proposal("order.shop", "小美羊红旗舰店", SourceRef(item.id), unsure=True),
        Proposal("order.order_id", "2603051410558831", SourceRef(item.id))]))
    shown = cli("proposals", new_case.root).stdout
    assert "? order.shop = 小美羊红旗舰店" in shown and "识别不确定" in shown
    result = json.loads(cli("accept", new_case.root, "--all", "--json").stdout)
    assert [a["field"] for a in result["accepted"]] == ["order.order_id"]
    assert [(p["field"], p["unsure"]) for p in result["left"]] == [("order.shop", True)]
    assert cli("accept", new_case.root, "order.shop", "--from", item.id, "--value", "小美羊绒旗舰店").exit_code == 0
    assert tomllib.loads(new_case.toml_path.read_text("utf-8"))["order"]["shop"] == "小美羊绒旗舰店"
