"""End to end: real WeasyPrint packets read back with pdftotext/pdfinfo.

One case is built once per module (renders take seconds); every test reads those PDFs.
"""

from __future__ import annotations

import json
import re
import subprocess
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from casekit.adding import add_paths
from casekit.errors import BadInput
from casekit.facts import CST
from casekit.packets import build_packets
from casekit.records import Extraction, Message, SourceRef, Transaction
from casekit.store import Case
from casekit.synth import render_chat, render_payment

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=CST)
INJECT = "{{ 7*7 }}<script>alert(1)</script>"
CASE_TOML = f'''
[case]
title = "直播间购买羊绒大衣被骗案"
platform = "快手"
incident_date = 2026-03-05
id = "CK-TEST-0001"
original_carrier = "本人手机（示例）"
[victim]
name = "赵某某"
gender = "女"
birth_date = 1990-01-01
id_number = "110101199001011234"
phone = "13900001111"
address = "北京市东城区某某街道1号 {INJECT}"
[[suspects]]
name = "张三丰"
shop = "小美好物旗舰店"
phones = ["13812345678"]
payment_accounts = ["138****5678", "6222020200001234567"]
[order]
order_id = "2603051410558831"
shop = "小美好物旗舰店"
goods = "羊绒大衣"
amount = "1280.00"
ordered_at = 2026-03-05T14:10:00+08:00
[respondent]
platform_operator = "某某科技有限公司"
[story]
problem = "未发货"
off_platform_payment = true
delivered = false
[[events]]
time = 2026-03-05T13:40:00+08:00
text = "在直播间看到羊绒大衣"
[[demands]]
kind = "refund"
amount = "1280.00"
[filing]
police_unit = "某某市公安局某某分局某某派出所"
consumer_unit = "某某区市场监督管理局"
truth_declared = true
'''


def t(h: int, m: int) -> datetime:
    return datetime(2026, 3, 5, h, m, tzinfo=CST)


def make_case(root: Path, toml: str) -> Case:
    """A real case folder: synthetic screenshots + a bill, with stored records (no OCR needed)."""
    case = Case.init(root, toml)
    src = root.parent / (root.name + "-inputs")
    src.mkdir()
    chat, _ = render_chat([{"kind": "time", "text": "3月5日 下午2:00"},
                           {"speaker": "them", "text": "加我微信私下转账便宜200"},
                           {"kind": "transfer", "speaker": "me", "amount": "1280.00", "status": "已被接收"}])
    chat.save(src / "chat.png")
    pay, _ = render_payment(amount="1280.00", counterparty="张三丰", account="138****5678",
                            order_id="2026030522001", time="2026-03-05 14:12:30")
    pay.save(src / "pay.png")
    (src / "bill.csv").write_text("交易时间,交易对方,金额\n2026-03-05 14:12:30,张*,1280.00\n", encoding="utf-8")
    add_paths(case, [src])
    records = {
        "chat.png": Extraction("chat_screenshot", messages=[
            Message("them", f"加我微信私下转账便宜200 {INJECT}", name="小美客服", time=t(14, 0)),
            Message("me", "¥1280.00", kind="transfer", time=t(14, 11)),
            Message("system", "对方已将你拉黑", kind="notice", time=t(15, 0)),
        ], transactions=[Transaction(Decimal("1280.00"), "out", t(14, 11), counterparty="张三丰")]),
        "pay.png": Extraction("payment_screenshot", transactions=[Transaction(
            Decimal("1280.00"), "out", t(14, 12), counterparty="张三丰", counterparty_account="6222020200001234567",
            order_id="2026030522001", method="银行卡")]),
        "bill.csv": Extraction("bill", transactions=[Transaction(
            Decimal("1280.00"), "out", t(14, 12), counterparty="张*", counterparty_account="138****5678",
            order_id="2026030522001", memo=INJECT, source=SourceRef(None, row=2))]),
    }
    store_records(case, records)
    return case


def store_records(case: Case, records: dict[str, Extraction]) -> None:
    """Save each original's records (by original file name) as if `extract` had read them, each
    record's source pointing at its item."""
    items = {i.original_name: i for i in case.items()}
    for name, ex in records.items():
        item = items[name]
        for txn in ex.transactions:
            txn.source = SourceRef(item.id, txn.source.row)
        for msg in ex.messages:
            msg.source = SourceRef(item.id)
        case.save_extraction(item.id, item.sha256, "test", ex)


