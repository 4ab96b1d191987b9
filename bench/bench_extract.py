"""Extract N chat screenshots with casekit vs. running raw Tesseract on each, in the same run.

    .venv/bin/python bench/bench_extract.py --n 12

Baselines, on the same images: `tesseract IMG - -l chi_sim` one after another with Tesseract's
default threads, and again with OMP_THREAD_LIMIT=1. casekit: `casekit extract -j 2` on a case
holding the same images (it also leaves each screenshot's print copy for `casekit build`), then
the cached re-run. In the same run, in-process: what making the print copy adds per image inside
extract (from the image already decoded for OCR), next to what a cold build pays from the file.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import PYTHON, machine, measure, measure_isolated  # noqa: E402


def make_screenshots(folder: Path, n: int) -> list[Path]:
    from casekit.synth import render_chat, sample_conversation

    styles = ["wechat", "kuaishou", "qq"]
    paths = []
    for index in range(n):
        image, _truth = render_chat(sample_conversation(index), style=styles[index % len(styles)], width=1080, dark=index % 4 == 3)
        path = folder / f"Screenshot_202603{5 + index % 20:02d}-1015{index % 60:02d}.png"
        image.save(path)
        paths.append(path)
    return paths


def raw_tesseract(paths: list[Path], one_thread: bool) -> float:
    """Seconds to run plain `tesseract IMG - -l chi_sim` on every image, one after another."""
    env = {k: v for k, v in os.environ.items() if k != "OMP_THREAD_LIMIT"}
    if one_thread:
        env["OMP_THREAD_LIMIT"] = "1"
    start = time.perf_counter()
    for path in paths:
        subprocess.run(["tesseract", str(path), "-", "-l", "chi_sim"], capture_output=True, env=env, check=True)
    return time.perf_counter() - start


def print_copy_ms(paths: list[Path], passes: int = 3) -> tuple[float, float]:
    """Median ms per image to make a print copy (encode + write into an empty cache): from the image
    decoded for OCR, as extract does, and from the file, as a cold `casekit build` does."""
    from casekit.ocr.images import open_image
    from casekit.printcopies import print_from_decoded, print_image

    from_decoded, from_file = [], []
    for _ in range(passes):
        for path in paths:
            decoded = open_image(path).decoded
            with tempfile.TemporaryDirectory() as cache:
                start = time.perf_counter()
                print_from_decoded(decoded, path, "0" * 64, Path(cache))
                from_decoded.append(time.perf_counter() - start)
            with tempfile.TemporaryDirectory() as cache:
                start = time.perf_counter()
                print_image(path, Path(cache), key="0" * 64)
                from_file.append(time.perf_counter() - start)
    return 1000 * statistics.median(from_decoded), 1000 * statistics.median(from_file)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=12, help="number of screenshots")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="casekit-bench-extract-"))
    try:
        shots = work / "shots"
        shots.mkdir()
        paths = make_screenshots(shots, args.n)
        casekit = [PYTHON, "-m", "casekit"]
        case = work / "case"
        measure([*casekit, "init", str(case)])
        measure([*casekit, "add", str(case), str(shots)])

        default_threads = raw_tesseract(paths, one_thread=False)
        one_thread = raw_tesseract(paths, one_thread=True)
        first = measure_isolated([*casekit, "extract", str(case), "-j", str(args.jobs), "--json"])
        assert first.returncode == 0, first.stderr
        cached = measure_isolated([*casekit, "extract", str(case), "-j", str(args.jobs), "--json"])
        assert cached.returncode == 0, cached.stderr
        copies = sum(1 for p in (case / ".casekit" / "print-cache").iterdir() if p.suffix in (".png", ".jpg"))
        copy_decoded_ms, copy_file_ms = print_copy_ms(paths)

        n = len(paths)
        print(f"Machine: {machine()}; {n} generated 1080×2340 chat screenshots\n")
        print("| run | total s | s / image | vs. raw 1-thread |")
        print("|---|---:|---:|---:|")
        rows = [
            ("raw `tesseract -l chi_sim`, default threads", default_threads),
            ("raw `tesseract -l chi_sim`, OMP_THREAD_LIMIT=1", one_thread),
            (f"`casekit extract -j {args.jobs}` (segmented, chi_sim+eng)", first.seconds),
            (f"`casekit extract -j {args.jobs}` cached re-run", cached.seconds),
        ]
        for label, seconds in rows:
            print(f"| {label} | {seconds:.2f} | {seconds / n:.2f} | {seconds / one_thread:.2f}× |")
        print(f"\nPeak memory of one casekit process (first run): {first.peak_mib:.0f} MiB")
        print(f"\nPrint copies left by the first run: {copies} of {n} (made inside extract, part of its time).")
        print(f"Print copy inside extract, from the image decoded for OCR (in-process, median of 3 passes): "
              f"{copy_decoded_ms:.0f} ms/image = {copy_decoded_ms / 10 / (first.seconds * args.jobs / n):.1f} % of "
              f"extract's {first.seconds * args.jobs / n:.2f} worker-s/image; a cold build makes it from the file in "
              f"{copy_file_ms:.0f} ms/image.")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
