"""`casekit extract` under fire: Ctrl-C and SIGKILL of the whole process group mid-run, two at once.

Afterwards every stored record is whole JSON of the right shape, the case verifies, a re-run
finishes the rest, and a third run finds everything cached.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from casekit.adding import add_paths
from casekit.records import Extraction
from casekit.store import Case
from casekit.verify import verify_case

from .conftest import FIXTURES

SEED = 715
BILL_SUFFIXES = (".csv", ".xls", ".xlsx")


def _env() -> dict[str, str]:
    return {**os.environ, "OMP_THREAD_LIMIT": "1", "LANG": "en_US.UTF-8", "LC_ALL": ""}


def _extract(root: Path, *extra: str) -> subprocess.Popen[bytes]:
    # A session of its own: Ctrl-C in a terminal reaches the whole process group, workers too.
    return subprocess.Popen([sys.executable, "-m", "casekit", "extract", str(root), *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(), start_new_session=True)


@pytest.fixture(scope="module")
def bill_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A case holding ~60 distinct bills (fixtures, CSVs made unique by trailing blank lines)."""
    from casekit.facts import render_case_toml_template

    base = tmp_path_factory.mktemp("extract")
    src = base / "bills"
    src.mkdir()
    bills = sorted(p for p in (FIXTURES / "bills").rglob("*") if p.suffix in BILL_SUFFIXES)
    assert len(bills) >= 15
    n = 0
    for copy in range(4):
        for bill in bills:
            if copy and bill.suffix != ".csv":
                continue  # binary bills cannot be varied without breaking them
            n += 1
            data = bill.read_bytes() + (b"\r\n" * copy if bill.suffix == ".csv" else b"")
            (src / f"{n:03d}-{bill.name}").write_bytes(data)
    case = Case.init(base / "case", render_case_toml_template())
    outcomes = add_paths(case, [src])
    assert sum(o.status == "added" for o in outcomes) >= 50
    return case.root


def _finish(proc: subprocess.Popen[bytes], timeout: float = 60) -> tuple[bytes, bytes]:
    """Wait for an extract; a hang is a failure (and the whole process group is cleaned up)."""
    try:
        return proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"extract hung for {timeout} s after a signal")


def _copy(case_root: Path, dest: Path) -> Path:
    shutil.copytree(case_root, dest, symlinks=True)
    return dest


def _records_are_whole(root: Path, killed: bool = False) -> set[str]:
    """Every stored record parses, names its item and hash, and round-trips as an Extraction.

    Only SIGKILL may leave an atomic write's hidden temp file behind (nothing runs to remove it);
    such a file is never read as a record."""
    case = Case.open(root)
    by_id = {i.id: i for i in case.items()}
    ids = set()
    for path in sorted((root / ".casekit" / "records").iterdir()):
        if killed and path.name.startswith(".") and path.suffix == ".tmp":
            continue
        assert path.suffix == ".json", path.name  # Ctrl-C leaves no temp files
        data = json.loads(path.read_text("utf-8"))
        assert data["evidence_id"] == path.stem and data["sha256"] == by_id[path.stem].sha256
        Extraction.from_json(data["extraction"])
        ids.add(path.stem)
    return ids


@pytest.mark.torture
def test_random_ctrl_c_and_sigkill_during_extract_then_rerun_completes(tmp_path: Path, bill_case: Path) -> None:
    start = time.monotonic()
    clean_root = _copy(bill_case, tmp_path / "clean")
    clean = _extract(clean_root, "-j", "2", "--json")
    out, err = clean.communicate(timeout=300)
    full = time.monotonic() - start
    assert clean.returncode == 0, err.decode()
    everything = set(json.loads(out)["extracted"])
    assert len(everything) == len(Case.open(clean_root).items())

    rng = random.Random(SEED)
    cut_short = 0
    for iteration in range(6):
        sig = signal.SIGINT if iteration % 2 == 0 else signal.SIGKILL
        root = _copy(bill_case, tmp_path / f"case{iteration}")
        proc = _extract(root, "-j", "2")
        time.sleep(rng.uniform(0.4, full * 0.9))
        os.killpg(proc.pid, sig)
        _out, err = _finish(proc)
        stderr = err.decode()
        assert "Traceback" not in stderr, stderr  # not from the main process, not from a worker
        if sig == signal.SIGINT:
            # -2 with no output: the signal came during the interpreter's own start-up or shut-down,
            # outside casekit's code; what follows checks that nothing was harmed either way.
            assert proc.returncode in (0, 130) or (proc.returncode == -2 and not stderr), (proc.returncode, stderr)
        done = _records_are_whole(root, killed=sig == signal.SIGKILL)
        cut_short += done < everything
        assert done <= everything
        assert verify_case(Case.open(root)).ok

        rerun = _extract(root, "-j", "2", "--json")
        out, err = rerun.communicate(timeout=300)
        assert rerun.returncode == 0, err.decode()
        summary = json.loads(out)
        assert set(summary["extracted"]) == everything - done  # exactly the rest, nothing redone
        assert _records_are_whole(root, killed=sig == signal.SIGKILL) == everything
        third = _extract(root, "--json")
        out, _err = third.communicate(timeout=300)
        assert json.loads(out)["extracted"] == [] and set(json.loads(out)["cached"]) == everything
        assert verify_case(Case.open(root)).ok
    assert cut_short >= 4, cut_short


@pytest.mark.torture
def test_two_extracts_at_once_both_finish_and_records_are_whole(tmp_path: Path, bill_case: Path) -> None:
    root = _copy(bill_case, tmp_path / "case")
    procs = [_extract(root, "-j", "1"), _extract(root, "-j", "1")]
    for proc in procs:
        _out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode()
        assert "Traceback" not in err.decode()
    assert _records_are_whole(root) == {i.id for i in Case.open(root).items()}
    report = verify_case(Case.open(root))
    assert report.ok, [p.message for p in report.problems]
    actions = [json.loads(line)["action"] for line in (root / "custody.jsonl").read_bytes().splitlines()]
    assert actions.count("extract") >= 1


@pytest.mark.torture
def test_ctrl_c_never_hangs_a_parallel_extract(tmp_path: Path, bill_case: Path) -> None:
    """Ctrl-C reaching the workers mid-hand-back once deadlocked the pool (1 run in ~15 hung).
    Many short interrupts; each must end promptly with exit 130 (or 0) and no traceback."""
    rng = random.Random(SEED + 2)
    for iteration in range(14):
        root = _copy(bill_case, tmp_path / f"case{iteration}")
        proc = _extract(root, "-j", "2")
        time.sleep(rng.uniform(0.5, 1.3))
        os.killpg(proc.pid, signal.SIGINT)
        _out, err = _finish(proc, timeout=30)
        assert proc.returncode in (0, 130, -2), (proc.returncode, err.decode())
        assert "Traceback" not in err.decode()
        _records_are_whole(root)
