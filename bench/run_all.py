"""Run every benchmark, one after another, printing each one's markdown table.

    .venv/bin/python bench/run_all.py [--quick]

`--quick` uses small sizes (a minute or two); the figures in bench/README.md come from the
full run. Each benchmark measures its baseline in the same run as casekit.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

FULL = [
    ["bench_bills.py"],
    ["bench_extract.py", "--n", "12"],
    ["bench_ocr.py"],
    ["bench_real.py", "--speed"],
    ["bench_screens.py"],
    ["bench_packets.py", "--sizes", "10,50,200,500", "--naive-max", "200"],
]
QUICK = [
    ["bench_bills.py", "--rows", "20000"],
    ["bench_extract.py", "--n", "4"],
    ["bench_packets.py", "--sizes", "10", "--naive-max", "10"],
]


def main() -> int:
    plan = QUICK if "--quick" in sys.argv else FULL
    failed = 0
    for script, *args in plan:
        print(f"\n## {script} {' '.join(args)}\n", flush=True)
        code = subprocess.call([sys.executable, str(HERE / script), *args], env={**os.environ, "OMP_THREAD_LIMIT": "1"})
        failed += code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
