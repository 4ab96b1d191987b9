"""Case scoping (issue 15 §2): which items belong to the case, `status` flags the rest with both
fixes, and `casekit link` / `unlink` put the matching right (custody-logged).

Records here are written directly (the logic around OCR under test; the OCR itself is exercised
end to end in test_heldout_case.py)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from PIL import Image

from casekit.adding import add_paths
from casekit.casemodel import load_case_model
from casekit.facts import CST
from casekit.records import Extraction, Message, SourceRef, Transaction
from casekit.scoping import scope
from casekit.steps import evaluate
from casekit.store import Case

CASE_TOML = '''
[case]
title = "快手直播间购买大衣被骗"
platform = "快手"
incident_date = 2026-03-05
[[suspects]]
name = "王某"
platform_account = "小美好物"
account_id = "ks_xiaomei888"
payment_accounts = ["138****6621"]
'''
T = datetime(2026, 3, 5, 14, 10, tzinfo=CST)


def _chat(contact: str, *texts: str) -> Extraction:
    return Extraction("chat_screenshot", messages=[
        Message("them" if i % 2 == 0 else "me", t, name=contact if i % 2 == 0 else None, time=T)
        for i, t in enumerate(texts)])


@pytest.fixture
def case(tmp_path):
    """E0001 our seller's chat, E0002 a 刷单 task chat (other people), E0003 a payment screen of our
    payment that names no one of ours (the payee's real name only), E0004 a photo."""
    case = Case.init(tmp_path / "case", CASE_TOML)
    src = tmp_path / "in"
    src.mkdir()
    for n, colour in enumerate(["red", "green", "blue", "white"], 1):
        Image.new("RGB", (40, 80), colour).save(src / f"shot{n}.png")
    add_paths(case, [src])
    records = {
        "E0001": _chat("小美好物", "亲，加微信私下转账便宜100", "好的"),
        "E0002": _chat("刷单任务导师李老师", "完成三单返佣金，先垫付10000元", "好"),
        "E0003": Extraction("payment_screenshot", transactions=[Transaction(
            Decimal("1280.00"), "out", T.replace(second=22), counterparty="陈*伟", method="支付宝转账")]),
        "E0004": Extraction("image", text=""),
    }
    records["E0001"].transactions.append(Transaction(Decimal("1280.00"), "out", T, counterparty=None,
                                                     source=SourceRef("E0001", None, (1, 2, 3, 4))))
    for item in case.items():
        case.save_extraction(item.id, item.sha256, "test", records[item.id])
    return case


def test_scope_links_by_identifier_and_by_same_payment(case):
    model = load_case_model(case)
    by_id = {e.id: e for e in model.evidence}
    assert by_id["E0001"].linked and "小美好物" in by_id["E0001"].link_reason
    assert not by_id["E0002"].linked
    assert by_id["E0003"].linked and "同一笔付款" in by_id["E0003"].link_reason
    assert by_id["E0004"].linked and not by_id["E0004"].link_checked  # nothing to compare: kept
    assert [e.id for e in model.unlinked] == ["E0002"]


def test_no_suspects_yet_keeps_everything():
    links = scope(__import__("casekit.facts", fromlist=["Facts"]).Facts(),
                  {"E0001": _chat("任何人", "你好")})
    assert links["E0001"].linked and not links["E0001"].checked


def test_status_flags_the_item_with_both_fixes(case, cli):
    result = cli("status", case.root)
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "E0002" in x)
    assert "E0002 与本案对方均不匹配" in line
    assert f"casekit link {case.root} E0002 --suspect 1" in line
    assert f"casekit exclude {case.root} E0002 --reason" in line
    assert "E0001" not in result.output.replace("E0001]", "")  # linked items are not flagged
    data = json.loads(cli("status", case.root, "--json").output)
    keys = [c["key"] for c in data["steps"]["identify"]["checks"]]
    assert "unlinked:E0002" in keys and "unlinked:E0001" not in keys


