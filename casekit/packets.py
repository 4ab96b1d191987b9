"""Build the printable packet of each recipient (police / consumer / platform / all).

A packet = cover, contents, the filing (D1/D2/D3), evidence list (D4), timeline (D5), exhibits
and the electronic-data appendix, in one PDF plus an HTML preview, written atomically to `out/`.
Builds refuse while the recipient's checklist has gaps, unless `draft=True`.

The PDF is rendered in pieces on all cores and joined (`render/assemble.py`): the front matter in
pieces of a few pages (`render/front.py`) by WeasyPrint; the exhibits and the appendix drawn by
casekit (`render/drawn.py`; runs of exhibits rendered by WeasyPrint when they cannot be), while the
workers make the print copies still missing; the recipients of `all` share one pool of workers.
The HTML preview is the whole packet as one document.
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
from .render import assemble, drawn, exhibit_pages, front, joining, list_pages
from .render.fonts import packet_fonts
from .render.pdffont import FontUnusable, PdfFont
from .render.jinja import make_env, templates_dir
from .render.pdf import check_cjk_font, html_to_pdf
from .render.viewmodels import build_view, fill_prints
from .steps import RECIPIENTS, STEP_TITLES, Status, evaluate
from .store import print_cache_dir


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


def _drawing_faces(model: CaseModel, views: dict[str, dict[str, Any]], faces: list[dict[str, str]],
                   draw: bool) -> drawn.Faces | None:
    """The fonts the drawn parts (exhibits, 证据清单, timeline, appendix: `render/drawn.py`) are set
    in: the packet's cut, cut again to what they show. None (WeasyPrint renders them) when the packet
    has no cut of its own, the case has its own copy of a template they follow, or `draw` is off."""
    paths = {f["weight"]: Path(f["path"]) for f in faces}
    if not draw or set(paths) != {"normal", "bold"} or drawn.case_overrides_exhibits(model.root):
        return None
    chars = set(model.case_id) | {c for view in views.values() for text in list_pages.appendix_texts(view) for c in text} \
        | {c for view in views.values() for text in list_pages.evidence_texts(view) for c in text} \
        | {c for view in views.values() for text in list_pages.timeline_texts(view) for c in text} \
        | {c for view in views.values() for ex in view["exhibits"] for text in exhibit_pages.exhibit_texts(ex) for c in text}
    try:
        return drawn.Faces(PdfFont.load(paths["normal"], "".join(chars)),
                           PdfFont.load(paths["bold"], "".join(chars), "bold"))
    except (FontUnusable, OSError, ImportError):
        return None


def _metrics(faces: list[dict[str, str]]) -> front.Metrics:
    """Predictions of the front matter's lengths by the packet font's own advances when it has its
    cut (line counts of the timeline's cells), else approximated."""
    for face in faces:
        if face["weight"] == "normal":
            try:
                return front.Metrics(PdfFont.load(Path(face["path"])))
            except (FontUnusable, OSError, ImportError):
                break
    return front.Metrics()


def _runs(exhibits: list[dict[str, Any]], faces: drawn.Faces | None, case_id: str, size: int) -> list[tuple[bool, list]]:
    """The exhibits in runs of at most `size`, each drawn (True) or rendered by WeasyPrint."""
    runs: list[tuple[bool, list]] = []
    for ex in exhibits:
        draw = faces is not None and exhibit_pages.drawable(ex, faces) and faces.covers(case_id)
        if runs and runs[-1][0] == draw and len(runs[-1][1]) < size:
            runs[-1][1].append(ex)
        else:
            runs.append((draw, [ex]))
    return runs


def _render_packets(model: CaseModel, views: dict[str, dict[str, Any]], out_dir: Path, roots: list[Path],
                    workers: int, chunk: int | None, front_pages: int | None = None,
                    faces: drawn.Faces | None = None, metrics: front.Metrics | None = None) -> dict[str, tuple[bytes, int]]:
    """Each recipient's PDF and page count: the front matter, the exhibits, the appendix, joined in
    that order, every page's footer stamped. WeasyPrint renders the front matter on `workers`
    processes in pieces of about `front_pages` pages (render/front.py, page numbers as literals).
    With `faces`, the exhibits, the 证据清单, the timeline and the appendix are drawn by casekit
    (`render/drawn.py`; their lengths are exact from the start) and the workers also make the print
    copies still missing; without, or for an exhibit the font cannot show, runs of exhibits and the
    appendix are WeasyPrint's too. `metrics`: how the front matter's lengths are predicted."""
    env = make_env(model.root)
    first = next(iter(views.values()))
    jobs = [assemble.Job("stamp", "stamp", env.get_template("zh-CN/stamp.html").render(**first), out_dir, roots, [])]
    last = front.load_last(_numbers_file(model))
    fronts: dict[str, front.FrontMatter] = {}
    appendices: dict[str, front.FrontMatter] = {}
    drawn_appendix: dict[str, list[drawn.Page]] = {}
    drawn_evidence: dict[str, int] = {}  # recipient → pages of its drawn 证据清单
    drawn_timeline: dict[str, list[drawn.Page]] = {}
    budget = front_pages or front.PIECE_PAGES
    later, prints = [], []
    runs: dict[str, list[tuple[bool, list]]] = {}
    layouts: dict[tuple[str, str], list[drawn.Page]] = {}  # (recipient, anchor) → a drawn exhibit's pages
    #                                                        (per recipient: the platform copy masks more)
    deferred: dict[str, dict[str, Any]] = {}   # print copy key → an exhibit waiting for it
    for r, view in views.items():
        exhibits = view["exhibits"]
        runs[r] = _runs(exhibits, faces, model.case_id, assemble.chunk_size(len(exhibits), workers, chunk))
        counts = []
        for draw, run in runs[r]:
            for ex in run:
                if draw:
                    layouts[r, ex["anchor"]] = exhibit_pages.layout(ex, model.case_id, faces)
                    counts.append(len(layouts[r, ex["anchor"]]))
                    if "print_src" in ex:
                        deferred.setdefault(ex["print_src"][1], ex)
                else:
                    counts.append(assemble.predict_pages(ex))
        own: dict[str, int] = {}  # parts of the front matter casekit draws: their lengths
        if list_pages.evidence_drawable(view, faces):
            # the 证据清单 is drawn once the page numbers are known; its length does not depend on them
            drawn_evidence[r] = len(list_pages.layout_evidence(view, faces, {}))
            own["evidence"] = drawn_evidence[r]
        if list_pages.timeline_drawable(view, faces):
            drawn_timeline[r] = list_pages.layout_timeline(view, faces)
            own["timeline"] = len(drawn_timeline[r])
        fronts[r] = front.FrontMatter(view, counts, last.get(r), budget, metrics=metrics, drawn=own)
        jobs += [_piece_job(model, view, (r, "front", "first"), piece, out_dir, roots) for piece in fronts[r].first()]
        if list_pages.appendix_drawable(view, faces):
            drawn_appendix[r] = list_pages.layout_appendix(view, faces)
        else:
            appendices[r] = front.FrontMatter(view, counts, None, budget, front.APPENDIX, metrics)
            later += [_piece_job(model, view, (r, "appendix", "first"), piece, out_dir, roots)
                      for piece in appendices[r].first()]
        slim = dict(view, exhibits=[])  # a run needs the case's fields and its own exhibits only
        for i, (draw, run) in enumerate(runs[r]):
            if draw:
                continue
            spec = {"template": "zh-CN/chunk.html", "view": slim, "run": run, "case_root": model.root,
                    "cache": _print_cache(model), "out_dir": out_dir}
            jobs.append(assemble.Job((r, i), "chunk", "", out_dir, roots, [ex["anchor"] for ex in run], run=spec))
    # the print copies drawn exhibits still lack, made once for every packet, on the workers
    waiting = list(deferred.values())
    # small batches (about four a worker): whichever worker is free takes the next, so the pool ends evenly
    batch_size = chunk or max(4, min(assemble.DEFAULT_CHUNK, -(-len(waiting) // (4 * workers))))
    for i, batch in enumerate(assemble.split(waiting, batch_size)):
        spec = {"run": [dict(ex) for ex in batch], "cache": _print_cache(model), "out_dir": out_dir}
        prints.append(assemble.Job(("prints", i), "prints", "", out_dir, roots, [], run=spec))

    def measured(result: assemble.Result) -> list[assemble.Job]:
        """A piece of the front matter or the appendix came back: the next piece of its chain (a
        piece rendered again with corrected page numbers is only recorded)."""
        key, kind, pdf, starts, pages = result
        if kind != "piece":
            return []
        (r, which, stage), order = key[:3], key[3:]
        matter = (fronts if which == "front" else appendices)[r]
        if stage == "renumber":
            matter.renumbered(order, pdf, starts, pages)
            return []
        return [_piece_job(model, views[r], (r, which, "first"), p, out_dir, roots)
                for p in matter.measured(order, pdf, starts, pages)]

    # the front matter's first pieces first (what `measured` adds goes before anything not started
    # yet), then the appendix's, the print copies, and any WeasyPrint runs of exhibits
    results = assemble.run_jobs(jobs[:1] + [j for j in jobs if j.kind == "piece"] + later + prints
                                + [j for j in jobs[1:] if j.kind != "piece"], workers, follow=measured)
    stamp = next(joining.read_stamp(pdf) for _, kind, pdf, _, _ in results if kind == "stamp")
    made = {key: fields for _, kind, done, _, _ in results if kind == "prints" for key, fields in done}
    chunks: dict[tuple[str, int], tuple[bytes, list[int], int]] = {}
    for key, kind, pdf, starts, pages in results:
        if kind == "chunk":
            if not starts or starts[0] != 0 or -1 in starts:
                raise assemble.AssemblyMismatch(f"casekit: an exhibit run of {key[0]} did not start each exhibit "
                                                "on its own page")
            chunks[key] = (pdf, starts, pages)
    actual: dict[str, list[int]] = {}
    for r in views:
        counts: list[int] = []
        for i, (draw, run) in enumerate(runs[r]):
            if not draw:
                _, starts, pages = chunks[(r, i)]
                counts += [b - a for a, b in zip(starts, starts[1:] + [pages])]
                continue
            for ex in run:
                if "print_src" in ex:  # its print copy is made now: laid out again if it came out otherwise
                    planned = (ex["image_mm"], bool(ex.get("image_missing")))
                    ex.update(made[ex.pop("print_src")[1]])
                    if (ex["image_mm"], bool(ex.get("image_missing"))) != planned:
                        layouts[r, ex["anchor"]] = exhibit_pages.layout(ex, model.case_id, faces)
                counts.append(len(layouts[r, ex["anchor"]]))
        actual[r] = counts
    # an exhibit whose length was mispredicted: the pieces that print its number, once more
    again = [_piece_job(model, views[r], (r, "front", "renumber"), p, out_dir, roots)
             for r in views for p in fronts[r].wrong(actual[r])]
    assemble.run_jobs(again, workers, follow=measured)
    numbers = {r: fronts[r].numbers(actual[r]) for r in views}
    front.save_last(_numbers_file(model), numbers, {r: len(views[r]["exhibits"]) for r in views})
    out = {}
    for r in views:
        parts = []
        for pdf, pages, part in fronts[r].pages():
            if pdf is not None:
                parts.append(joining.Part(pdf, pages))
                continue
            if part == "timeline":
                parts.append(joining.Part(b"", pages, None, [
                    joining.DrawnPages("timeline", list_pages.TIMELINE_LABEL, drawn_timeline[r], None)]))
                continue
            evidence = list_pages.layout_evidence(views[r], faces, numbers[r])
            if len(evidence) != drawn_evidence[r]:
                raise assemble.AssemblyMismatch("casekit: the 证据清单 changed its length with its page numbers")
            parts.append(joining.Part(b"", range(len(evidence)), None, [
                joining.DrawnPages("evidence-list", list_pages.EVIDENCE_LABEL, evidence, None)]))
        for i, (draw, run) in enumerate(runs[r]):
            if draw:
                exhibits = [joining.DrawnPages(ex["anchor"], f"{ex['label']}　{ex['title']}", layouts[r, ex["anchor"]],
                                                 (out_dir / ex["image"]).resolve() if ex.get("image") else None)
                            for ex in run]
                parts.append(joining.Part(b"", range(sum(len(e.pages) for e in exhibits)), EXHIBITS_BOOKMARK, exhibits))
            else:
                pdf, _, pages = chunks[(r, i)]
                parts.append(joining.Part(pdf, range(pages), group=EXHIBITS_BOOKMARK))
        if r in drawn_appendix:
            appendix = [joining.Part(b"", range(len(drawn_appendix[r])), None, [
                joining.DrawnPages("appendix", list_pages.APPENDIX_LABEL, drawn_appendix[r], None)])]
        else:
            appendix = [joining.Part(pdf, pages) for pdf, pages, _ in appendices[r].pages()]
        parts += appendix
        pdf, total = joining.join(parts, stamp, faces)
        expected = numbers[r]["#appendix"] + sum(len(part.pages) for part in appendix) - 1
        if total != expected:
            raise assemble.AssemblyMismatch(f"casekit: {r} joined to {total} pages, its contents expect {expected}")
        out[r] = (pdf, total)
    return out


def _piece_job(model: CaseModel, view: dict[str, Any], key: tuple[str, str, str], piece: front.Piece, out_dir: Path,
               roots: list[Path]) -> assemble.Job:
    """The render of a piece of the front matter or the appendix; `key`: (recipient, "front" or
    "appendix", "first" or "renumber")."""
    spec = {"template": "zh-CN/packet.html", "view": view, "case_root": model.root,
            "piece": {"parts": piece.parts, "ranges": piece.ranges, "targets": piece.targets()}, "page_of": piece.page_of}
    return assemble.Job((*key, *piece.order), "piece", "", out_dir, roots, piece.anchors(), front=spec)


def _print_cache(model: CaseModel) -> Path:
    return print_cache_dir(model.root)


def _numbers_file(model: CaseModel) -> Path:
    """The last build's front-matter page numbers (the next build's first guess; always verified)."""
    return _print_cache(model) / "front-numbers.json"


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
    front_pages: int | None = None,
    draw: bool = True,
) -> BuildResult:
    """Build packets for `recipient` into `case.out_dir`; log a custody "build" entry.
    `jobs`: worker processes (default: all cores); `chunk`: exhibits per run (default: automatic);
    `front_pages`: pages a piece of the front matter aims at (default: `front.PIECE_PAGES`);
    `draw`: draw exhibit pages without WeasyPrint where they can be (`render/drawn.py`)."""
    wanted = recipients_for(recipient)
    model = load_case_model(case, now=now)
    status = evaluate(model)
    result = BuildResult()
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
        # print copies not in the cache yet are made by the workers rendering their exhibits
        views[r] = build_view(model, status, r, draft, out_dir, defer_prints=True)
        htmls[r] = env.get_template("zh-CN/packet.html").render(**views[r])
    faces = packet_fonts("".join(htmls.values()), _print_cache(model))
    font_faces = [{"url": Path(os.path.relpath(f["path"], out_dir)).as_posix(), "weight": f["weight"]} for f in faces]
    views = {r: dict(v, font_faces=font_faces) for r, v in views.items()}
    deferred = {r: any("print_src" in ex for ex in views[r]["exhibits"]) for r in wanted}  # before fill_prints
    drawing = _drawing_faces(model, views, faces, draw)  # (its cut holds the timeline's characters too)
    try:
        rendered = _render_packets(model, views, out_dir, roots, assemble.default_workers(jobs), chunk,
                                    front_pages, drawing, front.Metrics(drawing.regular) if drawing else _metrics(faces))
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
        if deferred[r]:
            # the preview, with the print copies made since `htmls` was rendered (cache hits here)
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
