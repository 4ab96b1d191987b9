"""Which way a case goes, decided in Python from the facts and the timeline (issue 15 §5).

- the payment path: off the platform (a private WeChat/Alipay/bank transfer) or through its
  checkout — after-sales can only refund the second;
- the problem type and the legal bases that fit it, with any compensation computed (消保法第55条
  3×/at least ¥500; food 食品安全法第148条 10×/at least ¥1,000) and the 七日无理由 window (only
  when the goods were received: from the day after 签收);
- amount triage against the 诈骗罪 数额较大 floor (3,000–10,000 by province);
- whether 紧急止付 can still help (recent payments only);
- where a 12315 complaint goes (the merchant's 实际经营地 or the platform operator's 住所地).

The view models, `status` and the guide all read one `Route`; nothing here is wording of a filing
except the short labels the route itself names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from .facts import Facts
from .law import cite
from .timeline import OFF_PLATFORM_WORDS as _OFF_WORDS
from .timeline import URGENT_WINDOW, Timeline

OFF_PLATFORM, CHECKOUT, UNKNOWN = "off_platform", "checkout", "unknown"
PATH_LABELS = {OFF_PLATFORM: "平台外私下付款", CHECKOUT: "通过平台下单支付", UNKNOWN: "付款方式未知"}

NOT_DELIVERED, FRAUD, NOT_AS_DESCRIBED, COUNTERFEIT, QUALITY, RETURN, OTHER = (
    "not_delivered", "fraud", "not_as_described", "counterfeit", "quality", "return", "other")
PROBLEM_LABELS = {NOT_DELIVERED: "未发货", FRAUD: "欺诈", NOT_AS_DESCRIBED: "与描述不符", COUNTERFEIT: "假冒商品",
                  QUALITY: "质量问题", RETURN: "七日无理由退货", OTHER: "其他"}
_PROBLEM_WORDS = ((NOT_DELIVERED, ("未发货", "不发货", "没发货", "未收到", "没收到", "没有发货")),
                  (COUNTERFEIT, ("假冒", "假货", "冒牌")), (NOT_AS_DESCRIBED, ("不符", "虚假宣传", "货不对板")),
                  (FRAUD, ("欺诈", "诈骗", "骗")), (QUALITY, ("质量", "损坏", "破损")),
                  (RETURN, ("七日", "7天", "七天", "无理由")))

# the 数额较大 floor of 诈骗罪: 3,000–10,000 nationally (诈骗案件解释 第1条); each province's 高院 and
# 检察院 set their own figure within it. A figure is listed only with the notice that set it (issuer,
# 文号, date) and the public copy it was read in; none of these notices could be read on the issuing
# court's own site (offline), so each is printed as "据《…》（转载文本）" and `checked` says so. A
# province whose figure was seen only without its notice (or whose notice is reported superseded)
# is listed as unverified: no figure is printed for it, and the text falls back to the national range.
NATIONAL_FLOOR = (Decimal("3000"), Decimal("10000"))
REPOST = "转载文本，未与发文机关公布的原文核对"


@dataclass(frozen=True)
class Floor:
    region: str
    amount: Decimal | None       # None: no citable figure (未核实)
    document: str                # issuer, title, 文号 and date, as the copy prints them
    source: str                  # where the text was read
    # a lower figure the notice applies with aggravating circumstances (e.g. 利用互联网发布虚假信息
    # 对不特定多数人实施诈骗), so an amount between the two may still be a crime
    reduced: Decimal | None = None
    note: str = ""          # for maintainers; printed only when `note_cited` (it quotes the cited notice)
    checked: str = REPOST
    note_cited: bool = False

    @property
    def verified(self) -> bool:
        return self.amount is not None

    def describe(self) -> str:
        """zh-CN: the figure with its notice, or 未核实."""
        if self.amount is None:
            if self.note_cited:
                return f"据{self.document}，{self.note}（{self.checked}）"
            return f"{self.region}的具体标准未核实"  # never a figure that cannot be cited
        extra = f"，具有从严情形的 {self.reduced:,.0f} 元" if self.reduced else ""
        return f"据{self.document}，{self.region}为 {self.amount:,.0f} 元{extra}（{self.checked}）"


PROVINCE_FLOORS: tuple[Floor, ...] = (
    Floor("重庆", Decimal("5000"), "重庆市高级人民法院、重庆市人民检察院《关于办理诈骗刑事案件数额标准的规定》（2013年7月1日起施行）",
          "https://freewechat.com/a/MzA5NTQ2MTI5Nw==/2649303748/1；http://qyfgj.cn/falv/350347.html"),
    Floor("广东", Decimal("6000"), "广东省高级人民法院、广东省人民检察院《关于确定诈骗刑事案件数额标准的通知》（粤高法发〔2014〕12号，2014年4月25日）",
          "https://lawyer.fabao365.com/136408/article_200576；http://uianet.net/dictionary/b3849270.html",
          note="一类地区（广州、深圳、珠海、佛山、中山、东莞）6000 元；二类地区（汕头、韶关、河源、梅州、惠州、汕尾、江门、"
               "阳江、湛江、茂名、肇庆、清远、潮州、揭阳、云浮）4000 元"),
    Floor("云南", Decimal("5000"), "云南省高级人民法院、云南省人民检察院、云南省公安厅、云南省司法厅《关于我省办理诈骗刑事案件执行具体数额标准的通知》"
          "（云高法〔2013〕145号，2013年8月1日起执行）",
          "https://ytlst.com/xs/fagui/dffg/28791.html；https://lawtime.cn/article/lll20047202009814oo241096"),
    Floor("湖北", Decimal("5000"), "湖北省高级人民法院、湖北省人民检察院《关于确定我省诈骗罪数额认定标准的通知》（鄂高法发〔2012〕9号，2012年7月1日起执行）",
          "http://39.100.91.142/Article/1740.html", reduced=Decimal("3000"),
          note="具有两高解释规定的从严情形的 3000 元"),
    Floor("江苏", Decimal("6000"), "江苏省高级人民法院、江苏省人民检察院、江苏省公安厅《关于我省执行诈骗公私财物“数额较大”、“数额巨大”、"
          "“数额特别巨大”标准的意见》（苏高法〔2011〕370号，2011年7月26日）",
          "http://bianhuren.net.cn/index.php/article/read/aid/2430", reduced=NATIONAL_FLOOR[0],
          note="数额接近 6000 元并具有利用互联网对不特定多数人诈骗等情形的，也以诈骗罪定罪"),
    # seen only without the notice, or reported superseded: no figure
    Floor("上海", None, "上海市高级人民法院等《关于本市办理部分诈骗类犯罪案件具体数额标准的意见》（沪高法〔2011〕241号）",
          "https://055110.com/law/2/11115.html", note="2011 年意见为 1 万元（具有从严情形的 5000 元），据报 2023 年已修改，新文本未找到"),
    Floor("山东", None, "《山东省高院关于确定诈骗罪具体数额标准的通知》", "http://m.njlsw.com/open.asp?id=264675&tid=118",
          note="转载文本未载文号和日期"),
    Floor("浙江", None, "", "http://www.nj48.cn/m/open.asp?id=259578&tid=118", note="只见未载通知名称、文号的转述"),
    Floor("北京", None, "", "https://www.64365.com/zs/4869184.aspx", note="只见未载通知名称、文号的转述"),
)
_GUANGDONG_TIER1 = ("广州", "深圳", "珠海", "佛山", "中山", "东莞")
_GUANGDONG_TIER2 = ("汕头", "韶关", "河源", "梅州", "惠州", "汕尾", "江门", "阳江", "湛江", "茂名", "肇庆", "清远",
                    "潮州", "揭阳", "云浮")


@dataclass(frozen=True)
class Basis:
    """One legal basis chosen for this case: the citation text and why it applies."""

    key: str
    why: str

    @property
    def text(self) -> str:
        return f"{cite(self.key)}（{self.why}）"


@dataclass(frozen=True)
class Compensation:
    """A punitive compensation the law allows on top of the refund, computed."""

    basis: str            # citation key
    price: Decimal
    multiple: int
    floor: Decimal
    amount: Decimal

    @property
    def label(self) -> str:
        times = {3: "三倍", 10: "十倍"}[self.multiple]
        return (f"依照{cite(self.basis)}，要求增加赔偿 ¥{self.amount:,.2f}（价款 ¥{self.price:,.2f} 的{times}；"
                f"不足 ¥{self.floor:,.0f} 的按 ¥{self.floor:,.0f} 计）")


@dataclass(frozen=True)
class Triage:
    """The loss against the 诈骗罪 数额较大 floor."""

    net: Decimal
    below: str            # "yes" (below the floor that applies), "maybe", "no"
    floor: Floor | None   # the province's entry, when listed (its amount None: 未核实)

    @property
    def standard(self) -> str:
        """zh-CN: which floor was compared — the province's cited figure, else the national range."""
        national = f"全国幅度 3000 元至 1 万元（{cite('zpjs_1')}），各省在此幅度内确定"
        return f"{national}；{self.floor.describe()}" if self.floor is not None else national

    @property
    def fallback(self) -> bool:
        """Whether the police packet also asks, as a fallback, for 治安 查处."""
        return self.below in ("yes", "maybe")


