"""How close OCR text is to a reference: edit distance and character error rate (CER).

Used by the OCR and packet benchmarks and by the held-out OCR tests, so every figure is
computed the same way.
"""

from __future__ import annotations

import unicodedata


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions) between two strings."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def fold(text: str | None) -> str:
    """NFKC-normalised text with all whitespace removed: what CER compares."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate of `hypothesis` against `reference`, whitespace removed."""
    ref, hyp = fold(reference), fold(hypothesis)
    return levenshtein(ref, hyp) / max(1, len(ref))
