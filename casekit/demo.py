"""The demo case: fictional inputs made by our own code, built end to end into packets.

Nobody real appears here: names, numbers and accounts are invented (ID numbers use the
fictional 1101011990… pattern; phones are 139/138 test-looking numbers).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Callable

from .errors import BadInput

DEMO_MARKER = ".casekit-demo"

DEMO_TOML = '''\
# 示例案件：全部为虚构信息 / a fictional demo case — no real person's data.
[case]
title = "直播间购买羊绒大衣被骗案（示例）"
platform = "快手"
incident_date = 2026-03-05
id = "DEMO-2026-0001"
original_carrier = "本人手机（示例机型）快手App、支付宝App"

[victim]
name = "赵某某"
gender = "女"
birth_date = 1990-01-01
id_number = "110101199001011234"
phone = "13900001111"
address = "北京市东城区某某街道1号"

[[suspects]]
name = "张伟"
platform_account = "小美好物旗舰店(客服)"
account_id = "ks_demo_xiaomei"
shop = "小美好物旗舰店"
phones = ["13812345678"]
payment_accounts = ["138****5678"]

[order]
order_id = "2603051410558831"
shop = "小美好物旗舰店"
goods = "羊绒大衣"
quantity = 1
amount = "1280.00"
ordered_at = 2026-03-05T14:10:00+08:00
payment_method = "支付宝转账（平台外）"

[respondent]
legal_name = "某某市小美好物服装店"
address = "某某省某某市某某路 8 号"
platform_operator = "北京快手科技有限公司"

[story]
problem = "未发货"
negotiation = "3月6日起多次要求发货或退款，对方不再回复，随后将我拉黑。"
off_platform_payment = true
blocked = true
delivered = false

[[events]]
time = 2026-03-05T13:40:00+08:00
text = "在快手直播间看到“小美好物旗舰店”主播推荐羊绒大衣，称“今天特价1280元”"

[[events]]
time = 2026-03-06T10:00:00+08:00
text = "发现对方已将我拉黑，商品始终未发货"

[[demands]]
kind = "refund"
amount = "1280.00"

[[demands]]
kind = "freeze"

[filing]
police_unit = "北京市公安局东城分局某某派出所"
consumer_unit = "北京市东城区市场监督管理局"
truth_declared = true
'''

CHAT = [
    {"kind": "time", "text": "3月5日 下午2:00"},
    {"speaker": "them", "text": "亲，这款羊绒大衣今天直播间特价1280元"},
    {"speaker": "them", "text": "平台手续费高，加我微信转账再便宜，订单号2603051410558831已登记"},
    {"speaker": "me", "text": "好的，怎么付款？"},
    {"speaker": "them", "text": "支付宝转到138****5678，张伟"},
    {"kind": "time", "text": "3月5日 下午2:12"},
    {"speaker": "me", "text": "我已经转账1280元了，请尽快发货"},
    {"kind": "time", "text": "3月6日 上午10:02"},
    {"speaker": "me", "text": "为什么还没有发货？请把钱退给我"},
    {"kind": "notice", "text": "对方已将你拉黑"},
]

BILL_HEADER = (
    "------------------------------------------------------------------------------------\n"
    "导出信息：\n姓名：赵某某\n支付宝账户：demo***@example.com\n"
    "起始时间：[2026-03-01 00:00:00]    终止时间：[2026-03-07 23:59:59]\n导出交易类型：[全部]\n"
    "导出时间：[2026-03-07 09:12:52]\n共2笔记录\n收入：0笔 0.00元\n支出：2笔 1315.00元\n不计收支：0笔 0.00元\n\n"
    "------------------------支付宝（中国）网络技术有限公司  电子客户回单------------------------\n"
    "交易时间,交易分类,交易对方,对方账号,商品说明,收/支,金额,收/付款方式,交易状态,交易订单号,商家订单号,备注,\n"
)
BILL_ROWS = [
    "2026-03-05 14:12:30,转账红包,张*,138****5678,转账,支出,1280.00,余额,交易成功,20260305200040011100660012345678\t,\t,大衣货款,\n",
    "2026-03-04 12:01:10,餐饮美食,美团外卖,/,外卖订单,支出,35.00,余额,交易成功,20260304220010011100660000000001\t,\t,,\n",
]


def make_inputs(folder: Path) -> list[Path]:
    """Write the demo's input files (two screenshots and an Alipay bill) into `folder`."""
    from .synth import render_chat, render_payment

    folder.mkdir(parents=True, exist_ok=True)
    chat, _ = render_chat(CHAT, style="wechat", contact="小美客服", status_time="10:15")
    chat_path = folder / "Screenshot_20260306-101500.png"
    chat.save(chat_path)
    pay, _ = render_payment("alipay_transfer", amount="1280.00", counterparty="张伟", account="138****5678",
                            order_id="20260305200040011100660012345678", time="2026-03-05 14:12:30",
                            memo="大衣货款", status_time="14:13")
    pay_path = folder / "Screenshot_20260305-141300.png"
    pay.save(pay_path)
    bill_path = folder / "alipay_record_20260307.csv"
    bill_path.write_bytes((BILL_HEADER + "".join(BILL_ROWS)).encode("gb18030"))
    return [chat_path, pay_path, bill_path]


def run_demo(target_dir: Path, progress: Callable[[str], None] | None = None) -> list[Path]:
    """Build the demo case in `target_dir` (replacing an earlier demo there) and return the PDFs."""
    from .adding import add_paths
    from .extract import extract_case
    from .packets import build_packets
    from .store import Case

    say = progress or (lambda _msg: None)
    target = Path(target_dir)
    if target.exists():
        if not (target / DEMO_MARKER).is_file() and any(target.iterdir()):
            raise BadInput(f"文件夹已存在且不是示例案件：{target}", f"folder exists and is not a demo case: {target}",
                           hint_zh="换一个文件夹", hint_en="choose another folder")
        shutil.rmtree(target)
    say("生成示例输入 / making demo inputs")
    case = Case.init(target, DEMO_TOML)
    (target / DEMO_MARKER).write_text("casekit demo case; safe to delete\n", encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="casekit-demo-") as tmp:
        inputs = make_inputs(Path(tmp) / "inputs")
        say("导入证据 / adding evidence")
        add_paths(case, inputs)
    say("识别证据 / extracting")
    extract_case(case, jobs=2)
    say("生成材料 / building packets")
    try:
        result = build_packets(case, "all")
    except BadInput:
        result = build_packets(case, "all", draft=True)  # OCR missed something: still show the packets
    return [Path(o["pdf"]) for o in result.outputs] + [Path(result.guide)]
