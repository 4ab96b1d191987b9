"""The page's English: library texts in the language the visitor chose.

Where the library already carries both languages (a `CasekitError`'s zh/en and hints, strings
joined by `errors.bilingual`), the page picks the half it needs. The step checklist and the
reminders (casekit/steps.py) are Chinese only in the library: their English lives here, as a
table of fixed labels and a few patterns for the labels that quote case values. A text that
none of these knows is shown in Chinese, marked lang="zh-CN" (see `Shown`), so a screen reader
reads it right and a test can find it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import CasekitError

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Shown:
    """A text as the page shows it, and the language it is really in ("zh-CN" or "en")."""

    text: str
    lang: str


def error_line(exc: CasekitError, lang: str) -> str:
    """An error as one line in the page's language: English only on the English page; on the
    Chinese page Chinese first, then English, as the CLI prints it."""
    if lang == "en" and exc.en:
        line = exc.en + (f" — hint: {exc.hint_en}" if exc.hint_en else "")
    else:
        message = f"{exc.zh} / {exc.en}" if exc.en else exc.zh
        hint = f"{exc.hint_zh} / {exc.hint_en}" if exc.hint_zh and exc.hint_en else (exc.hint_zh or exc.hint_en)
        line = message + (f" — 提示 / hint: {hint}" if hint else "")
    return line.replace("\r", "\\r").replace("\n", "\\n")


def pick(text: str, lang: str) -> str:
    """One half of a "中文 / English" string (either order) for the page's language; the whole
    string when it is not two such halves."""
    if not text:
        return text
    parts = text.split(" / ")
    if len(parts) != 2:
        return text
    zh = [p for p in parts if CJK.match(p.lstrip("“\"'（(【[!✗ "))]
    en = [p for p in parts if p not in zh]
    if len(zh) != 1 or len(en) != 1:
        return text
    return en[0] if lang == "en" else zh[0]


KINDS_EN = {"chat_screenshot": "chat screenshot", "payment_screenshot": "payment screenshot", "order_page": "order page",
            "refund_record": "refund record", "product_page": "product page", "profile": "profile page",
            "filing_receipt": "filing receipt", "image": "picture", "bill": "bill", "other": "other",
            "not_extracted": "not read yet"}
DIRECTIONS = {"out": ("付出", "paid out"), "in": ("收入", "received"), "none": ("不计收支", "neither")}

# Checklist labels casekit/steps.py writes, in English (the exact Chinese is the key).
LABELS = {
    "至少一个订单号或一笔与本案相关的付款": "At least one order number or one payment in this case",
    "付款证据（账单或付款截图）": "Payment evidence (a bill or a payment screenshot)",
    "聊天记录截图": "Chat screenshots",
    "商品/直播宣传页面截图或录屏": "A screenshot or recording of the product or live-room page",
    "原始证据载体（如“本人手机”）": "Where the original evidence is (e.g. “my phone”)",
    "对方不可更改的账号 ID（快手号/微信号）": "Their permanent account id (Kuaishou / WeChat id)",
    "所有证据已识别（extract）": "All evidence has been read (extract)",
    "订单号": "Order number", "店铺名称": "Shop name", "平台": "Platform", "问题类型": "Kind of problem",
    "事情经过": "What happened", "事实经过": "What happened", "至少一张图片证据": "At least one picture as evidence",
    "退款金额": "Refund amount", "App 显示的售后处理期限": "After-sales deadline the app shows",
    "报案人姓名": "Your name (reporting)", "报案人身份证号": "Your ID card number", "报案人电话": "Your phone",
    "报案人住址": "Your address", "损失金额大于 0（付款减退款）": "A loss above zero (paid minus refunded)",
    "至少一笔付款有收款账户或交易单号": "At least one payment with the payee's account or a transaction number",
    "至少一个对方身份信息（账号、电话或收款账户）": "At least one way to identify them (account, phone or payee account)",
    "时间线至少 3 个事件": "At least 3 events on the timeline",
    "确认所述属实（知悉诬告责任）": "You declare this is true (and know false accusations carry liability)",
    "受理派出所": "Police station to report to", "受案回执编号（报案后）": "Police receipt number (after reporting)",
    "投诉人姓名": "Your name (complaining)", "投诉人电话": "Your phone", "投诉人地址": "Your address",
    "被投诉方名称和地址（或店铺+平台+平台经营者）": "The respondent's name and address (or shop + platform + platform operator)",
    "购买日期": "Date of purchase", "商品名称": "Goods", "金额": "Amount",
    "至少一项带金额的诉求": "At least one demand with an amount", "至少一件证据": "At least one piece of evidence",
    "在知道权益受损之日起 3 年内": "Within 3 years of learning of the harm",
    "统一社会信用代码": "The merchant's unified social credit code",
    "与商家/平台协商经过": "How you tried to settle with the merchant or platform",
    "受理的市场监管局或消协": "The market regulator or consumer association to file with",
    "本人付款账户（申请紧急止付时要报）": "Your own paying accounts (needed for an emergency payment stop)",
    "12315 投诉受理地：商家实际经营地或平台经营者住所地的县级市场监管局（不是按你的住址）":
        "Where a 12315 complaint goes: the county regulator where the merchant operates or the platform operator "
        "is registered (not where you live)",
}
ADD = "运行 casekit add DIR 文件… 然后 casekit extract DIR"
ADD_EN = "run casekit add DIR FILE… then casekit extract DIR"
FIXES = {
    ADD: ADD_EN,
    "运行 casekit extract DIR": "run casekit extract DIR",
    "截图对方主页并在 [[suspects]] 填写 account_id": "screenshot their profile page and fill in account_id under [[suspects]]",
    "导入聊天记录，或在 case.toml 添加 [[events]]": "add chat screenshots, or add [[events]] on the facts page",
    "导入含收款账户/交易单号的账单或付款截图：casekit add DIR 账单.csv":
        "add a bill or payment screenshot that shows the payee's account or transaction number: casekit add DIR bill.csv",
    "已超过 12315 受理时效，可考虑诉讼": "too late for 12315; consider going to court",
    "运行 casekit proposals DIR 查看，casekit accept DIR --all 接受（不一致的须写明字段）":
        "see them under “Facts read from the screenshots” above (or casekit proposals DIR; casekit accept DIR --all)",
    "改正 case.toml 的 [case] incident_date，再 casekit extract DIR": "correct [case] incident_date, then casekit extract DIR",
    f"在 case.toml [order] 填写 order_id，或{ADD}导入账单/付款截图；若已导入，在 [[suspects]] 填写收款账户以便匹配":
        f"fill in [order] order_id, or {ADD_EN} to add a bill or payment screenshot; if added already, fill in the "
        "payee account under [[suspects]] so it matches",
    f"{ADD}，并在 [[suspects]] 填写收款账户/店铺名以便匹配付款":
        f"{ADD_EN}, and fill in the payee account / shop under [[suspects]] so the payments match",
    '在 case.toml 的 [victim] payment_accounts 填写，如 ["支付宝 139****1111"]':
        'fill in [victim] payment_accounts in case.toml, e.g. ["Alipay 139****1111"]',
}
SUFFIXES = {"（平台外私下付款没有订单号时可不填）": " (may stay empty when you paid outside the platform, with no order)"}
SIGNS = {"对方要求绕开平台私下付款": "they asked you to pay outside the platform", "被对方拉黑/删除": "they blocked or deleted you",
         "未收到货": "the goods never came", "假冒商品": "counterfeit goods"}
HINTS = {
    "已收到货、属于质量或与描述不符的纠纷：以平台售后（第2步）和 12315/消协（第4步）为主。":
        "The goods came; this is a quality or not-as-described dispute: use the platform's after-sales (step 2) "
        "and 12315 / the consumer association (step 4) first.",
    "款项是平台外私下付款，平台售后无法退款：平台材料为投诉/举报商家诱导站外交易，并请平台提供商家真实身份。":
        "You paid outside the platform, so its after-sales cannot refund you: the platform packet reports the merchant "
        "for luring you off the platform and asks the platform for the merchant's real identity.",
}
# Why an item counts in this case (casekit/scoping.py), for the evidence list.
IDENT_LABELS = {"姓名/昵称": "name", "平台昵称": "platform nickname", "账号": "account", "店铺": "shop", "直播间号": "live room id",
                "手机号": "phone", "收款账户": "payee account", "微信号/QQ号": "WeChat/QQ id", "订单号": "order number"}
LINKS = {
    "案件信息中尚未填写对方，全部计入": "no counterpart in the facts yet: everything counts",
    "无可比对的内容，按加入计入": "nothing to compare: counted as added",
    "与本案对方均不匹配": "matches none of this case's counterparts",
    "与已关联证据中的同一笔付款金额、时间一致": "the same payment (amount and time) as a linked item",
    "付款金额与时间与本案聊天中所说的付款一致": "amount and time match a payment named in this case's chat",
}
LINK_PATTERNS = [
    (re.compile(r"本人确认：本人确认属于本案"), "you confirmed it belongs to this case"),
    (re.compile(r"本人确认：(.*)"), "you confirmed it: {0}"),
    (re.compile(r"本人确认不属于本案：未说明"), "you said it is not this case"),
    (re.compile(r"本人确认不属于本案：(.*)"), "you said it is not this case: {0}"),
    (re.compile(r"账单中有与本案对方的交易（(.*)）"), "the bill has a transaction with this case's counterpart ({0})"),
    (re.compile(r"交易对方与本案一致（(.*)）"), "the payee is this case's counterpart ({0})"),
    (re.compile(r"收款账户与本案聊天中对方给出的账户一致（(.*)）"), "paid to the account the chat gave ({0})"),
]


def link_reason(text: str, lang: str) -> Shown:
    """Why an item counts in the case (or not), as the evidence list shows it."""
    if lang != "en" or not text:
        return Shown(text, "zh-CN")
    if text in LINKS:
        return Shown(LINKS[text], "en")
    match = re.fullmatch(r"出现本案对方的(.+?) (.*)", text)
    if match and match.group(1) in IDENT_LABELS:
        return Shown(f"shows this case's counterpart's {IDENT_LABELS[match.group(1)]} {match.group(2)}", "en")
    for pattern, english in LINK_PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            return Shown(english.format(*found.groups()), "en")
    return Shown(text, "zh-CN")


PATTERNS = [  # (pattern over the Chinese, English with the groups)
    (re.compile(r"在 case\.toml 的 (.+) 填写，或运行 casekit interview DIR"), "fill in {0} on the facts page (or casekit interview DIR)"),
    (re.compile(r"(E\d+) 与本案对方均不匹配，未计入材料（(.*)）"), "{0} matches none of this case's counterparts and is left out of the packets ({1})"),
    (re.compile(r"若属于本案：casekit link DIR (E\d+) --suspect (\w+)；若不属于：casekit exclude DIR E\d+ --reason 不属于本案"),
     "if it belongs to this case, press “Belongs to this case” beside {0} (casekit link DIR {0} --suspect {1}); if not, exclude it"),
    (re.compile(r"(E\d+) 中 (\d+) 条消息日期待确认（截图只显示 (.*)，没有截图时间可参照）"),
     "{1} message(s) in {0} have no sure date (the screenshot shows only {2} and has no capture time)"),
    (re.compile(r"知道截图是哪天截的：在 case\.toml 写 \[evidence\.(E\d+)\] taken_on = YYYY-MM-DD，再 casekit extract DIR；或逐条更正：.*"),
     "if you know the day the screenshot was taken, write [evidence.{0}] taken_on = YYYY-MM-DD in case.toml and read it again; "
     "or correct each message's time on the item page"),
    (re.compile(r"截图中读到 (\d+) 项案件信息待确认：(.*)"), "{0} fact(s) read from the screenshots wait for you: {1}"),
    (re.compile(r"案发日期 (\S+) 晚于今天（没有年份的聊天日期按它推断年份）"),
     "The incident date {0} is after today (chat dates without a year are placed by it)"),
    (re.compile(r"时间线顺序可疑：(.+?)((?:（[^）]*）)?)在 (\S+ \S+)，早于(.+)（(\S+ \S+)）"),
     "Timeline order looks wrong: {0}{1} at {2} comes before {3} ({4})"),
    (re.compile(r"核对截图上的日期.*--show (E\d+).*"), "check the dates on {0}'s screenshot (dates without a year are inferred "
     "and may have the wrong year) and correct the time on the item page; also check [case] incident_date and [order] ordered_at"),
    (re.compile(r"核对 case\.toml 中 \[\[events\]\] 的时间；也请核对.*"), "check the times of the [[events]], [case] incident_date and [order] ordered_at"),
    (re.compile(r"有诈骗迹象（(.+)）：建议优先报警（第3步），同时向平台投诉。"), "Signs of fraud ({0}): report to the police first (step 3) and complain to the platform too."),
    (re.compile(r"最后一笔付款在 48 小时内（(\d+)月(\d+)日 (\S+)）：现在就拨打 (\S+) 或到派出所申请紧急止付，报出收款账户 (.+?)，再整理材料（(\S+) 是反诈咨询/举报专线，不办理止付）。"),
     "Your last payment was less than 48 hours ago ({0}/{1} {2}): call {3} now or go to a police station to ask for an "
     "emergency payment stop, naming the payee account(s) {4}; gather the papers after that ({5} is the anti-fraud "
     "advice and reporting line; it cannot stop payments)."),
    (re.compile(r"可主张的赔偿已计算并写入投诉请求：(.+)。"), "The compensation you can claim is computed and written into the complaint's requests: {0}."),
    (re.compile(r"损失 ¥(\S+) 可能低于当地诈骗罪“数额较大”的立案标准.*"),
     "A loss of ¥{0} may be below the local threshold for a fraud case (3,000 to 10,000 yuan nationally, set per "
     "province): the police report also asks for the case to be handled under the Public Security Administration "
     "Punishments Law if it is too small for a criminal case."),
]


def _translate(text: str, table: dict[str, str]) -> str | None:
    if text in table:
        return table[text]
    for suffix, suffix_en in SUFFIXES.items():
        if text.endswith(suffix):
            head = _translate(text[: -len(suffix)], table)
            return None if head is None else head + suffix_en
    for pattern, english in PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            groups = [SIGNS.get(g, "、".join(SIGNS.get(x, x) for x in g.split("、"))) if g else "" for g in match.groups()]
            return english.format(*groups).replace("、", ", ")
    return None


def shown(text: str, lang: str, table: dict[str, str] | None = None) -> Shown:
    """A checklist label, fix or reminder from casekit/steps.py as the page shows it."""
    if lang != "en" or not text:
        return Shown(text, "zh-CN")
    english = _translate(text, table if table is not None else {**LABELS, **FIXES, **HINTS})
    return Shown(english, "en") if english is not None else Shown(text, "zh-CN")


STEP_EN = {"identify": "Step 1 · identify and secure the evidence", "platform": "Step 2 · platform complaint / refund",
           "police": "Step 3 · police report", "consumer": "Step 4 · 12315 / consumer association complaint"}


def gap_line(text: str, lang: str) -> Shown:
    """A line of a draft build's gap list ("label — fix（第3步 报案、…）", casekit.packets.gap_listing)
    as the page shows it: the label and the steps; the fix (a command line) is left to step 3 of
    the page, which links each gap to its own control."""
    from ..steps import STEP_TITLES

    match = re.fullmatch(r"(.+?) — (.+)（([^（）]+)）", text)
    if not match:
        return Shown(text, "zh-CN")
    if lang != "en":
        return Shown(f"{match.group(1)}（{match.group(3)}）", "zh-CN")
    label = shown(match.group(1), lang)
    titles = {v: STEP_EN[k] for k, v in STEP_TITLES.items()}
    steps = [titles.get(x) for x in match.group(3).split("、")]
    if label.lang != "en" or None in steps:
        return Shown(text, "zh-CN")
    return Shown(f"{label.text} ({'; '.join(steps)})", "en")  # type: ignore[arg-type]
