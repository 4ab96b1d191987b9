"""Benchmark the bill importers against the floor: Python's `csv` module just reading the file.

    .venv/bin/python bench/bench_bills.py [--rows 100000]

Generates a 100 000-row Alipay CSV (GBK, 2023 app layout, padded cells, tabs after ids) and a
100 000-row WeChat CSV (UTF-8) in a temporary folder. Each measurement runs in a fresh
subprocess so peak memory (ru_maxrss) is its own; the table shows rows/s and the peak RSS
above the process's baseline after imports. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def pad(text: str, width: int = 20) -> str:
    return text + " " * max(0, width - len(text))


def write_alipay(path: Path, rows: int) -> None:
    rng = random.Random(1)
    head = ["-" * 84, "导出信息：", "姓名：测试", "支付宝账户：bench@example.com",
            "起始时间：[2026-01-01 00:00:00]    终止时间：[2026-03-31 23:59:59]", "导出交易类型：[全部]",
            "导出时间：[2026-04-01 10:00:00]", f"共{rows}笔记录", "收入：0笔 0.00元", "支出：0笔 0.00元",
            "不计收支：0笔 0.00元", "", "特别提示：", "1.本回单内容可表明支付宝受理了相应支付交易申请；", "",
            "-" * 24 + "支付宝（中国）网络技术有限公司  电子客户回单" + "-" * 24,
            ",".join(pad(h) for h in ["交易时间", "交易分类", "交易对方", "对方账号", "商品说明", "收/支", "金额",
                                       "收/付款方式", "交易状态", "交易订单号", "商家订单号", "备注"]) + ","]
    kinds = [("支出", "交易成功"), ("收入", "交易成功"), ("不计收支", "退款成功")]
    with open(path, "w", encoding="gb18030", newline="") as out:
        out.write("\n".join(head) + "\n")
        for i in range(rows):
            direction, status = kinds[i % 3]
            cells = [pad(f"2026-03-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:{(i * 7) % 60:02d} "), pad("日用百货"),
                     pad(f"商户{i % 500}"), pad("abc***@example.com"), pad(f"商品说明{i}"), pad(direction),
                     pad(f"{rng.randint(1, 999999) / 100:.2f}"), pad("招商银行(9876)"), pad(status),
                     f"2026030122001{i:015d}\t", f"T{i:020d}\t", pad("")]
            out.write(",".join(cells) + ",\n")


def write_wechat(path: Path, rows: int) -> None:
    rng = random.Random(2)
    pre = ["微信支付账单明细", "微信昵称：[测试]", "起始时间：[2026-01-01 00:00:00] 终止时间：[2026-03-31 23:59:59]",
           "导出类型：[全部]", "导出时间：[2026-04-01 10:00:00]", "", f"共{rows}笔记录", "收入：0笔 0.00元",
           "支出：0笔 0.00元", "中性交易：0笔 0.00元", "注：", "1. 充值/提现等交易，将计入中性交易",
           "2. 本明细仅展示当前账单中的交易", "3. 本明细仅供个人对账使用", "",
           "-" * 22 + "微信支付账单明细列表" + "-" * 20]
    kinds = [("支出", "支付成功"), ("收入", "已存入零钱"), ("/", "提现已到账")]
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("\n".join(p + "," * 10 for p in pre) + "\n")
        out.write("交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注\n")
        for i in range(rows):
            direction, status = kinds[i % 3]
            out.write(f"2026-03-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:{(i * 7) % 60:02d},商户消费,商户{i % 500},"
                      f'"商品{i}",{direction},¥{rng.randint(1, 999999) / 100:.2f},零钱,{status},'
                      f'42000{i:023d}\t,{i:020d}\t,"/"\n')


CHILD = r"""
import json, resource, sys, time
from pathlib import Path
mode, path = sys.argv[1], Path(sys.argv[2])
import csv
from casekit.importers.base import ExtractContext, read_head
from casekit.importers.bills import BILL_IMPORTERS
from casekit.importers.billkit import sniff_encoding
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
if mode == "csv":
    encoding = sniff_encoding(read_head(path))
    with open(path, encoding=encoding, newline="") as handle:
        rows = sum(1 for _ in csv.reader(handle))
else:
    head = read_head(path)
    importer = [i for i in BILL_IMPORTERS if i.identify(path, head)][0]
    rows = len(importer.extract(path, ExtractContext(evidence_id="E1")).transactions)
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rows": rows, "seconds": elapsed, "base_kb": base, "peak_kb": peak}))
"""


def measure(mode: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, mode, str(path)], capture_output=True, text=True,
                         cwd=REPO, check=True)
    return json.loads(out.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = {"Alipay CSV (GBK)": Path(tmp) / "alipay.csv", "WeChat CSV (UTF-8)": Path(tmp) / "wechat.csv"}
        write_alipay(files["Alipay CSV (GBK)"], args.rows)
        write_wechat(files["WeChat CSV (UTF-8)"], args.rows)
        print(f"| file | size | reader | rows | seconds | rows/s | peak RSS above baseline |")
        print(f"|---|---|---|---|---|---|---|")
        for label, path in files.items():
            size = f"{path.stat().st_size / 1e6:.1f} MB"
            for mode, name in (("csv", "`csv` module (floor)"), ("casekit", "casekit importer")):
                r = measure(mode, path)
                print(f"| {label} | {size} | {name} | {r['rows']} | {r['seconds']:.2f} | "
                      f"{r['rows'] / r['seconds']:,.0f} | {(r['peak_kb'] - r['base_kb']) / 1024:.0f} MB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
