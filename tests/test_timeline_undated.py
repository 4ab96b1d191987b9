"""Issue 15 §1: lines nothing dates (a 昨天 21:30 label with no capture time) sort to the end of the
timeline and are shown there under 日期待确认 — in the built PDF's 案件时间线 (read back with
pdftotext) and in `casekit timeline` — never inside a dated row."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from casekit.adding import add_paths
from casekit.facts import CST
from casekit.packets import build_packets
from casekit.records import Extraction, Message, Transaction
from casekit.store import Case
from casekit.synth import render_chat
from .test_packets import pdftext, squash, store_records

PAID = datetime(2026, 3, 5, 14, 12, tzinfo=CST)
TOML = '''
[case]
title = "羊绒大衣未发货"
platform = "快手"
incident_date = 2026-03-05
[victim]
name = "赵某某"
[[suspects]]
name = "张三丰"
payment_accounts = ["138****5678"]
[order]
goods = "羊绒大衣"
amount = "1280.00"
[story]
off_platform_payment = true
delivered = false
'''


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    root = tmp_path_factory.mktemp("undated") / "case"
    case = Case.init(root, TOML)
    src = root.parent / "in"
    src.mkdir()
    img, _ = render_chat([{"speaker": "them", "text": "加我私下转账便宜"}, {"kind": "time", "text": "昨天 21:30"},
                          {"speaker": "me", "text": "怎么还不发货"}], style="kuaishou", contact="张三丰")
    img.save(src / "chat.png")
    add_paths(case, [src])
    store_records(case, {"chat.png": Extraction("chat_screenshot", messages=[
        Message("them", "加我私下转账便宜", name="张三丰", time=PAID - timedelta(minutes=10)),
        Message("me", "怎么还不发货", time=None, time_text="昨天 21:30"),
        Message("them", "明天一定发", name="张三丰", time=None, time_text="昨天 21:30"),
    ], transactions=[Transaction(Decimal("1280.00"), "out", PAID, counterparty="张三丰",
                                 counterparty_account="138****5678", method="支付宝转账")])})
    return case


def test_undated_rows_come_last_under_their_heading_in_the_pdf(case):
    result = build_packets(case, "police", draft=True, now=PAID + timedelta(days=20))
    text = squash(pdftext(Path(result.outputs[0]["pdf"]), layout=False))
    tl = text[text.rindex("案件时间线"):]
    tl = tl[:tl.index("合计：付款")]
    head = tl.index("日期待确认：以下1行")  # one row: the two undated lines of one screenshot
    dated_chat, payment = tl.index("加我私下转账"), tl.index("向张三丰（账户138****5678）")
    assert dated_chat < payment < head  # every dated row first
    assert head < tl.index("日期待确认（截图显示“昨天21:30”）") < tl.index("怎么还不发货") < tl.index("明天一定发")
    # the undated lines are not under the dated chat's row: they sit after the payment
    assert payment < tl.index("怎么还不发货")
    assert "【待补充：知道截图是哪天截的" in tl  # the fix, in a draft only


def test_the_fix_is_printed_in_a_draft_only(case):
    from casekit.render.jinja import make_env

    row = {"n": 1, "time": "日期待确认", "kind": "聊天", "event": "我：怎么还不发货", "party": "—", "amount": "",
           "running": "", "refs": [], "undated": True}
    template = make_env(case.root).get_template("zh-CN/d5_timeline.html")
    loss = {"paid": "¥0.00", "refunded": "¥0.00", "net": "¥0.00"}
    final = template.render(timeline=[row], deadlines=[], loss=loss, draft=False, case_id="x", timeline_note="")
    draft = template.render(timeline=[row], deadlines=[], loss=loss, draft=True, case_id="x", timeline_note="")
    assert "日期待确认</strong>：以下 1 行" in final and "taken_on" not in final
    assert "【待补充：知道截图是哪天截的" in draft


def test_timeline_command_lists_them_last_with_the_fix(case, cli):
    out = cli("timeline", case.root)
    assert out.exit_code == 0
    lines = out.stdout.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("—— 日期待确认"))
    assert "taken_on" in lines[head + 1] and "casekit correct" in lines[head + 1]
    assert any("1,280.00" in line for line in lines[:head])
    below = "\n".join(lines[head:])
    assert "怎么还不发货" in below and "明天一定发" in below and "加我私下转账便宜" not in below
    assert re.search(r"日期待确认（截图显示“昨天 21:30”）\s+我：怎么还不发货", below)
