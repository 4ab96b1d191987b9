"""Does a transaction belong to the case? (DESIGN §3a)

A transaction belongs when its counterparty or account matches a suspect's name, shop, phone or
payment account, or its order id is the case's order. Bills and screens mask values
(`138****5678`, `张**`, `*美`), so a masked form matches a full form: each run of `*` stands for
hidden characters — exactly as many when the value is all digits (phones, cards), one or more
otherwise (names are masked without keeping their length).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .facts import Facts, Suspect
from .records import Transaction

_SPACE_RE = re.compile(r"[\s\-_·•.]+")
_SPLIT_RE = re.compile(r"[()（）\[\]【】/|,，;；:：]+")
_MASK_CHARS = "*＊×"
# A bare name this short only matches exactly (never as a substring of something longer).
MIN_CONTAINED = 4


def normalize(value: str) -> str:
    """Comparable form: no spaces/dashes, full-width mask stars made ASCII, lower-case."""
    value = value.strip()
    for ch in _MASK_CHARS:
        value = value.replace(ch, "*")
    return _SPACE_RE.sub("", value).lower()


def _pattern(masked: str) -> re.Pattern[str]:
    digits_only = bool(re.fullmatch(r"[\d*]+", masked))
    parts = re.split(r"(\*+)", masked)
    regex = ""
    for part in parts:
        if not part:
            continue
        if part.startswith("*"):
            regex += r"\d{%d}" % len(part) if digits_only else r".+"
        else:
            regex += re.escape(part)
    return re.compile(regex)


def values_match(a: str | None, b: str | None) -> bool:
    """True if two identifiers denote the same thing, allowing masks on either side."""
    if not a or not b:
        return False
    x, y = normalize(a), normalize(b)
    if not x.strip("*") or not y.strip("*"):
        return False  # a value that is all mask says nothing
    if x == y:
        return True
    if "*" in x and "*" not in y:
        return bool(_pattern(x).fullmatch(y))
    if "*" in y and "*" not in x:
        return bool(_pattern(y).fullmatch(x))
    return False


def _tokens(value: str) -> list[str]:
    """A counterparty such as `张*(138****5678)` is several identifiers; try each and the whole."""
    tokens = [value] + [t for t in _SPLIT_RE.split(value) if t.strip()]
    return list(dict.fromkeys(t.strip() for t in tokens))


def _contains(haystack: str, needle: str) -> bool:
    n, h = normalize(needle), normalize(haystack)
    return "*" not in n and len(n) >= MIN_CONTAINED and n in h


@dataclass(frozen=True)
class Match:
    """Why a transaction belongs: which suspect, which of their fields, which value."""

    suspect_index: int | None
    field: str
    value: str


def match_suspect(txn: Transaction, index: int, suspect: Suspect) -> Match | None:
    """Match one transaction against one suspect; the first field that matches wins."""
    fields: list[tuple[str, list[str]]] = [
        ("payment_accounts", suspect.payment_accounts),
        ("phones", suspect.phones),
        ("name", [suspect.name] if suspect.name else []),
        ("shop", [suspect.shop] if suspect.shop else []),
        ("platform_account", [suspect.platform_account] if suspect.platform_account else []),
        ("account_id", [suspect.account_id] if suspect.account_id else []),
        ("im_ids", suspect.im_ids),
    ]
    observed = [v for v in (txn.counterparty_account, txn.counterparty) if v]
    tokens = [t for v in observed for t in _tokens(v)]
    # A bill masks names to a surname or a last character (王*, *伟): one such name matches every
    # 王. When the row shows an account and the suspect's known accounts are all different, it is
    # someone else with that surname — a masked name alone then does not bring the row in.
    known = suspect.payment_accounts + suspect.phones
    other_account = bool(txn.counterparty_account and known) and not any(
        values_match(a, t) for a in known for t in _tokens(txn.counterparty_account or ""))
    for name, values in fields:
        for value in values:
            if any(values_match(value, t) and not (other_account and "*" in normalize(t)) for t in tokens):
                return Match(index, name, value)
            if name in ("shop", "platform_account", "name") and any(_contains(o, value) for o in observed):
                return Match(index, name, value)
    return None


def match_transaction(txn: Transaction, facts: Facts) -> Match | None:
    """Why `txn` belongs to the case, or None if it does not."""
    order_id = facts.order.order_id
    if order_id and order_id in (txn.order_id, txn.merchant_order_id, txn.refund_of):
        return Match(None, "order_id", order_id)
    for index, suspect in enumerate(facts.suspects):
        found = match_suspect(txn, index, suspect)
        if found:
            return found
    if facts.order.shop and txn.counterparty and (
        values_match(facts.order.shop, txn.counterparty) or _contains(txn.counterparty, facts.order.shop)
    ):
        return Match(None, "order.shop", facts.order.shop)
    return None


def belongs(txn: Transaction, facts: Facts) -> bool:
    """True if the transaction is part of the case."""
    return match_transaction(txn, facts) is not None
