"""Build an N-exhibit packet with casekit vs. naive WeasyPrint embedding the originals, in the same run.

    .venv/bin/python bench/bench_packets.py --sizes 10,50,200,500 --naive-max 200

    .venv/bin/python bench/bench_packets.py --sizes 50,200 --before /tmp/casekit-before   # with the old code

Naive baseline: one HTML page per original screenshot (`<img>` scaled to A4), printed by
WeasyPrint as it is — what a user gets by pasting images into a document. casekit, two rows:
- the user's flow: `casekit add`, `casekit extract CASE -j 2` (timed in its own column; it also
  leaves each screenshot's print copy in the print cache), then
  `casekit build CASE --recipient police --draft` (timed: the figure compared with naive), the same
  build again (a repeat build: rendered pieces come from the cache), and again with
  `--no-attachments` (the size without the originals it carries);
- the worst case: a fresh case holding the same screenshots, no extract, cold print cache, the
  same `build --draft`.
Legibility: for the first few screenshots, the exhibit page is rendered from the PDF at 150 dpi,
cropped to the screenshot's box (the CTM at the image's `Do` operator, read with pypdf) and OCR'd
like the original, whole and bubble by bubble; CER is against the synth ground truth.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import PYTHON, machine, measure_isolated  # noqa: E402

from casekit.ocr.quality import fold, levenshtein  # noqa: E402

NAIVE_SCRIPT = r"""
import sys, pathlib, weasyprint
folder, out = pathlib.Path(sys.argv[1]), sys.argv[2]
pages = "".join(f'<div class="p"><img src="{p.as_uri()}"></div>' for p in sorted(folder.glob("*.png")))
css = "@page{size:A4;margin:15mm} .p{page-break-after:always;text-align:center} img{max-width:100%;max-height:260mm}"
weasyprint.HTML(string=f"<html><head><style>{css}</style></head><body>{pages}</body></html>").write_pdf(out)
"""


def make_shots(folder: Path, n: int) -> list[dict]:
    from casekit.synth import render_chat, sample_conversation

    truths = []
    for index in range(n):
        # sample_conversation draws its lines from small pools; casekit's timeline merges a line seen
        # again in another screenshot (overlapping pages of one chat), so without a per-screenshot
        # tag most lines would merge and the packet after extract would be smaller than a real case's
        conversation = [dict(item, text=f"{item['text']} ({index + 1}-{k})") if item.get("text") and "speaker" in item
                        else item for k, item in enumerate(sample_conversation(index))]
        image, truth = render_chat(conversation, style=("wechat", "kuaishou", "qq")[index % 3], width=1080)
        image.save(folder / f"Screenshot_20260305-10{index // 60 % 60:02d}{index % 60:02d}_{index:04d}.png")
        truths.append(truth)
    return truths


def timed(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None):
    """`measure_isolated`, plus the CPU seconds (user + system) of the whole command tree."""
    import resource

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    before = cpu()
    run = measure_isolated(cmd, env, cwd)
    return run, cpu() - before


def new_case(root: Path, shots: Path) -> Path:
    """`casekit init` + `casekit add` of the screenshots (not timed)."""
    subprocess.run([PYTHON, "-m", "casekit", "init", str(root)], check=True, capture_output=True)
    subprocess.run([PYTHON, "-m", "casekit", "add", str(root), str(shots)], check=True, capture_output=True)
    return root


def build(case: Path, code: Path | None = None, extra: tuple[str, ...] = ()):
    """Timed `casekit build CASE --recipient police --draft`: (run, CPU seconds, the PDF). `code`:
    run casekit from that source tree instead (the code before a change, `--before`)."""
    import os

    env = dict(os.environ, PYTHONPATH=str(code)) if code else None  # (and run from there: `-m` looks in the cwd first)
    run, cpu = timed([PYTHON, "-m", "casekit", "build", str(case), "--recipient", "police", "--draft", "--json", *extra],
                     env, code)
    assert run.returncode == 0, run.stderr
    pdf = Path(json.loads(run.stdout)["outputs"][0]["pdf"])
    return run, cpu, pdf if pdf.is_absolute() else case / pdf


def pdf_pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(pdf)).pages)


def ocr(path: Path, psm: int = 6) -> str:
    return subprocess.run(["tesseract", str(path), "-", "-l", "chi_sim", "--psm", str(psm)], capture_output=True,
                          text=True, env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"}).stdout


def edits(reference: str, hypothesis: str) -> tuple[int, int]:
    """(Levenshtein distance, reference length), whitespace removed, NFKC-folded."""
    ref = fold(reference)
    return levenshtein(ref, fold(hypothesis)), len(ref)


def image_box(pdf: Path, page_no: int) -> tuple[float, float, float, float, float]:
    """(left, top, width, height, page height) in PDF points of the one image drawn on a page:
    the CTM in force at its `Do` operator maps the unit square onto the page."""
    from pypdf import PdfReader

    page = PdfReader(str(pdf)).pages[page_no - 1]
    boxes = []

    def visit(op, args, cm, tm):
        if op != b"Do":
            return
        xobject = xobjects.get(args[0])
        if xobject is None:
            return
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Image":  # the unit square, through the CTM
            boxes.append((cm[4], cm[5] + min(0.0, cm[3]), abs(cm[0]), abs(cm[3])))
        elif xobject.get("/Subtype") == "/Form" and any(
                o.get_object().get("/Subtype") == "/Image"
                for o in ((xobject.get("/Resources") or {}).get("/XObject") or {}).values()):
            # a print copy placed by pikepdf: a form holding the image over its whole BBox
            x0, y0, x1, y1 = (float(v) for v in xobject["/BBox"])
            boxes.append((cm[4] + cm[0] * x0, cm[5] + cm[3] * y0, abs(cm[0] * (x1 - x0)), abs(cm[3] * (y1 - y0))))

    xobjects = page["/Resources"].get("/XObject") or {}
    page.extract_text(visitor_operand_before=visit)
    if not boxes:
        raise RuntimeError(f"no image on page {page_no}")
    x, y, w, h = max(boxes, key=lambda b: b[2] * b[3])  # the screenshot is the largest image drawn
    return x, float(page.mediabox.height) - (y + h), w, h, float(page.mediabox.height)


def legibility(pdf: Path, page_no: int, original: Path, truth: dict, work: Path) -> dict[str, tuple[int, int]]:
    """OCR of the original screenshot vs. OCR of the same screenshot cropped out of the PDF page
    rendered at 150 dpi, both scored against the synth ground truth: the whole image (tesseract
    --psm 6 on all of it) and bubble by bubble (each truth box, mapped onto the crop)."""
    from PIL import Image

    x, top, w, h, _ = image_box(pdf, page_no)
    prefix = work / f"leg-{pdf.stem}-{page_no}"
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", str(page_no), "-l", str(page_no), "-singlefile",
                    str(pdf), str(prefix)], check=True)
    k = 150 / 72
    with Image.open(f"{prefix}.png") as page_img:
        crop = page_img.convert("RGB").crop((round(x * k), round(top * k), round((x + w) * k), round((top + h) * k)))
    with Image.open(original) as orig:
        orig = orig.convert("RGB")
    items = [item for item in truth["items"] if item.get("kind") in ("text", "notice", "time")]
    reference = "".join(item["text"] for item in items)
    out: dict[str, tuple[int, int]] = {}
    for tag, img in (("original", orig), ("printed", crop)):
        path = work / f"leg-{tag}.png"
        img.save(path)
        out[f"{tag}_whole"] = edits(reference, ocr(path))
        scale, errors, total = img.width / orig.width, 0, 0
        for n, item in enumerate(items):
            bx, by, bw, bh = item["box"]
            pad = 6
            piece = img.crop((int((bx - pad) * scale), int((by - pad) * scale),
                              int((bx + bw + pad) * scale) + 1, int((by + bh + pad) * scale) + 1))
            piece_path = work / f"leg-{tag}-{n}.png"
            piece.save(piece_path)
            e, t = edits(item["text"], ocr(piece_path))
            errors, total = errors + e, total + t
        out[f"{tag}_items"] = (errors, total)
    return out


def exhibit_pages(pdf: Path, names: list[str]) -> list[int]:
    """Page number of each screenshot's exhibit page (its file name is printed in the metadata)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    pages = ["".join(page.split()) for page in text.split("\f")]
    return [next(i + 1 for i, page in enumerate(pages) if name in page and "证据编号" in page) for name in names]


