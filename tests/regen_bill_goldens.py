"""Regenerate the expected JSON beside every bill fixture.

    .venv/bin/python tests/regen_bill_goldens.py

Writes ``<fixture>.expected.json`` (the `Extraction.to_json()` of the importer that claims the
file, or of the generic importer when ``<fixture>.map.toml`` sits beside it). Review the diff
(`git diff tests/fixtures/bills`) against the raw files before committing.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent / "fixtures" / "bills"
EVIDENCE_ID = "E-GOLDEN"


def bill_fixtures() -> list[Path]:
    """Every bill file under tests/fixtures/bills (not the notes, maps, goldens or scripts)."""
    skip = (".md", ".json", ".toml", ".py")
    return sorted(p for p in ROOT.rglob("*") if p.is_file() and not p.name.endswith(skip))


def extract_fixture(path: Path) -> dict:
    """The golden form of one fixture's extraction (Chinese-first warnings whatever the locale)."""
    os.environ["CASEKIT_LANG"] = "zh"
    from casekit.importers.base import ExtractContext, read_head
    from casekit.importers.bill_generic import generic_importer, load_column_map
    from casekit.importers.bills import BILL_IMPORTERS

    ctx = ExtractContext(evidence_id=EVIDENCE_ID)
    column_map = path.with_name(path.name + ".map.toml")
    if column_map.exists():
        importer = generic_importer(load_column_map(column_map))
    else:
        head = read_head(path)
        claimed = [i for i in BILL_IMPORTERS if i.identify(path, head)]
        if len(claimed) != 1:
            raise SystemExit(f"{path}: claimed by {[i.name for i in claimed]}, expected exactly one")
        importer = claimed[0]
    return importer.extract(path, ctx).to_json()


def golden_path(path: Path) -> Path:
    return path.with_name(path.name + ".expected.json")


def dump(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def main() -> int:
    for path in bill_fixtures():
        golden_path(path).write_text(dump(extract_fixture(path)), encoding="utf-8")
        print(golden_path(path).relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