def pdftext(path: Path, layout: bool = True) -> str:
    args = ["pdftotext"] + (["-layout"] if layout else []) + [str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def squash(text: str) -> str:
    """Text without any whitespace (pdftotext spaces out letter-spaced headings and wraps lines)."""
    return re.sub(r"[\s\u3000]+", "", text)


def pdfpages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("packets") / "case"
    case = make_case(root, CASE_TOML)
    result = build_packets(case, "all", now=NOW)
    texts = {o["recipient"]: pdftext(Path(o["pdf"])) for o in result.outputs}
    return case, result, texts


def test_outputs_and_json_shape(built):
    case, result, _ = built
    data = json.loads(json.dumps(result.to_json()))
    assert [o["recipient"] for o in data["outputs"]] == ["police", "consumer", "platform"]
    assert data["gaps"] == []
    for out in data["outputs"]:
        pdf = Path(out["pdf"])
        assert pdf.parent == case.out_dir and pdf.read_bytes().startswith(b"%PDF")
        assert pdf.with_suffix(".html").is_file()
        assert out["pages"] == pdfpages(pdf)


@pytest.mark.parametrize("recipient,doc", [("police", "报案材料"), ("consumer", "消费投诉书"),
                                           ("platform", "平台投诉/举报商家")])  # paid off-platform
def test_every_section_present(built, recipient, doc):
    text = squash(built[2][recipient])
    for heading in ("目录", doc, "证据清单", "案件时间线", "证据1", "证据2", "证据3", "附：电子数据说明"):
        assert heading in text, heading
    assert "识别内容" in text


def test_page_footer_total_is_real_page_count(built):
    for out in built[1].outputs:
        text = pdftext(Path(out["pdf"]))
        totals = set(re.findall(r"共 (\d+) 页", text))
        assert totals == {str(out["pages"])}
        assert f"第 {out['pages']} 页 共 {out['pages']} 页" in text
        assert text.count("案件编号 CK-TEST-0001") >= out["pages"] - 1  # running header, all but the cover


def test_contents_page_numbers_point_at_sections(built):
    out = next(o for o in built[1].outputs if o["recipient"] == "police")
    pages = pdftext(Path(out["pdf"])).split("\f")
    toc = re.search(r"证据清单\s*\.+\s*(\d+)", pages[1])
    assert toc, pages[1]
    assert "证据清单" in squash(pages[int(toc.group(1)) - 1])


def test_every_exhibit_hash_printed(built):
    case, result, _ = built
    for out in result.outputs:
        flat = re.sub(r"\s+", "", pdftext(Path(out["pdf"]), layout=False))
        for item in case.items():
            assert item.sha256 in flat, (out["recipient"], item.id)


def test_same_loss_in_every_document(built):
    for recipient, text in built[2].items():
        assert "¥1,280.00" in text
        assert "损失 ¥1,280.00" in text.replace("实际损失 ", "损失 ") or "尚未退还 ¥1,280.00" in text, recipient
    assert "人民币壹仟贰佰捌拾元整" in built[2]["police"]
    # the same payment seen in chat, screenshot and bill counts once
    assert "付款 ¥2,560.00" not in "".join(built[2].values())


def test_id_number_masked_for_platform_whole_for_police(built):
    texts = built[2]
    assert "110101199001011234" in texts["police"]
    assert "110101199001011234" not in texts["platform"]
    assert "1101**********1234" in texts["platform"]
    assert "6222020200001234567" in texts["police"]
    assert "6222020200001234567" not in texts["platform"]


def test_injection_is_inert(built):
    for recipient, text in built[2].items():
        flat = text.replace("\n", "")
        assert "{{ 7*7 }}" in flat, recipient
        assert "<script>alert(1)</script>" in re.sub(r"\s+", "", flat).replace("alert(1)", "alert(1)"), recipient
    html = (built[0].out_dir / "police.html").read_text("utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_police_packet_has_fund_flow_and_no_late_stop_payment(built):
    text = built[2]["police"]
    assert "资金流向图" in text
    # the last payment is 15 days old: 紧急止付 can no longer help, so it is not asked for (issue 15 §5);
    # tests/test_route_packets.py builds a case paid hours ago, which asks for it
    assert "紧急止付" not in text
    assert "某某市公安局某某分局某某派出所" in text


def test_custody_build_entry_with_hashes(built):
    case = built[0]
    entries = [json.loads(line) for line in case.custody_path.read_text().splitlines()]
    build = [e for e in entries if e.get("action") == "build"][-1]
    paths = {o["path"]: o["sha256"] for o in build["outputs"]}
    import hashlib
    for name in ("out/police.pdf", "out/consumer.pdf", "out/platform.pdf", "out/guide.pdf"):
        assert paths[name] == hashlib.sha256((case.root / name).read_bytes()).hexdigest()


def test_gaps_refuse_then_draft_marks_them(tmp_path):
    toml = CASE_TOML.replace('id_number = "110101199001011234"', 'id_number = ""').replace(
        "truth_declared = true", "truth_declared = false")
    case = make_case(tmp_path / "gappy", toml)
    with pytest.raises(BadInput) as info:
        build_packets(case, "police", now=NOW)
    assert "身份证号" in str(info.value) and "--draft" in str(info.value)
    assert not (case.out_dir / "police.pdf").exists()
    result = build_packets(case, "police", draft=True, now=NOW)
    assert any("身份证号" in g for g in result.gaps)
    text = pdftext(Path(result.outputs[0]["pdf"]))
    assert "【待补充：身份证号】" in squash(text)
    assert "【待补充：请确认所述属实" in squash(text)


def test_refusal_is_short_names_the_folder_and_lists_each_gap_once(tmp_path):
    toml = CASE_TOML.replace('id_number = "110101199001011234"', 'id_number = ""')
    case = make_case(tmp_path / "gappy", toml)
    with pytest.raises(BadInput) as info:
        build_packets(case, "all", now=NOW)  # three checklists share the 身份证号 gap
    message = info.value.one_line()
    assert "\n" not in message
    assert str(case.root.resolve()) in message
    assert message.count("身份证号") == 1
    assert "casekit status" in message and "--draft" in message


def test_unknown_recipient(tmp_path):
    with pytest.raises(BadInput):
        build_packets(object(), "court")


def test_numbering_exact_across_chunk_boundaries(tmp_path):
    """Exhibits rendered in runs of 2 on 2 workers, joined: footers, running headers, contents and
    the 证据清单 页码 column all agree with the real pages."""
    case = make_case(tmp_path / "chunks", CASE_TOML)
    extra = tmp_path / "more"
    extra.mkdir()
    for i in range(4):
        render_chat([{"speaker": "them", "text": f"第{i}张截图 " + "很长的聊天内容" * (30 * i)}])[0].save(
            extra / f"more{i}.png")
    add_paths(case, [extra])
    long_one = next(i for i in case.items() if i.original_name == "more1.png")
    messages = [Message("them", f"第{n}条消息：" + "对方说了很长的一段话" * 6, name="小美好物旗舰店", time=t(14, 0))
                for n in range(70)]  # a transcript of several pages
    for msg in messages:
        msg.source = SourceRef(long_one.id)
    case.save_extraction(long_one.id, long_one.sha256, "test", Extraction("chat_screenshot", messages=messages))
    result = build_packets(case, "police", now=NOW, jobs=2, chunk=2)
    pdf = Path(result.outputs[0]["pdf"])
    total = pdfpages(pdf)
    assert result.outputs[0]["pages"] == total
    pages = pdftext(pdf).split("\f")[:total]
    for number, page in enumerate(pages, 1):
        assert f"第 {number} 页 共 {total} 页" in page, number
        assert re.findall(r"第 \d+ 页 共 \d+ 页", page) == [f"第 {number} 页 共 {total} 页"], number
        if number > 1:
            assert "案件编号 CK-TEST-0001" in page, number
    starts = {}
    for number, page in enumerate(pages, 1):
        head = squash(page)
        for label in re.findall(r"(证据\d+)\s+\S", page.split("\n", 3)[0] if page else ""):
            starts.setdefault(label, number)
        match = re.search(r"证据形式\S*证据编号：?(E\d+)", head)
        if match:
            label = re.search(r"(证据\d+)", page.strip().split("\n")[0]).group(1)
            starts.setdefault(label, number)
    assert len(starts) == 7, starts
    spans = sorted(starts.values()) + [total]
    assert max(b - a for a, b in zip(spans, spans[1:])) >= 3  # one exhibit runs over several pages
    contents = "\n".join(pages[1:3])
    for label, number in starts.items():
        assert re.search(rf"{label}\s.*?\.{{3,}}\s*{number}\s*$", contents, re.M), (label, number)
    evidence = "\n".join(p for p in pages if "证 据 清 单" in p or "证据清单" in squash(p.split("\n")[0]))
    rows = dict(re.findall(r"^\s*(证据\d+)\s.*?\s(\d{1,4})\s+原", evidence, re.M))
    assert rows == {label: str(number) for label, number in starts.items()}, rows
    # an exhibit's running header names it on every one of its pages
    order = sorted(starts.items(), key=lambda kv: kv[1])
    for (label, first), nxt in zip(order, order[1:] + [("appendix", None)]):
        last = (nxt[1] or total) - 1 if nxt[1] else first
        for number in range(first, last + 1):
            assert label in pages[number - 1].split("\n")[0], (label, number)


def test_case_template_without_anchors_falls_back_to_one_document(tmp_path):
    """A case's own exhibit template that drops the anchor the runs rely on still builds, with
    exact numbering (the packet is then laid out as one document)."""
    case = make_case(tmp_path / "custom", CASE_TOML)
    (case.root / "templates" / "zh-CN").mkdir(parents=True)
    (case.root / "templates" / "zh-CN" / "_exhibit.html").write_text(
        '<section class="exhibit"><h1 data-label="{{ ex.label }}">{{ ex.label }} 自定义</h1>'
        '<p>{{ ex.sha256 }}</p></section>', encoding="utf-8")
    result = build_packets(case, "police", now=NOW, jobs=2, chunk=1)
    pdf = Path(result.outputs[0]["pdf"])
    total = pdfpages(pdf)
    text = pdftext(pdf)
    assert result.outputs[0]["pages"] == total
    assert set(re.findall(r"共 (\d+) 页", text)) == {str(total)}
    assert "证据1 自定义" in text


def _lines_exhibit(case: Case, folder: Path, name: str, count: int) -> None:
    """A chat screenshot whose transcript is `count` short lines (one printed line each)."""
    folder.mkdir(exist_ok=True)
    render_chat([{"speaker": "them", "text": f"{name} 截图"}])[0].save(folder / f"{name}.png")
    add_paths(case, [folder / f"{name}.png"])
    item = next(i for i in case.items() if i.original_name == f"{name}.png")
    messages = [Message("them", f"{name} 第{n}条", name="小美好物旗舰店", time=t(14, 0)) for n in range(count)]
    for msg in messages:
        msg.source = SourceRef(item.id)
    case.save_extraction(item.id, item.sha256, "test", Extraction("chat_screenshot", messages=messages))


def test_transcript_beside_the_screenshot_at_full_size(tmp_path):
    """packet.css floats the screenshot right and its transcript runs beside it, then under it: 36
    short lines keep to the exhibit's one page with the image at its full print size; 70 lines run
    onto a second page and the image is not shrunk either. Read back from the PDF (page text, and
    pdfimages -list: every placed screenshot has the same resolution, so none was drawn smaller)."""
    case = make_case(tmp_path / "beside", CASE_TOML)
    for name, count in (("short", 36), ("long", 70)):
        _lines_exhibit(case, tmp_path / "more", name, count)
    pdf = Path(build_packets(case, "police", now=NOW, jobs=2).outputs[0]["pdf"])
    pages = pdftext(pdf).split("\f")
    first = {name: next(n for n, p in enumerate(pages, 1) if f"{name} 第0条" in p) for name in ("short", "long")}
    last = {name: max(n for n, p in enumerate(pages, 1) if f"{name} 第" in p) for name in first}
    assert last == {"short": first["short"], "long": first["long"] + 1}, (first, last)
    image_page = pages[first["short"] - 1]
    # the first lines beside the image, the last under it: all on the one page
    assert all(f"short 第{n}条" in image_page for n in (0, 20, 35))
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [row.split() for row in listing.splitlines()[2:]]
    chats = {int(r[0]): (int(r[3]), int(r[12])) for r in rows if int(r[0]) in first.values()}
    assert len(set(chats.values())) == 1, chats  # same print copy size, same resolution: same printed size
