"""Editing case.toml field by field, keeping the user's comments (tomlkit), validated like `build`.

`casekit interview` asks in a terminal and the web page's facts form posts answers; both go
through these functions, so an answer is converted, checked and written the same way.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import tomlkit
import tomlkit.exceptions

from .errors import BadInput
from .facts import parse_facts
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


def edited(text: str, answers: dict[tuple[str, str], str], kinds: dict[tuple[str, str], str]) -> tuple[str, list[str]]:
    """case.toml text with `answers` applied (empty answer: key removed), validated.
    Returns (new text, changed "table.key" names). BadInput names the field that is wrong."""
    try:
        doc = tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as exc:
        raise BadInput(f"case.toml 本身有格式错误（{exc}），表单无法写入", f"case.toml itself does not parse ({exc}); the form cannot write it",
                       hint_zh="先用文本编辑器改正 case.toml 中指出的那一行", hint_en="fix the line named in case.toml with a text editor first") from None
    changed = []
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


def save_answers(case: Any, answers: dict[tuple[str, str], str], kinds: dict[tuple[str, str], str]) -> list[str]:
    """Apply answers to the case's case.toml under the case lock, custody op "facts".
    All or nothing: an invalid answer raises BadInput and the file is left as it was."""
    with case.locked():
        text = case.toml_path.read_text("utf-8") if case.toml_path.exists() else ""
        new_text, changed = edited(text, answers, kinds)
        if not changed:
            return []
        atomic_write_text(case.toml_path, new_text)
        case.log_locked("facts", fields=changed, sha256=hashlib.sha256(new_text.encode("utf-8")).hexdigest())
    return changed
