"""Build the printable packet of each recipient (police / consumer / platform / all).

A packet = cover, contents, the filing (D1/D2/D3), evidence list (D4), timeline (D5), exhibits
and the electronic-data appendix, in one PDF plus an HTML preview, written atomically to `out/`.
Builds refuse while the recipient's checklist has gaps, unless `draft=True`.

The PDF is made by `render/pipeline.py` (WeasyPrint pieces, a text-only overlay, joined by
pikepdf) as PDF/A-3b carrying the originals it cites, MANIFEST.sha256 and custody.jsonl (leave
them out with `attach=False` for portals with upload limits). The HTML preview is the whole packet
as one document.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from .casemodel import CaseModel, load_case_model
from .errors import BadInput
from .fsutil import atomic_write_bytes
from .guide import GUIDE_NAME, NO_POLICE, build_guide_view
from .render import pipeline
from .render.fonts import packet_fonts
from .render.jinja import make_env, templates_dir
from .render.pdf import check_cjk_font
from .render.pdfa import Attachment
from .viewmodels import build_view
from .steps import RECIPIENTS, STEP_TITLES, Status, evaluate
from .store import print_cache_dir, sha256_file

PIECE_CACHE = "pieces"  # rendered pieces, in the print cache (render/pieces.py)


@dataclass
class BuildResult:
    """What `build --json` prints."""

    outputs: list[dict[str, Any]] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    guide: str = ""  # out/guide.pdf, the victim's own guide (casekit/guide.py)
    skipped: list[dict[str, str]] = field(default_factory=list)  # packets "all" left out, and why

    def to_json(self) -> dict[str, Any]:
        return {"outputs": self.outputs, "gaps": self.gaps, "guide": self.guide, "skipped": self.skipped}


def recipients_for(recipient: str) -> list[str]:
    """Expand "all" and validate a recipient name."""
    if recipient == "all":
        return list(RECIPIENTS)
    if recipient not in RECIPIENTS:
        raise BadInput(f"未知的递交对象：{recipient}", f"unknown recipient: {recipient}",
                       hint_zh="可选 police / consumer / platform / all",
                       hint_en="choose police / consumer / platform / all")
    return [recipient]


def planned(status: Any, recipient: str, root: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The packets a build of `recipient` writes, and those "all" leaves out with the reason: no
    报案材料 when nothing the user gave alleges a crime (`--recipient police` still builds one)."""
    wanted = recipients_for(recipient)
    if recipient == "all" and not status.route.get("fraud_alleged", True):
        wanted.remove("police")
        return wanted, [{k: v.replace("DIR", str(root)) for k, v in NO_POLICE.items()}]
    return wanted, []


def render_html(model: CaseModel, status: Status, recipient: str, draft: bool) -> str:
    """The packet's HTML as one document (the preview; the PDF shows the same content)."""
    out_dir = model.root / "out"
    view = build_view(model, status, recipient, draft, out_dir)
    env = make_env(model.root)
    return env.get_template("zh-CN/packet.html").render(**view)


COMPLETE_COPIES = ("police",)  # recipients whose copy is not redacted (issue 15 §3): they get the originals


def attachments(model: CaseModel, recipient: str) -> list[Attachment]:
    """What a packet carries: MANIFEST.sha256 (its hash is printed in the appendix); for a complete
    (police) copy also every original it cites (AFRelationship Source, the original file name, its
    SHA-256 in the description; read when it is attached and refused unless it still has that
    hash) and custody.jsonl, as they were when the build started. The
    platform and consumer copies are redacted, so they carry no originals (which would show what
    their pages paint out) and no custody log (whose entries may quote accepted facts)."""
    files = []
    complete = recipient in COMPLETE_COPIES
    for n, e in enumerate(model.for_step(recipient), 1):
        if complete and e.path.is_file():
            files.append(Attachment(f"{e.id} {e.original_name}", e.original_name, e.path,
                                    f"证据{n} {e.id} {e.original_name} SHA-256 {e.sha256}", sha256=e.sha256))
    for name in ("MANIFEST.sha256", "custody.jsonl") if complete else ("MANIFEST.sha256",):
        path = model.root / name
        if path.is_file():
            data = path.read_bytes()
            files.append(Attachment(name, name, data, f"{name} SHA-256 {hashlib.sha256(data).hexdigest()}",
                                    "Supplement"))
    return files


