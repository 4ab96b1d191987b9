"""Field exactness of non-chat screens: payment results, 账单详情, order, refund, profile,
receipt, product pages — every field case.toml or a transaction takes, compared exactly.

    OMP_THREAD_LIMIT=1 .venv/bin/python bench/bench_screens.py [--engine tesseract|rapidocr]

Screens: casekit.synth / casekit.synth_pages at 720 and 1080 px, light and dark, PNG and re-saved
as JPEG q70 (same run, same images for every engine). A field is exact only when it equals the
drawn value; a wrong field that a warning names (an `unsure` proposal, an account that does not
look like one) is counted apart (flagged), a wrong one without is silent. Results: bench/SCREENS.md.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["OMP_THREAD_LIMIT"] = "1"

from PIL import Image  # noqa: E402

from casekit.importers.base import ExtractContext  # noqa: E402
from casekit.importers.screenshots import read_screenshot  # noqa: E402
from casekit.ocr.timelabels import SHANGHAI  # noqa: E402
from casekit.synth import PAYMENT_KINDS, render_payment  # noqa: E402
from casekit.synth_pages import (render_bill_detail, render_order, render_product, render_profile,  # noqa: E402
                                 render_receipt, render_refund)

CAPTURED = datetime(2026, 3, 8, 10, 25, tzinfo=SHANGHAI)


def _payment_fields(ex) -> dict:
    if not ex.transactions:
        return {}
    tx = ex.transactions[0]
    return {"amount": f"{tx.amount:.2f}", "counterparty": tx.counterparty, "account": tx.counterparty_account,
            "order_id": tx.order_id, "time": tx.time.strftime("%Y-%m-%d %H:%M:%S") if tx.time else None}


def screens(width: int, dark: bool):
    """(name, image, kind, truth fields, how to read the fields)."""
    for kind in PAYMENT_KINDS:
        img, truth = render_payment(kind, width=width, dark=dark)
        f = truth["fields"]
        yield (f"pay-{kind}", img, "payment_screenshot",
               {k: f[k] for k in ("amount", "counterparty", "account", "order_id", "time")}, _payment_fields)
    img, truth = render_bill_detail(width=width, dark=dark)
    yield "bill-detail", img, "payment_screenshot", truth["fields"], _payment_fields
    proposals = lambda ex: {p.field: p.value for p in ex.proposals}  # noqa: E731
    for style in ("rows", "inline"):
        img, truth = render_order(width=width, dark=dark, style=style)
        yield f"order-{style}", img, "order_page", truth["proposals"], proposals
    img, truth = render_refund(width=width, dark=dark)
    yield "refund", img, "refund_record", {**truth["proposals"], "filing.after_sales_deadline": "2026-03-15T09:25+08:00"}, proposals
    for fn, name in ((render_profile, "profile"), (render_product, "product")):
        img, truth = fn(width=width, dark=dark)
        yield name, img, truth["kind"], truth["proposals"], proposals
    img, truth = render_receipt(width=width, dark=dark)
    yield "receipt", img, "filing_receipt", {"report_no": truth["report_no"]}, (
        lambda ex: {"report_no": next((e.value for e in ex.entities if e.kind == "report_no"), None)})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", default="tesseract")
    args = parser.parse_args()
    from casekit.ocr import engine as engines

    make = getattr(engines, "make_engine", None)
    engine = make(args.engine) if make else engines.TesseractEngine()
    totals = {"screens": 0, "kind_ok": 0, "fields": 0, "exact": 0, "flagged": 0, "silent": 0, "seconds": 0.0}
    wrong: list[str] = []
    for width in (720, 1080):
        for dark in (False, True):
            for name, img, kind, truth, read in screens(width, dark):
                for jpeg in (False, True):
                    if jpeg:
                        buf = io.BytesIO()
                        img.save(buf, "JPEG", quality=70)
                        shown = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
                    else:
                        shown = img
                    start = time.perf_counter()
                    ex = read_screenshot(shown, engine, ExtractContext(evidence_id="E1", reference_time=CAPTURED,
                                                                       reference_source="exif"))
                    totals["seconds"] += time.perf_counter() - start
                    totals["screens"] += 1
                    totals["kind_ok"] += ex.kind == kind
                    got = read(ex)
                    for field, value in truth.items():
                        totals["fields"] += 1
                        if got.get(field) == value:
                            totals["exact"] += 1
                            continue
                        flagged = any(w.startswith(f"{field}「") or (got.get(field) or "\0") in w for w in ex.warnings)
                        totals["flagged" if flagged else "silent"] += 1
                        wrong.append(f"{name} {width} {'dark' if dark else 'light'} {'jpeg' if jpeg else 'png'}: "
                                     f"{field} {got.get(field)!r} ≠ {value!r}{' (flagged)' if flagged else ''}")
    n = totals["screens"]
    print(f"engine {args.engine}: {n} screens, kind right {totals['kind_ok']}/{n}; fields exact "
          f"{totals['exact']}/{totals['fields']} ({100 * totals['exact'] / totals['fields']:.1f}%), wrong but flagged "
          f"{totals['flagged']}, wrong and silent {totals['silent']}; {totals['seconds'] / n:.2f} s a screen")
    for line in wrong:
        print("  " + line)


if __name__ == "__main__":
    main()
