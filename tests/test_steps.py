"""Checklists per step and triage hints."""

from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from casekit.casemodel import load_case_model
from casekit.facts import CST
from casekit.records import Extraction, Message, SourceRef, Transaction
from casekit.steps import evaluate


class FakeItem:
    def __init__(self, eid, name, media="image/png"):
        self.id, self.original_name, self.path = eid, name, Path("/nonexistent") / name
        self.sha256, self.size, self.added_at = "0" * 64, 1, datetime(2026, 3, 6, tzinfo=CST)
        self.excluded, self.exclude_reason, self.media_type, self.metadata = False, None, media, {}


class FakeCase:
    def __init__(self, root: Path, toml: str, records: dict):
        self.root, self.toml_path = root, root / "case.toml"
        self.toml_path.write_text(toml, encoding="utf-8")
        self.records = records

    def items(self):
        return [FakeItem(eid, f"{eid}.png") for eid in self.records]

    def load_extraction(self, eid):
        return self.records[eid]


PAY_TIME = datetime(2026, 3, 5, 14, 12, tzinfo=CST)
RECORDS = {
    "E0001": Extraction("chat_screenshot", messages=[Message("them", "加微信转账", time=PAY_TIME)]),
    "E0002": Extraction("payment_screenshot", transactions=[Transaction(
        Decimal("1280"), "out", PAY_TIME, counterparty="张三丰", counterparty_account="13812345678",
        source=SourceRef("E0002"))]),
}
TOML = '''
[case]
platform = "快手"
[victim]
name = "赵某某"
[[suspects]]
name = "张三丰"
[story]
off_platform_payment = true
'''


def test_police_gaps_name_the_fix(tmp_path):
    model = load_case_model(FakeCase(tmp_path, TOML, RECORDS), now=PAY_TIME + timedelta(days=5))
    status = evaluate(model)
    gaps = {g.key: g for g in status.gaps_for("police")}
    assert {"victim_id", "victim_phone", "victim_address", "truth", "police_unit"} <= set(gaps)
    assert "victim_name" not in gaps and "loss" not in gaps and "payee" not in gaps
    assert "[victim] id_number" in gaps["victim_id"].fix and "casekit interview" in gaps["victim_id"].fix
    assert status.steps["identify"].ready is False  # original carrier missing
    assert any("优先报警" in h.text for h in status.hints)
    assert not any(h.urgent for h in status.hints)


def test_urgent_stop_payment_hint_first_within_48h(tmp_path):
    model = load_case_model(FakeCase(tmp_path, TOML, RECORDS), now=PAY_TIME + timedelta(hours=3))
    hints = evaluate(model).hints
    assert hints[0].urgent and "110" in hints[0].text and "派出所" in hints[0].text
    assert "或 96110" not in hints[0].text and "96110 是反诈咨询/举报专线，不办理止付" in hints[0].text
    assert "13812345678" in hints[0].text


def test_nothing_matches_without_suspects(tmp_path):
    model = load_case_model(FakeCase(tmp_path, "[case]\n", RECORDS), now=PAY_TIME + timedelta(days=1))
    status = evaluate(model)
    assert model.timeline.loss.net == 0
    keys = {g.key for g in status.gaps_for("police")}
    assert {"loss", "suspect", "order_or_payment"} <= keys  # police includes the identify step
    assert "order_or_payment" in {g.key for g in status.gaps_for("platform")}
    assert "loss" not in {g.key for g in status.gaps_for("platform")}
