"""Every non-chat screen a victim has, read into records: payment results, order and refund
pages, product and profile pages, the anti-fraud app's receipt (issue 13 §3)."""

from .reading import classify, line_entities, page_of, payment_notes, read_screen
from .rows import Page, Row, lines_from_words, read_rows

__all__ = ["Page", "Row", "classify", "line_entities", "lines_from_words", "page_of", "payment_notes", "read_rows",
           "read_screen"]
