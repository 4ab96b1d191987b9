"""Typed errors. Each carries an exit code (DESIGN §7) and a one-line bilingual message + hint.

Only the CLI edge turns these into exit codes; library code raises them and never prints.
"""

from __future__ import annotations

import os

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2
EXIT_INTEGRITY = 3
EXIT_MISSING_DEPENDENCY = 4


def prefers_english() -> bool:
    """True when the user's locale asks for English first (LANG/LC_ALL/LC_MESSAGES = en*)."""
    for var in ("CASEKIT_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return value.lower().startswith("en")
    return False


def bilingual(zh: str, en: str) -> str:
    """Join a Chinese and an English phrase, in the order the locale prefers."""
    if not en:
        return zh
    if not zh:
        return en
    return f"{en} / {zh}" if prefers_english() else f"{zh} / {en}"


class CasekitError(Exception):
    """Base of every expected failure. `exit_code` is what the CLI exits with."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, zh: str, en: str = "", *, hint_zh: str = "", hint_en: str = "") -> None:
        self.zh = zh
        self.en = en
        self.hint_zh = hint_zh
        self.hint_en = hint_en
        super().__init__(self.one_line())

    def one_line(self) -> str:
        message = bilingual(self.zh, self.en)
        hint = bilingual(self.hint_zh, self.hint_en)
        text = f"{message} — {bilingual('提示', 'hint')}: {hint}" if hint else message
        # A message is always one line, even when it quotes a file name with a newline in it.
        return text.replace("\r", "\\r").replace("\n", "\\n")


class BadInput(CasekitError):
    """A file, argument or case fact the user can fix."""

    exit_code = EXIT_BAD_INPUT


class CaseError(CasekitError):
    """The case folder is missing, not a case, or locked."""

    exit_code = EXIT_BAD_INPUT


class IntegrityError(CasekitError):
    """Evidence or custody log differs from what was recorded."""

    exit_code = EXIT_INTEGRITY


class MissingDependency(CasekitError):
    """A system dependency (tesseract, chi_sim, CJK font) is absent."""

    exit_code = EXIT_MISSING_DEPENDENCY
