"""How exhibits present themselves in a built packet (issue 15 §7), read back with pdftotext: names
from kind/app/counterpart, the full SHA-256, the custody chain head, OCR-read text marked, a bill's
relevant rows, 购买时间 as `status` judges it, no nested brackets, and a transcript a few lines too
long for its page shrinking the image rather than spilling onto a page of its own."""

from __future__ import annotations

import json
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from casekit.adding import add_paths
from casekit.packets import build_packets
from casekit.records import Extraction, Message, SourceRef, Transaction
from casekit.store import Case, line_hash
from casekit.synth import render_chat, sample_conversation

from .test_packets import NOW, t

pytestmark = pytest.mark.slow

TOML = '''
[case]
title = "直播间购买羊绒大衣被骗案"
platform = "快手"
incident_date = 2026-03-05
id = "CK-PRES-0001"
[victim]
name = "赵某某"
id_number = "110101199001011234"
phone = "13900001111"
[[suspects]]
name = "张三丰"
platform_account = "小美好物旗舰店(客服)"
account_id = "ks_xiaomei888"
payment_accounts = ["138****5678"]
[order]
order_id = "2603051410558831"
goods = "羊绒大衣"
amount = "1280.00"
[story]
problem = "未发货"
'''


def layout_pages(pdf: Path) -> list[str]:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout.split("\f")


def flat(pdf: Path, layout: bool = True) -> str:
    if layout:
        return re.sub(r"\s+", "", "".join(layout_pages(pdf)))
    return re.sub(r"\s+", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                             check=True).stdout)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("present")
    src = root / "in"
    src.mkdir()
    for n in (9, 12):  # tall chat screenshots whose transcripts are a few lines too long for one page
        image, _ = render_chat(sample_conversation(n), width=1080)
        image.save(src / f"Screenshot_20260305-14{n:02d}00_com.smile.gifmaker.png")
    (src / "wechat_bill.csv").write_text("交易时间,交易对方,金额\n2026-03-05 14:12:30,张*,1280.00\n"
                                         "2026-03-04 09:00:00,便利店,12.00\n", encoding="utf-8")
    case = Case.init(root / "case", TOML)
    add_paths(case, [src])
    for item in case.items():
        if item.original_name.endswith(".csv"):
            ex = Extraction("bill", importer="wechat", transactions=[
                Transaction(Decimal("1280.00"), "out", t(14, 12), counterparty="张*",
                            counterparty_account="138****5678", source=SourceRef(item.id, 2)),
                Transaction(Decimal("12.00"), "out", t(9, 0), counterparty="便利店", source=SourceRef(item.id, 3))])
        else:
            n = int(item.original_name[22:24])
            ex = Extraction("chat_screenshot", messages=[
                Message("them", f"第{k}条：先付保证金再发货，否则不退款", name="小美好物旗舰店(客服)",
                        time=t(14, k), source=SourceRef(item.id)) for k in range(n)])
        case.save_extraction(item.id, item.sha256, "test", ex)
    result = build_packets(case, "all", draft=True, now=NOW)
    return case, {o["recipient"]: Path(o["pdf"]) for o in result.outputs}


def test_exhibits_named_by_app_and_counterpart_not_file_name(built):
    _, pdfs = built
    text = flat(pdfs["police"])
    assert "与快手号ks_xiaomei888（小美好物旗舰店〔客服〕）的聊天记录" in text
    assert "微信支付账单明细（2026年3月5日）" in text
    assert "gifmaker.png）" not in text.split("附：电子数据说明")[0].split("目录")[1].split("证据清单")[0]


def last_column(pdf: Path, page: int) -> str:
    """The 证据清单's last column (载体/原件　SHA-256) of one page, as pdftotext reads that strip alone."""
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-x", "395", "-y", "0", "-W", "200",
                          "-H", "842", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", out)


def test_full_hash_and_chain_head(built):
    case, pdfs = built
    pages = layout_pages(pdfs["police"])
    page = next(n for n, p in enumerate(pages, 1) if p.split("\n")[0].rstrip().endswith("证据清单"))
    column = last_column(pdfs["police"], page)
    for item in case.items():
        assert item.sha256 in column, item.id
    text = flat(pdfs["police"])
    lines = [x for x in case.custody_path.read_bytes().split(b"\n") if x]
    last = max(n for n, x in enumerate(lines) if json.loads(x)["action"] not in ("build", "verify"))
    assert f"第{last + 1}条{line_hash(lines[last])}" in text


def test_ocr_marked_and_bill_rows(built):
    _, pdfs = built
    text = flat(pdfs["police"])
    assert text.count("以下文字为OCR机器识别，以原图为准。") == 2  # the two screenshots, not the bill
    assert "“聊天”一类事件的文字为OCR机器识别，以各证据原图为准。" in text  # under the timeline
    assert "账单共2笔记录，以下列出与本案有关的1笔。" in text
    assert "便利店" not in text


def test_purchase_time_as_status_judges_it(built):
    _, pdfs = built
    # no ordered_at in case.toml: status takes the incident date / payments; so does the packet
    assert "购买时间2026年3月5日14:12（据付款记录，见证据" in flat(pdfs["consumer"])


def test_no_nested_brackets(built):
    for pdf in built[1].values():
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        nested = re.findall(r"[（(][^）)\n]*[（(]", text)
        assert not nested, (pdf.name, nested[:3])


def test_a_few_lines_too_many_do_not_spill(built):
    """An exhibit with a few more lines than fit under its screenshot keeps to one page: its
    transcript runs beside the screenshot (packet.css), read back from the PDF."""
    _, pdfs = built
    pages = layout_pages(pdfs["police"])
    heads = [p.split("\n")[0] for p in pages]
    for label in ("证据1", "证据2"):
        assert sum(1 for h in heads if h.rstrip().endswith(label)) == 1, label


def test_bill_names_follow_the_importers():
    """Every bill importer has a name for its bills (a new one without would print 支付账单明细)."""
    from casekit.importers.bills import BILL_IMPORTERS
    from casekit.naming import BILL_SOURCES

    bills = {i.name for i in BILL_IMPORTERS}
    assert bills and bills <= set(BILL_SOURCES), bills - set(BILL_SOURCES)
