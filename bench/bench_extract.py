"""Extract N chat screenshots with casekit vs. running raw Tesseract on each, in the same run.

    .venv/bin/python bench/bench_extract.py --n 12

Baselines, on the same images: `tesseract IMG - -l chi_sim` one after another with Tesseract's
default threads, and again with OMP_THREAD_LIMIT=1. casekit: `casekit extract -j 2` on a case
holding the same images, then the cached re-run.
"""

from __future__ import annotations

import argparse
import os
import shutil
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
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
