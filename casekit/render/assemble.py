"""Render a packet in pieces on all cores and join them into one PDF with exact page numbers.

A packet is rendered as
- runs ("chunks") of exhibits, each its own WeasyPrint document in a worker process, with the
  running header (case id + exhibit label) but no page footer; each run reports on which page
  each of its exhibits starts (WeasyPrint's page anchors);
- the front matter (cover … timeline) and the appendix in pieces of a few pages each
  (`render/front.py`): long lists in row ranges, cut where WeasyPrint broke the page; every page
  number they print (contents, 证据清单 页码) is a literal computed from the measured lengths of the
  pieces and the runs; a piece that printed a wrong guess is rendered again;
- a one-page template whose only text is the footer, from which the footer's font, size and
  position are copied: after joining, each page gets "第 X 页 共 Y 页" stamped with that font (the
  glyph codes and widths are read from the template's PDF).

Memory: every piece is rendered in a fresh worker process (`maxtasksperchild=1`), so the peak is
one piece per worker, whatever the number of exhibits.
"""

from __future__ import annotations

import io
import math
import os
from dataclasses import dataclass
from pathlib import Path
from collections import deque
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
    "stamp"; `key` ties it to a packet."""

    key: Any
    kind: str
    html: str
    base_dir: Path
    roots: list[Path]
    anchors: list[str]
    front: dict[str, Any] | None = None  # kind "piece": template, view, case root, piece (parts, ranges), page_of
    run: dict[str, Any] | None = None    # kind "chunk" rendered in the worker: template, view, run, case root,
    #                                      print cache, out dir (the run's print copies are made there first)


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


def _render_job(job: Job) -> Result:
    """Worker: (key, kind, pdf, first page (0-based) of each anchor, page count). A casekit error
    comes back as its parts (kind "error") so the parent re-raises it with its hint."""
    from ..errors import CasekitError

    try:
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

    import weasyprint  # noqa: F401 - imported once here, inherited by the forked workers

    finished: queue.Queue = queue.Queue()
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(workers, maxtasksperchild=1) as pool:
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
    height = 14.0 + 4 * 4.4 + 2.5  # heading + four metadata lines + rules
    meta_w = CONTENT_W_MM
    for text in (ex["source"], ex["purpose"]):
        height += (_text_mm(str(text), 8, meta_w) - 1) * 4.0
    if ex.get("image"):
        height += float(ex["image_mm"]["height"]) + 4.0
    elif ex.get("image_missing"):
        height += 8.0
    height += 10.0  # 识别内容
    t = ex["transcript"]
    line_h = 9 * 1.55 * 25.4 / 72 + 1.2
    width = CONTENT_W_MM - 5
    if t.get("note"):
        height += _text_mm(t["note"], 8.5, width) * 4.8
    if t.get("rows"):
        height += 12 + 11 * len(t["rows"])
    for line in t.get("lines", []):
        height += _text_mm(str(line), 9, width) * line_h
    return max(1, math.ceil(height / CONTENT_H_MM))


# -- footer stamps ------------------------------------------------------------------------------

@dataclass
class Stamp:
    """Everything needed to draw the page footer as WeasyPrint drew it on the template page."""

    prefix: bytes           # graphics state before BT (the page's cm operators, the colour)
    matrix: tuple[float, ...]
    font_size: float
    centre: float           # x of the footer's centre, in text space
    codes: dict[str, bytes]
    widths: dict[str, float]
    font: Any               # the template's /Font object (pypdf)


def _widths(descendant) -> dict[int, float]:
    out: dict[int, float] = {}
    w = list(descendant.get("/W", []))
    i = 0
    while i < len(w):
        first = int(w[i])
        if isinstance(w[i + 1], list):
            for k, value in enumerate(w[i + 1]):
                out[first + k] = float(value)
            i += 2
        else:
            last, value = int(w[i + 1]), float(w[i + 2])
            for cid in range(first, last + 1):
                out[cid] = value
            i += 3
    return out


def read_stamp(template_pdf: bytes, text: str = "第 0123456789 页 共") -> Stamp:
    """The footer of the stamp template (templates/zh-CN/stamp.html): its glyph codes per
    character, widths, font, size and placement."""
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    import re

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(template_pdf))
    page = reader.pages[0]
    data = page.get_contents().get_data().decode("latin-1")
    head, _, rest = data.partition("BT")
    body = rest.partition("ET")[0]
    num = r"-?[\d.]+"
    prefix = [m.group(0) for m in re.finditer(rf"(?:{num}\s+){{6}}cm", head)]
    colour = re.findall(rf"((?:{num}\s+){{3}})rg", head)
    tm = re.search(rf"((?:{num}\s+){{6}})Tm", body)
    tf = re.search(rf"(/\S+)\s+({num})\s+Tf", body)
    raw = bytes.fromhex("".join(re.findall(r"<([0-9A-Fa-f]*)>", body.partition("Tf")[2])))
    if not tm or not tf or len(raw) != 2 * len(text):
        raise AssemblyMismatch("casekit: unexpected footer in the stamp template")
    matrix = tuple(float(x) for x in tm.group(1).split())
    font_name, size = tf.group(1), float(tf.group(2))
    prefix.append((colour[-1] if colour else "0 0 0 ") + "rg")
    font = page["/Resources"]["/Font"][font_name].get_object()
    widths_by_cid = _widths(font["/DescendantFonts"][0].get_object())
    codes = {c: raw[2 * i:2 * i + 2] for i, c in enumerate(text)}
    widths = {c: widths_by_cid.get(int.from_bytes(code, "big"), 1000.0) for c, code in codes.items()}
    total = sum(widths[c] for c in text) / 1000 * size
    return Stamp(" ".join(prefix).encode(), matrix, size, matrix[4] + total / 2, codes, widths, font)


def footer_text(page: int, total: int) -> str:
    return f"第 {page} 页 共 {total} 页"


def stamp_stream(stamp: Stamp, text: str, font_name: str) -> bytes:
    width = sum(stamp.widths[c] for c in text) / 1000 * stamp.font_size
    a, b, c, d, _, y = stamp.matrix
    x = stamp.centre - width / 2
    glyphs = b"".join(stamp.codes[ch] for ch in text).hex().encode()
    return (b"q " + stamp.prefix + b" BT "
            + f"{a:g} {b:g} {c:g} {d:g} {x:.4f} {y:.4f} Tm {font_name} {stamp.font_size:g} Tf ".encode()
            + b"<" + glyphs + b"> Tj ET Q")


def join(parts: list[tuple[bytes, range]], stamp: Stamp) -> tuple[bytes, int]:
    """The given page ranges of each PDF, in order, each page stamped with its footer
    ("第 X 页 共 Y 页", in the template's font at the template's place). Returns (pdf, pages)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    readers = [(PdfReader(io.BytesIO(pdf)), pages) for pdf, pages in parts]
    total = sum(len(pages) for _, pages in readers)
    writer = PdfWriter()
    font_ref = None
    name = "/CkFooter"
    for reader, pages in readers:
        for index in pages:
            added = writer.add_page(reader.pages[index])
            if font_ref is None:
                font_ref = writer._add_object(stamp.font.clone(writer))
            resources = added[NameObject("/Resources")].get_object()
            if "/Font" not in resources:
                resources[NameObject("/Font")] = DictionaryObject()
            resources["/Font"].get_object()[NameObject(name)] = font_ref
            pieces = []
            for body in (b"q", None, b"Q", stamp_stream(stamp, footer_text(len(writer.pages), total), name)):
                if body is None:
                    contents = added["/Contents"]
                    pieces += list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) \
                        else [contents]
                    continue
                stream = DecodedStreamObject()
                stream.set_data(body)
                pieces.append(writer._add_object(stream))
            added[NameObject("/Contents")] = ArrayObject(pieces)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), total


def default_workers(requested: int | None = None) -> int:
    if requested and requested > 0:
        return requested
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


