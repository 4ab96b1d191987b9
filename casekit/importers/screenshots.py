"""Screenshot importer (chat, payment result, other images). Placeholder until it lands."""

from __future__ import annotations

from .base import Importer

SCREENSHOT_IMPORTERS: list[Importer] = []
