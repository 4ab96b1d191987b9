"""The Jinja2 environment for packets: autoescape, StrictUndefined, case overrides first.

Templates only present a view model computed in Python (`viewmodels.py`); OCR and user text
reach them as data and are escaped, never parsed as template code.
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from ..facts import CST

LANG = "zh-CN"


def templates_dir() -> Path:
    """The packaged templates: `templates/` beside the package in a checkout, or
    `casekit/templates/` inside an installed wheel."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package.parent / "templates", package / "templates"):
        if (candidate / LANG).is_dir():
            return candidate
    raise FileNotFoundError(f"casekit templates not found near {package}")


def money(value: Decimal | int | str | None, sign: bool = True) -> str:
    """¥1,280.00 — two decimals, thousands separators."""
    if value is None or value == "":
        return "—"
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    text = f"{amount:,.2f}"
    return f"¥{text}" if sign else text


def date_zh(value: datetime | date | None, with_time: bool = True) -> str:
    """2026年3月5日 14:10 (China time)."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        local = value.astimezone(CST) if value.tzinfo else value
        text = f"{local.year}年{local.month}月{local.day}日"
        return f"{text} {local:%H:%M}" if with_time else text
    return f"{value.year}年{value.month}月{value.day}日"


def mask(value: str | None, keep_start: int = 0, keep_end: int = 4) -> str:
    """Mask all but the first `keep_start` and last `keep_end` characters."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[len(value) - keep_end:]


def nl2br(value: str) -> Markup:
    """Escape text, then keep its line breaks."""
    return Markup("<br>").join(escape(line) for line in str(value).splitlines())


def make_env(case_root: Path | None = None) -> jinja2.Environment:
    """Environment with the case's `templates/` folder first, then the packaged templates. One per
    search path and process: its compiled templates are reused (Jinja checks each file's mtime),
    also by the render workers forked from the process (compiling the packet's templates cost
    ~0.15 s a piece)."""
    search = []
    if case_root is not None and (Path(case_root) / "templates").is_dir():
        search.append(str(Path(case_root) / "templates"))
    search.append(str(templates_dir()))
    return _env(tuple(search))


@functools.lru_cache(maxsize=16)
def _env(search: tuple[str, ...]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(list(search)),
        autoescape=True,  # every template is HTML, including .css includes (no user data there)
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(money=money, date=date_zh, mask=mask, nl2br=nl2br)
    return env
