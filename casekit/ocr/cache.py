"""On-disk cache of extraction results keyed by (file SHA-256, engine version, settings)."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from ..records import Extraction

PIPELINE_VERSION = "3"  # bump when segmentation/parsing changes what a cached result would hold (2: the
# layout model over line boxes, per-word confidences for the uncertain-word marks; 3: PP-OCR lines read
# one at a time, missed short replies and time labels, voice speech-to-text, in-bubble quotes, tails)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def cache_key(sha256: str, engine_version: str, settings: dict[str, Any]) -> str:
    blob = json.dumps({"sha256": sha256, "engine": engine_version, "pipeline": PIPELINE_VERSION,
                       "settings": settings}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


class OcrCache:
    """A folder of `<key>.json` extraction results. Unreadable entries count as misses."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def get(self, key: str) -> Extraction | None:
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            return Extraction.from_json(data)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, extraction: Extraction) -> None:
        """Write atomically (temp file + rename) so a crash never leaves half an entry."""
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(extraction.to_json(), handle, ensure_ascii=False)
            os.replace(tmp, self._path(key))
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
