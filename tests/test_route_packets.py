"""End to end: the route decides what each recipient is asked for (issue 15 §5) and every build
writes the victim's guide (§6). Real cases, real WeasyPrint, the PDFs read back with pdftotext.

Three cases: an off-platform Alipay transfer of ¥1,280 paid three hours ago, goods never sent
(small amount, stop-payment still useful); a ¥20,000 checkout order received and not as described,
refused by the merchant a while ago (large amount, after-sales record filled in); and the first
case's facts with the payment a fortnight old.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from casekit.adding import add_paths
from casekit.facts import CST
from casekit.law import unknown_citations
from casekit.packets import build_packets
from casekit.records import Extraction, Message, Transaction
from casekit.store import Case
from casekit.synth import render_chat, render_payment
from .test_packets import pdftext, store_records
from .test_packets import squash as flat

pytestmark = pytest.mark.slow

PAID = datetime(2026, 3, 5, 14, 12, tzinfo=CST)
COMMON = '''
[case]
title = "{title}"
platform = "快手"
incident_date = 2026-03-05
id = "{cid}"
original_carrier = "本人手机"
[victim]
name = "赵某某"
gender = "女"
birth_date = 1990-01-01
id_number = "110101199001011234"
phone = "13900001111"
address = "北京市东城区某某街道1号"
payment_accounts = ["支付宝 139****1111"]
[[suspects]]
name = "张三丰"
shop = "小美好物旗舰店"
payment_accounts = ["138****5678"]
[respondent]
platform_operator = "某某科技有限公司"
operating_address = "浙江省杭州市某区某路1号"
'''
FILING = '''
[filing]
police_unit = "北京市公安局东城分局某某派出所"
truth_declared = true
'''
OFF_PLATFORM = COMMON + '''
[order]
shop = "小美好物旗舰店"
goods = "羊绒大衣"
amount = "1280.00"
ordered_at = 2026-03-05T14:05:00+08:00
[story]
problem = "七日无理由"
off_platform_payment = true
delivered = false
blocked = true
summary = """在直播间看到羊绒大衣，客服让我加微信私下转账可以便宜。转账后对方一直不发货。后来对方把我拉黑了，发现对方"""
[[events]]
time = 2026-03-05T13:50:00+08:00
text = "在快手直播间看到羊绒大衣"
[[demands]]
kind = "refund"
amount = "1280.00"
[[demands]]
kind = "freeze"
''' + FILING
CHECKOUT = COMMON + '''
[order]
order_id = "2603051410558831"
shop = "小美好物旗舰店"
goods = "金手镯"
amount = "20000.00"
ordered_at = 2026-03-05T14:05:00+08:00
payment_method = "快手支付"
received_on = 2026-03-08
[story]
problem = "与描述不符"
delivered = true
[[events]]
time = 2026-03-05T13:50:00+08:00
text = "在快手直播间看到金手镯，主播称足金"
[[events]]
time = 2026-03-08T10:00:00+08:00
text = "签收后发现手镯不是足金"
[[demands]]
kind = "refund"
amount = "20000.00"
''' + FILING + '''platform_request_no = "SH20260309001"
merchant_rejected_on = 2026-03-10
[after_sales]
kind = "退货退款"
requested_on = 2026-03-09
merchant_reply = "商品无质量问题，不予退款"
return_carrier = "顺丰速运"
return_waybill = "SF1234567890"
[evidence.E0001]
taken_on = 2026-03-06
'''


def make_case(root: Path, toml: str, amount: str, method: str, said: str) -> Case:
    case = Case.init(root, toml)
    src = root.parent / (root.name + "-inputs")
    src.mkdir()
    chat, _ = render_chat([{"speaker": "them", "text": said},
                           {"kind": "transfer", "speaker": "me", "amount": amount, "status": "已被接收"}])
    chat.save(src / "chat.png")
    pay, _ = render_payment(amount=amount, counterparty="张三丰", account="138****5678",
                            order_id="2026030522001", time="2026-03-05 14:12:30")
    pay.save(src / "pay.png")
    add_paths(case, [src])
    records = {
        "chat.png": Extraction("chat_screenshot", messages=[
            Message("them", said, name="张三丰", time=PAID - timedelta(minutes=10)),
            Message("system", "对方已将你拉黑", kind="notice", time=PAID + timedelta(hours=1))]),
        "pay.png": Extraction("payment_screenshot", transactions=[Transaction(
            Decimal(amount), "out", PAID, counterparty="张三丰", counterparty_account="138****5678",
            order_id="2026030522001", method=method)]),
    }
    store_records(case, records)
    return case


def build(tmp_path_factory, name: str, toml: str, amount: str, method: str, now: datetime,
          said: str = "加我微信私下转账便宜200"):
    root = tmp_path_factory.mktemp(name) / "case"
    case = make_case(root, toml.format(title=name, cid=f"CK-{name}"), amount, method, said)
    result = build_packets(case, "all", now=now)
    texts = {o["recipient"]: pdftext(Path(o["pdf"])) for o in result.outputs}
    texts["guide"] = pdftext(Path(result.guide))
    return result, texts


@pytest.fixture(scope="module")
def off_platform(tmp_path_factory):
    return build(tmp_path_factory, "off", OFF_PLATFORM, "1280.00", "支付宝转账", PAID + timedelta(hours=3))


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    return build(tmp_path_factory, "checkout", CHECKOUT, "20000.00", "快手支付", PAID + timedelta(days=15),
                 said="足金手镯，拍下直接付款就行")


@pytest.fixture(scope="module")
def off_platform_late(tmp_path_factory):
    return build(tmp_path_factory, "late", OFF_PLATFORM, "1280.00", "支付宝转账", PAID + timedelta(days=15))


CASES = ["off_platform", "checkout", "off_platform_late"]


@pytest.mark.parametrize("case", CASES)
def test_every_citation_printed_is_in_the_table(case, request):
    _, texts = request.getfixturevalue(case)
    for name, text in texts.items():
        assert unknown_citations(text) == [], (case, name)


@pytest.mark.parametrize("case", CASES)
def test_recipients_asked_only_what_they_can_do(case, request):
    _, texts = request.getfixturevalue(case)
    consumer, police = flat(texts["consumer"]), flat(texts["police"])
    assert "立案" not in consumer and "冻结" not in consumer and "止付" not in consumer
    assert "立案侦查" in police and "冻结" in police
    assert "3年" not in police and "三年" not in police and "12315投诉时效" not in police
    for name in ("police", "consumer", "platform"):
        body = flat(texts[name])
        assert "建议优先报警" not in body and "建议" not in body.split("证据清单")[0], name
        # 96110 is never offered for stopping a payment
        assert not re.search(r"96110[^。；）]{0,12}止付", body) or "不办理止付" in body, name


@pytest.mark.parametrize("case", CASES)
def test_guide_written_with_what_the_victim_needs(case, request):
    result, texts = request.getfixturevalue(case)
    assert Path(result.guide).name == "guide.pdf" and result.to_json()["guide"] == result.guide
    g = flat(texts["guide"])
    for words in ("不要交给公安机关、12315或平台", "受案回执", "不等于立案", "不予立案通知书", "七日以内", "申请复议",
                  "《公安机关办理刑事案件程序规定》第一百七十九条", "七个工作日", "先行赔付", "小额诉讼", "支付令",
                  "互联网法院", "快手官方客服", "屏幕共享", "验证码", "国家反诈中心", "12315投诉时效"):
        assert words in g, (case, words)
    assert "建议优先报警" in g or case == "checkout"  # advice lines live here
    assert "96110是反诈咨询/举报专线，不办理止付" in g or "96110" in g


def test_off_platform_platform_document_is_a_complaint_not_a_refund(off_platform):
    p = flat(off_platform[1]["platform"])
    assert "平台投诉/举报商家" in p and "诱导站外交易" in p
    assert "真实名称、地址和有效联系方式" in p and "《消费者权益保护法》第四十四条" in p
    assert "仅退款" not in p and "申请退款金额" not in p


def test_platform_description_is_whole_sentences_within_its_limit(off_platform):
    text = off_platform[1]["platform"]
    m = re.search(r"问题描述（(\d+) 字，不超过 (\d+) 字，可直接粘贴）(.*?)对方账号信息", text, re.S)
    assert m, "the 问题描述 block"
    body = flat(m.group(3))
    assert int(m.group(1)) <= int(m.group(2)) == 500 and len(body) <= 500
    assert body.endswith("。") and "发现对方" not in body  # the user's summary's broken tail is not pasted
    for sentence in re.findall(r"[^。]+。", body):
        assert len(sentence) > 4
    assert "¥1,280.00" in body and "私下转账" in body and "未发货" in body and "拉黑" in body


def test_off_platform_small_recent_payment_police_packet(off_platform):
    police = flat(off_platform[1]["police"])
    assert "紧急止付请求（紧急）" in police and "支付宝139****1111" in police  # the victim's own account
    assert "2026030522001" in police  # each payment's 交易号
    assert "《中华人民共和国治安管理处罚法》" in police  # the ¥1,280 fallback, named without an article
    consumer = flat(off_platform[1]["consumer"])
    assert "举报（诱导站外交易）" in consumer and "《市场监督管理投诉举报处理暂行办法》第十二条" in consumer
    assert "浙江省杭州市某区某路1号" in consumer  # the merchant's 实际经营地 as the facts say
    assert "《电子商务法》第二十条" in consumer and "《消费者权益保护法》第五十三条" in consumer
    assert "第二十五条" not in consumer  # 七日无理由 only when the goods were received
    assert "问题类型：未发货（本人填写：七日无理由）" in consumer


def test_late_payment_asks_no_stop_payment(off_platform_late):
    assert "止付" not in flat(off_platform_late[1]["police"])
    assert "紧急止付" not in flat(off_platform_late[1]["guide"]).split("防止再次被骗")[0]


def test_checkout_refusal_goes_to_platform_intervention(checkout):
    p = flat(checkout[1]["platform"])
    assert "平台介入申请" in p and "退货退款" in p and "¥20,000.00" in p
    assert "《电子商务法》第六十一条" in p and "诱导站外" not in p


def test_checkout_not_as_described_claims_three_times(checkout):
    consumer = flat(checkout[1]["consumer"])
    assert "《消费者权益保护法》第五十五条第一款" in consumer and "¥60,000.00" in consumer
    police = flat(checkout[1]["police"])
    assert "治安管理处罚法" not in police and "止付" not in police  # ¥20,000 is above every floor


def test_checkout_guide_tracks_the_after_sales_request(checkout):
    g = flat(checkout[1]["guide"])
    assert "SH20260309001" in g and "商品无质量问题，不予退款" in g and "SF1234567890" in g and "顺丰速运" in g
    assert g.index("申请售后") < g.index("商家拒绝") < g.index("平台介入") < g.index("结果")
    assert "2026年3月9日至2026年3月15日" in g  # 七日无理由 from the day after 签收 (3月8日)


def test_build_command_names_the_guide(off_platform_late, cli):
    root = Path(off_platform_late[0].guide).parent.parent
    out = cli("build", root, "--json")
    assert out.exit_code == 0 and json.loads(out.stdout)["guide"] == str(root / "out" / "guide.pdf")
    out = cli("build", root)
    assert out.exit_code == 0 and "guide.pdf" in out.stdout and "不要递交" in out.stdout


def test_guide_is_pdfa3b_like_the_packets(off_platform):
    """§6: the guide goes through render's own PDF/A step (read back with pikepdf and qpdf)."""
    import subprocess

    import pikepdf

    path = Path(off_platform[0].guide)
    with pikepdf.open(path) as pdf:
        meta = pdf.open_metadata()
        assert meta.pdfa_status == "3B"
        assert str(meta["dc:title"]) == str(pdf.docinfo.Title) and "维权指南" in str(pdf.docinfo.Title)
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == pikepdf.Name.GTS_PDFA1 and b"sRGB" in intent.DestOutputProfile.read_bytes()
        assert len(pdf.attachments) == 0  # the guide carries no evidence
    assert subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0


def test_evidence_list_gives_each_exhibit_its_capture_or_import_time(checkout):
    """§7: the 证据清单 prints 取证时间 for an exhibit with one (here the user's taken_on, the
    chat screenshot's file having no capture time) and 导入时间 otherwise — read from the PDFs."""
    result, _ = checkout
    for out in result.outputs:
        lst = flat(pdftext(Path(out["pdf"]), layout=False)).split("证据清单")[-1]
        assert "取证时间2026年3月6日（本人填写）" in lst, out["recipient"]
        assert re.search(r"导入时间\d{4}年\d{1,2}月\d{1,2}日", lst), out["recipient"]
        assert lst.count("取证时间") + lst.count("导入时间") >= 2
