"""WeasyPrint renders of a packet's pieces (front matter, runs of exhibits, appendix, overlay),
on up to two processes, cached by their HTML.

A piece is one HTML document. Its render is everything a later step needs: the PDF, its page
count, and where each named element landed (WeasyPrint's documented `Page.anchors`: page index
and box in CSS px), which is how the exhibit images are placed and the page numbers found.
The HTML says everything the PDF shows (fonts by content-named files, images only as empty
slots), so a render is cached under the SHA-256 of its HTML: a repeat build renders only what
changed.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import importlib.metadata
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

CACHE_VERSION = "r3"  # bump when what a render records changes

Box = tuple[float, float, float, float]  # left, top, right, bottom in CSS px (1 px = 0.75 pt)


@dataclass
class Piece:
    """One document to render: `key` names it in the packet, `html` is all of it."""

    key: str
    html: str


@dataclass
class Rendered:
    """A rendered piece: PDF bytes, page count, anchors (name → (page index, box)) from WeasyPrint's
    Page API. A box is (left, top, right, bottom): what WeasyPrint 70 gives (its docstring says an
    (x, y) point; tests/test_packet_pdf.py checks the numbers land where they belong)."""

    key: str
    pdf: bytes
    pages: int
    anchors: dict[str, tuple[int, Box]]


@functools.lru_cache(maxsize=1)
def _weasyprint_version() -> str:
    # from the installed distribution's metadata: a repeat build whose pieces are all cached
    # never imports WeasyPrint (0.7 s and ~40 MiB of the parent)
    return importlib.metadata.version("weasyprint")


def cache_key(html: str) -> str:
    return hashlib.sha256(f"{CACHE_VERSION}|{_weasyprint_version()}|{html}".encode()).hexdigest()


def render(piece: Piece, base_dir: Path, roots: list[Path]) -> Rendered:
    """Lay out and write one piece with WeasyPrint (reading only `roots`)."""
    from .pdf import html_to_pdf_document

    document, write = html_to_pdf_document(piece.html, base_dir, roots)
    anchors: dict[str, tuple[int, Box]] = {}
    for number, page in enumerate(document.pages):
        for name, box in page.anchors.items():
            anchors.setdefault(name, (number, tuple(box)))
    return Rendered(piece.key, write(), len(document.pages), anchors)


def _load_cached(cache: Path, key: str, name: str) -> Rendered | None:
    pdf, meta = cache / f"{key}.pdf", cache / f"{key}.json"
    try:
        info = json.loads(meta.read_text(encoding="utf-8"))
        data = pdf.read_bytes()
    except (OSError, ValueError, KeyError):
        return None
    if not isinstance(info, dict) or hashlib.sha256(data).hexdigest() != info.get("sha256"):
        return None  # torn or edited: render again
    anchors = {k: (int(v[0]), tuple(v[1])) for k, v in info["anchors"].items()}
    return Rendered(name, data, int(info["pages"]), anchors)


def _store(cache: Path, key: str, done: Rendered) -> None:
    """A cache, not evidence: temp file + rename, no fsync (a torn entry fails its hash)."""
    cache.mkdir(parents=True, exist_ok=True)
    meta = {"sha256": hashlib.sha256(done.pdf).hexdigest(), "pages": done.pages,
            "anchors": {k: [p, list(b)] for k, (p, b) in done.anchors.items()}}
    for suffix, data in ((".pdf", done.pdf), (".json", json.dumps(meta).encode())):
        fd, tmp = tempfile.mkstemp(prefix=f".{key}.", dir=cache)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, cache / f"{key}{suffix}")


def _worker(args: tuple[Piece, Path, list[Path]]) -> Rendered | tuple:
    """Worker process: a render, or a casekit error as its parts (re-raised in the parent)."""
    from ..errors import CasekitError

    try:
        return render(*args)
    except CasekitError as exc:
        return (type(exc), exc.zh, exc.en, exc.hint_zh, exc.hint_en)


def _worker_init() -> None:
    # WeasyPrint allocates boxes by the hundred thousand: the cyclic collector's default
    # threshold ran it ~100 times a piece; what the worker inherited is frozen out of it
    gc.freeze()
    gc.set_threshold(20_000, 10, 10)


def render_all(pieces: list[Piece], base_dir: Path, roots: list[Path], cache: Path | None,
               workers: int, on_done: Callable[[int], None] | None = None) -> dict[str, Rendered]:
    """Every piece, by key: cache hits first, the rest on `workers` processes, in the order given
    (put the longest first). Each render runs in a fresh process, so the peak memory is one piece
    per worker whatever the packet's size. `on_done(n)`: n more pieces are done (cache hits at
    once, then each render as it finishes)."""
    out: dict[str, Rendered] = {}
    todo: list[tuple[Piece, str]] = []
    for piece in pieces:
        key = cache_key(piece.html)
        hit = _load_cached(cache, key, piece.key) if cache is not None else None
        if hit is not None:
            out[piece.key] = hit
        else:
            todo.append((piece, key))
    keys = {piece.key: key for piece, key in todo}
    if on_done and out:
        on_done(len(out))
    results: list[Any] = []
    if workers <= 1 or not todo:  # one piece too in a process of its own: the parent stays small
        for piece, _ in todo:
            results.append(render(piece, base_dir, roots))
            if on_done:
                on_done(1)
    else:
        import multiprocessing

        from .weasy import load

        load()  # imported once, inherited by the forked workers
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(min(workers, len(todo)), initializer=_worker_init, maxtasksperchild=1) as pool:
            for result in pool.imap_unordered(_worker, [(p, base_dir, roots) for p, _ in todo]):
                results.append(result)
                if on_done:
                    on_done(1)
    for result in results:
        if isinstance(result, tuple):
            cls, zh, en, hint_zh, hint_en = result
            raise cls(zh, en, hint_zh=hint_zh, hint_en=hint_en)
        if cache is not None:
            _store(cache, keys[result.key], result)
        out[result.key] = result
    return out
