"""Build the printable packet of each recipient (police / consumer / platform / all).

A packet = cover, contents, the filing (D1/D2/D3), evidence list (D4), timeline (D5), exhibits
and the electronic-data appendix, in one PDF plus an HTML preview, written atomically to `out/`.
Builds refuse while the recipient's checklist has gaps, unless `draft=True`.

The PDF is rendered in pieces on all cores and joined (`render/assemble.py`): runs of exhibits,
and the front matter + appendix with a stub of the right length per exhibit; the recipients of
`all` share one pool of workers. The HTML preview is the whole packet as one document.
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
from .render import assemble, joining
from .render.fonts import packet_fonts
from .render.jinja import make_env, templates_dir
from .render.pdf import check_cjk_font, html_to_pdf
from .render.viewmodels import build_view, fill_prints
from .steps import RECIPIENTS, STEP_TITLES, Status, evaluate


EXHIBITS_BOOKMARK = "证据材料"  # the bookmark the exhibits' own bookmarks are nested under


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
    """The packet's HTML as one document (the preview; the PDF shows the same content)."""
    out_dir = model.root / "out"
    view = build_view(model, status, recipient, draft, out_dir)
    env = make_env(model.root)
    return env.get_template("zh-CN/packet.html").render(**view)


def _render_packets(model: CaseModel, views: dict[str, dict[str, Any]], out_dir: Path, roots: list[Path],
                    workers: int, chunk: int | None) -> dict[str, tuple[bytes, int]]:
    """Each recipient's PDF and page count, rendered in pieces on `workers` processes:
    the front matter (cover … timeline, exhibit page numbers as literals), runs of exhibits, the
    appendix; joined in that order, every page's footer stamped."""
    env = make_env(model.root)
    chunk_t = env.get_template("zh-CN/chunk.html")
    first = next(iter(views.values()))
    jobs = [assemble.Job("stamp", "stamp", env.get_template("zh-CN/stamp.html").render(**first), out_dir, roots, [])]
    guesses = _front_guesses(model)
    predicted: dict[str, list[int]] = {}
    later = []
    for r, view in views.items():
        exhibits = view["exhibits"]
        predicted[r] = [assemble.predict_pages(ex) for ex in exhibits]
        guess = guesses.get(r) or assemble.predict_front(view)
        jobs.append(_front_job(model, view, r, predicted[r], guess, out_dir, roots))
        later.append(assemble.Job((r, "appendix"), "appendix",
                                  chunk_t.render(**dict(view, run=[], with_appendix=True)), out_dir, roots, []))
        slim = dict(view, exhibits=[])  # a run needs the case's fields and its own exhibits only
        for i, run in enumerate(assemble.split(exhibits, assemble.chunk_size(len(exhibits), workers, chunk))):
            spec = {"template": "zh-CN/chunk.html", "view": slim, "run": run, "case_root": model.root,
                    "cache": _print_cache(model), "out_dir": out_dir}
            jobs.append(assemble.Job((r, i), "chunk", "", out_dir, roots, [ex["anchor"] for ex in run], run=spec))
    # the front matter and the appendix first (each one document that grows with N), the runs after
    # them, so the pool's tail is a run of exhibits and not a long single piece
    results = assemble.run_jobs(jobs[:1] + [j for j in jobs if j.kind == "front"] + later
                                + [j for j in jobs[1:] if j.kind != "front"], workers)
    stamp = next(joining.read_stamp(pdf) for _, kind, pdf, _, _ in results if kind == "stamp")
    fronts = {key[0]: (pdf, pages) for key, kind, pdf, _, pages in results if kind == "front"}
    appendices = {key[0]: (pdf, pages) for key, kind, pdf, _, pages in results if kind == "appendix"}
    chunks: dict[str, list[tuple[bytes, list[int], int]]] = {r: [] for r in views}
    for key, _, pdf, starts, pages in sorted((x for x in results if x[1] == "chunk"), key=lambda x: x[0]):
        chunks[key[0]].append((pdf, starts, pages))
    actual: dict[str, list[int]] = {}
    for r, runs in chunks.items():
        counts: list[int] = []
        for _, starts, pages in runs:
            if not starts or starts[0] != 0 or -1 in starts:
                raise assemble.AssemblyMismatch(f"casekit: an exhibit run of {r} did not start each exhibit "
                                                "on its own page")
            counts += [b - a for a, b in zip(starts, starts[1:] + [pages])]
        actual[r] = counts
    # a wrong prediction of an exhibit's length costs one more render of the front matter
    again = [_front_job(model, views[r], r, actual[r], fronts[r][1], out_dir, roots)
             for r in views if actual[r] != predicted[r]]
    for key, _, pdf, _, pages in assemble.run_jobs(again, workers):
        fronts[key[0]] = (pdf, pages)
    _save_front_guesses(model, {r: pages for r, (_, pages) in fronts.items()})
    out = {}
    for r in views:
        front_pdf, front_pages = fronts[r]
        parts = [joining.Part(front_pdf, range(front_pages))]
        parts += [joining.Part(pdf, range(pages), group=EXHIBITS_BOOKMARK) for pdf, _, pages in chunks[r]]
        parts.append(joining.Part(appendices[r][0], range(appendices[r][1])))
        pdf, total = joining.join(parts, stamp)
        expected = assemble.page_numbers(views[r], actual[r], front_pages)["#appendix"] + appendices[r][1] - 1
        if total != expected:
            raise assemble.AssemblyMismatch(f"casekit: {r} joined to {total} pages, its contents expect {expected}")
        out[r] = (pdf, total)
    return out


