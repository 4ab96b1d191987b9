"""Render a packet in pieces on all cores and join them into one PDF with exact page numbers.

A packet is rendered as
- its exhibits, 证据清单, timeline and appendix drawn by the parent (`drawn.py`, lengths exact
  before anything renders), the workers making the print copies still missing ("prints" jobs); or, where they
  cannot be drawn, runs ("chunks") of exhibits, each its own WeasyPrint document in a worker
  process, with the running header (case id + exhibit label) but no page footer; each run
  reports on which page each of its exhibits starts (WeasyPrint's page anchors);
- the front matter (cover … timeline) and the appendix in pieces of a few pages each
  (`render/front.py`): long lists in row ranges, cut where WeasyPrint broke the page; every page
  number they print (contents, 证据清单 页码) is a literal computed from the measured lengths of the
  pieces and the runs; a piece that printed a wrong guess is rendered again;
- a one-page template whose only text is the footer, from which the footer's font, size and
  position are copied: after joining, each page gets "第 X 页 共 Y 页" stamped with that font
  (`joining.py`).

Memory: every piece is rendered in a fresh worker process (`maxtasksperchild=1`), so the peak is
one piece per worker, whatever the number of exhibits.
"""

from __future__ import annotations

import gc
import math
import os
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .pdf import html_to_pdf_document

# A4 with the packet's margins: the content box (mm) an exhibit flows through.
CONTENT_W_MM, CONTENT_H_MM = 210 - 32, 297 - 40
DEFAULT_CHUNK = 25      # exhibits per run (≈ 25–40 pages): big enough to amortise a process + fonts
MIN_CHUNK = 8


class AssemblyMismatch(RuntimeError):
    """The pieces do not fit together (e.g. a case's own exhibit template without the anchor or
    page break the runs rely on): the caller renders the packet as one document instead."""


@dataclass
class Job:
    """One WeasyPrint render: `kind` is "chunk", "piece" (of the front matter or the appendix) or
    "stamp"; or "prints": the print copies of exhibits the parent draws. `key` ties it to a packet."""

    key: Any
    kind: str
    html: str
    base_dir: Path
    roots: list[Path]
    anchors: list[str]
    front: dict[str, Any] | None = None  # kind "piece": template, view, case root, piece (parts, ranges), page_of
    run: dict[str, Any] | None = None    # kind "chunk" rendered in the worker: template, view, run, case root,
    #                                      print cache, out dir (the run's print copies are made there first);
    #                                      kind "prints": run, print cache, out dir


Result = tuple[Any, str, Any, list[int], int]  # key, kind, pdf, first page of each anchor, page count


def page_numbers(view: dict[str, Any], counts: list[int], front_pages: int) -> dict[str, int]:
    """Page number of each exhibit and of the appendix ("#anchor" → page) when the front matter
    takes `front_pages` pages and the exhibits `counts` pages each."""
    out, page = {}, front_pages + 1
    for ex, n in zip(view["exhibits"], counts):
        out["#" + ex["anchor"]] = page
        page += n
    out["#appendix"] = page
    return out


def _front_html(spec: dict[str, Any]) -> str:
    """A piece of the front matter (render/front.py) with its page numbers as literals."""
    from .jinja import make_env

    template = make_env(spec["case_root"]).get_template(spec["template"])
    return template.render(**dict(spec["view"], front_only=True, piece=spec["piece"], ranges=spec["piece"]["ranges"],
                                  page_of=spec["page_of"]))


def _run_html(spec: dict[str, Any]) -> str:
    """A run of exhibits as HTML, after making the print copies it still lacks (so that encoding
    them overlaps with the other pieces instead of preceding all of them)."""
    from .jinja import make_env
    from .viewmodels import fill_prints

    fill_prints(spec["run"], spec["cache"], spec["out_dir"])
    template = make_env(spec["case_root"]).get_template(spec["template"])
    return template.render(**dict(spec["view"], run=spec["run"], with_appendix=False))


