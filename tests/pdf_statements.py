"""Statement PDFs with a text layer, drawn with WeasyPrint in the layouts of the 支付宝交易流水证明
and 微信支付交易明细证明 as those documents print them (title, 兹证明 paragraph, one table whose
header repeats on every page). Every value is invented."""

from __future__ import annotations

from html import escape
from pathlib import Path

CSS = """@page { size: A4 landscape; margin: 14mm }
body { font-family: 'Noto Sans CJK SC', sans-serif; font-size: 9pt }
table { border-collapse: collapse; width: 100% } th, td { border: 0.5pt solid #333; padding: 2pt 3pt }
thead { display: table-header-group }"""


def statement_pdf(path: Path, title: str, intro: str, header: list[str], rows: list[list[str]]) -> Path:
    from weasyprint import HTML

    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    html = (f"<html><head><meta charset='utf-8'><style>{CSS}</style></head><body><h2>{escape(title)}</h2>"
            f"<p>{escape(intro)}</p><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>")
    HTML(string=html).write_pdf(str(path))
    return path


ALIPAY_HEADER = ["收/支", "交易对方", "商品说明", "收/付款方式", "金额", "交易订单号", "商家订单号", "交易时间"]
WECHAT_HEADER = ["交易单号", "交易时间", "交易类型", "收/支/其他", "交易方式", "金额(元)", "交易对方", "商户单号"]


def alipay_proof(path: Path, rows: list[list[str]]) -> Path:
    return statement_pdf(path, "支付宝交易流水证明", "兹证明：张某（证件号码：110***********1234）在其支付宝账号 138****0000 中"
                         "2026-03-01 至 2026-03-31 的交易明细信息如下：", ALIPAY_HEADER, rows)


def wechat_proof(path: Path, rows: list[list[str]]) -> Path:
    return statement_pdf(path, "微信支付交易明细证明", "兹证明：张某（身份证：110***********1234）在其微信号：zhang_x 中"
                         "明细信息如下（微信支付）：", WECHAT_HEADER, rows)
