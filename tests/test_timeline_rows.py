"""D5 rows: a screenshot's consecutive chat lines share one row (each line on its own, with its own
time when they differ); payments and other events keep a row each; text stays escaped."""

from __future__ import annotations

from markupsafe import Markup

from casekit.adding import add_paths
from casekit.casemodel import load_case_model
from casekit.records import Extraction, Message, SourceRef
from casekit.viewmodels import build_view
from casekit.steps import evaluate
from casekit.synth import render_chat

from .test_packets import CASE_TOML, NOW, make_case, t


def test_chat_lines_of_one_screenshot_share_a_row(tmp_path):
    case = make_case(tmp_path / "case", CASE_TOML)
    extra = tmp_path / "later"
    extra.mkdir()
    render_chat([{"speaker": "them", "text": "已拉黑"}])[0].save(extra / "later.png")
    add_paths(case, [extra])
    later = next(i for i in case.items() if i.original_name == "later.png")
    messages = [Message("me", "为什么拉黑我 <b>", time=t(16, 0)), Message("me", "请退款"),
                Message("them", "系统升级，先交保证金500元", name="小美好物旗舰店", time=t(16, 5))]
    for m in messages:
        m.source = SourceRef(later.id)
    case.save_extraction(later.id, later.sha256, "test", Extraction("chat_screenshot", messages=messages))

    model = load_case_model(case, now=NOW)
    rows = build_view(model, evaluate(model), "police", True, case.out_dir)["timeline"]
    burst = next(r for r in rows if r["refs"] and r["refs"][0]["anchor"] == f"#ex-{later.id}")
    assert burst["kind"] == "聊天" and burst["time"] == "2026年3月5日 16:00"
    assert isinstance(burst["event"], Markup)
    assert str(burst["event"]).split("<br>") == [
        "16:00 我：为什么拉黑我 &lt;b&gt;", "约16:00 我：请退款", "16:05 对方（小美好物旗舰店）：系统升级，先交保证金500元"]
    assert burst["party"] == "小美好物旗舰店"
    # chat.png's two lines are not consecutive (the 14:12 payment sits between them): two rows
    chat_png = next(i.id for i in case.items() if i.original_name == "chat.png")
    kinds = [(r["kind"], r["refs"][0]["anchor"] == f"#ex-{chat_png}" if r["refs"] else False) for r in rows]
    assert kinds.count(("聊天", True)) == 2
    assert sum(1 for r in rows if r["kind"] == "付款") == 1
    assert [r["n"] for r in rows] == list(range(1, len(rows) + 1))
    assert sum(len(str(r["event"]).split("<br>")) for r in rows) == len(model.timeline.events)


def test_a_corrected_chat_line_is_marked_in_the_timeline(tmp_path):
    """Issue 14 "Also": D5 marks corrected text, as the exhibit transcripts do; others stay unmarked."""
    from casekit.corrections import Change, save
    from casekit.viewmodels import CORRECTED

    case = make_case(tmp_path / "case", CASE_TOML)
    chat_png = next(i.id for i in case.items() if i.original_name == "chat.png")
    save(case, chat_png, [Change("message", 3, "text", "对方已将我拉黑删除")])
    model = load_case_model(case, now=NOW)
    rows = build_view(model, evaluate(model), "police", True, case.out_dir)["timeline"]
    events = [str(r["event"]) for r in rows]
    assert any(e.endswith("对方已将我拉黑删除" + CORRECTED) for e in events), events
    assert sum(CORRECTED in e for e in events) == 1