def gap_listing(status: Any, wanted: list[str]) -> tuple[list[str], list[str]]:
    """Each gap once, however many recipients' checklists share it: ("label — fix（for whom）" lines,
    the bare labels)."""
    seen: dict[tuple[str, str], list[str]] = {}
    for r in wanted:
        for g in status.gaps_for(r):
            who = seen.setdefault((g.label, g.fix), [])
            if STEP_TITLES[r] not in who:
                who.append(STEP_TITLES[r])
    lines = [f"{label} — {fix}（{'、'.join(who)}）" for (label, fix), who in seen.items()]
    return lines, list(dict.fromkeys(label for label, _ in seen))


def refusal(root: Path, labels: list[str]) -> BadInput:
    """`build`'s short refusal: the real folder, each missing item once, where to see the fixes."""
    folder = str(root.resolve())
    shown = "、".join(labels[:8]) + (f" 等 {len(labels)} 项" if len(labels) > 8 else "")
    return BadInput(f"{folder} 的材料还不完整，缺 {len(labels)} 项：{shown}",
                    f"{folder}: the checklist has {len(labels)} gap(s)",
                    hint_zh=f"运行 casekit status {folder} 查看每项怎么补，或加 --draft 生成标有【待补充】的草稿",
                    hint_en=f"run `casekit status {folder}` for how to fill each, or use --draft")


def build_packets(
    case: Any,
    recipient: str = "all",
    draft: bool = False,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
    jobs: int | None = None,
    chunk: int | None = None,
    attach: bool = True,
    on_piece: Callable[[int, int], None] | None = None,
) -> BuildResult:
    """Build packets for `recipient` into `case.out_dir`; log a custody "build" entry.
    `jobs`: worker processes (default: all cores); `chunk`: exhibits per WeasyPrint run (default
    `pipeline.RUN_SIZE`); `attach`: carry the originals, MANIFEST.sha256 and custody.jsonl.
    `progress(recipient)` as each packet's text is composed; `on_piece(done, total)` as each
    rendered piece of the PDFs is ready (the web page's progress bar)."""
    recipients_for(recipient)  # a bad name fails before the case is read
    model = load_case_model(case, now=now)
    status = evaluate(model)
    result = BuildResult()
    wanted, result.skipped = planned(status, recipient, Path(model.root))
    result.gaps, labels = gap_listing(status, wanted)
    if result.gaps and not draft:
        raise refusal(Path(model.root), labels)
    check_cjk_font()
    out_dir = Path(case.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    roots = [model.root, templates_dir()]
    logged = []
    env = make_env(model.root)
    views, htmls = {}, {}
    for r in wanted:
        if progress:
            progress(r)
        views[r] = build_view(model, status, r, draft, out_dir)
        htmls[r] = env.get_template("zh-CN/packet.html").render(**views[r])
    guide_view = build_guide_view(model, status, wanted)
    guide_text = env.get_template("zh-CN/guide.html").render(**guide_view)
    cache = print_cache_dir(model.root)
    faces = packet_fonts("".join(htmls.values()) + guide_text, cache)  # one cut for the packets and the guide
    font_faces = [{"url": Path(os.path.relpath(f["path"], out_dir)).as_posix(), "weight": f["weight"]} for f in faces]
    pdf_views = {r: dict(v, font_faces=font_faces) for r, v in views.items()}
    files = {r: attachments(model, r) for r in wanted} if attach else {}
    pdf_paths = {r: out_dir / f"{r}.pdf" for r in wanted}
    # the victim's guide (casekit/guide.py) renders beside the packets' pieces, cached like them
    guide = out_dir / GUIDE_NAME
    guide_html = env.get_template("zh-CN/guide.html").render(**dict(guide_view, font_faces=font_faces))
    guide_title = f"{guide_view['title']} — {guide_view['case_id']}"
    pages = pipeline.build_pdfs(model.root, pdf_views, out_dir, roots, pipeline.default_workers(jobs),
                                cache / PIECE_CACHE, files, model.now, pdf_paths, chunk or pipeline.RUN_SIZE,
                                alongside={"guide": (guide_html, guide, guide_title)}, on_piece=on_piece)
    for r in wanted:
        html_path = out_dir / f"{r}.html"
        atomic_write_bytes(html_path, htmls[r].encode("utf-8"))
        result.outputs.append({"recipient": r, "pdf": str(pdf_paths[r]), "pages": pages[r],
                               "attachments": len(files.get(r, []))})
        for path in (pdf_paths[r], html_path):
            logged.append({"path": path.relative_to(model.root).as_posix(), "sha256": sha256_file(path)})
    result.guide = str(guide)
    logged.append({"path": guide.relative_to(model.root).as_posix(), "sha256": sha256_file(guide)})
    case.log("build", recipients=wanted, draft=draft, outputs=logged,
             loss=f"{model.timeline.loss.net:.2f}")
    return result
