"""verify's tamper matrix, the two-process add race, and Ctrl-C in the middle of an add."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from casekit.adding import add_paths
from casekit.store import Case, line_hash
from casekit.verify import verify_case

from .conftest import run_casekit


@pytest.fixture
def filled_case(tmp_path: Path, new_case: Case) -> Case:
    src = tmp_path / "src"
    src.mkdir()
    for n in range(3):
        (src / f"shot{n}.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes([n]) * 2000)
    add_paths(new_case, [src])
    new_case.exclude("E0002", "测试")
    assert verify_case(new_case).ok
    return new_case


def _writable(path: Path) -> None:
    os.chmod(path, 0o644)


def _flip_byte(case: Case) -> None:
    path = case.item("E0001").path
    _writable(path)
    data = bytearray(path.read_bytes())
    data[100] ^= 0x01
    path.write_bytes(bytes(data))


def _truncate(case: Case) -> None:
    path = case.item("E0002").path
    _writable(path)
    path.write_bytes(path.read_bytes()[:10])


def _replace(case: Case) -> None:
    path = case.item("E0003").path
    path.unlink()
    path.write_bytes(b"forged")


def _delete_original(case: Case) -> None:
    case.item("E0001").path.unlink()


def _unlogged_file(case: Case) -> None:
    (case.evidence_dir / "E0001" / "planted.png").write_bytes(b"planted")


def _custody_lines(case: Case) -> list[bytes]:
    return case.custody_path.read_bytes().splitlines()


def _write_custody(case: Case, lines: list[bytes]) -> None:
    case.custody_path.write_bytes(b"\n".join(lines) + b"\n")


def _edit_custody_line(case: Case) -> None:
    lines = _custody_lines(case)
    lines[2] = lines[2].replace(b"shot1.png", b"shotX.png")
    _write_custody(case, lines)


def _edit_and_rehash(case: Case) -> None:
    """An attacker edits the sha256 of an add entry and re-computes that line's own fields."""
    lines = _custody_lines(case)
    entry = json.loads(lines[1])
    path = case.item(entry["evidence_id"]).path
    _writable(path)
    path.write_bytes(b"swapped content")
    entry["sha256"] = hashlib.sha256(b"swapped content").hexdigest()
    entry["size"] = len(b"swapped content")
    lines[1] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
    _write_custody(case, lines)
    manifest = case.manifest_path.read_text().replace(case.items()[0].sha256, entry["sha256"])
    case.manifest_path.write_text(manifest)


def _delete_custody_line(case: Case) -> None:
    lines = _custody_lines(case)
    del lines[2]
    _write_custody(case, lines)


def _delete_last_custody_line(case: Case) -> None:
    _write_custody(case, _custody_lines(case)[:-1])


def _reorder_custody(case: Case) -> None:
    lines = _custody_lines(case)
    lines[1], lines[2] = lines[2], lines[1]
    _write_custody(case, lines)


def _edit_manifest(case: Case) -> None:
    text = case.manifest_path.read_text()
    case.manifest_path.write_text(text.replace("shot0", "shotZ"))


@pytest.mark.parametrize(
    ("tamper", "kind"),
    [
        (_flip_byte, "modified"),
        (_truncate, "modified"),
        (_replace, "modified"),
        (_delete_original, "missing"),
        (_unlogged_file, "unlogged"),
        (_edit_custody_line, "broken_chain"),
        (_edit_and_rehash, "broken_chain"),
        (_delete_custody_line, "broken_chain"),
        (_delete_last_custody_line, "broken_chain"),
        (_reorder_custody, "broken_chain"),
        (_edit_manifest, "manifest"),
    ],
)
def test_verify_names_each_kind_of_tampering(filled_case: Case, cli, tamper, kind: str) -> None:
    tamper(filled_case)
    result = cli("verify", filled_case.root, "--json")
    assert result.exit_code == 3
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert kind in {p["kind"] for p in report["problems"]}, report["problems"]
    human = cli("verify", filled_case.root)
    assert human.exit_code == 3 and "✗" in human.stdout


def test_broken_chain_names_the_line(filled_case: Case) -> None:
    _delete_custody_line(filled_case)
    problems = verify_case(filled_case).problems
    assert any(p.kind == "broken_chain" and p.line == 3 for p in problems)


def test_chain_links_each_line_to_the_previous(filled_case: Case) -> None:
    lines = _custody_lines(filled_case)
    for before, line in zip(lines, lines[1:]):
        assert json.loads(line)["prev"] == line_hash(before)
    entry = json.loads(lines[1])
    for key in ("time", "action", "evidence_id", "sha256", "original_name", "size", "tool", "prev"):
        assert key in entry


def test_verify_passes_on_an_untouched_case_from_a_real_process(filled_case: Case) -> None:
    result = run_casekit("verify", filled_case.root)
    assert result.returncode == 0, result.stderr
    assert "核验通过" in result.stdout


def test_two_adds_at_once_both_land(tmp_path: Path, new_case: Case) -> None:
    batches = []
    for b in range(2):
        folder = tmp_path / f"batch{b}"
        folder.mkdir()
        for n in range(15):
            (folder / f"f{n}.bin").write_bytes(f"{b}-{n}".encode() * 5000)
        batches.append(folder)
    procs = [
        subprocess.Popen([sys.executable, "-m", "casekit", "add", str(new_case.root), str(folder)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for folder in batches
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    items = new_case.items()
    assert len(items) == 30
    assert len({i.id for i in items}) == 30
    assert verify_case(new_case).ok


def test_ctrl_c_during_a_large_add_leaves_a_case_that_verifies(tmp_path: Path, new_case: Case, sigint_handled: None) -> None:
    small = tmp_path / "small.txt"
    small.write_text("first")
    add_paths(new_case, [small])
    big = tmp_path / "big.bin"
    with open(big, "wb") as handle:
        handle.truncate(3 * 1024**3)  # sparse: reads fast, but hashing 3 GiB takes seconds
    proc = subprocess.Popen([sys.executable, "-m", "casekit", "add", str(new_case.root), str(big)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not list(new_case.tmp_dir.glob("add-*.part")):
        assert time.monotonic() < deadline and proc.poll() is None, "the add never started copying"
        time.sleep(0.02)
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    assert "Traceback" not in err.decode()
    assert "interrupted" in err.decode()
    assert [i.original_name for i in new_case.items()] == ["small.txt"]
    assert not list(new_case.tmp_dir.glob("add-*.part"))  # the temp copy was cleaned up
    assert verify_case(new_case).ok


def test_temp_files_of_dead_writers_are_cleaned_and_live_ones_kept(tmp_path: Path, new_case: Case) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        stale = [new_case.tmp_dir / f"add-{dead}-x1.part", new_case.records_dir / f".E0001.json.{dead}-x2.tmp", new_case.root / f".MANIFEST.sha256.{dead}-x3.tmp"]
        live = new_case.tmp_dir / f"add-{sleeper.pid}-busy.part"
        for path in [*stale, live]:
            path.write_bytes(b"partial")
        (tmp_path / "x.txt").write_text("x")
        add_paths(new_case, [tmp_path / "x.txt"])
        assert not any(p.exists() for p in stale)
        assert live.exists()  # another process is still writing it
        assert verify_case(new_case).ok
    finally:
        sleeper.kill()
        sleeper.wait()
