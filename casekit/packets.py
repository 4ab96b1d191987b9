"""Build the printable packet of each recipient (police / consumer / platform / all).

A packet = cover, contents, the filing (D1/D2/D3), evidence list (D4), timeline (D5), exhibits
and the electronic-data appendix, in one PDF plus an HTML preview, written atomically to `out/`.
Builds refuse while the recipient's checklist has gaps, unless `draft=True`.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from .casemodel import CaseModel, load_case_model
from .errors import BadInput
from .fsutil import atomic_write_bytes
from .render.jinja import make_env, templates_dir
from .render.pdf import check_cjk_font, html_to_pdf
from .render.viewmodels import build_view
from .steps import RECIPIENTS, STEP_TITLES, Status, evaluate


@dataclass
class BuildResult:
    """What `build --json` prints."""

    outputs: list[dict[str, Any]] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"outputs": self.outputs, "gaps": self.gaps}


def recipients_for(recipient: str) -> list[str]:
    """Expand "all" and validate a recipient name."""
    if recipient == "all":
        return list(RECIPIENTS)
    if recipient not in RECIPIENTS:
        raise BadInput(f"未知的递交对象：{recipient}", f"unknown recipient: {recipient}",
                       hint_zh="可选 police / consumer / platform / all",
                       hint_en="choose police / consumer / platform / all")
    return [recipient]


def render_html(model: CaseModel, status: Status, recipient: str, draft: bool) -> str:
    """The packet's HTML (the PDF is rendered from exactly this)."""
    out_dir = model.root / "out"
    view = build_view(model, status, recipient, draft, out_dir)
    env = make_env(model.root)
    return env.get_template("zh-CN/packet.html").render(**view)


def page_count(pdf: bytes) -> int:
    """Number of pages of a PDF."""
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def build_packets(
    case: Any,
    recipient: str = "all",
    draft: bool = False,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build packets for `recipient` into `case.out_dir`; log a custody "build" entry."""
    wanted = recipients_for(recipient)
    model = load_case_model(case, now=now)
    status = evaluate(model)
    result = BuildResult()
    for r in wanted:
        result.gaps += [f"{STEP_TITLES[r]}：{g.label} — {g.fix}" for g in status.gaps_for(r)]
    result.gaps = list(dict.fromkeys(result.gaps))
    if result.gaps and not draft:
        listing = "；".join(result.gaps)
        raise BadInput(f"材料还不完整，缺 {len(result.gaps)} 项：{listing}",
                       f"the checklist has {len(result.gaps)} gap(s); see `casekit status`",
                       hint_zh="补全后重试，或加 --draft 生成标有【待补充】的草稿",
                       hint_en="fill them in, or use --draft to render with each gap marked")
    check_cjk_font()
    out_dir = Path(case.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    roots = [model.root, templates_dir()]
    logged = []
    for r in wanted:
        if progress:
            progress(r)
        html = render_html(model, status, r, draft)
        pdf = html_to_pdf(html, out_dir, roots)
        pdf_path, html_path = out_dir / f"{r}.pdf", out_dir / f"{r}.html"
        atomic_write_bytes(html_path, html.encode("utf-8"))
        atomic_write_bytes(pdf_path, pdf)
        result.outputs.append({"recipient": r, "pdf": str(pdf_path), "pages": page_count(pdf)})
        for path, data in ((pdf_path, pdf), (html_path, html.encode("utf-8"))):
            logged.append({"path": path.relative_to(model.root).as_posix(),
                           "sha256": hashlib.sha256(data).hexdigest()})
    case.log("build", recipients=wanted, draft=draft, outputs=logged,
             loss=f"{model.timeline.loss.net:.2f}")
    return result