def add_scores(total: dict[str, list[int]], scores: dict[str, tuple[int, int]]) -> None:
    for key, (e, t) in scores.items():
        total.setdefault(key, [0, 0])
        total[key][0] += e
        total[key][1] += t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10,50,200,500")
    parser.add_argument("--naive-max", type=int, default=200, help="largest N to also print naively")
    parser.add_argument("--legibility", type=int, default=6, help="screenshots to OCR for the legibility check")
    parser.add_argument("--before", type=Path, help="also build with the casekit source tree in this folder "
                        "(e.g. `git archive <commit> | tar -x -C DIR`), on copies of the same cases")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"Machine: {machine()}\n")
    print("| N | run | extract -j 2 s | build (naive: print) s | CPU s | MiB peak | PDF MB | pages | time / naive | size / naive |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    legible = None
    for n in sizes:
        work = Path(tempfile.mkdtemp(prefix=f"casekit-bench-packets-{n}-"))
        try:
            shots = work / "shots"
            shots.mkdir()
            truths = make_shots(shots, n)
            flow = new_case(work / "case", shots)
            extract = measure_isolated([PYTHON, "-m", "casekit", "extract", str(flow), "-j", "2", "--json"])
            assert extract.returncode == 0, extract.stderr
            before_flow = None
            if args.before:  # the same extracted case, before any build
                before_flow = work / "before-case"
                shutil.copytree(flow, before_flow)
            ours, ours_cpu, pdf = build(flow)
            again, again_cpu, again_pdf = build(flow)
            slim, slim_cpu, slim_pdf = build(flow, extra=("--no-attachments",))
            shutil.copy(slim_pdf, work / "slim.pdf")
            slim_pdf = work / "slim.pdf"
            build(flow)  # the packet with its attachments back (the legibility check reads it)
            cold, cold_cpu, cold_pdf = build(new_case(work / "cold-case", shots))
            if args.before:
                b_ours, b_ours_cpu, b_pdf = build(before_flow, args.before)
                shutil.copy(b_pdf, work / "before-flow.pdf")
                b_pdf = work / "before-flow.pdf"
                b_again, b_again_cpu, b_again_pdf = build(before_flow, args.before)
                b_cold, b_cold_cpu, b_cold_pdf = build(new_case(work / "before-cold", shots), args.before)
            naive = None
            if n <= args.naive_max:
                naive_pdf = work / "naive.pdf"
                naive, naive_cpu = timed([PYTHON, "-c", NAIVE_SCRIPT, str(shots), str(naive_pdf)])
                assert naive.returncode == 0, naive.stderr

            def row(label: str, extract_s: str, run, cpu: float, out: Path, is_naive: bool = False) -> None:
                ratios = ["—", "—"]
                if naive is not None and not is_naive:
                    ratios = [f"{run.seconds / naive.seconds:.2f}", f"{out.stat().st_size / naive_pdf.stat().st_size:.2f}"]
                pages = "—" if is_naive else str(pdf_pages(out))
                print(f"| {n} | {label} | {extract_s} | {run.seconds:.1f} | {cpu:.1f} | {run.peak_mib:.0f} | "
                      f"{out.stat().st_size / 1e6:.2f} | {pages} | {' | '.join(ratios)} |", flush=True)

            row("casekit: add → extract → build", f"{extract.seconds:.1f}", ours, ours_cpu, pdf)
            row("casekit: the same build again (repeat)", "—", again, again_cpu, again_pdf)
            row("casekit: repeat, --no-attachments", "—", slim, slim_cpu, slim_pdf)
            row("casekit worst case: add → build (no extract, cold print cache)", "—", cold, cold_cpu, cold_pdf)
            if args.before:
                row("before: add → extract → build", "—", b_ours, b_ours_cpu, b_pdf)
                row("before: the same build again (repeat)", "—", b_again, b_again_cpu, b_again_pdf)
                row("before: worst case", "—", b_cold, b_cold_cpu, b_cold_pdf)
            if naive is not None:
                row("naive WeasyPrint of the originals", "—", naive, naive_cpu, naive_pdf, is_naive=True)
            if legible is None:  # the first `--legibility` screenshots, in casekit's PDF and the naive one
                legible, count = {}, min(n, args.legibility)
                originals = sorted(shots.glob("*.png"))[:count]
                pages = exhibit_pages(pdf, [p.name for p in originals])
                for i, (original, page_no) in enumerate(zip(originals, pages)):
                    add_scores(legible.setdefault("casekit", {}), legibility(pdf, page_no, original, truths[i], work))
                    if n <= args.naive_max:
                        add_scores(legible.setdefault("naive", {}), legibility(work / "naive.pdf", i + 1, original,
                                                                               truths[i], work))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    if legible:
        count = min(sizes[0], args.legibility)
        print(f"\nLegibility: {count} screenshots, raw tesseract chi_sim (OMP_THREAD_LIMIT=1), CER against the synth ground"
              " truth; 'printed' = the screenshot's box cropped from its PDF page rendered at 150 dpi (pdftoppm).")
        print("\n| PDF | CER whole image: original | printed | Δ points | CER bubble by bubble (--psm 6 per truth box): original | printed | Δ points |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for who, sc in legible.items():
            cells = []
            for kind in ("whole", "items"):
                o = sc[f"original_{kind}"][0] / sc[f"original_{kind}"][1]
                q = sc[f"printed_{kind}"][0] / sc[f"printed_{kind}"][1]
                cells += [f"{o:.1%}", f"{q:.1%}", f"{100 * (q - o):+.1f}"]
            print(f"| {who} | " + " | ".join(cells) + " |")

if __name__ == "__main__":
    main()
