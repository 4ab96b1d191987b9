"""Editing case.toml with tomlkit, the user's comments and layout kept (interview, proposals)."""

from __future__ import annotations

import tomlkit


def set_key(doc: tomlkit.TOMLDocument, table: str, key: str, value) -> None:
    """Set `table.key`; `suspects` means the first [[suspects]] block (made when there is none)."""
    if table == "suspects":
        if "suspects" not in doc or not doc["suspects"]:
            doc["suspects"] = tomlkit.aot()
            doc["suspects"].append(tomlkit.table())
        doc["suspects"][0][key] = value
        return
    if table not in doc:
        doc[table] = tomlkit.table()
    doc[table][key] = value
