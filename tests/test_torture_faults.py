"""Crash-point enumeration: stop `casekit add` at every file-system step it takes.

A wrapper (`FAULT_WRAPPER`, run with `python -c`) counts casekit's mutating file-system calls
(write, fsync, replace, rename, chmod, unlink, mkdir, ftruncate) and, at call number K, does
one of three things:

- `kill`   SIGKILL itself just *before* the call (power cut, OOM killer, closed laptop lid);
- `int`    SIGINT itself just *after* the call (Ctrl-C at the worst moment);
- `enospc` make the call fail with ENOSPC instead (disk full at exactly that step; only for
           write/fsync, the calls that allocate space).

For every K the case must verify, hold nothing half-registered, and a re-run of the same `add`
must finish the work. Ctrl-C is held stricter than SIGKILL: it must leave nothing for the next
command to roll forward, so even a plain `sha256sum -c MANIFEST.sha256` agrees with `evidence/`.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from concurrent.futures import ThreadPoolExecutor

from casekit.adding import add_paths
from casekit.store import Case
from casekit.verify import verify_case

FAULT_WRAPPER = r'''
import os, signal, sys, errno
mode, target, counter = sys.argv[1], int(sys.argv[2]), sys.argv[3]
del sys.argv[1:4]
calls = {"n": 0}
WRITES = {"write", "fsync"}

def from_casekit():
    frame = sys._getframe(2)
    for _ in range(5):
        if frame is None:
            return False
        if frame.f_globals.get("__name__", "").startswith("casekit"):
            return True
        frame = frame.f_back
    return False

def wrap(name):
    # fsync is counted and faulted but not performed: a killed process loses nothing from the
    # page cache (power loss is not simulated), and real fsyncs would make the sweep slow.
    real = (lambda fd: None) if name == "fsync" else getattr(os, name)
    def patched(*args, **kwargs):
        if not from_casekit() or (mode == "enospc" and name not in WRITES):
            return real(*args, **kwargs)
        if mode == "enospc" and sys._getframe(1).f_code.co_name == "fsync_dir":
            # fsync of a directory allocates nothing; fsync_dir deliberately ignores its errors
            return real(*args, **kwargs)
        calls["n"] += 1
        if calls["n"] == target:
            if mode == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            if mode == "enospc":
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            result = real(*args, **kwargs)
            os.kill(os.getpid(), signal.SIGINT)
            return result
        return real(*args, **kwargs)
    setattr(os, name, patched)

for name in ("write", "fsync", "replace", "rename", "chmod", "unlink", "mkdir", "ftruncate"):
    wrap(name)

import atexit
atexit.register(lambda: open(counter, "w").write(str(calls["n"])))
sys.argv[0] = "casekit"
from casekit.cli import main
main(sys.argv[1:])
'''


def run_with_fault(mode: str, at: int, counter: Path, *args: str | os.PathLike[str]) -> subprocess.CompletedProcess[str]:
    """Run the casekit CLI in a fresh process that faults at mutating call number `at` (0: never)."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1", "LANG": "en_US.UTF-8", "LC_ALL": ""}
    return subprocess.run(
        [sys.executable, "-c", FAULT_WRAPPER, mode, str(at), str(counter), *[str(a) for a in args]],
        capture_output=True, text=True, timeout=120, env=env,
    )


def sweep(tmp_path: Path, mode: str, src: Path, total: int) -> list[tuple[int, Path, subprocess.CompletedProcess[str]]]:
    """Fault every call 1..total, each in a fresh case; two processes at a time (2 cores)."""
    roots = [_fresh_case(tmp_path, f"{mode}{at}") for at in range(1, total + 1)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda at: run_with_fault(mode, at, tmp_path / f"c{mode}{at}.txt", "add", roots[at - 1], src), range(1, total + 1)))
    return [(at, roots[at - 1], results[at - 1]) for at in range(1, total + 1)]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_nothing_half_registered(case_root: Path) -> None:
    """Every logged item has its original with the right hash, and evidence/ holds nothing else.

    Opens the case (which finishes a journalled registration, as every command does)."""
    case = Case.open(case_root)
    report = verify_case(case)
    assert report.ok, [p.message for p in report.problems]
    logged = {item.relpath: item.sha256 for item in case.items()}
    on_disk = {p.relative_to(case.root).as_posix(): sha(p) for p in case.evidence_dir.rglob("*") if p.is_file()}
    assert on_disk == logged
    for item in case.items():
        assert (os.stat(item.path).st_mode & 0o777) == 0o444, item.relpath


