"""billkit primitives: encodings, cells, amounts, times."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from casekit.importers.billkit import TZ, clean_cell, norm_header, parse_amount, parse_when, sniff_encoding


@pytest.mark.parametrize("data, expected", [
    (b"\xef\xbb\xbf\xe4\xba\xa4\xe6\x98\x93", "utf-8-sig"),
    ("交易时间".encode("utf-8"), "utf-8"),
    ("交易时间".encode("gb18030"), "gb18030"),
    ("交易时间".encode("utf-8")[:-1], "utf-8"),  # a head cut inside a character is still UTF-8
    (b"\xff\xfe" + "交易".encode("utf-16-le"), "utf-16"),
    (b"plain ascii", "utf-8"),
])
def test_sniff_encoding(data, expected):
    assert sniff_encoding(data) == expected


@pytest.mark.parametrize("raw, expected", [
    ("123456\t", "123456"), ("123456 \t", "123456"), ('="00123"', "00123"), ('"3985734"\t', "3985734"),
    ("\u3000包子\u3000", "包子"), ("  交易时间            ", "交易时间"), ("\t\"q\"", "q"),
])
def test_clean_cell(raw, expected):
    assert clean_cell(raw) == expected


def test_norm_header_ignores_padding_and_width():
    assert norm_header("金额（元）   ") == norm_header("金额(元)") == "金额(元)"
    assert norm_header("币\u3000\u3000种：") == "币种:"


@pytest.mark.parametrize("raw, value, thousands", [
    ("¥28.16", "28.16", False), ("￥1280.00", "1280.00", False), ("-¥12.00", "-12.00", False),
    ("¥-12.00", "-12.00", False), ('"1,280.00"', "1280.00", True), ("¥1,234,567.89", "1234567.89", True),
    ("+10000.00", "10000.00", False), ("(12.50)", "-12.50", False), ("3.90(CN)", "3.90", False),
    ("8,000.00(CN)", "8000.00", True), ("12元", "12", False), (28.16, "28.16", False), (100.1, "100.1", False),
    (500, "500", False),
])
def test_parse_amount(raw, value, thousands):
    got = parse_amount(raw)
    assert got is not None and got.value == Decimal(value) and got.thousands is thousands


@pytest.mark.parametrize("raw", ["", "-", "/", "abc", "1,2,3", "12.3.4", "xx,yyyy.zz", None, float("nan")])
def test_parse_amount_rejects(raw):
    assert parse_amount(raw) is None


@pytest.mark.parametrize("raw, clock, expected, precision", [
    ("2023-02-12 21:32:14 ", None, "2023-02-12 21:32:14", "second"),
    ("2025/12/03  14:06:51", None, "2025-12-03 14:06:51", "second"),
    ("2023/2/12 21:32", None, "2023-02-12 21:32:00", "minute"),
    ("2023-04-22     \t", None, "2023-04-22 00:00:00", "day"),
    ("20250101", "18:53:19", "2025-01-01 18:53:19", "second"),
    ("\t20260305", "\t14:10", "2026-03-05 14:10:00", "minute"),
    (datetime(2026, 3, 5, 14, 10, 55), None, "2026-03-05 14:10:55", "second"),
])
def test_parse_when(raw, clock, expected, precision):
    got = parse_when(raw, clock)
    assert got is not None
    assert got.value == datetime.fromisoformat(expected).replace(tzinfo=TZ)
    assert got.value.isoformat().endswith("+08:00") and got.precision == precision


@pytest.mark.parametrize("raw", ["", "交易时间", "2023-13-01", "2023-02-30 10:00:00", "12/29"])
def test_parse_when_rejects(raw):
    assert parse_when(raw) is None
