"""Chat transfer and red-packet cards (the chat path). Payment-result screens are read by
casekit.screens.payment."""

from __future__ import annotations

from datetime import datetime

from ..records import Transaction
from .entities import card_amount, find_amounts

CARD_WORDS = ("转账", "红包", "收款", "已被接收", "已退还", "已领取", "恭喜发财")
CARD_STATUS = ("请收款", "已收款", "已被接收", "已退还", "待接收", "已领取", "已过期", "对方已收款")


def is_transfer_card(text: str, bg: tuple[int, int, int] | None = None) -> bool:
    """A chat transfer / red-packet card: card words plus an amount, or the card colour plus an amount."""
    compact = "".join(text.split())
    orange = bg is not None and bg[0] > 230 and 120 < bg[1] < 235 and bg[2] < 200 and bg[0] - bg[2] > 50
    has_words = any(w in compact for w in CARD_WORDS)
    return (has_words or orange) and (bool(find_amounts(compact)) or "红包" in compact)


def parse_transfer_card(text: str, speaker: str, time: datetime | None = None) -> Transaction | None:
    """Transaction for a transfer card; red packets without a visible amount give None."""
    compact = "".join(text.split())
    amount = card_amount(compact)
    if amount is None:
        return None
    status = next((s for s in CARD_STATUS if s in compact), None)
    method = "微信红包" if "红包" in compact else ("微信转账" if "微信" in compact else "转账")
    return Transaction(amount=amount, direction="out" if speaker == "me" else "in", time=time,
                       method=method, status=status)
