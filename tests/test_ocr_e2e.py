"""End to end on the real engines (Tesseract and PP-OCR): generated screens and one real fixture
(slow, runs in CI)."""

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from casekit.importers.base import ExtractContext
from casekit.importers.registry import claimants, extract_file
from casekit.importers.screenshots import ScreenshotImporter
from casekit.synth import render_chat, render_payment

FIX = Path(__file__).parent / "fixtures" / "screenshots"
REF = datetime(2026, 3, 6, 10, 15)


@pytest.fixture
def engine(request, monkeypatch):
    """Run the test with the OCR engine named by the parameter (through $CASEKIT_OCR_ENGINE)."""
    monkeypatch.setenv("CASEKIT_OCR_ENGINE", request.param)
    return request.param


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["tesseract", "rapidocr"], indirect=True)
def test_dark_chat_end_to_end(tmp_path, engine):
    img, truth = render_chat([
        {"kind": "time", "text": "星期三 上午9:05"},
        {"speaker": "them", "text": "系统升级需要您先交保证金500元"},
        {"speaker": "me", "text": "我已经转账了，请尽快发货"},
        {"speaker": "me", "kind": "transfer", "amount": "500.00", "status": "请收款"},
        {"kind": "notice", "text": "对方已将你拉黑"},
    ], style="wechat", dark=True, width=1080, contact="好物优选店")
    path = tmp_path / "Screenshot_20260306-101500.png"
    img.save(path)
    ex = extract_file(path, ExtractContext(evidence_id="E1"))
    assert ex.kind == "chat_screenshot" and ex.importer == "screenshot"
    assert [(m.speaker, m.kind) for m in ex.messages] == [("them", "text"), ("me", "text"), ("me", "transfer"),
                                                          ("system", "notice")]
    assert ex.messages[0].text == "系统升级需要您先交保证金500元"
    assert ex.messages[0].name == "好物优选店"
    assert ex.messages[0].time == datetime.fromisoformat("2026-03-04T09:05:00+08:00")  # from the file name
    assert [t.amount for t in ex.transactions] == [Decimal("500.00")]


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["tesseract", "rapidocr"], indirect=True)
def test_payment_screen_end_to_end(tmp_path, engine):
    img, truth = render_payment("alipay_transfer", amount="1280.00", counterparty="张伟", account="138****6621",
                                order_id="20260305200040011100660012345678", time="2026-03-05 14:10:22", width=720)
    path = tmp_path / "pay.png"
    img.save(path)
    ex = extract_file(path, ExtractContext())
    assert ex.kind == "payment_screenshot"
    (tx,) = ex.transactions
    assert (tx.amount, tx.order_id, tx.counterparty, tx.counterparty_account) == (
        Decimal("1280.00"), "20260305200040011100660012345678", "张伟", "138****6621")
    assert tx.time == datetime.fromisoformat("2026-03-05T14:10:22+08:00") and tx.direction == "out"


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["tesseract", "rapidocr"], indirect=True)
def test_real_wechat_group_fixture(engine):
    path = FIX / "cow_wechat_group_1.jpg"
    assert [i.name for i in claimants(path)] == ["screenshot"]
    ex = extract_file(path, ExtractContext(reference_time=REF))
    assert ex.kind == "chat_screenshot"
    texts = [m.text for m in ex.messages]
    assert "有没有尝试过表格识别效果呢？" in texts
    assert "我刚测了下，能找到我要的内容" in texts
    labelled = [m for m in ex.messages if m.time_text]
    assert labelled and labelled[0].time == datetime.fromisoformat("2024-12-26T19:19:00+08:00")
    me = [m for m in ex.messages if m.speaker == "me"]
    assert len(me) == 1 and me[0].text.startswith("DeepSeek")  # the white link card on the right


@pytest.mark.slow
def test_cache_hit_skips_ocr(tmp_path, monkeypatch):
    img, _ = render_chat([{"speaker": "them", "text": "您好，请问还在吗？"}, {"speaker": "me", "text": "在的"}])
    path = tmp_path / "a.png"
    img.save(path)
    cache = tmp_path / "cache"
    first = ScreenshotImporter().extract(path, ExtractContext(evidence_id="E1", cache_dir=cache))
    assert len(list(cache.glob("*.json"))) == 1

    def no_ocr(*args, **kwargs):
        raise AssertionError("cache miss: OCR ran again")

    monkeypatch.setattr("casekit.importers.screenshots.read_screenshot", no_ocr)
    second = ScreenshotImporter().extract(path, ExtractContext(evidence_id="E2", cache_dir=cache))
    assert [m.text for m in second.messages] == [m.text for m in first.messages]
    assert all(m.source.evidence_id == "E2" for m in second.messages)
