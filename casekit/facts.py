"""The facts a user writes in case.toml (DESIGN §3a), loaded and validated into typed objects.

Absent facts are not errors here — they become checklist gaps (`casekit.steps`). Wrongly *typed*
facts are errors, and each names the file, the line, the field and how to fix it.
Money is always read as `Decimal`; dates and times are tz-aware in Asia/Shanghai.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .errors import BadInput

CST = timezone(timedelta(hours=8), "Asia/Shanghai")

PLATFORMS = ("快手", "抖音", "微信", "淘宝", "其他")
DEMAND_KINDS = ("refund", "compensation", "investigate", "freeze")
DEMAND_LABELS = {
    "refund": "退还全部货款",
    "compensation": "依法赔偿",
    "investigate": "依法立案侦查",
    "freeze": "冻结涉案账户并追缴返还被骗款项",
}
ID_NUMBER_RE = re.compile(r"^\d{17}[\dXx]$")
PHONE_RE = re.compile(r"^1\d{10}$")


@dataclass
class CaseInfo:
    """The [case] table."""

    title: str = ""
    platform: str = ""
    incident_date: date | None = None
    case_id: str = ""
    original_carrier: str = ""  # where the originals live, e.g. "本人手机（华为 Mate 60）"


@dataclass
class Victim:
    """The [victim] table: the reporter / complainant."""

    name: str = ""
    gender: str = ""
    birth_date: date | None = None
    id_number: str = ""
    phone: str = ""
    address: str = ""
    occupation: str = ""
    payment_accounts: list[str] = field(default_factory=list)  # the victim's own paying accounts (紧急止付)


@dataclass
class Suspect:
    """One [[suspects]] block: everything known about one counterpart."""

    name: str = ""
    platform_account: str = ""
    account_id: str = ""  # 快手号 / 抖音号 / 微信号 — the immutable id
    shop: str = ""
    live_room_id: str = ""
    phones: list[str] = field(default_factory=list)
    payment_accounts: list[str] = field(default_factory=list)
    im_ids: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)

    def identifiers(self) -> list[str]:
        """Every non-empty identifier of this suspect, for the police checklist and matching."""
        values = [self.name, self.platform_account, self.account_id, self.shop, self.live_room_id]
        values += self.phones + self.payment_accounts + self.im_ids
        return [v for v in values if v]


@dataclass
class Order:
    """The [order] table: the platform order, if there is one."""

    order_id: str = ""
    shop: str = ""
    goods: str = ""
    quantity: int | None = None
    amount: Decimal | None = None
    ordered_at: datetime | None = None
    payment_method: str = ""
    received_on: date | None = None  # 签收日期: the 七日无理由 window runs from the day after


@dataclass
class Respondent:
    """The [respondent] table: the business complained against (12315/消协)."""

    legal_name: str = ""
    credit_code: str = ""  # 统一社会信用代码
    address: str = ""
    phone: str = ""
    platform_operator: str = ""
    operating_address: str = ""          # 商家实际经营地 (12315 jurisdiction)
    platform_operator_address: str = ""  # 平台经营者住所地 (12315 jurisdiction)


@dataclass
class Story:
    """The [story] table: the user's own words plus the triage facts (DOMAIN §6.4)."""

    summary: str = ""
    problem: str = ""  # 问题类型: 未发货 / 与描述不符 / 虚假宣传 / 售后不处理 …
    negotiation: str = ""  # 协商经过
    off_platform_payment: bool = False
    blocked: bool = False
    delivered: bool | None = None
    counterfeit: bool = False
    food: bool = False  # the goods are food (食品安全法第148条: 10×, at least ¥1,000)


@dataclass
class UserEvent:
    """One [[events]] block: something the user states happened, with optional evidence ids."""

    time: datetime
    text: str
    evidence: list[str] = field(default_factory=list)
    precision: str = "minute"  # "minute" or "day"


@dataclass
class Demand:
    """One [[demands]] block."""

    kind: str
    amount: Decimal | None = None
    note: str = ""

    @property
    def label(self) -> str:
        return self.note or DEMAND_LABELS.get(self.kind, self.kind)


