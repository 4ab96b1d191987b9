"""Joining OCR words and lines into text without spurious spaces, and punctuation normalisation."""

from __future__ import annotations

import re
import unicodedata

_CJK = r"\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_SPACE_BETWEEN_CJK = re.compile(f"(?<=[{_CJK}])\\s+(?=[{_CJK}])")
_SPACE_AFTER_CJK_BEFORE_DIGIT = re.compile(f"(?<=[{_CJK}])\\s+(?=[0-9A-Za-z¥￥])")
_SPACE_AFTER_DIGIT_BEFORE_CJK = re.compile(f"(?<=[0-9A-Za-z%])\\s+(?=[{_CJK}])")

_SPACE_BEFORE_PUNCT = re.compile(f"(?<=[{_CJK}])\\s+(?=[,.?!:;)])")
_URLISH = re.compile(r"[/.@_:]|\d")

# Half-width punctuation that Tesseract returns inside Chinese text → the full-width form the app shows.
_TO_FULL = {",": "，", "?": "？", "!": "！", ":": "：", ";": "；", "(": "（", ")": "）"}


def is_cjk(ch: str) -> bool:
    """True for CJK ideographs, CJK punctuation and full-width forms."""
    return bool(_CJK_CHAR.match(ch))


def squeeze_cjk_spaces(text: str) -> str:
    """Remove whitespace between two CJK/full-width characters, and between CJK and digits/latin.

    Chinese has no word spaces; Tesseract inserts them between its "words". Spaces between two
    latin words or numbers are kept ("kf refund" stays, "请 点 击" becomes "请点击")."""
    text = _SPACE_BETWEEN_CJK.sub("", text)
    text = _SPACE_AFTER_CJK_BEFORE_DIGIT.sub("", text)
    text = _SPACE_AFTER_DIGIT_BEFORE_CJK.sub("", text)
    return text


def normalise_punctuation(text: str) -> str:
    """Make punctuation width consistent: in Chinese context half-width ,?!:;() become full-width;
    between digits/latin (times, URLs, amounts) they stay half-width; full-width digits and latin
    letters become half-width."""
    out = []
    chars = list(text)
    for i, ch in enumerate(chars):
        code = ord(ch)
        if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
            out.append(chr(code - 0xFEE0))
            continue
        if ch in _TO_FULL:
            prev = chars[i - 1] if i > 0 else ""
            nxt = chars[i + 1] if i + 1 < len(chars) else ""
            if (prev and is_cjk(prev)) or (nxt and is_cjk(nxt) and not (prev.isascii() and prev.isalnum())):
                out.append(_TO_FULL[ch])
                continue
        out.append(ch)
    return "".join(out)


def join_words(words: list[str]) -> str:
    """Join the words of one OCR line: no space next to CJK, one space between latin words."""
    out = ""
    for word in words:
        word = word.strip()
        if not word:
            continue
        if out and not (is_cjk(out[-1]) or is_cjk(word[0])):
            out += " "
        out += word
    return out


def join_lines(lines: list[str]) -> str:
    """Join the wrapped lines of one bubble: CJK lines run on; latin word wraps get one space."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and line[0].isascii() and line[0].isalnum():
            tail = out.split()[-1] if out.split() else ""
            if not _URLISH.search(tail):  # URLs and ids wrap mid-token; words wrap at spaces
                out += " "
        out += line
    return out


# Tesseract often merges the two slashes of a URL scheme into one; "http:/host" is never a link as typed.
_ONE_SLASH_URL = re.compile(r"(?<![A-Za-z])(https?):/(?=[A-Za-z0-9])", re.IGNORECASE)


def clean(text: str) -> str:
    """The normal form of OCR text stored in records: spaces squeezed, punctuation consistent."""
    text = _SPACE_BEFORE_PUNCT.sub("", squeeze_cjk_spaces(text))
    text = _ONE_SLASH_URL.sub(lambda m: m.group(1) + "://", text)
    return squeeze_cjk_spaces(normalise_punctuation(text)).strip()


def fold(text: str) -> str:
    """NFKC fold with whitespace removed: for comparison and search, never for storage."""
    return "".join(unicodedata.normalize("NFKC", text).split())
