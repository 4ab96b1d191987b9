"""Editing case.toml field by field, keeping the user's comments (tomlkit), validated like `build`.

`casekit interview` asks in a terminal and the web page's facts form posts answers; both go
through these functions, so an answer is converted, checked and written the same way.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import tomlkit
import tomlkit.exceptions

from .errors import BadInput
from .facts import CST, parse_facts
from .fsutil import atomic_write_text


def current(doc: tomlkit.TOMLDocument, table: str, key: str) -> Any:
    """The value at [table] key (the first [[suspects]] block for "suspects"), or None."""
    container = doc.get(table)
    if table == "suspects":
        container = container[0] if container else None
    return container.get(key) if container is not None else None


def set_value(doc: tomlkit.TOMLDocument, table: str, key: str, value: Any) -> None:
    """Set [table] key, creating the table (or the first [[suspects]] block) when missing;
    None removes the key."""
    if table == "suspects":
        if "suspects" not in doc or not doc["suspects"]:
            if value is None:
                return
            doc["suspects"] = tomlkit.aot()
            doc["suspects"].append(tomlkit.table())
        container = doc["suspects"][0]
    else:
        if table not in doc:
            if value is None:
                return
            doc[table] = tomlkit.table()
        container = doc[table]
    if value is None:
        if key in container:
            del container[key]
        return
    container[key] = value


def convert(answer: str, kind: str) -> Any:
    """An answer as typed → the TOML value (kind: text | list | bool | date | money | datetime)."""
    answer = answer.strip()
    if kind == "list":
        return [x.strip() for x in answer.replace("，", ",").split(",") if x.strip()]
    if kind == "bool":
        return answer.lower() in ("y", "yes", "是", "true", "1", "on")
    if kind == "date":
        return date.fromisoformat(answer) if answer else None
    return answer


def show(value: Any) -> str:
    """A TOML value as the text an answer box shows."""
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return "y" if value else "n"
    return "" if value is None else str(value)


# The blocks a form edits row by row: [[events]] and [[demands]], their keys in form order.
ROWS = {"events": ("time", "text", "evidence"), "demands": ("kind", "amount", "note")}
EVIDENCE_ID = re.compile(r"^E\d{4,6}$")


@dataclass
class RowEdit:
    """One posted row of an [[events]] / [[demands]] form: `index` of the block it was shown
    from (None: a new row), its values as typed, whether to remove it, and `was`, the
    fingerprint of the block as the form showed it (a block changed since is not overwritten)."""

    index: int | None
    values: dict[str, str]
    remove: bool = False
    was: str = ""


def show_moment(value: Any) -> str:
    """An [[events]] time as its box shows it: "2026-03-05 14:10" (China time) or "2026-03-05"."""
    if isinstance(value, datetime):
        local = value if value.tzinfo is None else value.astimezone(CST)
        return local.strftime("%Y-%m-%d %H:%M" + (":%S" if local.second else ""))
    return "" if value is None else str(value)


def row_values(table: str, block: Any) -> dict[str, str]:
    """A block's values as the row's boxes show them."""
    return {k: show_moment(block.get(k)) if k == "time" else show(block.get(k)) for k in ROWS[table]}


def fingerprint(values: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def _row_value(table: str, n: int, key: str, answer: str) -> Any:
    """A typed row value → its TOML value; None removes the key. BadInput names the row."""
    answer = answer.strip()
    if not answer:
        return None
    where = f"{table}[{n}].{key}"
    if key == "time":
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", answer):
                return date.fromisoformat(answer)
            moment = datetime.fromisoformat(answer.replace(" ", "T"))
        except ValueError:
            raise BadInput(f"{where} 的时间格式不对：{answer}", f"{where}: not a date or time: {answer}",
                           hint_zh="写成 2026-03-05 14:10，或只写日期 2026-03-05",
                           hint_en="write 2026-03-05 14:10, or just the date 2026-03-05") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=CST)
    if key == "evidence":
        ids = convert(answer, "list")
        wrong = [x for x in ids if not EVIDENCE_ID.match(x)]
        if wrong:
            raise BadInput(f"{where} 不是证据编号：{wrong[0]}", f"{where}: not an evidence id: {wrong[0]}",
                           hint_zh="编号形如 E0001，多个用逗号分隔", hint_en="ids look like E0001, separated by commas")
        return ids
    return answer


def _apply_rows(doc: tomlkit.TOMLDocument, table: str, rows: list[RowEdit]) -> list[str]:
    """Edit, add and remove the blocks of one array of tables in place (comments in the blocks
    that stay are kept). Returns the changed "table[n]" names."""
    blocks = doc.get(table)
    count = len(blocks) if blocks is not None else 0
    changed: list[str] = []
    removed: list[int] = []
    added = 0
    for row in rows:
        if row.index is not None:
            if row.index >= count or fingerprint(row_values(table, blocks[row.index])) != row.was:
                raise BadInput(f"{table} 第 {row.index + 1} 行在您打开页面后已被改动（例如用命令行），这次没有保存",
                               f"{table} row {row.index + 1} changed after the page was opened (e.g. from the CLI); nothing was saved",
                               hint_zh="重新打开“案件信息”页再改", hint_en="reload the facts page and make the change again")
            if row.remove:
                removed.append(row.index)
                continue
            block, n = blocks[row.index], row.index
        elif row.remove or not any(v.strip() for v in row.values.values()):
            continue  # an empty new row is no row
        else:
            if blocks is None:
                doc[table] = blocks = tomlkit.aot()
            block, n = tomlkit.table(), count + added
            added += 1
        touched = False
        for key in ROWS[table]:
            if key not in row.values:
                continue
            shown_now = show_moment(block.get(key)) if key == "time" else show(block.get(key))
            if row.values[key].strip() == shown_now.strip():
                continue
            value = _row_value(table, n, key, row.values[key])
            if value is None:
                if key in block:
                    del block[key]
            else:
                block[key] = value
            touched = True
        if row.index is None:
            block.add(tomlkit.nl())  # a blank line after a new block, as the template lays them out
            blocks.append(block)
            changed.append(f"{table}[+{n}]")
        elif touched:
            changed.append(f"{table}[{n}]")
    for index in sorted(removed, reverse=True):
        del blocks[index]
        changed.append(f"{table}[-{index}]")
    if blocks is not None and len(blocks) == 0:
        del doc[table]
    return changed


def edited(text: str, answers: dict[tuple[str, str], str], kinds: dict[tuple[str, str], str],
           rows: dict[str, list[RowEdit]] | None = None) -> tuple[str, list[str]]:
    """case.toml text with `answers` applied (empty answer: key removed) and the [[events]] /
    [[demands]] `rows` edited, validated as `build` validates it.
    Returns (new text, changed names). BadInput names the field that is wrong."""
    try:
        doc = tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as exc:
        raise BadInput(f"case.toml 本身有格式错误（{exc}），表单无法写入", f"case.toml itself does not parse ({exc}); the form cannot write it",
                       hint_zh="先用文本编辑器改正 case.toml 中指出的那一行", hint_en="fix the line named in case.toml with a text editor first") from None
    changed = []
    for table, edits in (rows or {}).items():
        changed += _apply_rows(doc, table, edits)
    for (table, key), answer in answers.items():
        if answer.strip() == show(current(doc, table, key)):
            continue
        kind = kinds[(table, key)]
        try:
            value = convert(answer, kind) if answer.strip() else None
        except ValueError:
            raise BadInput(f"{table}.{key} 的日期格式不对：{answer}", f"{table}.{key}: not a date: {answer}",
                           hint_zh="用 YYYY-MM-DD，例如 2026-03-05", hint_en="use YYYY-MM-DD, e.g. 2026-03-05") from None
        set_value(doc, table, key, value)
        changed.append(f"{table}.{key}")
    new_text = tomlkit.dumps(doc)
    parse_facts(new_text)
    return new_text, changed


def save_answers(case: Any, answers: dict[tuple[str, str], str], kinds: dict[tuple[str, str], str],
                 rows: dict[str, list[RowEdit]] | None = None) -> list[str]:
    """Apply answers (and [[events]] / [[demands]] rows) to the case's case.toml under the case
    lock, custody op "facts". All or nothing: an invalid answer raises BadInput and the file is
    left as it was."""
    with case.locked():
        text = case.toml_path.read_text("utf-8") if case.toml_path.exists() else ""
        new_text, changed = edited(text, answers, kinds, rows)
        if not changed:
            return []
        atomic_write_text(case.toml_path, new_text)
        case.log_locked("facts", fields=changed, sha256=hashlib.sha256(new_text.encode("utf-8")).hexdigest())
    return changed