@dataclass
class Filing:
    """The [filing] table: receiving units and what has been filed already."""

    police_unit: str = ""
    consumer_unit: str = ""
    truth_declared: bool = False
    police_receipt_no: str = ""
    complaint_no: str = ""
    platform_request_no: str = ""
    merchant_rejected_on: date | None = None
    after_sales_deadline: datetime | None = None


@dataclass
class AfterSales:
    """The [after_sales] table: the platform after-sales request as the App shows it (the request
    number is [filing] platform_request_no; the App's deadline [filing] after_sales_deadline)."""

    kind: str = ""              # 仅退款 / 退货退款 / 换货
    requested_on: date | None = None
    merchant_reply: str = ""    # the merchant's reply, as written
    intervention_on: date | None = None  # 申请平台介入的日期
    result: str = ""            # the outcome (退款成功 / 平台驳回 …)
    result_on: date | None = None
    return_carrier: str = ""    # 退货物流公司
    return_waybill: str = ""    # 退货运单号


@dataclass
class EvidenceNote:
    """One [evidence.E0001] table: the user's name/purpose/steps for an evidence item."""

    name: str = ""
    purpose: str = ""
    subtype: str = ""
    steps: list[str] = field(default_factory=list)
    # the day the screenshot was taken, as the user knows it: dates labels such as 昨天 21:30
    # when the file itself carries no capture time
    taken_on: date | None = None


@dataclass
class Facts:
    """All of case.toml, typed."""

    case: CaseInfo = field(default_factory=CaseInfo)
    victim: Victim = field(default_factory=Victim)
    suspects: list[Suspect] = field(default_factory=list)
    order: Order = field(default_factory=Order)
    respondent: Respondent = field(default_factory=Respondent)
    story: Story = field(default_factory=Story)
    events: list[UserEvent] = field(default_factory=list)
    demands: list[Demand] = field(default_factory=list)
    filing: Filing = field(default_factory=Filing)
    after_sales: AfterSales = field(default_factory=AfterSales)
    evidence: dict[str, EvidenceNote] = field(default_factory=dict)
    source: Path | None = None


# --------------------------------------------------------------------------------------------
# Loading


