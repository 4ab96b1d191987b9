"""`casekit inspect FILE`: what casekit reads from one file, as the DESIGN §7 contract object."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from .errors import BadInput
from .extract import reference_time, run_importer
from .importers.base import ExtractContext, read_head
from .metadata import describe
from .store import sha256_file


def inspect_file(path: Path, user_date: date | None = None, column_map: dict[str, Any] | None = None,
                 engine: str | None = None) -> dict[str, Any]:
    """Read one file without a case. Raises BadInput for a path that is not a readable regular file
    (or an unknown `engine` name: ocr.engine.ENGINE_NAMES)."""
    from .ocr.engine import engine_name

    engine = engine_name(engine)
    if not path.exists():
        raise BadInput(f"文件不存在：{path}", f"file not found: {path}", hint_zh="检查路径", hint_en="check the path")
    if not path.is_file():
        raise BadInput(f"不是普通文件：{path}", f"not a regular file: {path}", hint_zh="给出一个截图或账单文件", hint_en="give one screenshot or bill file")
    try:
        head = read_head(path)
    except PermissionError:
        raise BadInput(f"没有读取权限：{path}", f"permission denied: {path}", hint_zh="检查文件权限", hint_en="check the file's permissions") from None
    meta = describe(path, path.name, head)
    reference, source = reference_time(meta, None, user_date)
    ctx = ExtractContext(reference_time=reference, reference_source=source, column_map=column_map,
                         extras={"ocr_engine": engine})
    extraction = run_importer(str(path), ctx)
    return {
        "file": str(path),
        "sha256": sha256_file(path),
        "kind": extraction["kind"],
        "messages": [_strip_source(m) for m in extraction["messages"]],
        "transactions": [_strip_source(t) for t in extraction["transactions"]],
        "entities": extraction["entities"],
        "proposals": [{"field": p["field"], "value": p["value"]} for p in extraction.get("proposals", [])],
        "warnings": extraction["warnings"],
    }


def _strip_source(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "source"}
