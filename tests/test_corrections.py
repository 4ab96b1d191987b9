"""Corrections overlay (issue 14 item 2): append-only, custody-logged, applied at load time,
checked by verify, kept or reported after a re-extraction."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from casekit.casemodel import load_case_model
from casekit.corrections import Change, FILE, load, review, save, stale
from casekit.errors import BadInput
from casekit.records import Extraction, Message, SourceRef
from casekit.verify import verify_case

from .test_packets import CASE_TOML, make_case


@pytest.fixture
def case(tmp_path: Path):
    return make_case(tmp_path / "case", CASE_TOML)


def chat_id(case) -> str:
    return next(i.id for i in case.items() if i.original_name == "chat.png")


def model_message(case, evidence_id: str, number: int) -> Message:
    entry = next(e for e in load_case_model(case).evidence if e.id == evidence_id)
    return entry.extraction.messages[number - 1]


def test_correction_is_applied_at_load_and_raw_record_kept(case):
    eid = chat_id(case)
    raw_before = case.record_path(eid).read_bytes()
    made = save(case, eid, [Change("message", 1, "text", "加我微信私下转账便宜300")])
    assert [c.before for c in made] == [case.load_extraction(eid).messages[0].text]
    assert made[0].after == "加我微信私下转账便宜300"
    msg = model_message(case, eid, 1)
    assert msg.text == "加我微信私下转账便宜300" and msg.corrected == ("text",)
    assert model_message(case, eid, 2).corrected == ()
    assert case.record_path(eid).read_bytes() == raw_before  # the machine reading is never altered
    logged = [e for e in case.custody_entries() if e.get("action") == "correct"]
    assert len(logged) == 1 and logged[0]["correction"] == made[0].id
    assert verify_case(case).ok


def test_confirm_marks_record_and_same_value_writes_nothing(case):
    eid = chat_id(case)
    save(case, eid, [Change("message", 2)])
    assert model_message(case, eid, 2).confirmed and not model_message(case, eid, 1).confirmed
    current = case.load_extraction(eid).messages[2].text
    assert save(case, eid, [Change("message", 3, "text", current)]) == []
    assert len(load(case.root)) == 1


def test_bad_values_rejected_all_or_nothing(case):
    eid = chat_id(case)
    for change in (Change("message", 1, "speaker", "boss"), Change("message", 1, "time", "yesterday-ish"),
                   Change("message", 99, "text", "x"), Change("message", 1, "text", "  "),
                   Change("message", 1, "colour", "red")):
        with pytest.raises(BadInput):
            save(case, eid, [Change("message", 2, "text", "fine"), change])
    assert not (case.root / FILE).exists()
    with pytest.raises(BadInput):
        save(case, eid, [Change("transaction", 1, "amount", "-5")])


def test_verify_notices_edited_removed_and_unlogged_lines(case):
    eid = chat_id(case)
    save(case, eid, [Change("message", 1, "text", "第一处"), Change("message", 2, "speaker", "them")])
    path = case.root / FILE
    good = path.read_bytes()
    path.write_bytes(good.replace("第一处".encode(), "第二处".encode()))
    report = verify_case(case)
    assert not report.ok and [p.line for p in report.problems if p.kind == "corrections"] == [1]
    path.write_bytes(good.split(b"\n")[0] + b"\n")
    assert any(p.kind == "corrections" and "missing" in p.message for p in verify_case(case).problems)
    path.write_bytes(good + good.split(b"\n")[0] + b"\n")
    assert any(p.kind == "corrections" and "not in the custody log" in p.message for p in verify_case(case).problems)
    path.write_bytes(good)
    assert verify_case(case).ok


def test_reextract_keeps_corrections_that_still_apply_and_reports_the_rest(case):
    eid = chat_id(case)
    item = case.item(eid)
    save(case, eid, [Change("message", 1, "text", "更正后的文字"), Change("message", 3, "text", "对方已将我拉黑")])
    old = case.load_extraction(eid)
    # A new reading: one more bubble in front (numbers shift), and the notice now read differently.
    new = Extraction("chat_screenshot", messages=[Message("them", "在吗", source=SourceRef(eid)), old.messages[0], old.messages[1],
                                                  Message("system", "对方已将你拉黑了", kind="notice", source=SourceRef(eid))])
    case.save_extraction(eid, item.sha256, "test2", new)
    results = {a.correction.after: a for a in review(case)}
    assert results["更正后的文字"].applied and results["更正后的文字"].number == 2
    assert not results["对方已将我拉黑"].applied
    assert [a.correction.after for a in stale(case)] == ["对方已将我拉黑"]
    msgs = load_case_model(case).evidence
    texts = [m.text for m in next(e for e in msgs if e.id == eid).extraction.messages]
    assert texts == ["在吗", "更正后的文字", "¥1280.00", "对方已将你拉黑了"]  # nothing forced onto another record


def test_transaction_amount_correction(case):
    pay = next(i.id for i in case.items() if i.original_name == "pay.png")
    save(case, pay, [Change("transaction", 1, "amount", "1,208.00")])
    entry = next(e for e in load_case_model(case).evidence if e.id == pay)
    assert entry.extraction.transactions[0].amount == Decimal("1208.00")
    assert entry.extraction.transactions[0].corrected == ("amount",)


def test_cli_correct_confirm_and_list(case, cli):
    eid = chat_id(case)
    r = cli("correct", case.root, eid, "1", "text", "便宜300", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)[0]["after"] == "便宜300"
    r = cli("confirm", case.root, eid)
    assert r.exit_code == 0 and "3" in r.stdout
    r = cli("corrections", case.root, "--json")
    rows = json.loads(r.stdout)
    assert [row["op"] for row in rows] == ["correct", "confirm", "confirm", "confirm"] and all(row["applies"] for row in rows)
    r = cli("corrections", case.root, "--show", eid)
    assert "便宜300 [改]" in r.stdout
    r = cli("correct", case.root, eid, "1", "speaker", "boss")
    assert r.exit_code != 0 and "说话人" in r.stderr and "Traceback" not in r.output


def test_police_packet_prints_the_corrected_word_marked_not_the_misread_one(case):
    """Real WeasyPrint to a real PDF, read back with pdftotext as a reader would."""
    from casekit.packets import build_packets

    from .test_packets import NOW, pdftext, squash

    eid = chat_id(case)
    save(case, eid, [Change("message", 3, "text", "对方已将我拉黑删除")])
    result = build_packets(case, "police", now=NOW)
    text = squash(pdftext(Path(result.outputs[0]["pdf"])))
    assert "对方已将我拉黑删除（经本人核对更正）" in text
    assert "对方已将你拉黑" not in text
