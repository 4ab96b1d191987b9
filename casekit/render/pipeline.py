"""A packet's PDF, as a pipeline of small named steps over its view model (read top to bottom):

1. `plan_pieces`   — the packet as WeasyPrint documents: the front matter in two (cover,
                     contents, the filing and the 证据清单; the timeline), runs of exhibits (images
                     as empty slots) and the appendix. Each piece starts on a new page, so the
                     lengths simply add up, and they render side by side.
2. `pieces.render_all` — every piece laid out by WeasyPrint, on two processes where there are two
                     cores, cached by its HTML (a repeat build renders only what changed).
3. `number_pages`  — pass one is done: each piece's length and where each exhibit starts give
                     every page number; nothing is predicted and nothing is rendered again.
4. `overlay_pages` → `overlay.overlay_pieces` — pass two: the text-only overlay (footers, exhibit
                     stamps, the page numbers on their slots), laid out by WeasyPrint.
5. `join_packet`   — pikepdf joins the pieces, places the print copies (img2pdf, no re-encoding),
                     merges the overlay, carries bookmarks and links (`joining.py`).
6. `pdfa.make_pdfa` — PDF/A-3b with the originals, MANIFEST.sha256 and custody.jsonl attached.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

import pikepdf

from ..errors import BadInput
from ..fsutil import atomic_write_with
from . import joining, overlay, pdfa, pieces
from .jinja import make_env

RUN_SIZE = 25            # exhibits a WeasyPrint document: enough to amortise a process and its fonts
EXHIBITS_BOOKMARK = "证据材料"
# the front matter's pieces: (name, parts, the anchor each part's first page is known by)
# (the filing and the 证据清单 share one: the filing refers to the 证据清单's page in its running text,
# which WeasyPrint numbers itself — a number laid later could not take part in the line breaking)
FRONT = [("front", ["cover", "contents", "doc", "evidence"]), ("timeline", ["timeline"])]
PART_ANCHORS = {"doc": "doc", "evidence": "evidence-list", "timeline": "timeline", "appendix": "appendix"}


@dataclass
class Plan:
    """One packet: its view model and its pieces' keys in page order, with the runs' exhibits."""

    recipient: str
    view: dict[str, Any]
    front: list[str]                                  # keys of the front matter's pieces
    runs: list[tuple[str, list[dict[str, Any]]]]
    appendix: str
    targets: dict[str, list[str]] = field(default_factory=dict)  # piece → its placeholder link targets

    def keys(self) -> list[str]:
        return [*self.front, *(key for key, _ in self.runs), self.appendix]


@dataclass
class Numbers:
    """Pass one's result: first page (1-based) of each piece and of each anchor, the total."""

    starts: dict[str, int]
    page_of: dict[str, int]
    total: int


def numbered(view: dict[str, Any]) -> set[str]:
    """What the contents and the filing give page numbers of (laid by the overlay): every part."""
    return {s["anchor"] for s in view["sections"]}


def plan_pieces(env: Any, recipient: str, view: dict[str, Any], run_size: int = RUN_SIZE) -> tuple[Plan, list[pieces.Piece]]:
    """Step 1: the packet's pieces (front matter, exhibit runs, appendix) as HTML."""
    packet = env.get_template("zh-CN/packet.html")
    slim = dict(view, exhibits=[])  # a run needs the case's fields and its own exhibits only
    every = [ex["anchor"] for ex in view["exhibits"]] + list(PART_ANCHORS.values())
    plan = Plan(recipient, view, [], [], f"{recipient}/appendix")
    made = []
    for name, parts in [*FRONT, ("appendix", ["appendix"])]:
        key = f"{recipient}/{name}"
        own = {PART_ANCHORS[p] for p in parts if p in PART_ANCHORS}
        plan.targets[key] = [a for a in every if a not in own]
        made.append(pieces.Piece(key, packet.render(**dict(
            view, piece={"parts": parts, "targets": plan.targets[key]}, pn_slots=numbered(view)))))
        if name != "appendix":
            plan.front.append(key)
    exhibits, chunk = view["exhibits"], env.get_template("zh-CN/chunk.html")
    for i in range(0, len(exhibits), run_size):
        run = exhibits[i:i + run_size]
        key = f"{recipient}/run{i // run_size}"
        plan.runs.append((key, run))
        made.append(pieces.Piece(key, chunk.render(**dict(slim, run=run, image_slots=True))))
    return plan, made


def number_pages(plan: Plan, rendered: dict[str, pieces.Rendered]) -> Numbers:
    """Step 3: every page number, from the lengths of the pieces and where each exhibit starts."""
    starts, page = {}, 1
    for key in plan.keys():
        starts[key] = page
        page += rendered[key].pages
    page_of = {}
    for key in [*plan.front, plan.appendix]:
        for anchor in PART_ANCHORS.values():
            if anchor in rendered[key].anchors and anchor not in plan.targets[key]:
                page_of["#" + anchor] = starts[key] + rendered[key].anchors[anchor][0]
    for key, run in plan.runs:
        for ex in run:
            where = rendered[key].anchors.get(f"start-{ex['anchor']}")
            if where is None:
                raise BadInput(f"证据页模板缺少锚点 start-{ex['anchor']}", f"the exhibit run template lost its anchor start-{ex['anchor']}",
                               hint_zh="案件 templates/ 中自定义的 chunk.html 须保留每件证据外层的 id=\"start-{{ ex.anchor }}\"",
                               hint_en="a case's own chunk.html must keep id=\"start-{{ ex.anchor }}\" around each exhibit")
            page_of["#" + ex["anchor"]] = starts[key] + where[0]
    return Numbers(starts, page_of, page - 1)


