"""Bill importers (Alipay, WeChat Pay, banks, generic CSV/XLSX). Placeholder until they land."""

from __future__ import annotations

from .base import Importer

BILL_IMPORTERS: list[Importer] = []