@dataclass
class Route:
    path: str
    problem: str
    food: bool
    received: bool | None
    received_on: date | None
    bases: list[Basis] = field(default_factory=list)
    compensation: Compensation | None = None
    return_window: tuple[date, date] | None = None
    triage: Triage | None = None
    stop_payment: bool = False          # a payment recent enough for 紧急止付 to help
    stop_payment_until: datetime | None = None
    region: str = ""                    # the province read from the police unit or the address
    rejected: bool = False              # the merchant refused the after-sales request
    return_asked: bool = False          # goods received and the user asks for 七日无理由 (or it is the problem)
    fraud_said: list[str] = field(default_factory=list)  # what in the facts or evidence points to 诈骗

    @property
    def fraud_alleged(self) -> bool:
        """Whether anything the user gave says this is a fraud (a police report alleges 诈骗 only then)."""
        return bool(self.fraud_said)

    @property
    def off_platform(self) -> bool:
        return self.path == OFF_PLATFORM

    def to_json(self) -> dict:
        return {
            "payment_path": self.path, "problem": self.problem, "food": self.food, "received": self.received,
            "bases": [b.text for b in self.bases],
            "compensation": f"{self.compensation.amount:.2f}" if self.compensation else None,
            "return_window": [d.isoformat() for d in self.return_window] if self.return_window else None,
            "below_criminal_floor": self.triage.below if self.triage else None,
            "criminal_floor": ({"region": self.triage.floor.region, "verified": self.triage.floor.verified,
                                "amount": f"{self.triage.floor.amount:.2f}" if self.triage.floor.amount else None,
                                "document": self.triage.floor.document, "source": self.triage.floor.source}
                               if self.triage and self.triage.floor else None),
            "stop_payment": self.stop_payment,
            "fraud_alleged": self.fraud_alleged,
        }


