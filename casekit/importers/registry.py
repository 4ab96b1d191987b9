"""Which importer reads a file. Exactly one claims it, or it stays plain evidence with a warning."""

from __future__ import annotations

from pathlib import Path

from ..errors import bilingual
from ..records import Extraction
from .base import ExtractContext, Importer, read_head


def all_importers() -> list[Importer]:
    """Every importer, bills first (cheap text checks), screenshots last."""
    from .bills import BILL_IMPORTERS
    from .screenshots import SCREENSHOT_IMPORTERS

    return [*BILL_IMPORTERS, *SCREENSHOT_IMPORTERS]


def claimants(path: Path, head: bytes | None = None) -> list[Importer]:
    """The importers whose `identify` claims this file (tests assert there is at most one)."""
    head = read_head(path) if head is None else head
    found = []
    for importer in all_importers():
        try:
            if importer.identify(path, head):
                found.append(importer)
        except Exception:  # an identify that trips on odd bytes simply does not claim
            continue
    return found


def pick_importer(path: Path) -> tuple[Importer | None, list[str]]:
    """The one importer for `path` and any warnings about the choice."""
    found = claimants(path)
    if not found:
        return None, [
            bilingual(
                "没有能读取此文件的导入器，仅作为原始证据保存",
                "no importer reads this file; it is kept as plain evidence",
            )
        ]
    warnings = []
    if len(found) > 1:
        names = ", ".join(i.name for i in found)
        warnings.append(bilingual(f"多个导入器认领此文件（{names}），使用第一个", f"several importers claim this file ({names}); using the first"))
    return found[0], warnings


def extract_file(path: Path, ctx: ExtractContext | None = None) -> Extraction:
    """Read one file with its importer; an unclaimed file yields kind 'other' and a warning."""
    ctx = ctx or ExtractContext()
    importer, warnings = pick_importer(path)
    if importer is None:
        return Extraction(kind="other", warnings=warnings)
    extraction = importer.extract(path, ctx)
    extraction.importer = extraction.importer or importer.name
    extraction.warnings[:0] = warnings
    return extraction