def _make_prints(spec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Worker, for exhibits drawn by the parent (`render/drawn.py`): make their print copies;
    (print copy key, the exhibit's image fields) for each."""
    from .viewmodels import fill_prints

    keys = [ex["print_src"][1] for ex in spec["run"]]
    fill_prints(spec["run"], spec["cache"], spec["out_dir"])
    return [(key, {name: ex.get(name) for name in ("image", "image_mm", "image_missing")})
            for key, ex in zip(keys, spec["run"])]


def _render_job(job: Job) -> Result:
    """Worker: (key, kind, pdf, first page (0-based) of each anchor, page count). A casekit error
    comes back as its parts (kind "error") so the parent re-raises it with its hint."""
    from ..errors import CasekitError

    try:
        if job.kind == "prints":
            return job.key, job.kind, _make_prints(job.run), [], 0
        html = job.html
        if job.front is not None:
            html = _front_html(job.front)
        if job.run is not None:
            html = _run_html(job.run)
        document, write = html_to_pdf_document(html, job.base_dir, job.roots)
    except CasekitError as exc:
        return job.key, "error", (type(exc), exc.zh, exc.en, exc.hint_zh, exc.hint_en), [], 0
    where: dict[str, int] = {}
    for number, page in enumerate(document.pages):
        for name in page.anchors:
            where.setdefault(name, number)
    starts = [where.get(a, -1) for a in job.anchors]
    return job.key, job.kind, write(), starts, len(document.pages)


def _worker_init() -> None:
    """A render worker lives for one piece. WeasyPrint allocates boxes by the hundred thousand, so
    the cyclic collector's default gen-0 threshold (700) ran it ~100 times a piece, 3–12 % of the
    piece's CPU; what the worker inherited from the parent is frozen out of collection for good.
    Peak memory of a piece is unchanged (measured)."""
    gc.freeze()
    gc.set_threshold(20_000, 10, 10)


def run_jobs(jobs: list[Job], workers: int, follow: Callable[[Result], list[Job]] | None = None) -> list[Result]:
    """Render `jobs` on `workers` processes (in this process when 1), each job in a fresh process.
    `follow(result)` may return more jobs (the next piece of a chain): they start before any job
    not started yet. At most `workers` jobs are handed to the pool at a time, so that holds."""
    pending = deque(jobs)
    results: list[Result] = []

    def done(result: Result) -> None:
        if result[1] == "error":
            cls, zh, en, hint_zh, hint_en = result[2]
            raise cls(zh, en, hint_zh=hint_zh, hint_en=hint_en)
        results.append(result)
        if follow is not None:
            pending.extendleft(reversed(follow(result)))

    if workers <= 1 or (len(jobs) <= 1 and follow is None):
        while pending:
            done(_render_job(pending.popleft()))
        return results
    import multiprocessing
    import queue

    from .weasy import load

    load()  # imported once here, inherited by the forked workers
    finished: queue.Queue = queue.Queue()
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(workers, initializer=_worker_init, maxtasksperchild=1) as pool:
        running = 0
        while pending or running:
            while pending and running < workers:
                pool.apply_async(_render_job, (pending.popleft(),), callback=finished.put,
                                 error_callback=finished.put)
                running += 1
            result = finished.get()
            running -= 1
            if isinstance(result, BaseException):
                raise result
            done(result)
    return results


def chunk_size(n: int, workers: int, requested: int | None = None) -> int:
    """Exhibits per run: `requested`, else enough runs to keep every worker busy (the front
    matter is one more job), at most DEFAULT_CHUNK so that memory stays bounded."""
    if requested:
        return max(1, requested)
    if n <= 0:
        return 1
    per_worker = math.ceil(n / max(1, workers))
    return max(MIN_CHUNK, min(DEFAULT_CHUNK, per_worker))


def split(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _text_mm(text: str, size_pt: float, width_mm: float) -> int:
    """Lines a paragraph takes at `size_pt` in `width_mm` (CJK 1 em, other characters ~0.55 em)."""
    em = size_pt * 25.4 / 72
    width = sum(em if ord(c) > 0x2E7F else 0.55 * em for c in text)
    return max(1, math.ceil(width / width_mm * 1.04))


def predict_pages(ex: dict[str, Any]) -> int:
    """How many pages an exhibit takes (a prediction: a run measures the truth, and a wrong guess
    only costs one more render of the front matter)."""
    # heading + four metadata lines + rules; with the transcript's line height below, calibrated on
    # 200 extracted screenshots (bench_packets' set): 2 of 200 lengths mispredicted, was 17
    height = 12.0 + 4 * 4.4 + 2.5
    meta_w = CONTENT_W_MM
    for text in (ex["source"], ex["purpose"]):
        height += (_text_mm(str(text), 8, meta_w) - 1) * 4.0
    if ex.get("image") or ex.get("print_src"):  # a deferred print copy has its planned size already
        height += float(ex["image_mm"]["height"]) + 4.0
    elif ex.get("image_missing"):
        height += 8.0
    height += 10.0  # 识别内容
    t = ex["transcript"]
    line_h = 9 * 1.55 * 25.4 / 72 + 0.6  # .transcript p: 9 pt, line-height 1.55, 0.6 mm margins (collapsed)
    width = CONTENT_W_MM - 5
    if t.get("note"):
        height += _text_mm(t["note"], 8.5, width) * 4.8
    if t.get("rows"):
        height += 12 + 11 * len(t["rows"])
    for line in t.get("lines", []):
        height += _text_mm(str(line), 9, width) * line_h
    return max(1, math.ceil(height / CONTENT_H_MM))


def default_workers(requested: int | None = None) -> int:
    if requested and requested > 0:
        return requested
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