class _Reader:
    """Reads typed values out of parsed TOML, naming file, line and field on error."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()
        # every key the parser asks for, per table (by id) with the table's dotted name: what is
        # left unread afterwards is a key case.toml does not have (a typo such as polic_unit)
        self.read: dict[int, tuple[str, dict, set[str]]] = {}
        self.top_level: set[str] = set()

    def seen(self, table: dict, dotted: str, *keys: str) -> None:
        """Note that the parser reads `keys` of `table` (named `dotted`, e.g. "victim", "suspects[0]")."""
        prefix = dotted.rsplit(".", 1)[0] if "." in dotted else ""
        entry = self.read.setdefault(id(table), (prefix, table, set()))
        entry[2].update(keys)

    def unknown_keys(self, data: dict) -> None:
        """Raise on the first section or key that no part of the parser reads, with its line and
        the nearest known name ("did you mean")."""
        sections = {name for name, _, _ in self.read.values() if name and "." not in name and "[" not in name}
        sections |= {name.split("[")[0] for name, _, _ in self.read.values() if "[" in name}
        sections |= self.top_level
        for key, value in data.items():
            if key not in sections:
                self.unknown(key, key, sections, section=isinstance(value, (dict, list)))
        for prefix, table, keys in self.read.values():
            for key in table:
                if key not in keys:
                    self.unknown(f"{prefix}.{key}" if prefix else key, key, keys, section=isinstance(table[key], dict))

    def unknown(self, dotted: str, key: str, known: set[str], section: bool) -> None:
        import difflib

        close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
        guess_zh = f"，是不是 {close[0]}？" if close else ""
        guess_en = f"; did you mean {close[0]}?" if close else ""
        if section:
            header = re.compile(r"^\s*\[\[?\s*" + re.escape(dotted) + r"\s*\]")
            line = next((i + 1 for i, text in enumerate(self.lines) if header.match(text)), None)
        else:
            line = self.line_of(dotted)
        where = f"{self.path.name}:{line}" if line else self.path.name
        what_zh, what_en = ("未知的段", "unknown section") if section else ("未知的字段", "unknown key")
        raise BadInput(f"{where} {what_zh} {dotted}{guess_zh}", f"{where} {what_en} {dotted}{guess_en}",
                       hint_zh=(f"改成 {close[0]}" if close else "删去这一行，或对照 casekit init 生成的 case.toml 模板"),
                       hint_en=(f"rename it to {close[0]}" if close else "remove it, or compare with the template casekit init writes"))

    def line_of(self, dotted: str) -> int | None:
        """Best-effort line number of a key: the first `key =` after its table header."""
        parts = [p for p in re.split(r"\.|\[\d+\]", dotted) if p]
        key = parts[-1]
        table = parts[0] if len(parts) > 1 else None
        start = 0
        if table:
            header = re.compile(r"^\s*\[\[?\s*" + re.escape(table) + r"(\s*\]|\.)")
            for i, line in enumerate(self.lines):
                if header.match(line):
                    start = i
                    break
        pattern = re.compile(r"^\s*" + re.escape(key) + r"\s*=")
        for i in range(start, len(self.lines)):
            if pattern.match(self.lines[i]):
                return i + 1
        return start + 1 if table else None

    def fail(self, dotted: str, zh: str, en: str, hint_zh: str, hint_en: str) -> BadInput:
        line = self.line_of(dotted)
        where = f"{self.path.name}:{line}" if line else self.path.name
        return BadInput(
            f"{where} 字段 {dotted}：{zh}",
            f"{where} field {dotted}: {en}",
            hint_zh=hint_zh,
            hint_en=hint_en,
        )

    def text(self, table: dict, key: str, dotted: str) -> str:
        self.seen(table, dotted, key)
        value = table.get(key, "")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            raise self.fail(dotted, "应为文字", "must be text", f'写成 {key} = "…"', f'write {key} = "…"')
        return value.strip()

    def flag(self, table: dict, key: str, dotted: str, default: bool | None = False) -> bool | None:
        self.seen(table, dotted, key)
        value = table.get(key, default)
        if value is None or isinstance(value, bool):
            return value
        raise self.fail(dotted, "应为 true 或 false", "must be true or false",
                        f"写成 {key} = true 或 {key} = false", f"write {key} = true or false")

    def text_list(self, table: dict, key: str, dotted: str) -> list[str]:
        self.seen(table, dotted, key)
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            raise self.fail(dotted, "应为文字列表", "must be a list of text",
                            f'写成 {key} = ["…", "…"]', f'write {key} = ["…", "…"]')
        return [str(v).strip() for v in value if str(v).strip()]

    def money(self, table: dict, key: str, dotted: str) -> Decimal | None:
        self.seen(table, dotted, key)
        value = table.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            value = "x"
        try:
            amount = Decimal(str(value).replace(",", "").replace("¥", "").replace("元", "").strip())
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or amount < 0:
            raise self.fail(dotted, f"金额“{value}”无法识别", f"amount {value!r} is not a number",
                            f'写成 {key} = "1280.00"', f'write {key} = "1280.00"')
        return amount.quantize(Decimal("0.01"))

    def day(self, table: dict, key: str, dotted: str) -> date | None:
        self.seen(table, dotted, key)
        value = table.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise self.fail(dotted, f"日期“{value}”无法识别", f"date {value!r} is not a date",
                        f"写成 {key} = 2026-03-05", f"write {key} = 2026-03-05")

    def moment(self, table: dict, key: str, dotted: str) -> datetime | None:
        self.seen(table, dotted, key)
        value = table.get(key)
        if value is None or value == "":
            return None
        parsed: datetime | None = None
        if isinstance(value, datetime):
            parsed = value
        elif isinstance(value, date):
            parsed = datetime.combine(value, time(0, 0))
        elif isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value.strip().replace(" ", "T"))
            except ValueError:
                parsed = None
        if parsed is None:
            raise self.fail(dotted, f"时间“{value}”无法识别", f"time {value!r} is not a date-time",
                            f"写成 {key} = 2026-03-05T14:10:00+08:00",
                            f"write {key} = 2026-03-05T14:10:00+08:00")
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=CST)
        return parsed.astimezone(CST)

    def table(self, data: dict, key: str) -> dict:
        self.top_level.add(key)
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(key, "应为一个表 [" + key + "]", f"must be a table [{key}]",
                            f"写成 [{key}] 段", f"write a [{key}] section")
        return value

    def tables(self, data: dict, key: str) -> list[dict]:
        self.top_level.add(key)
        value = data.get(key, [])
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(key, f"应为 [[{key}]] 块", f"must be [[{key}]] blocks",
                            f"每一项写一个 [[{key}]] 段", f"write one [[{key}]] section per item")
        return value


def parse_facts(text: str, path: Path = Path("case.toml")) -> Facts:
    """Parse case.toml text into `Facts`. Raises `BadInput` naming file, line and field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(
            f"{path.name} 格式错误：{exc}",
            f"{path.name} is not valid TOML: {exc}",
            hint_zh="检查引号是否成对、日期写成 2026-03-05、文字用英文双引号括起来",
            hint_en='check quotes are paired, dates look like 2026-03-05, text is in "double quotes"',
        ) from None
    r = _Reader(path, text)
    facts = Facts(source=path)

    c = r.table(data, "case")
    facts.case = CaseInfo(
        title=r.text(c, "title", "case.title"),
        platform=r.text(c, "platform", "case.platform"),
        incident_date=r.day(c, "incident_date", "case.incident_date"),
        case_id=r.text(c, "id", "case.id"),
        original_carrier=r.text(c, "original_carrier", "case.original_carrier"),
    )
    if facts.case.platform and facts.case.platform not in PLATFORMS:
        raise r.fail("case.platform", f"平台“{facts.case.platform}”不在列表中",
                     f"platform {facts.case.platform!r} is not one of the known ones",
                     "可选：" + " / ".join(PLATFORMS), "choose one of: " + " / ".join(PLATFORMS))

    v = r.table(data, "victim")
    facts.victim = Victim(
        name=r.text(v, "name", "victim.name"),
        gender=r.text(v, "gender", "victim.gender"),
        birth_date=r.day(v, "birth_date", "victim.birth_date"),
        id_number=r.text(v, "id_number", "victim.id_number").upper(),
        phone=r.text(v, "phone", "victim.phone"),
        address=r.text(v, "address", "victim.address"),
        occupation=r.text(v, "occupation", "victim.occupation"),
        payment_accounts=r.text_list(v, "payment_accounts", "victim.payment_accounts"),
    )
    if facts.victim.id_number and not ID_NUMBER_RE.match(facts.victim.id_number):
        raise r.fail("victim.id_number", "身份证号应为 18 位", "an ID number has 18 characters",
                     "核对身份证号：17 位数字加 1 位数字或 X", "check it: 17 digits then a digit or X")
    if facts.victim.phone and not PHONE_RE.match(facts.victim.phone.replace(" ", "").replace("-", "")):
        raise r.fail("victim.phone", "手机号应为 11 位数字", "a mobile number has 11 digits",
                     '写成 phone = "13900001111"', 'write phone = "13900001111"')

    for i, s in enumerate(r.tables(data, "suspects")):
        p = f"suspects[{i}]"
        suspect = Suspect(
            name=r.text(s, "name", f"{p}.name"),
            platform_account=r.text(s, "platform_account", f"{p}.platform_account"),
            account_id=r.text(s, "account_id", f"{p}.account_id"),
            shop=r.text(s, "shop", f"{p}.shop"),
            live_room_id=r.text(s, "live_room_id", f"{p}.live_room_id"),
            phones=r.text_list(s, "phones", f"{p}.phones"),
            payment_accounts=r.text_list(s, "payment_accounts", f"{p}.payment_accounts"),
            im_ids=r.text_list(s, "im_ids", f"{p}.im_ids"),
            urls=r.text_list(s, "urls", f"{p}.urls"),
        )
        if suspect.identifiers():  # the template's empty block is not a suspect
            facts.suspects.append(suspect)

    o = r.table(data, "order")
    r.seen(o, "order.quantity", "quantity")
    quantity = o.get("quantity")
    if quantity is not None and (isinstance(quantity, bool) or not isinstance(quantity, int)):
        raise r.fail("order.quantity", "数量应为整数", "quantity must be a whole number",
                     "写成 quantity = 1", "write quantity = 1")
    facts.order = Order(
        order_id=r.text(o, "order_id", "order.order_id"),
        shop=r.text(o, "shop", "order.shop"),
        goods=r.text(o, "goods", "order.goods"),
        quantity=quantity,
        amount=r.money(o, "amount", "order.amount"),
        ordered_at=r.moment(o, "ordered_at", "order.ordered_at"),
        payment_method=r.text(o, "payment_method", "order.payment_method"),
        received_on=r.day(o, "received_on", "order.received_on"),
    )

    rs = r.table(data, "respondent")
    facts.respondent = Respondent(
        legal_name=r.text(rs, "legal_name", "respondent.legal_name"),
        credit_code=r.text(rs, "credit_code", "respondent.credit_code").upper(),
        address=r.text(rs, "address", "respondent.address"),
        phone=r.text(rs, "phone", "respondent.phone"),
        platform_operator=r.text(rs, "platform_operator", "respondent.platform_operator"),
        operating_address=r.text(rs, "operating_address", "respondent.operating_address"),
        platform_operator_address=r.text(rs, "platform_operator_address", "respondent.platform_operator_address"),
    )
    if facts.respondent.credit_code and not re.fullmatch(r"[0-9A-Z]{18}", facts.respondent.credit_code):
        raise r.fail("respondent.credit_code", "统一社会信用代码应为 18 位数字或大写字母",
                     "a unified social credit code has 18 digits or capital letters",
                     "在国家企业信用信息公示系统或营业执照上核对", "check it on the business licence")

    st = r.table(data, "story")
    facts.story = Story(
        summary=r.text(st, "summary", "story.summary"),
        problem=r.text(st, "problem", "story.problem"),
        negotiation=r.text(st, "negotiation", "story.negotiation"),
        off_platform_payment=bool(r.flag(st, "off_platform_payment", "story.off_platform_payment")),
        blocked=bool(r.flag(st, "blocked", "story.blocked")),
        delivered=r.flag(st, "delivered", "story.delivered", default=None),
        counterfeit=bool(r.flag(st, "counterfeit", "story.counterfeit")),
        food=bool(r.flag(st, "food", "story.food")),
    )

    for i, e in enumerate(r.tables(data, "events")):
        p = f"events[{i}]"
        when = r.moment(e, "time", f"{p}.time")
        what = r.text(e, "text", f"{p}.text")
        if when is None or not what:
            raise r.fail(f"{p}.time", "每个事件都要有 time 和 text", "every event needs time and text",
                         '写成 time = 2026-03-05T14:10:00+08:00 与 text = "…"',
                         'write time = 2026-03-05T14:10:00+08:00 and text = "…"')
        raw = e.get("time")
        precision = "day" if isinstance(raw, date) and not isinstance(raw, datetime) else "minute"
        facts.events.append(UserEvent(when, what, r.text_list(e, "evidence", f"{p}.evidence"), precision))

    for i, d in enumerate(r.tables(data, "demands")):
        p = f"demands[{i}]"
        kind = r.text(d, "kind", f"{p}.kind") or "refund"
        if kind not in DEMAND_KINDS:
            raise r.fail(f"{p}.kind", f"诉求类型“{kind}”未知", f"unknown demand kind {kind!r}",
                         "可选：" + " / ".join(DEMAND_KINDS), "choose one of: " + " / ".join(DEMAND_KINDS))
        facts.demands.append(Demand(kind, r.money(d, "amount", f"{p}.amount"), r.text(d, "note", f"{p}.note")))

    f = r.table(data, "filing")
    facts.filing = Filing(
        police_unit=r.text(f, "police_unit", "filing.police_unit"),
        consumer_unit=r.text(f, "consumer_unit", "filing.consumer_unit"),
        truth_declared=bool(r.flag(f, "truth_declared", "filing.truth_declared")),
        police_receipt_no=r.text(f, "police_receipt_no", "filing.police_receipt_no"),
        complaint_no=r.text(f, "complaint_no", "filing.complaint_no"),
        platform_request_no=r.text(f, "platform_request_no", "filing.platform_request_no"),
        merchant_rejected_on=r.day(f, "merchant_rejected_on", "filing.merchant_rejected_on"),
        after_sales_deadline=r.moment(f, "after_sales_deadline", "filing.after_sales_deadline"),
    )

    a = r.table(data, "after_sales")
    facts.after_sales = AfterSales(
        kind=r.text(a, "kind", "after_sales.kind"),
        requested_on=r.day(a, "requested_on", "after_sales.requested_on"),
        merchant_reply=r.text(a, "merchant_reply", "after_sales.merchant_reply"),
        intervention_on=r.day(a, "intervention_on", "after_sales.intervention_on"),
        result=r.text(a, "result", "after_sales.result"),
        result_on=r.day(a, "result_on", "after_sales.result_on"),
        return_carrier=r.text(a, "return_carrier", "after_sales.return_carrier"),
        return_waybill=r.text(a, "return_waybill", "after_sales.return_waybill"),
    )

    for eid, note in r.table(data, "evidence").items():
        if not isinstance(note, dict):
            raise r.fail(f"evidence.{eid}", "应为一个表", "must be a table",
                         f'写成 [evidence.{eid}] 段', f"write an [evidence.{eid}] section")
        p = f"evidence.{eid}"
        facts.evidence[eid] = EvidenceNote(
            name=r.text(note, "name", f"{p}.name"),
            purpose=r.text(note, "purpose", f"{p}.purpose"),
            subtype=r.text(note, "subtype", f"{p}.subtype"),
            steps=r.text_list(note, "steps", f"{p}.steps"),
            taken_on=r.day(note, "taken_on", f"{p}.taken_on"),
        )
    r.unknown_keys(data)
    return facts


