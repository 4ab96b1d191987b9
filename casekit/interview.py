"""`casekit interview`: ask for the facts one by one, validate each, write case.toml.

The file is edited with tomlkit so the user's own comments and layout survive. Each answer is
checked by parsing the edited file with `casekit.facts` — the same validation `build` uses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import tomlkit

from .errors import BadInput
from .facts import parse_facts
from .factsedit import convert, current as current_value, set_value, show
from .fsutil import atomic_write_text
from .tomledit import set_key

# (table, key, question, kind) — kind: text | list | bool | date | datetime | money
QUESTIONS: list[tuple[str, str, str, str]] = [
    ("case", "title", "案件名称（如：直播间购买羊绒大衣被骗案）", "text"),
    ("case", "platform", "平台（快手/抖音/微信/淘宝/其他）", "text"),
    ("case", "incident_date", "事发日期（2026-03-05）", "date"),
    ("case", "original_carrier", "原始证据在哪里（如：本人手机 快手App）", "text"),
    ("victim", "name", "您的姓名", "text"),
    ("victim", "gender", "性别（男/女）", "text"),
    ("victim", "birth_date", "出生日期（1990-01-01）", "date"),
    ("victim", "id_number", "身份证号（18 位）", "text"),
    ("victim", "phone", "手机号", "text"),
    ("victim", "address", "住址", "text"),
    ("victim", "payment_accounts", "您付款用的账户（如：支付宝 139****1111；多个用逗号分隔）", "list"),
    ("suspects", "name", "对方姓名或昵称", "text"),
    ("suspects", "account_id", "对方快手号/抖音号/微信号", "text"),
    ("suspects", "shop", "对方店铺名称", "text"),
    ("suspects", "phones", "对方电话（多个用逗号分隔）", "list"),
    ("suspects", "payment_accounts", "对方收款账户（多个用逗号分隔）", "list"),
    ("order", "order_id", "订单号", "text"),
    ("order", "goods", "商品名称", "text"),
    ("order", "amount", "订单金额（1280.00）", "money"),
    ("story", "problem", "问题类型（未发货/与描述不符/虚假宣传/售后不处理/假冒商品）", "text"),
    ("story", "off_platform_payment", "对方是否要求绕开平台私下付款（y/n）", "bool"),
    ("story", "blocked", "是否被对方拉黑（y/n）", "bool"),
    ("story", "delivered", "是否收到了货（y/n）", "bool"),
    ("order", "received_on", "签收日期（收到货才填，2026-03-08）", "date"),
    ("story", "food", "商品是否是食品（y/n）", "bool"),
    ("filing", "police_unit", "报案的派出所", "text"),
    ("filing", "consumer_unit", "投诉的市场监管局或消协", "text"),
    ("filing", "truth_declared", "确认所述属实、知悉诬告须承担法律责任（y/n）", "bool"),
]


def run_interview(
    toml_path: Path,
    ask: Callable[[str, str], str] | None = None,
    say: Callable[[str], None] | None = None,
) -> Path:
    """Ask every question (Enter keeps the current answer), validate, and save case.toml."""
    import typer

    ask = ask or (lambda q, default: typer.prompt(q, default=default, show_default=bool(default)))
    say = say or typer.echo
    text = toml_path.read_text("utf-8") if toml_path.exists() else ""
    doc = tomlkit.parse(text)
    for table, key, question, kind in QUESTIONS:
        while True:
            current = show(current_value(doc, table, key))
            answer = ask(question, current)
            if answer == current:
                break
            try:
                value = convert(answer, kind)
                trial = tomlkit.parse(tomlkit.dumps(doc))
                if value is None:
                    break
                set_value(trial, table, key, value)
                parse_facts(tomlkit.dumps(trial), toml_path)
            except (ValueError, BadInput) as exc:
                say(f"✗ {exc}")
                continue
            doc = trial
            break
    atomic_write_text(toml_path, tomlkit.dumps(doc))
    return toml_path
