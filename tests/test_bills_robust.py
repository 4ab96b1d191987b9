"""Bad and mutated bills: never an exception out of identify/extract, and a clear warning instead."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casekit.errors import BadInput
from casekit.importers.base import ExtractContext, read_head
from casekit.importers.bill_generic import generic_importer, load_column_map
from casekit.importers.bills import BILL_IMPORTERS
from tests.regen_bill_goldens import ROOT

ALIPAY = ROOT / "alipay" / "alipay_app_2023_gbk.csv"
WECHAT = ROOT / "wechat" / "wechat_csv_2025.csv"
BY_NAME = {i.name: i for i in BILL_IMPORTERS}


def claims(path: Path) -> list[str]:
    head = read_head(path)
    return [i.name for i in BILL_IMPORTERS if i.identify(path, head)]


def test_garbage_bytes_named_csv_is_not_claimed(tmp_path):
    path = tmp_path / "支付宝账单.csv"
    path.write_bytes(bytes(range(256)) * 40)
    assert claims(path) == []


def test_empty_file_is_not_claimed(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert claims(path) == []


def test_unknown_layout_is_not_claimed(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("日期,金额,说明\n2026-03-05,12.00,午饭\n", encoding="utf-8")
    assert claims(path) == []


def test_fake_xlsx_and_xls_are_not_claimed(tmp_path):
    for name, magic in (("x.xlsx", b"PK\x03\x04"), ("x.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
        path = tmp_path / name
        path.write_bytes(magic + b"\x00junk" * 100)
        assert claims(path) == []


def test_truncated_inside_preamble_is_not_claimed(tmp_path):
    path = tmp_path / "cut.csv"
    data = ALIPAY.read_bytes()
    path.write_bytes(data[: data.index("交易时间".encode("gb18030"))])
    assert claims(path) == []


def test_truncated_inside_data_warns(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEKIT_LANG", "zh")
    data = ALIPAY.read_bytes()
    cut = data.index("2023-01-10".encode()) + 30  # in the middle of the 6th data row
    path = tmp_path / "cut.csv"
    path.write_bytes(data[:cut])
    assert claims(path) == ["alipay"]
    got = BY_NAME["alipay"].extract(path, ExtractContext(evidence_id="E1"))
    assert len(got.transactions) == 5
    assert any("第31行" in w and "截断" in w for w in got.warnings)
    assert any("声明共66笔记录，实际读到5笔" in w for w in got.warnings)


def test_header_only_bill_warns_zero_rows(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEKIT_LANG", "zh")
    lines = WECHAT.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "empty_wechat.csv"
    path.write_text("\n".join(lines[:17]) + "\n", encoding="utf-8")
    assert claims(path) == ["wechat"]
    got = BY_NAME["wechat"].extract(path, ExtractContext())
    assert got.transactions == []
    assert any("没有读到任何交易记录" in w for w in got.warnings)


def test_extract_on_unclaimed_file_warns_naming_missing_columns(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEKIT_LANG", "zh")
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    got = BY_NAME["wechat"].extract(path, ExtractContext())
    assert got.transactions == []
    assert "找不到wechat账单的表头" in got.warnings[0] and "金额(元)" in got.warnings[0]


def test_bad_amount_row_is_a_warning_not_a_lost_file(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEKIT_LANG", "zh")
    text = WECHAT.read_text(encoding="utf-8").replace("¥28.16", "¥abc", 1)
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    got = BY_NAME["wechat"].extract(path, ExtractContext())
    assert len(got.transactions) == 26
    assert any(w.startswith("第18行：金额无法读取（'¥abc'）") for w in got.warnings)


# ---------------------------------------------------------------- generic column map

def test_generic_importer_claims_only_with_its_columns(tmp_path):
    importer = generic_importer({"time": "日期", "amount": "金额"})
    path = tmp_path / "mine.csv"
    path.write_text("日期,金额,说明\n2026-03-05,-12.00,午饭\n", encoding="utf-8")
    assert importer.identify(path, read_head(path))
    assert not importer.identify(ALIPAY, read_head(ALIPAY))
    got = importer.extract(path, ExtractContext())
    assert [(t.amount, t.direction, t.direction_raw) for t in got.transactions] == [(12, "out", "-12.00")]


def test_load_column_map_errors_are_bad_input(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("amount = \n", encoding="utf-8")
    with pytest.raises(BadInput, match="TOML"):
        load_column_map(bad)
    unknown = tmp_path / "unknown.toml"
    unknown.write_text('amount = "金额"\ncolour = "红"\n', encoding="utf-8")
    with pytest.raises(BadInput, match="colour"):
        load_column_map(unknown)
    no_amount = tmp_path / "noamount.toml"
    no_amount.write_text('time = "日期"\n', encoding="utf-8")
    with pytest.raises(BadInput, match="amount"):
        load_column_map(no_amount)
    with pytest.raises(BadInput):
        load_column_map(tmp_path / "missing.toml")
    good = tmp_path / "good.toml"
    good.write_text('amount = "金额"\n[columns]\ntime = ["交易时间", "日期"]\n', encoding="utf-8")
    assert load_column_map(good) == {"amount": "金额", "time": ["交易时间", "日期"]}


# ---------------------------------------------------------------- property tests: mutations never raise

SEEDS = [ALIPAY, WECHAT, ROOT / "alipay" / "alipay_web_2019_gbk.csv", ROOT / "icbc" / "icbc_debit_v2.csv",
         ROOT / "cmb" / "cmb_credit_from_pdf.csv"]
BINARY_SEEDS = [ROOT / "wechat" / "wechat_xlsx_2026.xlsx", ROOT / "spdb" / "spdb_debit.xls"]


def mutate(data: bytes, ops: list[tuple[str, int, bytes]]) -> bytes:
    for op, where, junk in ops:
        where = where % (len(data) + 1)
        if op == "truncate":
            data = data[:where]
        elif op == "flip" and data:
            i = where % len(data)
            data = data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1 :]
        elif op == "insert":
            data = data[:where] + junk + data[where:]
        elif op == "delete_line":
            lines = data.split(b"\n")
            if lines:
                del lines[where % len(lines)]
            data = b"\n".join(lines)
    return data


OPS = st.lists(
    st.tuples(st.sampled_from(["truncate", "flip", "insert", "delete_line"]), st.integers(0, 10**6),
              st.binary(max_size=40) | st.sampled_from([b",", b"\"", b"\t", b"\r\n", "￥,收/支".encode("gb18030")])),
    min_size=1, max_size=6)


def _never_raises(path: Path) -> None:
    head = read_head(path)
    for importer in BILL_IMPORTERS:
        importer.identify(path, head)  # must not raise
        got = importer.extract(path, ExtractContext(evidence_id="E1"))
        assert got.kind == "bill"
        for tx in got.transactions:
            assert tx.amount >= 0 and tx.direction in ("out", "in", "none")
        assert all(isinstance(w, str) for w in got.warnings)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.sampled_from(SEEDS), ops=OPS)
def test_mutated_text_bills_never_raise(tmp_path, seed, ops):
    path = tmp_path / "mutated.csv"
    path.write_bytes(mutate(seed.read_bytes(), ops))
    _never_raises(path)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.sampled_from(BINARY_SEEDS), ops=OPS)
def test_mutated_workbooks_never_raise(tmp_path, seed, ops):
    path = tmp_path / ("mutated" + seed.suffix)
    path.write_bytes(mutate(seed.read_bytes(), ops))
    _never_raises(path)
