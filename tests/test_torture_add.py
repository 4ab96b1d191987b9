"""`casekit add` under fire: Ctrl-C and SIGKILL at random moments, racing commands, a full disk.

Each scenario ends with the same three checks: `casekit verify` exits 0; nothing is
half-registered (every listed item has its original with the right hash, and `evidence/` holds
nothing else); and re-running the same `add` finishes the work (every file present exactly once).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from casekit.store import Case
from casekit.verify import verify_case

from .conftest import run_casekit
from .test_torture_faults import assert_nothing_half_registered

SEED = 20260305
SMALL_FILES = 20
BIG = 16 * 1024 * 1024  # sparse: costs no disk in the source folder, real bytes in the copy


def _env() -> dict[str, str]:
    return {**os.environ, "OMP_THREAD_LIMIT": "1", "LANG": "en_US.UTF-8", "LC_ALL": ""}


def _popen(*args: str | os.PathLike[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "casekit", *[str(a) for a in args]], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())


def _init(root: Path) -> Path:
    from casekit.facts import render_case_toml_template

    return Case.init(root, render_case_toml_template()).root


@pytest.fixture(autouse=True)
def no_real_fsync_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks and re-runs here run in-process without fsync (speed); the processes we kill
    keep real fsync, since their timing is what the kills sample."""
    monkeypatch.setattr(os, "fsync", lambda fd: None)


@pytest.fixture(scope="module")
def big_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("src") / "phone"
    src.mkdir()
    rng = random.Random(SEED)
    for n in range(SMALL_FILES):
        (src / f"Screenshot_{n:03d}.png").write_bytes(b"\x89PNG\r\n\x1a\n" + rng.randbytes(rng.randint(100, 40_000)))
    with open(src / "Screenshot_020_recording.mp4", "wb") as handle:  # sorts into the middle
        handle.truncate(BIG)
    (src / "sub").mkdir()
    (src / "sub" / "alipay bill.csv").write_text("交易号,金额\n1,1280.00\n", "utf-8")
    return src


def _hashes(folder: Path) -> list[str]:
    out = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest = hashlib.sha256()
            with open(path, "rb") as handle:
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
            out.append(digest.hexdigest())
    return out


def _check_complete(cli, root: Path, src: Path) -> None:
    """Re-running the same add completes the work; every file is present exactly once."""
    again = cli("add", root, src, "--json")
    assert again.exit_code == 0, again.output
    statuses = {o["status"] for o in json.loads(again.stdout)["outcomes"]}
    assert statuses <= {"added", "duplicate"}
    listed = json.loads(cli("list", root, "--json").stdout)["items"]
    assert sorted(i["sha256"] for i in listed) == sorted(_hashes(src))
    assert cli("verify", root).exit_code == 0
    assert_nothing_half_registered(root)


@pytest.mark.torture
def test_random_ctrl_c_and_sigkill_during_add_lose_nothing(tmp_path: Path, big_folder: Path, cli, sigint_handled: None) -> None:
    # How long an uninterrupted add takes on this machine: kills land anywhere inside it. The
    # shorter of two runs: one slowed by a passing load spike made most kills land after the end.
    durations = []
    for attempt in range(2):
        start = time.monotonic()
        clean = run_casekit("add", _init(tmp_path / f"clean{attempt}"), big_folder)
        durations.append(time.monotonic() - start)
        assert clean.returncode == 0, clean.stderr
    full = min(durations)

    rng = random.Random(SEED)
    interrupted = partial = 0
    for iteration in range(12):
        sig = signal.SIGINT if iteration % 2 == 0 else signal.SIGKILL
        root = _init(tmp_path / f"case{iteration}")
        proc = _popen("add", root, big_folder)
        time.sleep(rng.uniform(0.15, full))  # 0.15 s: past interpreter start-up
        proc.send_signal(sig)
        _out, err = proc.communicate(timeout=120)
        stderr = err.decode()
        if proc.returncode != 0:
            interrupted += 1
            # On a loaded machine a Ctrl-C can land while the interpreter starts (before its
            # handler exists) or finalises (after it is reset): the process then dies of SIGINT
            # outside casekit's code. The case must still verify, which is checked below.
            expected = (130, -signal.SIGINT) if sig == signal.SIGINT else (-signal.SIGKILL,)
            assert proc.returncode in expected, (iteration, proc.returncode, stderr)
        assert "Traceback" not in stderr, stderr
        if sig == signal.SIGINT and proc.returncode == 130 and stderr.strip():
            # (A Ctrl-C during argument parsing, before any work, exits 130 with no message.)
            assert stderr.strip().splitlines() == [stderr.strip()]
            assert stderr.startswith("casekit: interrupted; finished work is kept"), stderr
        verify = cli("verify", root)
        assert verify.exit_code == 0, (iteration, verify.output)
        assert_nothing_half_registered(root)
        count = len(Case.open(root).items())
        partial += 0 < count < SMALL_FILES + 2
        _check_complete(cli, root, big_folder)
    # Not a vacuous test: most runs were cut short, and several in the middle of the folder.
    assert interrupted >= 7, interrupted
    assert partial >= 3, partial


