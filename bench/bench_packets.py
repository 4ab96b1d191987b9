"""Build an N-exhibit packet with casekit vs. naive WeasyPrint embedding the originals, in the same run.

    .venv/bin/python bench/bench_packets.py --sizes 10,50,200,500 --naive-max 200

Naive baseline: one HTML page per original screenshot (`<img>` scaled to A4), printed by
WeasyPrint as it is — what a user gets by pasting images into a document. casekit:
`casekit build CASE --recipient police --draft` on a case holding the same screenshots.
Legibility: a generated screenshot's exhibit page is rendered from the PDF at 150 dpi and OCR'd;
its character error rate is compared with OCR of the original screenshot.
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
        image, truth = render_chat(sample_conversation(index), style=("wechat", "kuaishou", "qq")[index % 3], width=1080)
        image.save(folder / f"Screenshot_20260305-10{index // 60 % 60:02d}{index % 60:02d}_{index:04d}.png")
        truths.append(truth)
    return truths


def pdf_pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(pdf)).pages)


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate with whitespace removed (Levenshtein distance / reference length)."""
    ref = "".join(reference.split())
    hyp = "".join(hypothesis.split())
    previous = list(range(len(hyp) + 1))
    for i, rc in enumerate(ref, 1):
        current = [i]
        for j, hc in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (rc != hc)))
        previous = current
    return previous[-1] / max(1, len(ref))


def ocr(path: Path) -> str:
    return subprocess.run(["tesseract", str(path), "-", "-l", "chi_sim", "--psm", "6"], capture_output=True, text=True, env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"}).stdout


def legibility(case: Path, pdf: Path, shots: Path, truth: dict, work: Path) -> tuple[float, float]:
    """CER of OCR on the original vs. on its exhibit page printed at 150 dpi."""
    reference = "".join(item.get("text", "") for item in truth["items"] if item.get("kind") in ("text", "notice", "time"))
    original = sorted(shots.glob("*.png"))[0]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    pages = text.split("\f")
    page_no = next((i + 1 for i, page in enumerate(pages) if "证据1" in page and original.name[:20] in page), None)
    if page_no is None:  # fall back to the first page that carries the first exhibit label
        page_no = next(i + 1 for i, page in enumerate(pages) if "证据1" in page)
    prefix = work / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", str(page_no), "-l", str(page_no), str(pdf), str(prefix)], check=True)
    page_png = next(work.glob("page*.png"))
    return cer(reference, ocr(original)), cer(reference, ocr(page_png))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10,50,200,500")
    parser.add_argument("--naive-max", type=int, default=200, help="largest N to also print naively")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"Machine: {machine()}\n")
    print("| N | casekit s | casekit MiB peak | casekit PDF MB | pages | naive s | naive MiB peak | naive PDF MB | time ratio | size ratio |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    legible = None
    for n in sizes:
        work = Path(tempfile.mkdtemp(prefix=f"casekit-bench-packets-{n}-"))
        try:
            shots = work / "shots"
            shots.mkdir()
            truths = make_shots(shots, n)
            case = work / "case"
            subprocess.run([PYTHON, "-m", "casekit", "init", str(case)], check=True, capture_output=True)
            subprocess.run([PYTHON, "-m", "casekit", "add", str(case), str(shots)], check=True, capture_output=True)
            ours = measure_isolated([PYTHON, "-m", "casekit", "build", str(case), "--recipient", "police", "--draft", "--json"])
            assert ours.returncode == 0, ours.stderr
            pdf = Path(json.loads(ours.stdout)["outputs"][0]["pdf"])
            if not pdf.is_absolute():
                pdf = case / pdf
            naive_cells = ["—"] * 3
            ratios = ["—", "—"]
            if n <= args.naive_max:
                naive_pdf = work / "naive.pdf"
                naive = measure_isolated([PYTHON, "-c", NAIVE_SCRIPT, str(shots), str(naive_pdf)])
                assert naive.returncode == 0, naive.stderr
                naive_cells = [f"{naive.seconds:.1f}", f"{naive.peak_mib:.0f}", f"{naive_pdf.stat().st_size / 1e6:.1f}"]
                ratios = [f"{ours.seconds / naive.seconds:.2f}", f"{pdf.stat().st_size / naive_pdf.stat().st_size:.2f}"]
            print(f"| {n} | {ours.seconds:.1f} | {ours.peak_mib:.0f} | {pdf.stat().st_size / 1e6:.1f} | {pdf_pages(pdf)} | {' | '.join(naive_cells)} | {' | '.join(ratios)} |", flush=True)
            if legible is None:
                legible = legibility(case, pdf, shots, truths[0], work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    if legible:
        print(f"\nLegibility (first exhibit, raw tesseract chi_sim --psm 6, CER vs. ground truth): original {legible[0]:.1%}, exhibit page at 150 dpi {legible[1]:.1%}, difference {100 * (legible[1] - legible[0]):+.1f} points")


if __name__ == "__main__":
    main()
