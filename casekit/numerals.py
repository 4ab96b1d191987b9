"""Numbers written out in Chinese characters, one 0–9999 section at a time: 二百六十六 for an
article number (casekit/law.py), 贰佰陆拾陆 inside an amount in words (casekit/formatting.py)."""

from __future__ import annotations

PLAIN = ("零一二三四五六七八九", ("千", "百", "十", ""))
FINANCIAL = ("零壹贰叁肆伍陆柒捌玖", ("仟", "佰", "拾", ""))


def spell_section(n: int, digits: str, units: tuple[str, str, str, str]) -> str:
    """0 ≤ n < 10000 in characters, a 零 for each run of zeros inside (1005 → 一千零五); "" for 0."""
    out, pending = "", False
    for unit, div in zip(units, (1000, 100, 10, 1)):
        d = n // div % 10
        if d:
            out += (digits[0] if pending else "") + digits[d] + unit
            pending = False
        elif out:
            pending = True
    return out
