"""Importers: one small module per source over shared machinery.

`registry.py` knows them all; bill importers live in the `bill_*` modules and share
`billkit.py`; the screenshot importer lives in `screenshots.py` over `casekit.ocr`.
"""
