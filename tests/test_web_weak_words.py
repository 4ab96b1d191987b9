"""Low-confidence words (issue 14 §2): the spans of a message's text whose OCR words scored
under casekit.ocr.weak.WEAK_CONF, found by the real pipeline on real (synthetic, degraded)
screenshots and kept with the raw records."""

from __future__ import annotations

import difflib
import io
from pathlib import Path

import pytest

from casekit.ocr.engine import Word
from casekit.ocr.weak import WEAK_CONF, weak_spans, weak_threshold
from casekit.records import Message


def word(text: str, left: int, conf: float, line: int = 1, top: int = 0) -> Word:
    return Word(text, left, top, 20 * len(text), 20, conf, 1, 1, line)


def test_spans_follow_the_joined_text_in_reading_order_and_merge_when_adjacent():
    words = [word("对方", 0, 95), word("已将", 40, 20), word("你", 80, 30), word("拉黑", 100, 96),
             word("200", 0, 40, line=2, top=30)]
    text = "对方已将你拉黑200"
    assert weak_spans(text, words) == ((2, 5), (7, 10))
    assert [text[a:b] for a, b in weak_spans(text, words)] == ["已将你", "200"]
    assert weak_spans(text, words, threshold=10) == ()
    assert weak_threshold("rapidocr") > weak_threshold("tesseract") == weak_threshold("replay")  # PP-OCR: line scores
    # a word the cleaning changed beyond finding is skipped, and the rest still line up
    assert weak_spans("对方已将你拉黑", [word("对方", 0, 20), word("@@", 30, 10), word("拉黑", 60, 10)]) == ((0, 2), (5, 7))


def test_weak_spans_survive_the_record_json_and_stay_out_when_there_are_none():
    m = Message("them", "加我徽信", weak=((2, 3),))
    assert Message.from_json(m.to_json()).weak == ((2, 3),)
    assert "weak" not in Message("them", "好的").to_json()


@pytest.mark.slow
def test_on_real_tesseract_readings_the_highlight_points_at_the_misreads(tmp_path: Path):
    """Degraded synthetic chats read by Tesseract: every span lies inside its text, and the
    misread characters are far more often highlighted than characters on the whole (the
    threshold's measurement is bench/bench_weak.py; this checks the pipeline carries it)."""
    from casekit.inspect import inspect_file
    from casekit.synth import render_chat

    texts = ["加我微信私下转账便宜200", "发货要先交保证金300元，退款时一起退", "请把验证码发给我核对一下身份",
             "你先确认收货，我这边才能给你返现", "我的快手号是 xiaomei_888，直播间号 12345678", "亲，这款羊绒大衣今天直播间特价1280元"]
    weak_chars = chars = wrong = wrong_weak = 0
    for n in range(4):
        drawn = [texts[(n + k) % len(texts)] for k in range(3)]
        image, _ = render_chat([{"speaker": "them" if k % 2 == 0 else "me", "text": t} for k, t in enumerate(drawn)])
        image = image.resize((image.width // 2, image.height // 2))
        buf = io.BytesIO()
        image.convert("RGB").save(buf, "JPEG", quality=(20, 35)[n % 2])
        path = tmp_path / f"chat{n}.jpg"
        path.write_bytes(buf.getvalue())
        for m in inspect_file(path, engine="tesseract")["messages"]:
            text, spans = m["text"], [tuple(s) for s in m.get("weak", [])]
            assert all(0 <= a < b <= len(text) for a, b in spans) and spans == sorted(spans)
            best = max(drawn, key=lambda t: difflib.SequenceMatcher(None, t, text).ratio())
            good = set()
            for block in difflib.SequenceMatcher(None, text, best, autojunk=False).get_matching_blocks():
                good.update(range(block.a, block.a + block.size))
            marked = {i for a, b in spans for i in range(a, b)}
            for i, ch in enumerate(text):
                if ch.isspace():
                    continue
                chars += 1
                weak_chars += i in marked
                if i not in good:
                    wrong += 1
                    wrong_weak += i in marked
    assert chars > 100 and weak_chars < chars * 0.3, (weak_chars, chars)  # a highlight, not the whole page
    assert wrong > 0, "the degraded set is meant to hold misreads"
    assert wrong_weak / wrong > 2 * weak_chars / chars, (wrong_weak, wrong, weak_chars, chars, WEAK_CONF["tesseract"])
