"""The one reviewed table of official channels (DOMAIN §1.2, §2.1, §3.1, §7).

Fake "one-click report / money recovery" sites and fake customer-service numbers are a known
route to a second fraud. So documents, the guide and `status` print channels from this table only
— never a phone number or URL taken from case.toml, OCR text or a bill.

Each entry records the source its use was checked against and the day it was checked. An entry
whose use rests only on third-party pages is marked unverified (`verified=False`): it is printed
as 未核实, and only verified entries are printed as 经核实.

What each line is for matters: 110 (or the 派出所) is where a victim asks for 紧急止付; 96110 is the
anti-fraud line for advice, warnings and tip-offs, not for stopping a payment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .law import CHECKED_ON, citation


@dataclass(frozen=True)
class Channel:
    """One official channel."""

    key: str
    name: str
    contact: str  # a phone number, a web address, or an in-app path
    use: str
    source: str   # where its use was checked (a URL or a verified citation)
    verified: bool
    checked_on: date = CHECKED_ON
    emergency: bool = False
    stops_payment: bool = False  # where 紧急止付 is asked for

    @property
    def status(self) -> str:
        """经核实（2026-12-07） or 未核实 — what a document prints beside it."""
        return f"经核实（{self.checked_on.isoformat()}）" if self.verified else "未核实（仅见第三方资料）"


CHANNELS: tuple[Channel, ...] = (
    Channel("110", "公安报警电话 110", "110",
            "被骗后立即报警，报出对方收款账户、账户名、每笔金额和时间，请求紧急止付",
            "https://yz.rednet.cn/c/2016/10/18/210441.htm（新华社 2016-10-17：公安部电信网络诈骗案件报案注意事项）；"
            "http://bwc.seu.edu.cn/2016/0523/c3026a159532/page.htm", True, emergency=True, stops_payment=True),
    Channel("police_station", "当地派出所", "携带身份证、手机、付款记录到派出所报案，索取受案回执",
            "书面报案、提交证据清单、领取受案回执；也可当面请求紧急止付",
            citation("gaxs_171").text + "（受案回执）；https://yz.rednet.cn/c/2016/10/18/210441.htm", True,
            stops_payment=True),
    Channel("96110", "全国反诈预警劝阻专线 96110", "96110",
            "咨询是否被骗、接听劝阻来电、举报诈骗线索（不是止付渠道：止付请拨 110 或到派出所）",
            "https://bwc.cug.edu.cn/info/1038/2447.htm（中国地质大学保卫处转警方说明：劝阻、咨询、举报三项功能）", True),
    Channel("antifraud_app", "国家反诈中心 App", "应用商店搜索“国家反诈中心”（公安部刑侦局组织研发）",
            "我要举报 / 报案助手 / 诈骗预警 / 身份验真 / 风险查询",
            "http://news.cnhubei.com/content/2021-03/25/content_13697655.html（长江日报 2021-03-25）", True),
    Channel("cyberpolice", "公安部网络违法犯罪举报网站", "www.cyberpolice.cn",
            "网上举报线索（不是紧急渠道）", "https://news.cneem.com.cn/sjdt/202510031472463.html（第三方转述）", False),
    Channel("12315", "全国12315平台 / 12315 专用电话", "电话 12315；全国12315平台（App、小程序、网站）",
            "消费投诉（我要投诉）与举报", citation("tsjb_36").text, True),
    Channel("xiaoxie", "消费者协会", "当地消费者协会",
            "受理消费者投诉并调解", citation("xbf_39").text, True),
    Channel("12321", "网络不良与垃圾信息举报受理中心 12321", "12321（www.12321.cn）",
            "举报诈骗短信、骚扰电话、不良网站和 App",
            "https://www.qqx8.cn/515997866.html（第三方问答）", False),
    Channel("12377", "中央网信办违法和不良信息举报中心 12377", "12377（www.12377.cn）",
            "举报网上违法和不良信息（如诈骗直播间、诈骗账号的页面）",
            "http://www.qpmyi.cn/sites/182.html（第三方介绍）", False),
    Channel("kuaishou_aftersale", "快手 App 售后/投诉", "我 → 我的订单 → 打开订单 → 申请售后 / 联系客服 / 投诉商家",
            "申请退款、投诉商家；进度在“我的投诉”查看", "http://futurio.cn/6086.html（第三方指南）", False),
    Channel("kuaishou_help", "快手 App 帮助与反馈", "设置 → 帮助与反馈（人工客服 / 举报）",
            "平台客服、举报账号", "https://www.zjrxz.com/shucs/202506/395973.html（第三方指南）", False),
    Channel("kuaishou_report", "快手违法和不良信息举报", "https://www.kuaishou.com/help/report",
            "店铺、主播或账号本身涉嫌诈骗时举报",
            "JuneYaooo/self-media-compliance-review references/kuaishou.md（第三方整理的快手政策链接）", False),
)

_BY_KEY = {c.key: c for c in CHANNELS}


def channel(key: str) -> Channel:
    """The channel with this key (KeyError for an unknown key — a programming error)."""
    return _BY_KEY[key]


def stop_payment_channels() -> list[Channel]:
    """Where 紧急止付 is asked for (110, the 派出所) — never 96110."""
    return [c for c in CHANNELS if c.stops_payment]


def channels_for(step: str, platform: str = "") -> list[Channel]:
    """The channels relevant to one step ("identify", "police", "consumer", "platform", "guide")."""
    kuaishou = ["kuaishou_aftersale", "kuaishou_help", "kuaishou_report"] if platform in ("快手", "") else []
    keys = {
        "identify": ["110", "96110", "antifraud_app"],
        "police": ["110", "police_station", "96110", "antifraud_app", "cyberpolice"],
        "consumer": ["12315", "xiaoxie"],
        "platform": kuaishou,
        "guide": ["110", "police_station", "96110", "antifraud_app", "12315", "xiaoxie", "12321", "12377",
                  "cyberpolice", *kuaishou],
    }[step]
    return [_BY_KEY[k] for k in keys]


def as_rows(channels: list[Channel]) -> list[dict[str, str]]:
    """The view-model rows of a channel table ("verified_on" kept for templates of older cases)."""
    return [{"name": c.name, "contact": c.contact, "use": c.use, "status": c.status, "source": c.source,
             "verified": c.verified, "verified_on": c.checked_on.isoformat() if c.verified else "未核实"}
            for c in channels]
