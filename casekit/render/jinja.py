"""The Jinja2 environment for packets: autoescape, StrictUndefined, case overrides first.

Templates only present a view model computed in Python (`casekit/viewmodels.py`); OCR and user text
reach them as data and are escaped, never parsed as template code.
"""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from ..formatting import date_zh, mask, money

LANG = "zh-CN"


def templates_dir() -> Path:
    """The packaged templates: `templates/` beside the package in a checkout, or
    `casekit/templates/` inside an installed wheel."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package.parent / "templates", package / "templates"):
        if (candidate / LANG).is_dir():
            return candidate
    raise FileNotFoundError(f"casekit templates not found near {package}")


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
