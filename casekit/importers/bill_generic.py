"""Generic CSV / XLSX / XLS bill driven by the user's column map (any bank we do not know yet).

A column map names, for each field, the header cell that holds it::

    time = "交易时间"          # or a list of names; the first non-empty one is used
    amount = "金额"            # or amount_in / amount_out for separate 收入/支出 columns
    direction = "收/支"
    counterparty = "对方"
    order_id = "流水号"

Fields: see `MAP_FIELDS`. Options: ``sign`` ("negative_out", the default, or "positive_out")
for signed amounts without a direction column; ``out_words`` / ``in_words`` / ``none_words``
add words for the direction column. The generic importer is not in `BILL_IMPORTERS`: it
claims nothing without a map, so callers build one with `generic_importer(column_map)`.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from ..errors import BadInput
from .billkit import DIRECTION_WORDS, Layout, RowContext, TableImporter

MAP_FIELDS = (
    "time", "clock", "amount", "amount_in", "amount_out", "direction", "status", "counterparty",
    "counterparty_account", "method", "order_id", "merchant_order_id", "memo", "currency",
)
MAP_OPTIONS = ("sign", "out_words", "in_words", "none_words")


class GenericImporter(TableImporter):
    """A `TableImporter` over one layout built from a user's column map."""

    def __init__(self, layout: Layout, words: dict[str, str]) -> None:
        super().__init__("generic", (layout,))
        self.words = {**DIRECTION_WORDS, **words}

    def direction_of(self, rec: dict[str, Any], row: RowContext) -> tuple[str, str | None]:
        raw = rec.get("direction", "")
        found = self.words.get(raw)
        if found is None:
            if raw:
                row.warn(f"无法识别的收/支「{raw}」，记为不计收支（可在列映射中用 out_words/in_words 指定）",
                         f"unknown direction {raw!r}; read as none (add it to out_words/in_words in the map)")
            found = "none"
        return found, raw or None


def _names(value: Any) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def check_column_map(column_map: dict[str, Any]) -> dict[str, Any]:
    """Validate a column map; raises `BadInput` naming the problem. Returns the map."""
    if not isinstance(column_map, dict):
        raise BadInput("列映射必须是键值表", "a column map must be a table of key = value")
    unknown = sorted(set(column_map) - set(MAP_FIELDS) - set(MAP_OPTIONS))
    if unknown:
        raise BadInput(f"列映射中有未知的键：{', '.join(unknown)}", f"unknown keys in the column map: {', '.join(unknown)}",
                       hint_zh=f"可用的键：{', '.join(MAP_FIELDS + MAP_OPTIONS)}",
                       hint_en=f"known keys: {', '.join(MAP_FIELDS + MAP_OPTIONS)}")
    for key in MAP_FIELDS:
        value = column_map.get(key)
        if value is None:
            continue
        ok = isinstance(value, str) and value.strip() or (
            isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value))
        if not ok:
            raise BadInput(f"列映射「{key}」应为列名或列名列表", f"column map {key!r} must be a header name or a list of them")
    if not any(column_map.get(k) for k in ("amount", "amount_in", "amount_out")):
        raise BadInput("列映射缺少金额列（amount，或 amount_in / amount_out）",
                       "the column map lacks an amount column (amount, or amount_in / amount_out)")
    if column_map.get("sign", "negative_out") not in ("negative_out", "positive_out"):
        raise BadInput("sign 只能是 negative_out 或 positive_out", "sign must be negative_out or positive_out")
    for key in ("out_words", "in_words", "none_words"):
        value = column_map.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise BadInput(f"{key} 应为文字列表", f"{key} must be a list of words")
    return column_map


def generic_importer(column_map: dict[str, Any]) -> TableImporter:
    """An importer for CSV/XLSX/XLS files whose header row holds every column the map names."""
    check_column_map(column_map)
    columns = {field: _names(column_map[field]) for field in MAP_FIELDS if column_map.get(field)}
    required = tuple(dict.fromkeys(name for names in columns.values() if len(names) == 1 for name in names))
    if not required:  # every field offers alternatives: at least the amount column must be there
        required = (next(iter(columns.get("amount") or columns.get("amount_out") or columns["amount_in"])),)
    layout = Layout(
        name="generic",
        required=required,
        columns=columns,
        file_types=frozenset({"csv", "xlsx", "xls", "pdf"}),
        stop_prefixes=("---", "#", "合计", "共"),
        sign=column_map.get("sign", "negative_out"),
    )
    words = {}
    for key, direction in (("out_words", "out"), ("in_words", "in"), ("none_words", "none")):
        words.update({word: direction for word in column_map.get(key, [])})
    return GenericImporter(layout, words)


def load_column_map(path: Path | str) -> dict[str, Any]:
    """Read a column map from a small TOML file (top-level keys, or a ``[columns]`` table)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise BadInput(f"找不到列映射文件：{path}", f"column map file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"无法读取列映射文件 {path}：{exc}", f"cannot read column map file {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"列映射文件不是有效的 TOML（{path}）：{exc}", f"column map file is not valid TOML ({path}): {exc}",
                       hint_zh='每行写成 键 = "列名"，例如 amount = "金额"',
                       hint_en='write one key = "header" per line, e.g. amount = "金额"') from None
    if isinstance(data.get("columns"), dict):
        data = {**{k: v for k, v in data.items() if k != "columns"}, **data["columns"]}
    return check_column_map(data)
