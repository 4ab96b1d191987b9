"""The real screenshot set: casekit's reader per engine vs raw `tesseract IMG - -l chi_sim`, same images, same run.

    OMP_THREAD_LIMIT=1 .venv/bin/python bench/bench_real.py [--engines tesseract,rapidocr] [--split tune|heldout]
                                                           [--speed] [--out results.json]

Images: the entries of bench/real_truth.json (ground truth by eye, see its `_about`), looked up in
tests/fixtures/screenshots/ and tests/fixtures/screenshots/fetched/ (staged, not committed: see
SOURCES.md there). An entry whose image is not present is named and counted as missing, never scored.

Per split and per engine:
- CER: edit distance between the truth transcript (every message's text in order, whitespace removed,
  NFKC folded) and the reader's text and notice messages in order, over the truth's length; raw
  Tesseract's CER on the same image beside it (its whole page output, chrome included, as a user gets it);
- speaker: each truth message with text, matched to the reader's text/notice message most like it (Dice
  coefficient over characters, so a question is not matched to a long answer quoting it); right when such
  a message exists and has the same speaker;
- sender: the same match for truth messages with a group nickname (`sender`), right when the reader's
  `name` equals it;
- media: a truth image/voice/video/sticker item is found when the reader has an `image` message of the
  same speaker between the matches of the truth messages before and after it; extra = the reader's
  `image` messages left over (a text bubble or a card taken for a photo);
- chrome as message: title/status/sheet strings (`chrome`) that came out as a message, or as a sender name
  in a group or list view (a one-to-one chat's title fairly names the other side);
- kinds: screenshots read as something other than `chat_screenshot`, and those filed as `image` with no
  warning at all (the issue's "silent image").

`--speed` adds, on the same present images: `casekit extract -j 2` wall time per engine on a fresh case vs
sequential raw tesseract (default threads and OMP_THREAD_LIMIT=1), the cached re-run, and each run's peak
memory (bench/_peak.py). The machine's load average is printed at start and end. Figures: bench/OCR.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from common import PYTHON, machine, measure, measure_isolated  # noqa: E402

TRUTH = HERE / "real_truth.json"
FOLDERS = {"fixtures": ROOT / "tests" / "fixtures" / "screenshots",
           "fetched": ROOT / "tests" / "fixtures" / "screenshots" / "fetched"}
MEDIA = ("image", "voice", "video", "sticker")


def load_truth(split: str | None = None) -> dict[str, dict]:
    entries = json.loads(TRUTH.read_text(encoding="utf-8"))
    return {name: t for name, t in entries.items()
            if not name.startswith("_") and (split is None or t["split"] == split)}


def image_path(name: str, truth: dict) -> Path | None:
    for folder in (FOLDERS[truth.get("where", "fixtures")], *FOLDERS.values()):
        if (folder / name).is_file():
            return folder / name
    return None


def shared(a: str, b: str) -> int:
    """Characters two strings have in common, order-free."""
    ca, cb = Counter(a), Counter(b)
    return sum(min(n, cb[c]) for c, n in ca.items())


def likeness(a: str, b: str) -> float:
    """Dice coefficient over characters: a short question is matched to the short bubble that says it,
    not to a long answer that quotes it."""
    return 2 * shared(a, b) / max(1, len(a) + len(b))


def raw_tesseract(path: Path, one_thread: bool = True) -> tuple[str, float]:
    env = {k: v for k, v in os.environ.items() if k != "OMP_THREAD_LIMIT"}
    if one_thread:
        env["OMP_THREAD_LIMIT"] = "1"
    start = time.perf_counter()
    out = subprocess.run(["tesseract", str(path), "-", "-l", "chi_sim"], capture_output=True, text=True, env=env).stdout
    return out, time.perf_counter() - start


def near(a: str, b: str) -> bool:
    """b is a (a chrome string) up to 30 % of its characters."""
    from casekit.ocr.quality import levenshtein

    return bool(a) and bool(b) and levenshtein(a, b) <= 0.3 * len(a)


def score(truth: dict, ex, base_text: str) -> dict:
    from casekit.ocr.quality import fold, levenshtein

    msgs = truth["messages"]
    ref = fold("".join(m["text"] for m in msgs))
    said = [m for m in ex.messages if m.kind in ("text", "notice")]
    hyp = fold("".join(m.text for m in said))
    speakers_ok = speakers_n = senders_ok = senders_n = 0
    order = list(ex.messages)
    matched: list[int | None] = []  # per truth message: index in ex.messages of its match
    for m in msgs:
        want = fold(m["text"])
        if not want:
            matched.append(None)
            continue
        best = max(said, key=lambda p: likeness(want, fold(p.text)), default=None)
        hit = best is not None and shared(want, fold(best.text)) > 0
        matched.append(order.index(best) if hit else None)
        speakers_n += 1
        speakers_ok += int(hit and best.speaker == m["speaker"])
        if m.get("sender"):
            senders_n += 1
            senders_ok += int(hit and fold(best.name or "") == fold(m["sender"]))
    # a media item is found when the reader has an `image` message of the same speaker between the
    # matches of the truth messages before and after it (each reader item used once)
    media_n = media_found = 0
    used: set[int] = set()
    for k, m in enumerate(msgs):
        if m["kind"] not in MEDIA:
            continue
        media_n += 1
        before = max((i for i in matched[:k] if i is not None), default=-1)
        after = min((i for i in matched[k + 1:] if i is not None), default=len(order))
        pick = next((i for i in range(before + 1, after) if i not in used and order[i].kind == "image"
                     and order[i].speaker == m["speaker"]), None)
        if pick is not None:
            used.add(pick)
            media_found += 1
    media_extra = sum(1 for i, p in enumerate(order) if p.kind == "image" and i not in used)
    chrome = [fold(c) for c in truth.get("chrome", []) if len(fold(c)) >= 2]
    names_too = truth.get("chat") != "single"  # a one-to-one chat's title names the other side: a fair name
    chrome_hits = sum(1 for c in chrome if any(near(c, fold(p.text)) or (names_too and near(c, fold(p.name or "")))
                                               for p in order))
    seen = {fold(m.time_text) for m in ex.messages if m.time_text}
    labels = truth.get("time_labels", [])
    return {"ref_len": len(ref), "edits": levenshtein(ref, hyp), "base_edits": levenshtein(ref, fold(base_text)),
            "speakers_ok": speakers_ok, "speakers_n": speakers_n, "senders_ok": senders_ok, "senders_n": senders_n,
            "media_found": media_found, "media_n": media_n, "media_extra": media_extra,
            "chrome_hits": chrome_hits, "chrome_n": len(chrome),
            "labels_ok": sum(fold(t) in seen for t in labels), "labels_n": len(labels),
            "not_chat": int(ex.kind != "chat_screenshot"), "silent_image": int(ex.kind == "image" and not ex.warnings),
            "messages_out": len(ex.messages)}


def accuracy(engines: list[str], split: str | None, out: Path | None, only: str | None = None) -> list[dict]:
    from datetime import datetime

    from casekit.importers.base import ExtractContext
    from casekit.importers.screenshots import read_screenshot
    from casekit.ocr.engine import make_engine
    from casekit.ocr.images import open_image

    ctx = ExtractContext(reference_time=datetime(2026, 3, 6, 10, 15), reference_source="user")
    made = {name: make_engine(name) for name in engines}
    truth = {k: v for k, v in load_truth(split).items() if only is None or only in k}
    missing = [name for name, t in truth.items() if image_path(name, t) is None]
    rows = []
    for name, t in truth.items():
        path = image_path(name, t)
        if path is None:
            continue
        base_text, base_s = raw_tesseract(path)
        loaded = open_image(path)
        for engine_name, engine in made.items():
            start = time.perf_counter()
            ex = read_screenshot(loaded.image, engine, ctx, path, loaded.info)
            row = {"name": name, "split": t["split"], "engine": engine_name, "kind": ex.kind,
                   "seconds": round(time.perf_counter() - start, 2), "base_seconds": round(base_s, 2),
                   **score(t, ex, base_text)}
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    if out:
        out.write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    print()
    if missing:
        print(f"Not present, not scored ({len(missing)}): {', '.join(missing)}\n")
    print("| split | engine | images | CER | raw tesseract CER | speaker | sender | media found (extra) "
          "| chrome as message | time labels | not chat | silent image | s/img ours / raw |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for sp in ("tune", "heldout"):
        for engine_name in engines:
            rs = [r for r in rows if r["split"] == sp and r["engine"] == engine_name]
            if not rs:
                continue
            tot = lambda k: sum(r[k] for r in rs)  # noqa: E731
            print(f"| {sp} | {engine_name} | {len(rs)} | {tot('edits') / tot('ref_len'):.3f} "
                  f"| {tot('base_edits') / tot('ref_len'):.3f} | {tot('speakers_ok')}/{tot('speakers_n')} "
                  f"| {tot('senders_ok')}/{tot('senders_n')} | {tot('media_found')}/{tot('media_n')} ({tot('media_extra')}) "
                  f"| {tot('chrome_hits')}/{tot('chrome_n')} | {tot('labels_ok')}/{tot('labels_n')} "
                  f"| {tot('not_chat')} | {tot('silent_image')} "
                  f"| {tot('seconds') / len(rs):.2f} / {tot('base_seconds') / len(rs):.2f} |")
    return rows


def speed(engines: list[str], jobs: int) -> None:
    paths = [p for name, t in load_truth().items() if (p := image_path(name, t)) is not None]
    n = len(paths)
    default_threads = sum(raw_tesseract(p, one_thread=False)[1] for p in paths)
    one_thread = sum(raw_tesseract(p, one_thread=True)[1] for p in paths)
    print(f"\n{n} real screenshots; sequential raw `tesseract IMG - -l chi_sim`: {default_threads:.1f} s with "
          f"default threads, {one_thread:.1f} s with OMP_THREAD_LIMIT=1\n")
    print("| run | total s | s / image | vs raw 1-thread | vs first run | peak MiB |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, seconds in (("raw tesseract, default threads", default_threads), ("raw tesseract, OMP_THREAD_LIMIT=1", one_thread)):
        print(f"| {label} | {seconds:.2f} | {seconds / n:.2f} | {seconds / one_thread:.2f}× | – | – |")
    casekit = [PYTHON, "-m", "casekit"]
    for engine_name in engines:
        work = Path(tempfile.mkdtemp(prefix="casekit-bench-real-"))
        try:
            shots = work / "shots"
            shots.mkdir()
            for p in paths:
                shutil.copy2(p, shots / p.name)
            case = work / "case"
            assert measure([*casekit, "init", str(case)]).returncode == 0
            assert measure([*casekit, "add", str(case), str(shots)]).returncode == 0
            cmd = [*casekit, "extract", str(case), "-j", str(jobs), "--engine", engine_name, "--json"]
            first = measure_isolated(cmd)
            assert first.returncode == 0, first.stderr[-2000:]
            cached = measure_isolated(cmd)
            assert cached.returncode == 0, cached.stderr[-2000:]
            for label, run in ((f"`casekit extract -j {jobs} --engine {engine_name}`", first),
                               ("  cached re-run", cached)):
                print(f"| {label} | {run.seconds:.2f} | {run.seconds / n:.2f} | {run.seconds / one_thread:.2f}× "
                      f"| {100 * run.seconds / first.seconds:.1f} % | {run.peak_mib:.0f} |")
        finally:
            shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="tesseract,rapidocr", help="comma-separated engines")
    parser.add_argument("--split", choices=("tune", "heldout"), default=None, help="only this split")
    parser.add_argument("--speed", action="store_true", help="also time casekit extract vs raw tesseract")
    parser.add_argument("--no-accuracy", action="store_true", help="only the speed part")
    parser.add_argument("--only", default=None, help="only images whose name contains this")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None, help="write per-image rows here (JSON)")
    args = parser.parse_args()
    if not os.environ.get("PYTHONPATH"):  # PYTHONPATH=OTHER_WORKTREE measures that tree's reader
        sys.path.insert(0, str(ROOT))
    import casekit

    src = Path(casekit.__file__).resolve().parent.parent
    commit = subprocess.run(["git", "-C", str(src), "log", "-1", "--format=%h %s"], capture_output=True, text=True).stdout
    engines = args.engines.split(",")
    print(f"Machine: {machine()}; load average at start {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"Reader: casekit from {src} at {commit.strip()[:90] or '(not a git checkout)'}\n")
    if not args.no_accuracy:
        accuracy(engines, args.split, args.out, args.only)
    if args.speed:
        speed(engines, args.jobs)
    print(f"\nLoad average at end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