def overlay_pages(plan: Plan, rendered: dict[str, pieces.Rendered], numbers: Numbers) -> list[overlay.OverlayPage]:
    """Step 4a: what the overlay lays on each page: the footer, an exhibit page's stamp (case id,
    label, SHA-256), and the page numbers of the contents and the 证据清单 on their slots."""
    pages = [overlay.OverlayPage(n) for n in range(1, numbers.total + 1)]
    case_id = plan.view["case_id"]
    for key, run in plan.runs:
        first_pages = [numbers.page_of["#" + ex["anchor"]] for ex in run]
        ends = first_pages[1:] + [numbers.starts[key] + rendered[key].pages]
        for ex, lo, hi in zip(run, first_pages, ends):
            for n in range(lo, hi):
                pages[n - 1].stamp = f"案件编号 {case_id}　{ex['label']}　SHA-256 {ex['sha256']}"
    wanted = sorted(numbered(plan.view))  # a set: sorted, so the overlay's HTML (its cache key) is the same each build
    for key in plan.front:
        done, first = rendered[key], numbers.starts[key] - 1
        for anchor in wanted:
            text = str(numbers.page_of.get(anchor, ""))
            for slot, laid in ((f"pn-toc-{anchor[1:]}", overlay.contents_number),
                               (f"pn-list-{anchor[1:]}", overlay.list_number)):
                if slot in done.anchors:
                    page, box = done.anchors[slot]
                    pages[first + page].numbers.append(laid(box, text))
    return pages


def join_packet(plan: Plan, rendered: dict[str, pieces.Rendered], layers: list[bytes], out_dir: Path) -> joining.Joined:
    """Step 5: the pieces joined, print copies placed into their slots, the overlay merged."""
    parts = [joining.Part(rendered[key].pdf, placeholders=set(plan.targets[key])) for key in plan.front]
    for key, run in plan.runs:
        slots = []
        for ex in run:
            where = rendered[key].anchors.get(f"img-{ex['anchor']}")
            if ex.get("image") and where is not None:
                slots.append(joining.Slot(where[0], where[1], (out_dir / ex["image"]).resolve()))
        parts.append(joining.Part(rendered[key].pdf, slots, EXHIBITS_BOOKMARK))
    parts.append(joining.Part(rendered[plan.appendix].pdf, placeholders=set(plan.targets[plan.appendix])))
    return joining.join(parts, layers, f"{plan.view['title']} — {plan.view['case_id']}")


def default_workers(requested: int | None = None) -> int:
    if requested and requested > 0:
        return requested
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def build_pdfs(case_root: Path, plans_views: dict[str, dict[str, Any]], out_dir: Path, roots: list[Path],
               workers: int, cache: Path | None, files: dict[str, list[pdfa.Attachment]], when: datetime,
               targets: dict[str, Path], run_size: int = RUN_SIZE,
               alongside: dict[str, tuple[str, Path, str]] | None = None,
               on_piece: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Each recipient's packet PDF written (atomically) to `targets[recipient]`; its page count.
    All packets' pieces share the processes, and so do the documents `alongside` (name → (HTML, the
    path its PDF is written to, its title), e.g. the victim's guide: PDF/A-3b, nothing attached). `on_piece(done, total)` after each piece
    is ready (the total grows once, when the page-number overlays are planned)."""
    env = make_env(case_root)
    plans, todo = {}, []
    for r, view in plans_views.items():
        plans[r], made = plan_pieces(env, r, view, run_size)
        todo += made
    todo += [pieces.Piece(name, html) for name, (html, _, _) in (alongside or {}).items()]
    todo.sort(key=lambda p: "/run" in p.key)  # the front matter first: its pieces are the longest
    count = {"done": 0, "total": len(todo)}

    def tick(n: int) -> None:
        count["done"] += n
        if on_piece:
            on_piece(count["done"], count["total"])

    rendered = pieces.render_all(todo, out_dir, roots, cache, workers, tick)
    for name, (_, path, title) in (alongside or {}).items():
        with pikepdf.open(io.BytesIO(rendered[name].pdf)) as pdf:
            pdfa.make_pdfa(pdf, title, [], when)
            atomic_write_with(path, pdf.save)
    numbers = {r: number_pages(plan, rendered) for r, plan in plans.items()}
    layer_pieces = {r: overlay.overlay_pieces(env, f"{r}/overlay", plan.view, overlay_pages(plan, rendered, numbers[r]),
                                              workers)
                    for r, plan in plans.items()}
    count["total"] += sum(len(ps) for ps in layer_pieces.values())
    laid = pieces.render_all([p for ps in layer_pieces.values() for p in ps], out_dir, roots, cache, workers, tick)
    out = {}
    for r, plan in plans.items():
        joined = join_packet(plan, rendered, [laid[p.key].pdf for p in layer_pieces[r]], out_dir)
        pdfa.make_pdfa(joined.pdf, f"{plan.view['title']} — {plan.view['case_id']}", files.get(r, []), when)
        atomic_write_with(targets[r], joined.save)
        out[r] = numbers[r].total
    return out