def payment_path(f: Facts, tl: Timeline) -> str:
    """Off the platform when the user says so or a payment was a private transfer; through the
    checkout when there is a platform order and nothing says otherwise."""
    if f.story.off_platform_payment:
        return OFF_PLATFORM
    methods = [p.method or "" for p in tl.payments if p.kind == "payment"] + [f.order.payment_method]
    if any(w in m for m in methods for w in _OFF_WORDS):
        return OFF_PLATFORM
    return CHECKOUT if f.order.order_id else UNKNOWN


def problem_type(f: Facts) -> str:
    """The problem, from [story] problem's words and the triage flags."""
    if f.story.delivered is False:
        return NOT_DELIVERED
    for kind, words in _PROBLEM_WORDS:
        if any(w in f.story.problem for w in words):
            return kind
    return COUNTERFEIT if f.story.counterfeit else OTHER


def region_of(f: Facts) -> str:
    """The province (or municipality) named by the police unit, else by the victim's address."""
    for text in (f.filing.police_unit, f.victim.address):
        for floor in PROVINCE_FLOORS:
            if floor.region in text:
                return floor.region
        if any(city in text for city in _GUANGDONG_TIER1 + _GUANGDONG_TIER2):
            return "广东"
        m = re.match(r"\s*([\u4e00-\u9fff]{2,3}?)(省|市|自治区)", text)
        if m:
            return m.group(1)
    return ""


def floor_for(region: str, f: Facts) -> Floor | None:
    """The province's listed floor (verified or not); 广东's by the tier of the city named."""
    floor = next((x for x in PROVINCE_FLOORS if x.region == region), None)
    if floor is None or floor.region != "广东":
        return floor
    places = f.filing.police_unit + f.victim.address
    if any(c in places for c in _GUANGDONG_TIER1):
        return floor
    if any(c in places for c in _GUANGDONG_TIER2):
        return replace(floor, amount=Decimal("4000"))
    return replace(floor, amount=None, note_cited=True,
                   note="一类地区 6000 元、二类地区 4000 元，未能从派出所或住址判断属于哪一类")


def triage_amount(net: Decimal, region: str, f: Facts) -> Triage:
    low, high = NATIONAL_FLOOR
    floor = floor_for(region, f)
    if net < low:
        below = "yes"
    elif net >= high:
        below = "no"
    elif floor is not None and floor.amount is not None:
        below = "no" if net >= floor.amount else ("maybe" if floor.reduced and net >= floor.reduced else "yes")
    else:
        below = "maybe"
    return Triage(net, below, floor)


