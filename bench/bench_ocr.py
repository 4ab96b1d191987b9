"""Benchmark of the screenshot reader against raw `tesseract IMG - -l chi_sim`, same images, same run.

    OMP_THREAD_LIMIT=1 .venv/bin/python bench/bench_ocr.py [--quick] [--engines tesseract,rapidocr] [--out bench/results.json]

Every engine named reads every image in the same run (the raw-Tesseract baseline once per image).

Image sets: synthetic chats (casekit.synth: 4 styles × light/dark × 720/1080/1440 px) and payment
screens, plus the committed tune images of the real set (bench/real_truth.json; the whole real set,
both splits, per engine: bench/bench_real.py).
Metrics: CER over message text (whitespace removed, NFKC folded), order-free character recall,
speaker accuracy, time labels found, transfer-card amounts, payment amount + order number exact,
seconds per image. Results: bench/OCR.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["OMP_THREAD_LIMIT"] = "1"

from PIL import Image  # noqa: E402

from casekit.importers.base import ExtractContext  # noqa: E402
from casekit.ocr.quality import fold, levenshtein  # noqa: E402
from casekit.importers.screenshots import read_screenshot  # noqa: E402
from casekit.ocr.engine import ENGINE_NAMES, make_engine  # noqa: E402
from casekit.ocr.entities import find_amounts  # noqa: E402
from casekit.synth import STYLES, render_chat, render_payment, sample_conversation  # noqa: E402

REFERENCE = datetime(2026, 3, 6, 10, 15)


def recall(ref: str, hyp: str) -> tuple[int, int]:
    r, h = Counter(ref), Counter(hyp)
    return sum(min(n, h[c]) for c, n in r.items()), sum(r.values())


def baseline(img: Image.Image) -> tuple[str, float]:
    with tempfile.NamedTemporaryFile(suffix=".png") as tmp:
        img.save(tmp.name)
        start = time.perf_counter()
        out = subprocess.run(["tesseract", tmp.name, "-", "-l", "chi_sim"], capture_output=True, text=True,
                             env={**os.environ, "OMP_THREAD_LIMIT": "1"}).stdout
        return out, time.perf_counter() - start


def overlap(a, b) -> float:
    ax0, ay0, aw, ah = a
    bx0, by0, bw, bh = b
    ix = max(0, min(ax0 + aw, bx0 + bw) - max(ax0, bx0))
    iy = max(0, min(ay0 + ah, by0 + bh) - max(ay0, by0))
    return ix * iy / max(1, min(aw * ah, bw * bh))


def chat_cases(quick: bool):
    widths = (720, 1080, 1440)
    seed = 0
    for style in STYLES:
        for dark in (False, True):
            for width in (widths if not quick else (1080,)):
                seed += 1
                msgs = sample_conversation(seed)
                if seed % 3 == 0:
                    msgs.append({"kind": "transfer", "speaker": "me", "amount": "1280.00", "status": "请收款"})
                img, truth = render_chat(msgs, style=style, width=width, dark=dark,
                                         contact=["小美客服", "好物优选店", "张经理"][seed % 3])
                yield f"{style}-{'dark' if dark else 'light'}-{width}", img, truth


def payment_cases(quick: bool):
    kinds = ("alipay_transfer", "wechat_pay", "wechat_transfer", "bank")
    for i, kind in enumerate(kinds):
        for dark in (False, True):
            if quick and dark:
                continue
            width = (720, 1080, 1440)[i % 3]
            img, truth = render_payment(kind, amount=["1280.00", "500.00", "88.80", "12345.60"][i],
                                        counterparty=["张伟", "小美好物旗舰店", "李娜", "王强"][i],
                                        account=["138****6621", None, "139****0012", "6222 **** **** 4521"][i],
                                        order_id=["20260305200040011100660012345678", "4200002345202603051234567890",
                                                  "1000050001202603050123456789012", "202603050000123456"][i],
                                        memo="货款", width=width, dark=dark)
            yield f"pay-{kind}-{'dark' if dark else 'light'}-{width}", img, truth


def mockup_cases(quick: bool, kind: str):
    """The held-out set: HTML mock-ups rendered by headless Chromium (bench/mockups/make_mockups.py)."""
    sys.path.insert(0, str(ROOT / "bench" / "mockups"))
    from make_mockups import build

    out = ROOT / "bench" / "out" / "mockups"
    for truth in build(out, None):
        if truth["kind"] != kind or (quick and "q70" in truth["name"]):
            continue
        img = Image.open(out / truth["image"]).convert("RGB")
        yield truth["name"], img, truth


def score_chat(truth: dict, ex, base_text: str) -> dict:
    items = [i for i in truth["items"] if i["kind"] not in ("nickname", "quote")]
    ref = fold("".join(i["text"] for i in items if i["kind"] in ("text", "notice")))
    hyp = fold("".join(m.text for m in ex.messages if m.kind in ("text", "notice")))
    speakers_ok = speakers_n = 0
    for it in items:
        if it["kind"] == "time":
            continue
        speakers_n += 1
        match = max(ex.messages, key=lambda m: overlap(it["box"], m.source.box or (0, 0, 0, 0)), default=None)
        if match and overlap(it["box"], match.source.box or (0, 0, 0, 0)) > 0.5 and match.speaker == it["speaker"]:
            speakers_ok += 1
    labels = [it for k, it in enumerate(items) if it["kind"] == "time" and any(j["kind"] != "time" for j in items[k + 1:])]
    seen = {fold(m.time_text) for m in ex.messages if m.time_text}
    labels_ok = sum(fold(it["text"]) in seen for it in labels)
    labels_dated = sum(1 for m in ex.messages if m.time_text and m.time is not None)
    want = Counter(Decimal(it["amount"]) for it in items if it["kind"] == "transfer")
    got = Counter(t.amount for t in ex.transactions)
    base_amounts = Counter(find_amounts(fold(base_text)))
    r_ok, r_n = recall(ref, hyp)
    b_ok, _ = recall(ref, fold(base_text))
    return {
        "ref_len": len(ref), "edits": levenshtein(ref, hyp), "base_edits": levenshtein(ref, fold(base_text)),
        "recall": r_ok, "base_recall": b_ok, "recall_n": r_n,
        "speakers_ok": speakers_ok, "speakers_n": speakers_n, "labels_ok": labels_ok, "labels_n": len(labels),
        "labels_dated": labels_dated,
        "cards_ok": sum((want & got).values()), "cards_n": sum(want.values()),
        "base_cards_ok": sum((want & base_amounts).values()),
    }


def score_payment(truth: dict, ex, base_text: str) -> dict:
    f = truth["fields"]
    tx = ex.transactions[0] if ex.transactions else None
    base = fold(base_text)
    return {
        "amount_ok": int(tx is not None and f"{tx.amount:.2f}" == f["amount"]),
        "order_ok": int(tx is not None and tx.order_id == f["order_id"]),
        "counterparty_ok": int(tx is not None and (tx.counterparty or "") == f["counterparty"]),
        "time_ok": int(tx is not None and tx.time is not None and tx.time.strftime("%Y-%m-%d %H:%M:%S") == f["time"]),
        "kind_ok": int(ex.kind == "payment_screenshot"),
        "base_amount_ok": int(Decimal(f["amount"]) in find_amounts(base)),
        "base_order_ok": int(f["order_id"] in base),
    }


def real_cases():
    """The committed tune images of the real set (bench/bench_real.py scores the whole set, both splits)."""
    truth_path = ROOT / "bench" / "real_truth.json"
    for name, truth in json.loads(truth_path.read_text(encoding="utf-8")).items():
        if name.startswith("_") or truth.get("split") != "tune" or truth.get("where") != "fixtures":
            continue
        for folder in (ROOT / "tests" / "fixtures" / "screenshots",):
            if (folder / name).exists():
                img = Image.open(folder / name).convert("RGB")
                yield name, img, truth
                break


def score_real(truth: dict, ex, base_text: str) -> dict:
    msgs = [m for m in truth["messages"] if m["text"]]  # media items carry no text
    ref = fold("".join(m["text"] for m in msgs))
    hyp = fold("".join(m.text for m in ex.messages if m.kind in ("text", "notice")))
    # speaker: each truth message matched to the predicted message with the most common characters
    ok = 0
    for m in msgs:
        best = max(ex.messages, key=lambda p: recall(fold(m["text"]), fold(p.text))[0], default=None)
        ok += int(best is not None and best.speaker == m["speaker"])
    seen = {fold(m.time_text) for m in ex.messages if m.time_text}
    r_ok, r_n = recall(ref, hyp)
    b_ok, _ = recall(ref, fold(base_text))
    return {"ref_len": len(ref), "edits": levenshtein(ref, hyp), "base_edits": levenshtein(ref, fold(base_text)),
            "recall": r_ok, "base_recall": b_ok, "recall_n": r_n, "speakers_ok": ok, "speakers_n": len(msgs),
            "labels_ok": sum(fold(t) in seen for t in truth.get("time_labels", [])),
            "labels_n": len(truth.get("time_labels", []))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer images")
    parser.add_argument("--only", default=None, help="only groups whose name contains this (e.g. held-out)")
    parser.add_argument("--out", type=Path, default=None, help="write per-image JSON results here")
    parser.add_argument("--engines", default=",".join(ENGINE_NAMES), help="comma-separated engines to compare")
    args = parser.parse_args()
    engines = {name: make_engine(name) for name in args.engines.split(",")}
    ctx = ExtractContext(reference_time=REFERENCE, reference_source="user")
    rows = []
    groups = (("synthetic chat", chat_cases(args.quick), score_chat),
              ("synthetic payment", payment_cases(args.quick), score_payment),
              ("held-out chat", mockup_cases(args.quick, "chat"), score_chat),
              ("held-out payment", mockup_cases(args.quick, "payment"), score_payment),
              ("real", real_cases(), score_real))
    for group, cases, scorer in groups:
        if args.only and args.only not in group:
            continue
        for name, img, truth in cases:
            base_text, base_s = baseline(img)
            for engine_name, engine in engines.items():
                start = time.perf_counter()
                ex = read_screenshot(img, engine, ctx)
                ours = time.perf_counter() - start
                row = {"group": group, "engine": engine_name, "name": name, "seconds": round(ours, 2),
                       "base_seconds": round(base_s, 2), "kind": ex.kind, **scorer(truth, ex, base_text)}
                rows.append(row)
                print(json.dumps(row, ensure_ascii=False), flush=True)
    if args.out:
        args.out.write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    print()
    for group, engine_name in [(g[0], e) for g in groups for e in engines]:
        rs = [r for r in rows if r["group"] == group and r["engine"] == engine_name]
        if not rs:
            continue
        total = lambda k: sum(r.get(k, 0) for r in rs)  # noqa: E731
        print(f"## {group} — {engine_name} ({len(rs)} images)")
        if "ref_len" in rs[0]:
            print(f"CER ours {total('edits') / total('ref_len'):.3f}  baseline {total('base_edits') / total('ref_len'):.3f}")
            print(f"char recall ours {total('recall') / total('recall_n'):.3f}  baseline {total('base_recall') / total('recall_n'):.3f}")
            print(f"speaker {total('speakers_ok')}/{total('speakers_n')}  time labels {total('labels_ok')}/{total('labels_n')}")
            if "cards_n" in rs[0]:
                print(f"transfer cards exact amount ours {total('cards_ok')}/{total('cards_n')}  baseline {total('base_cards_ok')}/{total('cards_n')}")
        else:
            print(f"kind {total('kind_ok')}/{len(rs)}  amount {total('amount_ok')}/{len(rs)}  order {total('order_ok')}/{len(rs)}"
                  f"  counterparty {total('counterparty_ok')}/{len(rs)}  time {total('time_ok')}/{len(rs)}")
            print(f"baseline amount {total('base_amount_ok')}/{len(rs)}  order {total('base_order_ok')}/{len(rs)}")
        print(f"s/img ours {total('seconds') / len(rs):.2f}  baseline {total('base_seconds') / len(rs):.2f}")
        print()


if __name__ == "__main__":
    main()