def _front_job(model: CaseModel, view: dict[str, Any], r: str, counts: list[int], guess: int, out_dir: Path,
               roots: list[Path]) -> assemble.Job:
    spec = {"template": "zh-CN/packet.html", "view": view, "case_root": model.root, "counts": counts,
            "guess": guess}
    return assemble.Job((r, "front"), "front", "", out_dir, roots, [], front=spec)


def _print_cache(model: CaseModel) -> Path:
    return model.root / ".casekit" / "print-cache"


def _guess_file(model: CaseModel) -> Path:
    return _print_cache(model) / "front-pages.json"


def _front_guesses(model: CaseModel) -> dict[str, int]:
    """Front-matter lengths of the last build (a first guess; always verified)."""
    import json

    try:
        data = json.loads(_guess_file(model).read_text("utf-8"))
        return {k: int(v) for k, v in data.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def _save_front_guesses(model: CaseModel, pages: dict[str, int]) -> None:
    import json

    path = _guess_file(model)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({**_front_guesses(model), **pages}), "utf-8")
    except OSError:
        pass  # only a guess


def build_packets(
    case: Any,
    recipient: str = "all",
    draft: bool = False,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
    jobs: int | None = None,
    chunk: int | None = None,
) -> BuildResult:
    """Build packets for `recipient` into `case.out_dir`; log a custody "build" entry.
    `jobs`: worker processes (default: all cores); `chunk`: exhibits per run (default: automatic)."""
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
    env = make_env(model.root)
    views, htmls = {}, {}
    for r in wanted:
        if progress:
            progress(r)
        # print copies not in the cache yet are made by the workers rendering their exhibits
        views[r] = build_view(model, status, r, draft, out_dir, defer_prints=True)
        htmls[r] = env.get_template("zh-CN/packet.html").render(**views[r])
    faces = packet_fonts("".join(htmls.values()), _print_cache(model))
    font_faces = [{"url": Path(os.path.relpath(f["path"], out_dir)).as_posix(), "weight": f["weight"]} for f in faces]
    views = {r: dict(v, font_faces=font_faces) for r, v in views.items()}
    try:
        rendered = _render_packets(model, views, out_dir, roots, assemble.default_workers(jobs), chunk)
    except assemble.AssemblyMismatch:
        # the pieces do not fit (a case's own templates?): one document per packet, as WeasyPrint
        # lays it out, numbering by WeasyPrint's own counters
        rendered = {}
        for r in wanted:
            fill_prints(views[r]["exhibits"], _print_cache(model), out_dir)
            pdf = html_to_pdf(env.get_template("zh-CN/packet.html").render(**views[r]), out_dir, roots)
            rendered[r] = (pdf, joining.page_count(pdf))
    for r in wanted:
        html, (pdf, pages) = htmls[r], rendered[r]
        if any("print_src" in ex for ex in views[r]["exhibits"]):
            # the preview, with the print copies the workers made (cache hits here)
            fill_prints(views[r]["exhibits"], _print_cache(model), out_dir)
            view = {k: v for k, v in views[r].items() if k != "font_faces"}
            html = env.get_template("zh-CN/packet.html").render(**view)
        pdf_path, html_path = out_dir / f"{r}.pdf", out_dir / f"{r}.html"
        atomic_write_bytes(html_path, html.encode("utf-8"))
        atomic_write_bytes(pdf_path, pdf)
        result.outputs.append({"recipient": r, "pdf": str(pdf_path), "pages": pages})
        for path, data in ((pdf_path, pdf), (html_path, html.encode("utf-8"))):
            logged.append({"path": path.relative_to(model.root).as_posix(),
                           "sha256": hashlib.sha256(data).hexdigest()})
    case.log("build", recipients=wanted, draft=draft, outputs=logged,
             loss=f"{model.timeline.loss.net:.2f}")
    return result