def load_facts(path: Path) -> Facts:
    """Read and validate a case.toml file (or a case folder's case.toml)."""
    path = Path(path)
    if path.is_dir():
        path = path / "case.toml"
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise BadInput(f"找不到 {path}", f"{path} not found",
                       hint_zh="先运行 casekit init 或 casekit interview",
                       hint_en="run casekit init or casekit interview first") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput(f"{path.name} 不是 UTF-8 编码", f"{path.name} is not UTF-8",
                       hint_zh="用记事本“另存为 UTF-8”", hint_en="save it as UTF-8") from None
    return parse_facts(text, path)


CASE_TOML_TEMPLATE = '''\
# casekit 案件信息 / case facts
# 填写后运行 `casekit status DIR` 查看还缺什么；不知道的项留空即可。
# Fill in what you know, leave the rest empty; `casekit status DIR` lists what is missing.
# 文字用英文双引号 "…"；日期写成 2026-03-05；时间写成 2026-03-05T14:10:00+08:00；金额写成 "1280.00"。

[case]
title = ""                  # 案件名称，如 "直播间购买羊绒大衣被骗案"
platform = ""               # 快手 / 抖音 / 微信 / 淘宝 / 其他
# incident_date = 2026-03-05  # 事发日期（也是“3月5日”这类日期的参考年份）
id = ""                     # 案件编号（可空，默认用文件夹名）
original_carrier = ""       # 原始证据存放在哪里，如 "本人手机（型号）微信/快手App内"

[victim]                    # 报案人 / 投诉人（本人）
name = ""
gender = ""                 # 男 / 女
# birth_date = 1990-01-01
id_number = ""              # 身份证号（报案材料完整显示；平台副本自动打码）
phone = ""
address = ""
occupation = ""             # 可空
payment_accounts = []       # 本人付款账户，如 ["支付宝 139****1111", "工商银行 6222…"]（申请紧急止付时要报）

# 每个对方写一个 [[suspects]] 段 / one block per counterpart
[[suspects]]
name = ""                   # 真实姓名（如知道），否则昵称
platform_account = ""       # 平台昵称，如 "小美好物旗舰店(客服)"
account_id = ""             # 快手号 / 抖音号 / 微信号（不会变的那个编号）
shop = ""                   # 店铺名称
live_room_id = ""           # 直播间号
phones = []                 # 如 ["13812345678"]
payment_accounts = []       # 收款账户，照账单上的写法；带星号的如 "138****5678" 也能匹配
im_ids = []                 # 微信号 / QQ 号
urls = []

[order]                     # 平台订单（如有）
order_id = ""               # 订单号（保持文字）
shop = ""
goods = ""                  # 商品名称
# quantity = 1
amount = ""                 # 实付金额，如 "1280.00"
# ordered_at = 2026-03-05T14:10:00+08:00
payment_method = ""         # 如 "支付宝" / "微信支付" / "银行卡"
# received_on = 2026-03-08  # 签收日期（收到货才填；七日无理由退货从签收次日起算）

[respondent]                # 被投诉经营者（12315/消协用）
legal_name = ""             # 营业执照上的名称
credit_code = ""            # 统一社会信用代码（18 位）
address = ""
phone = ""
platform_operator = ""      # 平台经营者名称，如 "北京快手科技有限公司"
operating_address = ""      # 商家实际经营地（店铺页营业执照上可见）；12315 可由此地市场监管局处理
platform_operator_address = ""  # 平台经营者住所地；12315 也可由此地市场监管局处理

[story]
summary = """
"""                         # 经过（可空；时间线会自动生成）
problem = ""                # 问题类型：未发货 / 与描述不符 / 虚假宣传 / 售后不处理 / 假冒商品
negotiation = ""            # 与商家/平台协商的经过
off_platform_payment = false  # 对方是否要求绕开平台私下转账
blocked = false             # 是否被对方拉黑 / 删除
# delivered = false         # 是否收到货
counterfeit = false         # 是否假货
food = false                # 是否食品（食品可主张价款十倍赔偿）

# 自己记得的事件，每件一段 / events you remember, one block each
# [[events]]
# time = 2026-03-05T14:00:00+08:00
# text = "在快手直播间看到羊绒大衣"
# evidence = ["E0001"]

# 诉求 / demands: refund 退款 · compensation 赔偿 · investigate 立案侦查 · freeze 冻结追缴
[[demands]]
kind = "refund"
amount = ""

[filing]
police_unit = ""            # 受理派出所，如 "某某市公安局某某分局某某派出所"
consumer_unit = ""          # 受理的市场监管局或消费者协会
truth_declared = false      # 确认所述属实、知悉诬告须承担法律责任后改为 true
police_receipt_no = ""      # 受案回执编号（报案后填写）
complaint_no = ""           # 12315 投诉编号
platform_request_no = ""    # 平台售后/投诉单号
# merchant_rejected_on = 2026-03-08
# after_sales_deadline = 2026-03-10T12:00:00+08:00   # App 上显示的处理期限

[after_sales]               # 平台售后进度（售后单号填在 [filing] platform_request_no）
kind = ""                   # 仅退款 / 退货退款 / 换货
# requested_on = 2026-03-06 # 申请售后的日期
merchant_reply = ""         # 商家的回复原文
# intervention_on = 2026-03-09  # 申请平台介入的日期
result = ""                 # 处理结果，如 "退款成功" / "平台驳回"
# result_on = 2026-03-12
return_carrier = ""         # 退货物流公司
return_waybill = ""         # 退货运单号

# 单个证据的名称/证明目的（可选）/ per-evidence name and purpose (optional)
# [evidence.E0001]
# name = "与客服的聊天记录"
# purpose = "证明对方诱导平台外付款"
# taken_on = 2026-03-10     # 截图是哪天截的（图里只有“昨天”“星期三”、文件又没有截图时间时）
'''


def render_case_toml_template() -> str:
    """The commented case.toml that `casekit init` writes. It parses to empty `Facts`."""
    return CASE_TOML_TEMPLATE
