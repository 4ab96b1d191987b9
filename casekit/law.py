"""The one table of legal citations a packet or guide may print (issue 15 §5).

Each entry names the law, the article, the words relied on (quoted from the text) and where that
text was checked. Only entries marked `verified` are ever printed: `cite()` refuses the others, and
a test scans every template, the text-making modules and the built PDFs for 《…》第N条 and fails
on a citation that is not in this table.

Where the texts were checked: the statute texts in the LawRefBook/Laws repository (a mirror of
the 国家法律法规数据库 texts) at commit 2f4c5c2, each compared with a second, independent public copy
of the same article where one was found. Beside each text source, `OFFICIAL` records the official
publication (全国人大/常委会, 公安部令, 市场监管总局令, 法释 number, and dates) and the official
database; how that was checked is said there. A law whose current article numbering could not be
checked (the 治安管理处罚法 revised with effect from 2026-01-01) has no article here: filings name
the law only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .numerals import PLAIN, spell_section

CHECKED_ON = date(2026, 12, 7)
_REPO = "https://github.com/LawRefBook/Laws/blob/2f4c5c23716267af9dbebbbbd6cbbf732b101981/"

# the printed short names, each with the full title a text may also use
LAWS = {
    "刑法": "中华人民共和国刑法",
    "反电信网络诈骗法": "中华人民共和国反电信网络诈骗法",
    "消费者权益保护法": "中华人民共和国消费者权益保护法",
    "电子商务法": "中华人民共和国电子商务法",
    "食品安全法": "中华人民共和国食品安全法",
    "治安管理处罚法": "中华人民共和国治安管理处罚法",
    "市场监督管理投诉举报处理暂行办法": "市场监督管理投诉举报处理暂行办法",
    "公安机关办理刑事案件程序规定": "公安机关办理刑事案件程序规定",
    "网络消费纠纷规定（一）": "最高人民法院关于审理网络消费纠纷案件适用法律若干问题的规定（一）",
    "诈骗案件解释": "最高人民法院、最高人民检察院关于办理诈骗刑事案件具体应用法律若干问题的解释",
    "民事诉讼法": "中华人民共和国民事诉讼法",
    "互联网法院规定": "最高人民法院关于互联网法院审理案件若干问题的规定",
}
_SOURCES = {
    "刑法": _REPO + "刑法/刑法.md",
    "反电信网络诈骗法": _REPO + "社会法/反电信网络诈骗法(2022-09-02).md",
    "消费者权益保护法": _REPO + "民法商法/消费者权益保护法(2013-10-25).md",
    "电子商务法": _REPO + "民法商法/电子商务法(2018-08-31).md",
    "食品安全法": _REPO + "行政法/食品安全法(2021-04-29).md",
    "市场监督管理投诉举报处理暂行办法": _REPO + "部门规章/市场监督管理总局/市场监督管理投诉举报处理暂行办法(2022-03-24).md",
    "公安机关办理刑事案件程序规定": _REPO + "部门规章/公安部/公安机关办理刑事案件程序规定(2020-07-20).md",
    "网络消费纠纷规定（一）": _REPO + "司法解释/最高人民法院关于审理网络消费纠纷案件适用法律若干问题的规定（一）(2022-03-01).md",
    "诈骗案件解释": _REPO + "司法解释/最高人民法院、最高人民检察院关于办理诈骗刑事案件具体应用法律若干问题的解释(2011-03-01).md",
    "民事诉讼法": _REPO + "诉讼与非诉讼程序法/民事诉讼法(2023-09-01).md",
    "互联网法院规定": _REPO + "司法解释/最高人民法院关于互联网法院审理案件若干问题的规定(2018-09-06).md",
    "治安管理处罚法": "（2025 年修订、2026-01-01 施行的文本未能核对：不引用条号）",
}
# The official publication of each text beside its text source: who issued it, the instrument
# and the date, and the official database where one is known. How each was checked: the
# promulgation lines at the head of each LawRefBook file (that repository's README says its texts
# are fetched from the 国家法律法规数据库, flk.npc.gov.cn), read at commit 2f4c5c2; a 文号 given
# here and not in those lines was read in the text itself (网络消费纠纷规定（一）) or in the
# provincial notices that cite it (诈骗案件解释). The database pages themselves could not be
# opened offline, so no per-law database address is recorded: only the database.
NPC_DATABASE = "国家法律法规数据库 https://flk.npc.gov.cn/"
OFFICIAL = {
    "刑法": ("全国人民代表大会 1979年7月1日通过，1997年3月14日修订；最近一次为全国人大常委会 2023年12月29日通过的"
             "《中华人民共和国刑法修正案（十二）》", NPC_DATABASE),
    "反电信网络诈骗法": ("全国人大常委会 2022年9月2日通过", NPC_DATABASE),
    "消费者权益保护法": ("全国人大常委会 1993年10月31日通过，2013年10月25日第二次修正", NPC_DATABASE),
    "电子商务法": ("全国人大常委会 2018年8月31日通过", NPC_DATABASE),
    "食品安全法": ("全国人大常委会 2009年2月28日通过，2015年4月24日修订，2021年4月29日第二次修正", NPC_DATABASE),
    "市场监督管理投诉举报处理暂行办法": ("国家市场监督管理总局令第20号，2019年11月30日公布；2022年3月24日"
                                         "《国家市场监督管理总局关于修改和废止有关规章的决定》修改", NPC_DATABASE),
    "公安机关办理刑事案件程序规定": ("公安部令第127号，2012年12月13日修订发布；公安部令第159号，2020年7月20日修正", NPC_DATABASE),
    "网络消费纠纷规定（一）": ("最高人民法院 法释〔2022〕8号，2022年3月15日起施行", ""),
    "诈骗案件解释": ("最高人民法院、最高人民检察院 法释〔2011〕7号，2011年3月1日公告公布，2011年4月8日起施行", ""),
    "民事诉讼法": ("全国人民代表大会 1991年4月9日通过；全国人大常委会 2023年9月1日第五次修正", NPC_DATABASE),
    "互联网法院规定": ("最高人民法院审判委员会 2018年9月3日第1747次会议通过，2018年9月7日起施行", ""),
    "治安管理处罚法": ("（2026年1月1日起施行的文本未能核对）", NPC_DATABASE),
}
_PRINTED_IN_FULL = ("刑法", "网络消费纠纷规定（一）", "诈骗案件解释", "治安管理处罚法", "互联网法院规定")
# a second public copy of the same words, where one was found (pages corpus)
_ALSO = {
    ("消费者权益保护法", 55): "http://m.yuekan.yzbytv.com/gundong/2022/1215/10032.html",
    ("电子商务法", 20): "http://5.shadafang.com/c/tj0Z214BA12018_19.html",
    ("公安机关办理刑事案件程序规定", 179): "https://110ask.com/zhishi/15692461635663878756.html",
    ("诈骗案件解释", 1): "https://www.75law.com/question/160480.html",
}


class UnverifiedCitation(LookupError):
    """A citation asked for that the table does not hold as verified (a programming error)."""


@dataclass(frozen=True)
class Citation:
    """One article relied on."""

    key: str
    law: str            # short name, a key of LAWS
    article: int | None
    words: str          # the words relied on, quoted from the checked text
    clause: str = ""    # e.g. "第一款", "第二款"
    verified: bool = True

    @property
    def source(self) -> str:
        also = _ALSO.get((self.law, self.article or 0))
        return _SOURCES[self.law] + (f"；另见 {also}" if also else "")

    @property
    def official(self) -> str:
        """The official publication (issuer, instrument, date) and the official database, if known."""
        issued, database = OFFICIAL[self.law]
        return issued + (f"；官方数据库：{database}" if database else "")

    @property
    def text(self) -> str:
        """《消费者权益保护法》第五十五条第一款 — as printed."""
        title = LAWS[self.law] if self.law in _PRINTED_IN_FULL else self.law
        article = f"第{zh_number(self.article)}条{self.clause}" if self.article else ""
        return f"《{title}》{article}"


def _c(key: str, law: str, article: int | None, words: str, clause: str = "", verified: bool = True) -> Citation:
    return Citation(key, law, article, words, clause, verified)


CITATIONS: tuple[Citation, ...] = (
    _c("criminal_266", "刑法", 266, "诈骗公私财物，数额较大的，处三年以下有期徒刑、拘役或者管制，并处或者单处罚金"),
    _c("fzf_2", "反电信网络诈骗法", 2, "本法所称电信网络诈骗，是指以非法占有为目的，利用电信网络技术手段，通过远程、非接触等方式，诈骗公私财物的行为"),
    _c("fzf_20", "反电信网络诈骗法", 20, "建立完善电信网络诈骗涉案资金即时查询、紧急止付、快速冻结、及时解冻和资金返还制度"),
    _c("xbf_24", "消费者权益保护法", 24, "经营者提供的商品或者服务不符合质量要求的，消费者可以依照国家规定、当事人约定退货，或者要求经营者履行更换、修理等义务"),
    _c("xbf_25", "消费者权益保护法", 25, "经营者采用网络、电视、电话、邮购等方式销售商品，消费者有权自收到商品之日起七日内退货，且无需说明理由"),
    _c("xbf_39", "消费者权益保护法", 39, "请求消费者协会或者依法成立的其他调解组织调解；向有关行政部门投诉"),
    _c("xbf_44", "消费者权益保护法", 44, "网络交易平台提供者不能提供销售者或者服务者的真实名称、地址和有效联系方式的，消费者也可以向网络交易平台提供者要求赔偿", "第一款"),
    _c("xbf_53", "消费者权益保护法", 53, "经营者以预收款方式提供商品或者服务的，应当按照约定提供。未按照约定提供的，应当按照消费者的要求履行约定或者退回预付款"),
    _c("xbf_55", "消费者权益保护法", 55, "增加赔偿的金额为消费者购买商品的价款或者接受服务的费用的三倍；增加赔偿的金额不足五百元的，为五百元", "第一款"),
    _c("dsf_15", "电子商务法", 15, "电子商务经营者应当在其首页显著位置，持续公示营业执照信息"),
    _c("dsf_20", "电子商务法", 20, "电子商务经营者应当按照承诺或者与消费者约定的方式、时限向消费者交付商品或者服务"),
    _c("dsf_61", "电子商务法", 61, "与平台内经营者发生争议时，电子商务平台经营者应当积极协助消费者维护合法权益"),
    _c("dsf_62", "电子商务法", 62, "在电子商务争议处理中，电子商务经营者应当提供原始合同和交易记录"),
    _c("spaq_148", "食品安全法", 148, "还可以向生产者或者经营者要求支付价款十倍或者损失三倍的赔偿金；增加赔偿的金额不足一千元的，为一千元", "第二款"),
    _c("tsjb_12", "市场监督管理投诉举报处理暂行办法", 12, "对平台内经营者的投诉，由其实际经营地或者平台经营者住所地县级市场监督管理部门处理"),
    _c("tsjb_14", "市场监督管理投诉举报处理暂行办法", 14, "应当自收到投诉之日起七个工作日内作出受理或者不予受理的决定，并告知投诉人"),
    _c("tsjb_15", "市场监督管理投诉举报处理暂行办法", 15, "投诉人知道或者应当知道自己的权益受到被投诉人侵害之日起超过三年的", "第（四）项"),
    _c("tsjb_27", "市场监督管理投诉举报处理暂行办法", 27, "对平台内经营者的举报，由其实际经营地县级以上市场监督管理部门处理"),
    _c("tsjb_36", "市场监督管理投诉举报处理暂行办法", 36, "市场监督管理部门应当畅通全国12315平台、12315专用电话等投诉举报接收渠道"),
    _c("gaxs_171", "公安机关办理刑事案件程序规定", 171, "公安机关接受案件时，应当制作受案登记表和受案回执，并将受案回执交扭送人、报案人、控告人、举报人"),
    _c("gaxs_179", "公安机关办理刑事案件程序规定", 179, "控告人对不予立案决定不服的，可以在收到不予立案通知书后七日以内向作出决定的公安机关申请复议"),
    _c("wlxf_5", "网络消费纠纷规定（一）", 5, "其工作人员引导消费者通过交易平台提供的支付方式以外的方式进行支付……平台内经营者以未经过交易平台支付为由抗辩的，人民法院不予支持"),
    _c("zpjs_1", "诈骗案件解释", 1, "诈骗公私财物价值三千元至一万元以上……应当分别认定为刑法第二百六十六条规定的“数额较大”"),
    _c("mss_165", "民事诉讼法", 165, "简单金钱给付民事案件，标的额为各省、自治区、直辖市上年度就业人员年平均工资百分之五十以下的，适用小额诉讼的程序审理，实行一审终审"),
    _c("mss_225", "民事诉讼法", 225, "债权人请求债务人给付金钱、有价证券，符合下列条件的，可以向有管辖权的基层人民法院申请支付令"),
    _c("hlwfy_2", "互联网法院规定", 2, "北京、广州、杭州互联网法院集中管辖……通过电子商务平台签订或者履行网络购物合同而产生的纠纷"),
    # the article number in the text in force from 2026-01-01 could not be checked: the law only
    _c("zaf", "治安管理处罚法", None, "", verified=False),
)
_BY_KEY = {c.key: c for c in CITATIONS}


def citation(key: str) -> Citation:
    """The verified citation with this key; UnverifiedCitation for an unknown or unverified one."""
    c = _BY_KEY.get(key)
    if c is None or not c.verified:
        raise UnverifiedCitation(key)
    return c


def cite(*keys: str) -> str:
    """The printed citation(s): 《电子商务法》第二十条、《消费者权益保护法》第五十三条."""
    return "、".join(citation(k).text for k in keys)


def law_name(short: str) -> str:
    """A law named without an article (what a filing may say of a law it cannot cite by number)."""
    return f"《{LAWS[short]}》"


# --------------------------------------------------------------------------------------------
# Chinese numerals, and finding citations in printed text

_ZH = PLAIN[0]


def zh_number(n: int) -> str:
    """266 → 二百六十六, 20 → 二十, 15 → 十五, 105 → 一百零五 (as statutes number articles)."""
    if n <= 0 or n >= 10000:
        raise ValueError(n)
    out = spell_section(n, *PLAIN)
    return out[1:] if out.startswith("一十") else out


def parse_number(text: str) -> int:
    """二百六十六 / 266 → 266."""
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for ch in text:
        if ch in _ZH or ch == "〇":
            digit = _ZH.index(ch) if ch != "〇" else 0
        elif ch in "十百千":
            total += (digit or 1) * {"十": 10, "百": 100, "千": 1000}[ch]
            digit = 0
    return total + digit


_NUM = r"[0-9一二三四五六七八九十百千零〇]+"
_CITED = re.compile(r"《([^》]{2,80})》((?:第" + _NUM + r"条(?:第" + _NUM + r"款)?(?:第[（(]" + _NUM
                    + r"[）)]项)?[、和及至—–-]*)+)")
_ARTICLE = re.compile(r"第(" + _NUM + r")条")


def _short(title: str) -> str | None:
    title = title.strip()
    for short, full in LAWS.items():
        if title in (short, full) or title == full.removeprefix("中华人民共和国"):
            return short
    return None


def citations_in(text: str) -> list[tuple[str, int]]:
    """Every (law title as printed, article) cited as 《…》第N条 in `text` (chains such as
    《电子商务法》第六十一条、第六十二条 give one pair an article). Whitespace is ignored, so
    pdftotext's line breaks do not hide a citation."""
    flat = re.sub(r"[\s\u3000]+", "", text)
    out = []
    for m in _CITED.finditer(flat):
        for a in _ARTICLE.finditer(m.group(2)):
            out.append((m.group(1), parse_number(a.group(1))))
    return out


def unknown_citations(text: str) -> list[str]:
    """The citations in `text` that the table does not hold as verified, as printed."""
    known = {(c.law, c.article) for c in CITATIONS if c.verified}
    bad = []
    for title, article in citations_in(text):
        short = _short(title)
        if short is None or (short, article) not in known:
            bad.append(f"《{title}》第{article}条")
    return bad