@pytest.mark.torture
def test_kill_and_rerun_repeatedly_on_one_case_converges(tmp_path: Path, big_folder: Path, cli) -> None:
    """The same case, killed again and again mid-add, still ends with every file exactly once."""
    root = _init(tmp_path / "case")
    rng = random.Random(SEED + 1)
    for _ in range(5):
        proc = _popen("add", root, big_folder)
        time.sleep(rng.uniform(0.15, 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        assert verify_case(Case.open(root)).ok
    _check_complete(cli, root, big_folder)


@pytest.mark.torture
def test_overlapping_adds_at_once_register_each_file_once(tmp_path: Path, big_folder: Path, cli) -> None:
    """Three adds at once, two of the same folder: one copy of each file, the rest are duplicates."""
    root = _init(tmp_path / "case")
    other = tmp_path / "other"
    other.mkdir()
    for n in range(15):
        (other / f"chat{n}.jpg").write_bytes(b"\xff\xd8\xff" + f"chat {n}".encode() * 300)
    procs = [_popen("add", root, big_folder, "--json"), _popen("add", root, big_folder, "--json"), _popen("add", root, other, "--json")]
    outcomes = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
        outcomes.append(json.loads(out)["outcomes"])
    same = [o for run in outcomes[:2] for o in run]
    assert sum(o["status"] == "added" for o in same) == SMALL_FILES + 2
    assert sum(o["status"] == "duplicate" for o in same) == SMALL_FILES + 2
    items = Case.open(root).items()
    assert sorted(i.sha256 for i in items) == sorted(_hashes(big_folder) + _hashes(other))
    assert [i.id for i in items] == [f"E{n:04d}" for n in range(1, len(items) + 1)]  # no gaps, no repeats
    assert cli("verify", root).exit_code == 0


@pytest.mark.torture
def test_verify_during_an_add_never_reports_a_false_difference(tmp_path: Path) -> None:
    """verify racing an add sees the case before or after each file, never half-way ('unlogged',
    'manifest'). Without the case lock in verify this failed within a few seconds."""
    root = _init(tmp_path / "case")
    src = tmp_path / "many"
    src.mkdir()
    for n in range(40):
        (src / f"f{n:03d}.txt").write_text(f"file {n}\n" * 50)
    proc = _popen("add", root, src)
    seen_counts, problems, runs = set(), [], 0
    while proc.poll() is None:
        report = verify_case(Case.open(root))
        runs += 1
        seen_counts.add(report.items_checked)
        problems += [p.kind for p in report.problems]
        time.sleep(0.02)  # let the add take its turn: the lock polls, it is not a fair queue
    proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert problems == []
    # Every verify started while the add was running (some waited for its lock, which is the point).
    assert runs >= 5


def _limited(limit: int):
    def apply() -> None:
        # Above RLIMIT_FSIZE, write() fails with EFBIG (after a short write) instead of killing us.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def _run_limited(limit: int, *args: str | os.PathLike[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "casekit", *[str(a) for a in args]], capture_output=True, text=True, env=_env(), preexec_fn=_limited(limit), timeout=120)


@pytest.mark.torture
def test_a_file_too_large_for_the_disk_is_one_line_exit_1(tmp_path: Path, cli) -> None:
    """Like a 5 GB screen recording on a FAT32 stick: one clear line, exit 1, earlier files kept."""
    root = _init(tmp_path / "case")
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.png").write_bytes(b"\x89PNG\r\n\x1a\nsmall")
    (src / "b.mp4").write_bytes(os.urandom(200_000))
    result = _run_limited(100_000, "add", root, src)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "b.mp4 is too large for this disk" in lines[0] and "hint" in lines[0], lines
    assert not list((root / ".casekit" / "tmp").iterdir())  # the partial copy was removed
    assert [i.original_name for i in Case.open(root).items()] == ["a.png"]
    assert cli("verify", root).exit_code == 0


@pytest.mark.torture
def test_disk_full_while_appending_to_the_custody_log_never_leaves_half_a_line(tmp_path: Path, cli) -> None:
    """A short write of a custody line is cut back; the next command with space finishes the add."""
    root = _init(tmp_path / "case")
    src = tmp_path / "src"
    src.mkdir()
    for n in range(4):
        (src / f"f{n}.txt").write_text(f"early {n}")
    assert cli("add", root, src).exit_code == 0
    late = tmp_path / "late.txt"
    late.write_text("late")
    # Room for the journal and the copy, but the log can grow by only 60 bytes: a short write.
    custody = root / "custody.jsonl"
    size = custody.stat().st_size
    result = _run_limited(size + 60, "add", root, late)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert custody.stat().st_size == size  # cut back to whole lines
    for line in custody.read_bytes().splitlines():
        json.loads(line)
    assert cli("verify", root).exit_code == 0  # space again: the journalled add is finished
    names = [i.original_name for i in Case.open(root).items()]
    assert names.count("late.txt") == 1 and len(names) == 5
    assert_nothing_half_registered(root)
