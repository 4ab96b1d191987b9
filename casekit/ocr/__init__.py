"""OCR of phone screenshots: safe image opening, layout segmentation, Tesseract, and parsing of
what was read (time labels, entities, payment screens). See DESIGN §5 and research/chat-ocr.md."""
