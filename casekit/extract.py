"""`casekit extract`: run the importers over every evidence item not yet extracted.

Work runs in a process pool (one Tesseract thread per worker); each result is stored as
soon as it arrives, so Ctrl-C keeps what was finished and the next run does the rest.
Results are keyed by (SHA-256, casekit version, settings): a re-run does no work.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from . import __version__
from .errors import CasekitError, bilingual
from .fsutil import interrupts_at_checkpoints
from .importers.base import ExtractContext
from .metadata import SHANGHAI
from .records import Extraction
from .store import Case, EvidenceItem


@dataclass
class ExtractSummary:
    extracted: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    warnings: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"extracted": self.extracted, "cached": self.cached, "warnings": self.warnings}


def incident_date(case: Case) -> date | None:
    """`[case].incident_date` from case.toml, or None while case.toml is incomplete or invalid
    (`casekit status` reports that; extraction still runs)."""
    from .facts import load_facts

    try:
        return load_facts(case.toml_path).case.incident_date
    except CasekitError:
        return None


def taken_days(case: Case) -> dict[str, date]:
    """`[evidence.Exxxx] taken_on` per item (the user's word on when a screenshot was taken)."""
    from .facts import load_facts

    try:
        notes = load_facts(case.toml_path).evidence
    except CasekitError:
        return {}
    return {eid.upper(): n.taken_on for eid, n in notes.items() if n.taken_on}


def reference_time(metadata: dict[str, Any], incident: date | None, user_date: date | None,
                   taken_on: date | None = None) -> tuple[datetime | None, str | None]:
    """The best reference for time labels: capture time, else the day the user says she took the
    screenshot (`[evidence.E0001] taken_on`), else incident date, else --date.

    Only a capture time or the user's word bounds what a screen can show; the incident date and
    --date are stand-ins a year-less date is put nearest to (see ocr.timelabels.infer_year), and
    relative labels (昨天, 星期三) are left undated against them."""
    capture = metadata.get("capture_time")
    if capture:
        return datetime.fromisoformat(capture), metadata.get("capture_time_source")
    if taken_on:
        return datetime.combine(taken_on, time(23, 59), SHANGHAI), "taken_on"
    if incident:
        return datetime.combine(incident, time(23, 59), SHANGHAI), "incident_date"
    if user_date:
        return datetime.combine(user_date, time(23, 59), SHANGHAI), "user"
    return None, None


def latest_time(metadata: dict[str, Any]) -> datetime | None:
    """The latest a screenshot without a capture time can have been taken: its file time (the
    original's mtime recorded at `add`). A year-less chat date is never put after it."""
    try:
        return datetime.fromisoformat(metadata["mtime"]) if metadata.get("mtime") else None
    except (TypeError, ValueError):
        return None


def context_for(item: EvidenceItem, case: Case | None, user_date: date | None, column_map: dict[str, Any] | None,
                incident: date | None, taken_on: date | None = None, engine: str | None = None) -> ExtractContext:
    """What an importer may know about one evidence item. `engine`: the OCR engine's name
    (ocr.engine.engine_name has already resolved the default)."""
    reference, source = reference_time(item.metadata, incident, user_date, taken_on)
    latest = latest_time(item.metadata) if source == "incident_date" else None
    extras: dict[str, Any] = {"latest_time": latest} if latest else {}
    if engine:
        extras["ocr_engine"] = engine
    return ExtractContext(
        extras=extras,
        evidence_id=item.id,
        reference_time=reference,
        reference_source=source,
        incident_date=incident,
        column_map=column_map,
        cache_dir=(case.private_dir / "ocr-cache") if case else None,
        # the folder `casekit build` reads print copies from: an image decoded for OCR leaves
        # its print copy there, so the build after extract does not decode it again
        print_cache_dir=case.print_cache_dir if case else None,
    )


def settings_key(ctx: ExtractContext) -> str:
    """What a stored record depends on besides the file: version, reference time, column map.
    A changed incident date or --date therefore re-reads the items it affects."""
    reference = ctx.reference_time.isoformat() if ctx.reference_time else None
    latest = ctx.extras.get("latest_time")
    fields = {"v": __version__, "ref": reference, "src": ctx.reference_source, "map": ctx.column_map,
              "latest": latest.isoformat() if latest else None}
    if ctx.extras.get("ocr_engine"):  # another engine's reading is another record (bills: no engine)
        from .ocr.cache import PIPELINE_VERSION

        # and so is an older reader's: records from before a layout change are read again
        fields["engine"], fields["pipeline"] = ctx.extras["ocr_engine"], PIPELINE_VERSION
    raw = json.dumps(fields, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def _worker_init() -> None:
    """Workers leave Ctrl-C to the parent, which cancels what is pending and keeps what is done.

    A worker interrupted while holding the result queue's lock deadlocks the whole pool
    (seen: `extract -j 2` hung for good after Ctrl-C). Before this runs, a worker still has the
    parent's handler from `interrupts_at_checkpoints`, which ignores Ctrl-C in a child too.
    SIGTERM gets its default back: the pool stops a broken worker with it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


# How often the parent looks for a Ctrl-C while it waits for results (seconds).
INTERRUPT_POLL = 0.1


def run_importer(path: str, ctx: ExtractContext) -> dict[str, Any]:
    """Worker entry point (top level so it pickles). Returns the Extraction as JSON."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    from .importers.registry import extract_file

    if ctx.column_map:
        from .importers.bill_generic import generic_importer

        extraction = generic_importer(ctx.column_map).extract(Path(path), ctx)
        extraction.importer = extraction.importer or "generic"
        return extraction.to_json()
    try:
        return extract_file(Path(path), ctx).to_json()
    except CasekitError:
        raise
    except Exception as exc:  # a bug in one importer must not stop the batch; keep it visible
        return Extraction(kind="other", warnings=[bilingual(f"读取失败（程序错误 {type(exc).__name__}: {exc}）", f"reading failed (bug: {type(exc).__name__}: {exc})")]).to_json()


def extract_case(
    case: Case,
    jobs: int | None = None,
    user_date: date | None = None,
    column_map: dict[str, Any] | None = None,
    only: list[str] | None = None,
    on_done: Callable[[str, Extraction | None], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    engine: str | None = None,
) -> ExtractSummary:
    """Extract every non-excluded item whose stored records are missing or stale. `engine`: OCR
    engine name (else $CASEKIT_OCR_ENGINE, else the default); a screenshot read by another engine
    is read again."""
    from .ocr.engine import engine_name

    summary = ExtractSummary()
    engine = engine_name(engine)
    incident, taken = incident_date(case), taken_days(case)
    todo: list[tuple[EvidenceItem, ExtractContext, str]] = []
    wanted = {i.upper() for i in only} if only else None
    for item in case.items():
        if item.excluded or (wanted is not None and item.id not in wanted):
            continue
        ctx = context_for(item, case, user_date, column_map, incident, taken.get(item.id),
                          engine=engine if item.media_type.startswith("image/") else None)
        key = settings_key(ctx)
        meta = case.stored_record_meta(item.id)
        if meta and meta.get("sha256") == item.sha256 and meta.get("key") == key:
            summary.cached.append(item.id)
            if on_done:
                on_done(item.id, None)
            continue
        todo.append((item, ctx, key))
    if on_total:
        on_total(len(todo) + len(summary.cached))
    if not todo:
        return summary
    if any(item.media_type.startswith("image/") for item, _ctx, _key in todo):
        from .ocr.engine import engine_id, make_engine

        engine_id(make_engine(engine))  # exit 4 with the install command, before any work starts

    def store(item: EvidenceItem, key: str, data: dict[str, Any]) -> None:
        extraction = Extraction.from_json(data)
        case.save_extraction(item.id, item.sha256, key, extraction)
        summary.extracted.append(item.id)
        if extraction.warnings:
            summary.warnings[item.id] = extraction.warnings
        if on_done:
            on_done(item.id, extraction)

    jobs = max(1, jobs or os.cpu_count() or 1)
    try:
        if jobs == 1 or len(todo) == 1:
            for item, ctx, key in todo:
                store(item, key, run_importer(str(item.path), ctx))
        else:
            # Ctrl-C must never land inside the pool's own code: it forks the workers one by one
            # and takes the futures' locks in plain loops, and an interrupt there leaves a worker
            # nobody stops or a lock nobody releases (seen: `extract -j 2` never ended). So the
            # pool runs with Ctrl-C held and this loop takes it between two waits: pending work
            # is cancelled, the pool lets running items finish and stops its workers, and only
            # then does KeyboardInterrupt leave this block.
            workers = min(jobs, len(todo))
            # Largest files first: the big reads start at once and the small ones fill the gaps,
            # so no worker is left reading one large capture alone at the end.
            todo.sort(key=lambda entry: -entry[0].size)
            for _item, ctx, _key in todo:  # each worker's onnxruntime (PP-OCR) gets its share of the cores
                ctx.extras["ocr_threads"] = max(1, (os.cpu_count() or 1) // workers)
            with interrupts_at_checkpoints() as checkpoint, ProcessPoolExecutor(max_workers=workers, initializer=_worker_init) as pool:
                pending: dict[Future[dict[str, Any]], tuple[EvidenceItem, str]] = {
                    pool.submit(run_importer, str(item.path), ctx): (item, key) for item, ctx, key in todo
                }
                try:
                    while pending:
                        checkpoint()
                        done, _ = wait(pending, timeout=INTERRUPT_POLL, return_when=FIRST_COMPLETED)
                        for future in done:
                            item, key = pending.pop(future)
                            store(item, key, future.result())
                except BaseException:
                    for future in pending:
                        future.cancel()
                    raise
    finally:
        if summary.extracted:
            case.log("extract", evidence_ids=summary.extracted, warnings=sum(len(w) for w in summary.warnings.values()))
    summary.extracted.sort()
    return summary
