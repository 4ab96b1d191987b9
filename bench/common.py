"""Shared benchmark helpers: time and peak memory of a command run in its own process."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


@dataclass
class Run:
    seconds: float
    peak_mib: float | None  # only `measure_isolated` knows a command's own peak
    returncode: int
    stdout: str
    stderr: str


def measure(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
    """Wall time of one command. (This process's RUSAGE_CHILDREN covers every child it ever
    waited for, so a per-command peak needs the fresh wrapper of `measure_isolated`.)"""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env={**os.environ, **(env or {})}, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate()
    return Run(time.perf_counter() - start, None, proc.returncode, out, err)


def measure_isolated(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
    """Like `measure`, but peak memory is that command's own tree (run through a fresh wrapper process)."""
    wrapper = [PYTHON, str(Path(__file__).with_name("_peak.py")), *cmd]
    run = measure(wrapper, env, cwd)
    lines = run.stderr.rstrip().splitlines()
    peak = float(lines[-1].split("=", 1)[1]) if lines and lines[-1].startswith("PEAK_MIB=") else None
    return Run(run.seconds, peak, run.returncode, run.stdout, "\n".join(lines[:-1]))


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"
