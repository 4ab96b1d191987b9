"""Nothing stated that nobody said, and dates nobody can vouch for shown as such (issue 15 §1, §4),
read back from real WeasyPrint packets with pdftotext; the loss cites every record of a payment
(§2). Records are written directly (the logic around OCR under test)."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from casekit.adding import add_paths
from casekit.casemodel import load_case_model
from casekit.extract import reference_time
from casekit.facts import CST
from casekit.packets import build_packets
from casekit.records import Extraction, Message, SourceRef, Transaction
from casekit.steps import evaluate
from casekit.store import Case
from casekit.timeline import causal_problems

T = datetime(2026, 3, 5, 14, 10, tzinfo=CST)
NOW = datetime(2026, 3, 20, 9, 0, tzinfo=CST)
TOML = '''
[case]
title = "直播间购买大衣未发货"
platform = "快手"
incident_date = 2026-03-05
{carrier}
[victim]
name = "赵某"
[[suspects]]
platform_account = "小美客服"
payment_accounts = ["13812345678"]
[order]
goods = "大衣"
amount = "1280.00"
'''


def _case(root: Path, carrier: str = "", blocked_at: datetime | None = None) -> Case:
    case = Case.init(root / "case", TOML.format(carrier=f'original_carrier = "{carrier}"' if carrier else ""))
    src = root / "in"
    src.mkdir()
    for name, colour in (("chat.png", "white"), ("pay.png", "blue")):
        Image.new("RGB", (60, 120), colour).save(src / name)
    (src / "bill.csv").write_bytes(b"x")
    add_paths(case, [src])
    ids = {i.original_name: i for i in case.items()}
    blocked_at = blocked_at or T + timedelta(days=4)
    records = {
        "chat.png": Extraction("chat_screenshot", messages=[
            Message("them", "私下转账便宜", name="小美客服", time=T),
            Message("me", "¥1280.00", kind="transfer", time=T + timedelta(minutes=1)),
            Message("me", "什么时候发货", time=None, time_text="昨天 21:30"),
            Message("system", "消息已发出，但被对方拒收了", kind="notice", time=blocked_at),
        ], transactions=[Transaction(Decimal("1280.00"), "out", T + timedelta(minutes=1))]),
        "pay.png": Extraction("payment_screenshot", transactions=[Transaction(
            Decimal("1280.00"), "out", T + timedelta(minutes=1, seconds=20), counterparty="张*",
            counterparty_account="138****5678", method="支付宝转账")]),
        "bill.csv": Extraction("bill", transactions=[
            Transaction(Decimal("1280.00"), "out", T + timedelta(minutes=1, seconds=20), counterparty="张*",
                        counterparty_account="138****5678", source=SourceRef(None, row=2)),
            Transaction(Decimal("35.00"), "out", T - timedelta(days=1), counterparty="美团外卖",
                        source=SourceRef(None, row=3))]),
    }
    for name, ex in records.items():
        item = ids[name]
        for record in ex.transactions + ex.messages:
            record.source = SourceRef(item.id, record.source.row, (1, 1, 5, 5) if item.original_name != "bill.csv" else None)
        case.save_extraction(item.id, item.sha256, "test", ex)
    return case


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", out)


@pytest.fixture(scope="module")
def packets(tmp_path_factory):
    """The same case built twice: original_carrier empty, and given."""
    out = {}
    for carrier in ("", "本人手机（华为Mate40）"):
        root = tmp_path_factory.mktemp("claims")
        case = _case(root, carrier)
        result = build_packets(case, "all", draft=True, now=NOW)
        out[carrier] = (case, {o["recipient"]: _text(Path(o["pdf"])) for o in result.outputs})
    return out


@pytest.mark.parametrize("recipient", ["police", "consumer", "platform"])
def test_no_carrier_means_no_phone_claim(packets, recipient):
    text = packets[""][1][recipient]
    assert not re.search("本人手机(?!号)", text), recipient
    assert "可当场出示" not in text and "本人设备" not in text and "从其设备中" not in text
    assert "原始载体未说明" in text


def test_quantity_only_when_given(packets, tmp_path):
    assert "商品大衣×" not in packets[""][1]["consumer"] and "商品大衣" in packets[""][1]["consumer"]
    case = _case(tmp_path)
    case.toml_path.write_text(case.toml_path.read_text("utf-8").replace('goods = "大衣"', 'goods = "大衣"\nquantity = 2'),
                              "utf-8")
    result = build_packets(case, "consumer", draft=True, now=NOW)
    assert "商品大衣×2" in _text(Path(result.outputs[0]["pdf"]))


def test_a_given_carrier_is_said(packets):
    text = packets["本人手机（华为Mate40）"][1]["police"]
    assert "原件保存在本人手机（华为Mate40），可当场出示" in text
    assert "原件在本人手机（华为Mate40）" in text


@pytest.mark.parametrize("recipient", ["police", "consumer", "platform"])
def test_undated_line_is_awaiting_a_date(packets, recipient):
    text = packets[""][1][recipient]
    assert "日期待确认（截图显示“昨天21:30”）" in text
    assert "某时" not in text and "时间不详" not in text


def test_loss_cites_bill_row_screen_and_transfer_card_together(packets):
    case, texts = packets[""]
    model = load_case_model(case, now=NOW)
    (payment,) = model.timeline.payments
    assert len(payment.evidence_ids) == 3 and model.timeline.loss.net == Decimal("1280.00")
    text = texts["police"]
    assert re.search(r"实际损失¥1,280\.00（人民币壹仟贰佰捌拾元整），见证据\d、证据\d、证据\d。", text), \
        text[text.index("六、损失情况"):][:200]
    consumer = texts["consumer"]
    assert re.search(r"已退款¥0\.00；见证据\d、证据\d、证据\d）", consumer)
    assert "美团外卖" not in text  # the bill's other row is not this case's


def test_status_warns_of_blocking_before_the_purchase(tmp_path):
    case = _case(tmp_path, blocked_at=T.replace(year=2025))  # a year-less date put in the wrong year
    model = load_case_model(case, now=NOW)
    (problem,) = causal_problems(model.timeline, model.facts)
    assert problem.effect_label == "被对方拉黑/拒收"
    checks = {c.key: c for c in evaluate(model).steps["identify"].checks}
    order = next(c for k, c in checks.items() if k.startswith("order:"))
    assert not order.ok and not order.required
    assert "2025-03-05 14:10" in order.label and "早于购买付款" in order.label
    assert "casekit correct DIR" in order.fix
    undated = next(c for k, c in checks.items() if k.startswith("undated:"))
    assert "“昨天 21:30”" in undated.label and "taken_on" in undated.fix
    (row,) = [e for e in model.timeline.to_json()["events"] if e["time"] is None]
    assert row["precision"] == "unconfirmed" and row["time_text"] == "昨天 21:30"


def test_causal_order_is_quiet_when_the_order_is_right(tmp_path):
    model = load_case_model(_case(tmp_path), now=NOW)
    assert causal_problems(model.timeline, model.facts) == []


def test_taken_on_is_a_reference_for_relative_labels():
    from datetime import date

    when, source = reference_time({}, date(2026, 3, 5), None, date(2026, 3, 10))
    assert source == "taken_on" and when.date() == date(2026, 3, 10)
    when, source = reference_time({"capture_time": "2026-03-11T10:00:00+08:00"}, None, None, date(2026, 3, 10))
    assert source is None or source != "taken_on"
    assert when.date() == date(2026, 3, 11)  # a capture time in the file still comes first


def test_live_replay_asked_for_only_when_someone_said_live(packets, tmp_path):
    assert "直播回放" in packets[""][1]["platform"]  # the title says 直播间
    case = _case(tmp_path)
    case.toml_path.write_text(case.toml_path.read_text("utf-8").replace("直播间购买", "网店购买"), "utf-8")
    result = build_packets(case, "platform", draft=True, now=NOW)
    text = _text(Path(result.outputs[0]["pdf"]))
    assert "直播回放" not in text and "网络直播营销管理办法" not in text
    assert "保存并提供本" in text  # the request itself stays, without the replay (pdftotext may wrap it)


# (speaker, text, minutes after T); the payment is at T+30 min
@pytest.mark.parametrize("wrong, right, label", [
    ([("them", "已收款", 0)], [("them", "已收款", 31)], "对方已收款"),
    ([("them", "不退，别找了", 40), ("me", "我要申请退款", 90)],
     [("me", "我要申请退款", 40), ("them", "不退，别找了", 90)], "拒绝退款"),
    ([("me", "都三天了还没发货", -120)], [("me", "都三天了还没发货", 4320)], "催发货/未发货"),
    ([("system", "你还不是他（她）朋友", -60)], [("system", "你还不是他（她）朋友", 600)], "被对方拉黑/拒收"),
    ([("them", "不退，别找了", 40), ("me", "不退款我就报警", 90)],
     [("me", "不退款我就报警", 40), ("them", "不退，别找了", 90)], "拒绝退款"),  # her demand is a request
])
def test_causal_problems_by_kind(wrong, right, label):
    """Each effect dated before its cause is named; the same lines in the right order are not."""
    from casekit.facts import Facts, Suspect
    from casekit.timeline import build_timeline

    facts = Facts(suspects=[Suspect(platform_account="小美客服", payment_accounts=["13812345678"])])

    def problems(lines):
        messages = [Message(who, text, name="小美客服" if who == "them" else None,
                            time=T + timedelta(minutes=minutes)) for who, text, minutes in lines]
        pay = Transaction(Decimal("1280.00"), "out", T + timedelta(minutes=30), counterparty_account="138****5678",
                          source=SourceRef("E0002", None, (1, 1, 1, 1)))
        tl = build_timeline(facts, {"E0001": Extraction("chat_screenshot", messages=messages),
                                    "E0002": Extraction("payment_screenshot", transactions=[pay])}, now=NOW)
        return [p.effect_label for p in causal_problems(tl, facts)]

    assert problems(wrong) == [label]
    assert problems(right) == []


@pytest.mark.slow
def test_taken_on_dates_a_relative_label_end_to_end(tmp_path):
    """Real Tesseract: 昨天 21:30 on a screenshot with no capture time is 日期待确认 until the user
    says which day she took it; then it is the day before, and status no longer asks."""
    from casekit.extract import extract_case
    from casekit.synth import render_chat

    case = Case.init(tmp_path / "case", TOML.format(carrier=""))
    src = tmp_path / "in"
    src.mkdir()
    img, _ = render_chat([{"kind": "time", "text": "昨天 21:30"}, {"speaker": "me", "text": "什么时候发货"}],
                         style="kuaishou", contact="小美客服")
    img.save(src / "IMG_0001.PNG")
    add_paths(case, [src])
    extract_case(case, jobs=1)
    model = load_case_model(case, now=NOW)
    (line,) = [e for e in model.timeline.events if "发货" in e.text]
    assert line.time is None and line.precision == "unconfirmed"
    assert any(c.key == "undated:E0001" for c in evaluate(model).steps["identify"].checks)

    case.toml_path.write_text(case.toml_path.read_text("utf-8") + "\n[evidence.E0001]\ntaken_on = 2026-03-10\n", "utf-8")
    extract_case(case, jobs=1)
    model = load_case_model(case, now=NOW)
    (line,) = [e for e in model.timeline.events if "发货" in e.text]
    assert line.time == datetime(2026, 3, 9, 21, 30, tzinfo=CST)
    assert not any(c.key.startswith("undated:") for c in evaluate(model).steps["identify"].checks)