def compensation_for(problem: str, food: bool, price: Decimal | None) -> Compensation | None:
    """3× (at least ¥500) for 欺诈 / 不符 / 假冒; 10× (at least ¥1,000) for food."""
    if not price or price <= 0:
        return None
    if food and problem in (COUNTERFEIT, NOT_AS_DESCRIBED, QUALITY, FRAUD):
        return Compensation("spaq_148", price, 10, Decimal("1000"), max(price * 10, Decimal("1000")))
    if problem in (FRAUD, NOT_AS_DESCRIBED, COUNTERFEIT):
        return Compensation("xbf_55", price, 3, Decimal("500"), max(price * 3, Decimal("500")))
    return None


def legal_bases(route: Route) -> list[Basis]:
    """The bases that fit the problem and the payment path (DOMAIN §2.4, D3)."""
    out: list[Basis] = []
    if route.problem == NOT_DELIVERED:
        out += [Basis("dsf_20", "经营者应当按照承诺或约定的方式、时限交付商品"),
                Basis("xbf_53", "以预收款方式提供商品而未按约定提供的，应按消费者要求退回预付款")]
    if route.return_asked:
        out.append(Basis("xbf_25", "网购商品自收到之日起七日内可无理由退货"))
    if route.received and route.problem == QUALITY and not route.food:
        out.append(Basis("xbf_24", "商品不符合质量要求的，消费者可以退货或要求更换、修理"))
    if route.compensation is not None:
        why = ("生产经营不符合食品安全标准的食品，可要求价款十倍赔偿金，不足一千元的为一千元"
               if route.compensation.basis == "spaq_148" else "经营者欺诈的，增加赔偿价款的三倍，不足五百元的为五百元")
        out.append(Basis(route.compensation.basis, why))
    if route.off_platform:
        out.append(Basis("wlxf_5", "商家工作人员引导在平台支付方式以外付款的，商家不得以未经平台支付为由免责"))
    out.append(Basis("xbf_44", "平台不能提供销售者真实名称、地址和有效联系方式的，消费者可以向平台要求赔偿"))
    return out


def decide(f: Facts, tl: Timeline, now: datetime) -> Route:
    """The route of one case."""
    received = True if (f.story.delivered or f.order.received_on) else f.story.delivered
    route = Route(payment_path(f, tl), problem_type(f), f.story.food, received, f.order.received_on)
    route.return_asked = bool(route.received) and (
        route.problem == RETURN or any(w in f.story.problem for w in _PROBLEM_WORDS[-1][1]))
    if route.received and route.received_on:
        route.return_window = (route.received_on + timedelta(days=1), route.received_on + timedelta(days=7))
    price = f.order.amount or (tl.loss.paid if tl.loss.paid > 0 else None)
    route.compensation = compensation_for(route.problem, route.food, price)
    route.bases = legal_bases(route)
    route.region = region_of(f)
    route.triage = triage_amount(tl.loss.net, route.region, f)
    last = tl.last_payment
    if last and last.time and now - last.time < URGENT_WINDOW:
        route.stop_payment, route.stop_payment_until = True, last.time + URGENT_WINDOW
    route.rejected = bool(f.filing.merchant_rejected_on)
    route.fraud_said = fraud_signs(f, tl, route)
    return route


def fraud_signs(f: Facts, tl: Timeline, route: Route) -> list[str]:
    """What the facts and the evidence say that points to 诈骗, each as a short zh-CN label."""
    said = f"{f.story.problem} {f.story.summary}"
    signs = [label for label, hit in (
        ("对方要求绕开平台私下付款", route.off_platform),
        ("被对方拉黑/删除", bool(f.story.blocked) or any(("拉黑" in e.text or "删除" in e.text)
                                                    for e in tl.events if e.kind == "message")),
        ("付款后未发货", route.problem == NOT_DELIVERED),
        ("假冒商品", route.problem == COUNTERFEIT or bool(f.story.counterfeit)),
        ("本人陈述为欺诈/诈骗", route.problem == FRAUD or "骗" in said or "欺诈" in said),
        ("请求立案或冻结", any(d.kind in ("investigate", "freeze") for d in f.demands)),
    ) if hit]
    return signs


def jurisdiction(f: Facts) -> list[tuple[str, str]]:
    """Where a 12315 complaint against a platform merchant may go (投诉举报暂行办法第12条), as
    (place, address or "") pairs — the merchant's 实际经营地 and the platform operator's 住所地."""
    r = f.respondent
    return [("商家实际经营地", r.operating_address or r.address), ("平台经营者住所地", r.platform_operator_address)]
