"""The importer protocol (DESIGN §4) and the registry that picks exactly one importer per file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ..records import Extraction, Kind

HEAD_BYTES = 64 * 1024


@dataclass
class ExtractContext:
    """What an importer may know beyond the file itself."""

    evidence_id: str | None = None
    # Best reference for relative chat time labels ("昨天 20:16"): capture time of the file,
    # else the case's incident date, else a user-given --date.
    reference_time: datetime | None = None
    reference_source: str | None = None  # "exif" | "png" | "filename" | "mtime" | "incident_date" | "user"
    incident_date: date | None = None
    column_map: dict[str, Any] | None = None  # generic CSV/XLSX importer: the user's column map
    cache_dir: Path | None = None  # OCR cache folder (the case's .casekit/ocr-cache), or None
    print_cache_dir: Path | None = None  # where image importers leave print copies (.casekit/print-cache), or None
    extras: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Importer(Protocol):
    name: str
    kind: Kind

    def identify(self, path: Path, head: bytes) -> bool:
        """True if this importer reads this file. Decide by content, not by file name."""

    def extract(self, path: Path, ctx: ExtractContext) -> Extraction:
        """Read the file. Content problems become warnings, never exceptions."""


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(size)