def test_link_and_unlink_are_logged_and_change_the_model(case, cli):
    result = cli("link", case.root, "E0002", "--suspect", "1", "--reason", "同一骗子换号", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data == {"evidence_id": "E0002", "linked": True, "reason": "本人确认：同一骗子换号", "suspect": 1,
                    "by_user": True, "checked": True, "excluded": False}
    entry = case.custody_entries()[-1]
    assert entry["action"] == "link" and entry["evidence_id"] == "E0002" and entry["suspect"] == 1
    assert entry["sha256"] == case.item("E0002").sha256
    model = load_case_model(case)
    assert "E0002" in {e.id for e in model.for_step("police")}
    assert "unlinked:E0002" not in {c.key for c in evaluate(model).steps["identify"].checks}

    result = cli("unlink", case.root, "E0001", "--reason", "不是这个卖家")
    assert result.exit_code == 0 and "E0001" in result.output
    assert case.custody_entries()[-1]["action"] == "unlink"
    model = load_case_model(case)
    assert "E0001" not in {e.id for e in model.for_step("police")}
    # the user's own unlink is not flagged back at her, and the original is untouched
    assert "unlinked:E0001" not in {c.key for c in evaluate(model).steps["identify"].checks}
    assert case.item("E0001").path.is_file()
    assert cli("verify", case.root).exit_code == 0


def test_unlinked_chat_payment_leaves_the_loss(case):
    """The 刷单 chat's 10000元 is nowhere in the loss; our 1,280 is counted once (card + screen)."""
    model = load_case_model(case)
    assert model.timeline.loss.net == Decimal("1280.00")
    (payment,) = [p for p in model.timeline.payments if p.kind == "payment"]
    assert payment.evidence_ids == ["E0001", "E0003"]
    assert all("10000" not in e.text for e in model.timeline.events)


@pytest.mark.parametrize("args, words", [
    (("link", "E0099"), "没有编号为 E0099 的证据"),
    (("link", "E0002", "--suspect", "3"), "没有第 3 个对方"),
    (("unlink", "E0099"), "没有编号为 E0099 的证据"),
])
def test_bad_input_is_one_line(case, args, words):
    from tests.conftest import run_casekit

    proc = run_casekit(args[0], case.root, *args[1:])
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert words in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_help_is_bilingual(cli):
    for command in ("link", "unlink"):
        out = cli(command, "--help").output
        assert "证据" in out and "--json" in out


def test_claim_evidence_needs_a_product_page(case, cli):
    """Any picture ticked 商品/直播宣传页面 before (issue 15 §4); now only a page marked as one."""
    checks = {c.key: c for c in evaluate(load_case_model(case)).steps["identify"].checks}
    assert not checks["claim_evidence"].ok
    toml = case.toml_path.read_text("utf-8") + '\n[evidence.E0004]\nsubtype = "product_page"\n'
    case.toml_path.write_text(toml, "utf-8")
    checks = {c.key: c for c in evaluate(load_case_model(case)).steps["identify"].checks}
    assert checks["claim_evidence"].ok


def _facts_without_payee():
    from casekit.facts import Facts, Suspect

    return Facts(suspects=[Suspect(platform_account="美美服饰")])


def test_payment_screen_paid_to_the_account_the_seller_gave():
    """The user never wrote the payee down; the seller's chat gave it, the screen shows it masked."""
    from casekit.records import Entity

    chat = _chat("美美服饰", "支付宝转我18612343377，陈志伟")
    chat.entities = [Entity("phone", "18612343377")]
    screen = Extraction("payment_screenshot", transactions=[Transaction(
        Decimal("1280.00"), "out", T + timedelta(days=3), counterparty="陈*伟", counterparty_account="186****3377")])
    other = Extraction("payment_screenshot", transactions=[Transaction(
        Decimal("1280.00"), "out", T + timedelta(days=3), counterparty="刘*", counterparty_account="6222****8899")])
    links = scope(_facts_without_payee(), {"E0001": chat, "E0002": screen, "E0003": other})
    assert links["E0002"].linked and "18612343377" in links["E0002"].reason
    assert not links["E0003"].linked


def test_payment_screen_of_an_amount_the_chat_names_the_same_day():
    chat = _chat("美美服饰", "好的，已经转了1,280，请尽快发货")
    near = Extraction("payment_screenshot", transactions=[Transaction(
        Decimal("1280.00"), "out", T + timedelta(hours=2), counterparty="陈*伟")])
    far = Extraction("payment_screenshot", transactions=[Transaction(
        Decimal("1280.00"), "out", T + timedelta(days=9), counterparty="陈*伟")])
    bigger = Extraction("payment_screenshot", transactions=[Transaction(
        Decimal("12800.00"), "out", T + timedelta(hours=2), counterparty="陈*伟")])
    links = scope(_facts_without_payee(), {"E0001": chat, "E0002": near, "E0003": far, "E0004": bigger})
    assert links["E0002"].linked
    assert not links["E0003"].linked and not links["E0004"].linked


def test_linking_an_excluded_item_says_the_exclusion_holds(case, cli):
    assert cli("exclude", case.root, "E0002", "--reason", "别的案子").exit_code == 0
    result = cli("link", case.root, "E0002")
    assert result.exit_code == 0 and "排除仍然有效" in result.output
    assert "E0002" not in {e.id for e in load_case_model(case).for_step("police")}


def test_status_line_survives_an_odd_file_name(tmp_path, cli):
    """A name with an undecodable byte and a newline still gives one printable status line."""
    import os

    case = Case.init(tmp_path / "case", CASE_TOML)
    src = tmp_path / "in"
    src.mkdir()
    odd = os.fsencode(src) + b"/bad\xff\nname.png"
    Image.new("RGB", (40, 80), "red").save(odd.decode("utf-8", "surrogateescape"), format="PNG")
    add_paths(case, [src])
    item = case.items()[0]
    case.save_extraction(item.id, item.sha256, "test", _chat("别人", "你好"))
    result = cli("status", case.root)
    assert result.exit_code == 0
    (line,) = [x for x in result.output.splitlines() if "与本案对方均不匹配" in x]
    assert "\\udcff" in line and "\\n" in line


def test_timeline_names_the_items_left_out(case, cli):
    result = cli("timeline", case.root)
    assert result.exit_code == 0 and "未计入本案的证据：E0002" in result.output


def test_status_warns_of_an_incident_date_in_the_future(case):
    model = load_case_model(case, now=datetime(2026, 3, 1, tzinfo=CST))  # before incident_date 2026-03-05
    checks = {c.key: c for c in evaluate(model).steps["identify"].checks}
    assert not checks["incident_in_future"].ok and "2026-03-05" in checks["incident_in_future"].label
    assert "incident_in_future" not in {c.key for c in evaluate(load_case_model(case)).steps["identify"].checks}
