"""`casekit extract` and `casekit inspect` end to end, on real Tesseract and real bill files."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from casekit.adding import add_paths
from casekit.store import Case
from casekit.synth import render_chat, render_payment

from .conftest import FIXTURES, run_casekit

CONTRACT_KEYS = {"file", "sha256", "kind", "messages", "transactions", "entities", "warnings"}
MESSAGE_KEYS = {"speaker", "name", "text", "kind", "time", "time_text"}
TXN_KEYS = {"time", "amount", "currency", "direction", "counterparty", "counterparty_account", "method", "status", "order_id", "memo"}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("inputs")
    chat, _ = render_chat(
        [
            {"kind": "time", "text": "3月5日 下午2:10"},
            {"speaker": "them", "text": "亲，这款大衣今天特价"},
            {"speaker": "me", "text": "好的，怎么付款？"},
        ],
        contact="小美客服",
    )
    chat.save(folder / "Screenshot_20260306-101500.png")
    pay, _ = render_payment(kind="alipay_transfer", amount="1280.00", counterparty="张*", account="138****5678", order_id="20260305200040011100680012345678", time="2026-03-05 14:12:00")
    pay.save(folder / "Screenshot_20260305-141300.png")
    bill = next((FIXTURES / "bills").rglob("alipay_app_2023_gbk.csv"))
    shutil.copy(bill, folder / "alipay.csv")
    return folder


@pytest.mark.slow
def test_extract_stores_records_logs_custody_and_a_rerun_does_no_ocr(tmp_path: Path, inputs: Path, new_case: Case) -> None:
    add_paths(new_case, [inputs])
    first = run_casekit("extract", new_case.root, "-j", "2", "--json")
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert sorted(summary["extracted"]) == ["E0001", "E0002", "E0003"]
    kinds = {i.original_name: new_case.load_extraction(i.id).kind for i in new_case.items()}
    assert kinds == {"Screenshot_20260305-141300.png": "payment_screenshot", "Screenshot_20260306-101500.png": "chat_screenshot", "alipay.csv": "bill"}
    chat = next(new_case.load_extraction(i.id) for i in new_case.items() if i.original_name.startswith("Screenshot_20260306"))
    assert [m.speaker for m in chat.messages if m.kind == "text"] == ["them", "me"]
    # The label "3月5日 下午2:10" resolves against the capture time in the file name (2026-03-06).
    assert chat.messages[0].time is not None and chat.messages[0].time.isoformat().startswith("2026-03-05T14:10")
    pay = next(new_case.load_extraction(i.id) for i in new_case.items() if i.original_name.startswith("Screenshot_20260305"))
    assert [str(t.amount) for t in pay.transactions] == ["1280.00"]
    actions = [json.loads(l)["action"] for l in new_case.custody_path.read_text().splitlines()]
    assert actions[-1] == "extract"
    # Second run: everything cached. Tesseract is taken off PATH to prove no OCR runs at all.
    bare = tmp_path / "bin"
    bare.mkdir()
    second = run_casekit("extract", new_case.root, "--json", env={"PATH": str(bare)})
    assert second.returncode == 0, second.stderr
    again = json.loads(second.stdout)
    assert again["extracted"] == [] and sorted(again["cached"]) == ["E0001", "E0002", "E0003"]
    listing = json.loads(run_casekit("list", new_case.root, "--json").stdout)
    assert {row["kind"] for row in listing["items"]} == {"payment_screenshot", "chat_screenshot", "bill"}
    assert run_casekit("verify", new_case.root).returncode == 0


def test_missing_chi_sim_is_exit_4_with_the_install_command(tmp_path: Path, inputs: Path, new_case: Case) -> None:
    add_paths(new_case, [inputs / "Screenshot_20260306-101500.png"])
    empty = tmp_path / "tessdata"
    empty.mkdir()
    result = run_casekit("extract", new_case.root, "--engine", "tesseract", env={"TESSDATA_PREFIX": str(empty)})
    assert result.returncode == 4, result.stderr
    assert "apt-get install" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_inspect_json_follows_the_contract(inputs: Path) -> None:
    for name, kind in (("Screenshot_20260306-101500.png", "chat_screenshot"), ("alipay.csv", "bill")):
        result = run_casekit("inspect", inputs / name, "--json")
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout)
        assert CONTRACT_KEYS <= set(data) and data["kind"] == kind
        for message in data["messages"]:
            assert MESSAGE_KEYS <= set(message)
            assert message["speaker"] in ("me", "them", "system")
        for txn in data["transactions"]:
            assert TXN_KEYS <= set(txn) and txn["direction"] in ("out", "in", "none")
    bill = json.loads(run_casekit("inspect", inputs / "alipay.csv", "--json").stdout)
    assert bill["transactions"] and all(t["amount"].count(".") == 1 for t in bill["transactions"])


def test_unknown_file_is_kept_with_a_warning(tmp_path: Path, new_case: Case) -> None:
    odd = tmp_path / "notes.bin"
    odd.write_bytes(os.urandom(256))
    add_paths(new_case, [odd])
    result = run_casekit("extract", new_case.root, "--json")
    assert result.returncode == 0, result.stderr
    warnings = json.loads(result.stdout)["warnings"]["E0001"]
    assert any("kept as plain evidence" in w for w in warnings)
    assert new_case.load_extraction("E0001").kind == "other"
    assert new_case.item("E0001").path.read_bytes() == odd.read_bytes()


def test_a_changed_incident_date_re_reads_only_the_items_it_is_the_reference_for(tmp_path: Path, new_case: Case) -> None:
    (tmp_path / "notes.txt").write_text("对方电话13812345678", encoding="utf-8")
    (tmp_path / "Screenshot_20260306-101500.txt").write_text("x", encoding="utf-8")  # capture time from the name
    add_paths(new_case, [tmp_path / "notes.txt", tmp_path / "Screenshot_20260306-101500.txt"])
    first = json.loads(run_casekit("extract", new_case.root, "--json").stdout)
    assert sorted(first["extracted"]) == ["E0001", "E0002"]
    text = new_case.toml_path.read_text("utf-8").replace("# incident_date = 2026-03-05", "incident_date = 2026-03-05")
    new_case.toml_path.write_text(text, encoding="utf-8")
    second = json.loads(run_casekit("extract", new_case.root, "--json").stdout)
    assert second["extracted"] == ["E0001"] and second["cached"] == ["E0002"]
    # A different date, not just a first one, must also re-read (the key holds the date itself).
    new_case.toml_path.write_text(text.replace("incident_date = 2026-03-05", "incident_date = 2026-03-07"), encoding="utf-8")
    third = json.loads(run_casekit("extract", new_case.root, "--json").stdout)
    assert third["extracted"] == ["E0001"] and third["cached"] == ["E0002"]


def test_a_new_reader_makes_old_screenshot_records_stale(monkeypatch):
    """Records read by an older layout/reader (PIPELINE_VERSION) are read again by the next
    extract, so a case made before an upgrade gets the new reading (and its uncertain-word marks);
    a bill (no OCR engine) is not re-read for it."""
    import casekit.ocr.cache as cache
    from casekit.extract import settings_key
    from casekit.importers.base import ExtractContext

    image = ExtractContext(extras={"ocr_engine": "tesseract"})
    bill = ExtractContext()
    before = settings_key(image), settings_key(bill)
    monkeypatch.setattr(cache, "PIPELINE_VERSION", cache.PIPELINE_VERSION + "-next")
    assert settings_key(image) != before[0]
    assert settings_key(bill) == before[1]
