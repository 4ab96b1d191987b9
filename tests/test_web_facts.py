"""The facts form's [[events]] and [[demands]] rows (issue 14 §2): add, edit and remove rows
over real HTTP, validated as the CLI validates case.toml, written with the user's comments
kept, logged as custody; a row changed from the CLI since the page was opened is not
overwritten."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from pathlib import Path

import pytest

from casekit.facts import load_facts
from casekit.verify import verify_case

from .test_packets import CASE_TOML, make_case
from .webtools import InThread

COMMENTED = CASE_TOML.replace("[[events]]\n", "# 我记得的事\n[[events]]\n", 1).replace(
    'amount = "1280.00"\n', 'amount = "1280.00"  # 我付的钱\n', 1)


@pytest.fixture
def case(tmp_path: Path):
    return make_case(tmp_path / "case", COMMENTED)


def form_of(page: str) -> dict[str, str]:
    """Every field of the facts form with the value the page shows (selects: the selected option)."""
    fields = {name: value for attrs, name, value in re.findall(r'<input([^>]*) name="([^"]+)" value="([^"]*)"[^>]*>', page)
              if 'type="checkbox"' not in attrs}  # a browser sends a box only when it is ticked
    for name, options in re.findall(r'<select[^>]* name="([^"]+)">(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', options)
        fields[name] = chosen.group(1) if chosen else ""
    for name, text in re.findall(r'<textarea[^>]* name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        fields[name] = text
    return {k: html.unescape(v) for k, v in fields.items()}


def test_rows_are_added_edited_and_removed_keeping_comments(case):
    with InThread(case.root) as served:
        page = served.request("GET", "/facts")[2].decode("utf-8")
        assert 'value="在直播间看到羊绒大衣"' in page and 'value="2026-03-05 13:40"' in page
        form = form_of(page)
        assert form["demands.0.kind"] == "refund" and form["demands.0.amount"] == "1280.00"
        form.update({"events.new.time": "2026-03-05 15:00", "events.new.text": "对方把我拉黑", "events.new.evidence": "E0001",
                     "demands.0.amount": "1300", "demands.new.kind": "compensation", "demands.new.note": "三倍赔偿"})
        status, headers, body = served.form("/facts", form)
        assert status == 303, body.decode("utf-8")[:2000]
        assert headers["location"] == "/facts?saved=3"
        facts = load_facts(case.toml_path)
        assert [(e.time.isoformat(), e.text, e.evidence) for e in facts.events] == [
            ("2026-03-05T13:40:00+08:00", "在直播间看到羊绒大衣", []), ("2026-03-05T15:00:00+08:00", "对方把我拉黑", ["E0001"])]
        assert [(d.kind, d.amount, d.note) for d in facts.demands] == [("refund", Decimal("1300.00"), ""), ("compensation", None, "三倍赔偿")]
        text = case.toml_path.read_text("utf-8")
        assert "# 我记得的事\n[[events]]" in text and "# 我付的钱" in text  # the user's comments stay

        form = form_of(served.request("GET", "/facts")[2].decode("utf-8"))
        form["events.0.remove"] = "1"
        form["events.1.time"] = "2026-03-05"  # a day without the hour
        assert served.form("/facts", form)[0] == 303
    facts = load_facts(case.toml_path)
    assert [(e.text, e.precision) for e in facts.events] == [("对方把我拉黑", "day")]
    logged = [e for e in case.custody_entries() if e.get("action") == "facts"]
    assert [sorted(e["fields"]) for e in logged] == [["demands[+1]", "demands[0]", "events[+1]"], ["events[-0]", "events[1]"]]
    assert verify_case(case).ok


def test_a_bad_row_is_refused_like_the_cli_and_nothing_is_written(case):
    before = case.toml_path.read_bytes()
    with InThread(case.root) as served:
        form = form_of(served.request("GET", "/facts")[2].decode("utf-8"))
        bad_time = {**form, "events.new.time": "昨天下午", "events.new.text": "又催我付款"}
        status, _, body = served.form("/facts", bad_time)
        page = body.decode("utf-8")
        assert status == 400 and "events[1].time" in page and "2026-03-05 14:10" in page
        assert 'value="又催我付款"' in page  # what the victim typed is still in the box
        no_text = {**form, "events.new.time": "2026-03-05 16:00"}
        status, _, body = served.form("/facts", no_text)
        assert status == 400 and "time 和 text" in body.decode("utf-8")  # the CLI's own check (casekit.facts)
        bad_amount = {**form, "demands.0.amount": "一千三"}
        status, _, body = served.form("/facts", bad_amount)
        assert status == 400 and "demands[0].amount" in body.decode("utf-8")
        bad_id = {**form, "events.0.evidence": "../../etc/passwd"}
        status, _, body = served.form("/facts", bad_id)
        assert status == 400 and "E0001" in body.decode("utf-8")
        bad_index = {**form, "events.99999999999999999999.text": "x", "events.99999999999999999999.was": "0"}
        assert served.form("/facts", bad_index)[0] == 400
    assert case.toml_path.read_bytes() == before
    assert not [e for e in case.custody_entries() if e.get("action") == "facts"]


def test_a_row_changed_from_the_cli_since_the_page_opened_is_not_overwritten(case):
    with InThread(case.root) as served:
        form = form_of(served.request("GET", "/facts")[2].decode("utf-8"))
        text = case.toml_path.read_text("utf-8").replace('text = "在直播间看到羊绒大衣"', 'text = "在直播间看到大衣（命令行改的）"')
        case.toml_path.write_text(text, encoding="utf-8")  # as $EDITOR would, meanwhile
        form["events.0.text"] = "页面上改的"
        status, _, body = served.form("/facts", form)
    assert status == 400 and "changed after the page was opened" in body.decode("utf-8")
    assert "命令行改的" in case.toml_path.read_text("utf-8")
