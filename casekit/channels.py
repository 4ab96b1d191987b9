"""The one reviewed table of official channels (DOMAIN §1.2, §2.1, §3.1, §7).

Fake "one-click report / money recovery" sites and fake customer-service numbers are a known
route to a second fraud. So documents and `status` print channels from this table only — never a
phone number or URL taken from case.toml, OCR text or a bill.
Every entry carries the date it was last checked against its source (`verified_on`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Channel:
    """One official channel."""

    key: str
    name: str
    contact: str  # a phone number, a web address, or an in-app path
    use: str
    source: str
    verified_on: date
    emergency: bool = False


CHANNELS: tuple[Channel, ...] = (
    Channel("110", "公安报警电话 110", "110",
            "被骗后立即拨打，提供收款账户、金额和时间，请求紧急止付/冻结", "DOMAIN §1.2 [P-nbntn; FZF 第20条]",
            date(2026, 3, 1), emergency=True),
    Channel("96110", "全国反诈预警劝阻专线 96110", "96110",
            "咨询是否被骗、反映诈骗线索", "DOMAIN §1.2 [P-yidushi]", date(2026, 3, 1), emergency=True),
    Channel("antifraud_app", "国家反诈中心 App", "应用商店搜索“国家反诈中心”（公安部刑侦局）",
            "我要举报 / 报案助手 / 风险查询", "DOMAIN §1.2 [P-cnhubei]", date(2026, 3, 1)),
    Channel("police_station", "当地派出所", "携带身份证、手机、付款记录到派出所报案，索取受案回执",
            "书面报案，提交证据清单", "DOMAIN §1.1, §1.3 [GAXS 第169–171条]", date(2026, 3, 1)),
    Channel("cyberpolice", "公安部网络违法犯罪举报网站", "www.cyberpolice.cn",
            "网上举报线索（不是紧急渠道）", "DOMAIN §1.2 [P-cneem]", date(2026, 3, 1)),
    Channel("12315", "全国12315平台", "www.12315.cn（或 12315 App、小程序；电话 12315）",
            "消费投诉（我要投诉）与举报", "DOMAIN §2.1 [TSJB 第36条]", date(2026, 3, 1)),
    Channel("xiaoxie", "消费者协会", "当地消费者协会（可经 12315 平台转办）",
            "消费纠纷调解", "DOMAIN §2.3 [XBF 第39条]", date(2026, 3, 1)),
    Channel("kuaishou_aftersale", "快手 App 售后/投诉", "我 → 我的订单 → 打开订单 → 申请售后 / 联系客服 / 投诉商家",
            "申请退款、投诉商家；进度在“我的投诉”查看", "DOMAIN §3.1 [P-futurio; P-chazz]", date(2026, 3, 1)),
    Channel("kuaishou_help", "快手 App 帮助与反馈", "设置 → 帮助与反馈（人工客服 / 举报）",
            "平台客服、举报账号", "DOMAIN §3.1 [P-zjrxz]", date(2026, 3, 1)),
    Channel("kuaishou_report", "快手违法和不良信息举报", "https://www.kuaishou.com/help/report",
            "店铺、主播或账号本身涉嫌诈骗时举报", "DOMAIN §3.1 [R-kuaishou]", date(2026, 3, 1)),
)

_BY_KEY = {c.key: c for c in CHANNELS}


def channel(key: str) -> Channel:
    """The channel with this key (KeyError for an unknown key — a programming error)."""
    return _BY_KEY[key]


def channels_for(step: str, platform: str = "") -> list[Channel]:
    """The channels relevant to one step ("police", "consumer", "platform", "identify")."""
    keys = {
        "identify": ["110", "96110", "antifraud_app"],
        "police": ["110", "96110", "police_station", "antifraud_app", "cyberpolice"],
        "consumer": ["12315", "xiaoxie"],
        "platform": ["kuaishou_aftersale", "kuaishou_help", "kuaishou_report"] if platform in ("快手", "") else [],
    }[step]
    return [_BY_KEY[k] for k in keys]
