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
    reference_source: str | None = None  # "exif" | "png" | "filename" | "mtime" | "taken_on" | "incident_date" | "user"
    incident_date: date | None = None
    column_map: dict[str, Any] | None = None  # generic CSV/XLSX importer: the user's column map
    cache_dir: Path | None = None  # OCR cache folder (the case's .casekit/ocr-cache), or None
    print_cache_dir: Path | None = None  # where image importers leave print copies (.casekit/print-cache), or None
    extras: dict[str, Any] = field(default_factory=dict)

    def dating(self, path: Path) -> dict[str, Any]:
        """Everything the dates read from a screen depend on besides its bytes: a cached reading
        made against another reference (an incident date or taken_on changed since, or the same
        bytes under a name with another capture time) must not be reused."""
        latest = self.extras.get("latest_time")
        return {"ref": self.reference_time.isoformat() if self.reference_time else None,
                "src": self.reference_source, "incident": str(self.incident_date) if self.incident_date else None,
                "latest": latest.isoformat() if latest else None,
                "name": None if self.reference_time else Path(path).name}


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