def assert_manifest_matches_evidence_without_casekit(case_root: Path) -> None:
    """What a court clerk with only `sha256sum -c` sees: MANIFEST lists exactly evidence/, hashes right.

    Reads the files directly; no casekit code runs, so nothing is rolled forward first."""
    assert not (case_root / ".casekit" / "journal.json").exists(), "Ctrl-C left a registration for the next command to finish"
    listed = {}
    for line in (case_root / "MANIFEST.sha256").read_text("utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    on_disk = {p.relative_to(case_root).as_posix(): sha(p) for p in (case_root / "evidence").rglob("*") if p.is_file()}
    assert on_disk == listed
    if not listed:
        return  # sha256sum -c refuses an empty list; the comparison above already holds
    check = subprocess.run(["sha256sum", "-c", "--quiet", "MANIFEST.sha256"], cwd=case_root, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.fixture(autouse=True)
def no_real_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    """In this process too: the checks here are about ordering, not about power loss."""
    monkeypatch.setattr(os, "fsync", lambda fd: None)


@pytest.fixture
def src_files(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    # One file keeps the sweep fast; a second file interrupted after the first registered is
    # covered by the randomly timed kills in test_torture_add.py.
    (src / "shot 1.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(3000))
    return src


def _fresh_case(tmp_path: Path, name: str) -> Path:
    from casekit.facts import render_case_toml_template

    return Case.init(tmp_path / name, render_case_toml_template()).root


def _count_calls(tmp_path: Path, mode: str, src: Path) -> int:
    root = _fresh_case(tmp_path, f"count-{mode}")
    counter = tmp_path / f"count-{mode}.txt"
    result = run_with_fault(mode, 0, counter, "add", root, src)
    assert result.returncode == 0, result.stderr
    return int(counter.read_text())


def _source_hashes(src: Path) -> set[str]:
    return {sha(p) for p in src.iterdir()}


def _finish_and_check(root: Path, src: Path) -> None:
    """Re-running the same add completes the work: every source file present exactly once."""
    case = Case.open(root)
    outcomes = add_paths(case, [src])
    assert {o.status for o in outcomes} <= {"added", "duplicate"}
    hashes = [item.sha256 for item in case.items()]
    assert sorted(hashes) == sorted(_source_hashes(src))
    assert verify_case(case).ok


@pytest.mark.torture
def test_sigkill_before_every_filesystem_step_of_add(tmp_path: Path, src_files: Path) -> None:
    total = _count_calls(tmp_path, "kill", src_files)
    assert total >= 10  # copy, journals, renames, log lines, heads, manifests
    for at, root, result in sweep(tmp_path, "kill", src_files, total):
        assert result.returncode == -9, (at, result.returncode, result.stderr)
        assert_nothing_half_registered(root)
        _finish_and_check(root, src_files)


@pytest.mark.torture
def test_ctrl_c_after_every_filesystem_step_of_add_leaves_a_consistent_folder(tmp_path: Path, src_files: Path, sigint_handled: None) -> None:
    total = _count_calls(tmp_path, "int", src_files)
    for at, root, result in sweep(tmp_path, "int", src_files, total):
        assert result.returncode in (0, 130), (at, result.stderr)  # 0: the signal came after the last step
        assert "Traceback" not in result.stderr, (at, result.stderr)
        if result.returncode == 130:
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("casekit: interrupted; finished work is kept"), lines
        assert not list((root / ".casekit" / "tmp").glob("add-*.part")), at  # temp copies cleaned up
        assert_manifest_matches_evidence_without_casekit(root)
        assert_nothing_half_registered(root)
        _finish_and_check(root, src_files)


@pytest.mark.torture
def test_disk_full_at_every_write_of_add_is_one_line_exit_1_and_the_case_verifies(tmp_path: Path, src_files: Path) -> None:
    total = _count_calls(tmp_path, "enospc", src_files)
    assert total >= 4
    for at, root, result in sweep(tmp_path, "enospc", src_files, total):
        assert result.returncode == 1, (at, result.stderr)
        assert "Traceback" not in result.stderr, (at, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("casekit: disk full while writing"), (at, lines)
        assert "free some disk space" in lines[0]
        # The custody log is whole JSON lines, even when the failed write was a log line.
        for line in (root / "custody.jsonl").read_bytes().splitlines():
            json.loads(line)
        assert_nothing_half_registered(root)  # once there is space again, the next command finishes
        _finish_and_check(root, src_files)
