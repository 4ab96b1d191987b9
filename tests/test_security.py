"""Nothing leaks: no network, private folders, ID and card numbers kept out of logs and messages.

Rendering safety (the PDF renderer refusing file:///etc/passwd, http://, ../ and symlinks out of
the case) is tested beside the renderer: tests/test_render.py::test_fetcher_refuses_*.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FIXTURES

ID_NUMBER = "110101199001011234"
CARD = "6222021234567890123"

# Loaded by every Python process casekit starts (PYTHONPATH), worker processes included:
# any attempt to resolve a name or open a connection is written down and refused.
SITECUSTOMIZE = r'''
import os, socket, traceback
LOG = os.environ["CASEKIT_NET_LOG"]

def _refuse(what):
    def blocked(*args, **kwargs):
        with open(LOG, "a") as handle:
            handle.write(f"{os.getpid()} {what} {args[:2]!r}\n" + "".join(traceback.format_stack(limit=6)) + "\n")
        raise OSError(f"network disabled in tests ({what})")
    return blocked

socket.socket.connect = _refuse("connect")
socket.socket.connect_ex = _refuse("connect_ex")
socket.socket.sendto = _refuse("sendto")
socket.getaddrinfo = _refuse("getaddrinfo")
socket.create_connection = _refuse("create_connection")
socket.gethostbyname = _refuse("gethostbyname")
'''


@pytest.fixture
def offline(tmp_path: Path):
    """Run commands in fresh processes whose sockets all refuse; returns (run, log path)."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    log = tmp_path / "net-attempts.log"
    env = {**os.environ, "PYTHONPATH": str(site), "CASEKIT_NET_LOG": str(log), "OMP_THREAD_LIMIT": "1", "LANG": "en_US.UTF-8", "LC_ALL": ""}

    def run(*args: str | os.PathLike[str], code: str | None = None) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-c", code] if code else [sys.executable, "-m", "casekit", *[str(a) for a in args]]
        return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)

    return run, log


def test_the_network_blocker_really_blocks(offline) -> None:
    """Guards the test below against passing vacuously."""
    run, log = offline
    probe = run(code="import urllib.request\ntry:\n urllib.request.urlopen('http://example.com', timeout=2)\nexcept OSError as e:\n print('refused', e)")
    assert "refused" in probe.stdout, probe.stdout + probe.stderr
    assert "example.com" in log.read_text()


@pytest.mark.slow
def test_add_extract_build_and_demo_run_with_no_network_at_all(tmp_path: Path, offline) -> None:
    run, log = offline
    demo = run("demo", tmp_path / "demo")  # init → add → extract (OCR in workers) → build (WeasyPrint)
    assert demo.returncode == 0, demo.stderr
    case = tmp_path / "demo"
    assert list((case / "out").glob("*.pdf"))
    shots = tmp_path / "more"
    shots.mkdir()
    (shots / "bill.csv").write_bytes(next((FIXTURES / "bills").rglob("alipay_app_2023_gbk.csv")).read_bytes())
    for args in (["add", case, shots], ["extract", case, "-j", "2"], ["build", case, "--recipient", "platform", "--draft"],
                 ["verify", case], ["status", case], ["inspect", shots / "bill.csv", "--json"]):
        result = run(*args)
        assert result.returncode == 0, (args, result.stderr)
    assert not log.exists(), log.read_text()  # nothing even tried


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_case_folders_are_private_even_with_a_permissive_umask(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.png").write_bytes(b"\x89PNG\r\n\x1a\nA")
    (src / "b.csv").write_text("交易号,金额\n1,2\n", "utf-8")
    case = tmp_path / "case"

    def run(*args: str | os.PathLike[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "casekit", *[str(a) for a in args]], capture_output=True, text=True,
                              preexec_fn=lambda: os.umask(0), env={**os.environ, "OMP_THREAD_LIMIT": "1"})

    for args in (["init", case], ["add", case, src], ["extract", case, "-j", "1"]):
        assert run(*args).returncode == 0
    for folder in (case, case / "evidence", case / ".casekit", case / ".casekit" / "records", case / ".casekit" / "tmp", case / "out"):
        assert _mode(folder) == 0o700, folder
    for private in (case / "case.toml", case / "custody.jsonl", case / ".casekit" / "custody.head", *(case / ".casekit" / "records").iterdir()):
        assert _mode(private) & 0o077 == 0, private
    originals = [p for p in (case / "evidence").rglob("*") if p.is_file()]
    assert len(originals) == 2
    for original in originals:
        assert _mode(original) == 0o444, original
        assert _mode(original.parent) == 0o700


def _write_facts(case: Path) -> None:
    text = (case / "case.toml").read_text("utf-8")
    text = text.replace('id_number = ""', f'id_number = "{ID_NUMBER}"', 1)
    text += f'\n[[suspects]]\nname = "张某"\npayment_accounts = ["{CARD}"]\n'
    (case / "case.toml").write_text(text, "utf-8")


def test_id_and_card_numbers_stay_out_of_the_custody_log_and_every_message(tmp_path: Path, offline) -> None:
    """Decision (docs/RELIABILITY.md): a file's *name* is evidence metadata, logged and quoted as
    given even when it holds an ID number; nothing else casekit writes to the log or prints —
    other entries, errors, warnings, summaries — may carry case.toml's ID or card numbers."""
    run, _log = offline
    case = tmp_path / "case"
    assert run("init", case).returncode == 0
    _write_facts(case)
    assert ID_NUMBER in (case / "case.toml").read_text("utf-8") and CARD in (case / "case.toml").read_text("utf-8")
    src = tmp_path / "src"
    src.mkdir()
    (src / f"身份证_{ID_NUMBER}.jpg").write_bytes(b"\xff\xd8\xff not really a jpeg")
    (src / "bill.csv").write_bytes(next((FIXTURES / "bills").rglob("alipay_app_2023_gbk.csv")).read_bytes())
    outputs = []
    for args in (["add", case, src], ["extract", case, "-j", "1"], ["verify", case], ["status", case],
                 ["timeline", case], ["build", case, "--recipient", "platform"], ["build", case, "--recipient", "platform", "--draft"],
                 ["exclude", case, "E0001", "--reason", "身份证照片不递交"], ["list", case]):
        result = run(*args)
        assert result.returncode in (0, 1), (args, result.stderr)
        assert "Traceback" not in result.stderr
        outputs.append((args[0], result))
    name = f"身份证_{ID_NUMBER}.jpg"
    for command, result in outputs:
        # The file's own name may be quoted (in a listing, a warning); case.toml's number never is.
        text = (result.stdout + result.stderr).replace(name, "<file name>")
        assert CARD not in text, command
        assert ID_NUMBER not in text, (command, text)
    for line in (case / "custody.jsonl").read_text("utf-8").splitlines():
        entry = json.loads(line)
        assert CARD not in line
        if entry["action"] == "add":
            without_name = {k: v for k, v in entry.items() if k not in ("original_name", "path", "source_path", "prev")}
            assert ID_NUMBER not in json.dumps(without_name, ensure_ascii=False), entry
        else:
            assert ID_NUMBER not in line, entry


def test_an_invalid_id_number_is_not_echoed_in_the_error(tmp_path: Path, cli) -> None:
    case = tmp_path / "case"
    assert cli("init", case).exit_code == 0
    wrong = ID_NUMBER[:-1]  # 17 characters
    text = (case / "case.toml").read_text("utf-8").replace('id_number = ""', f'id_number = "{wrong}"', 1)
    (case / "case.toml").write_text(text, "utf-8")
    result = cli("status", case)
    assert result.exit_code == 1
    assert "victim.id_number" in result.stderr  # names the field and the line…
    assert wrong not in result.stderr + result.stdout  # …not the number


def _rechain(lines: list[bytes], start: int) -> list[bytes]:
    """What a careful attacker does after editing line `start`: fix every later line's `prev`."""
    from casekit.store import encode_json_line, line_hash

    out = list(lines)
    for i in range(start + 1, len(out)):
        entry = json.loads(out[i])
        entry["prev"] = line_hash(out[i - 1])
        out[i] = encode_json_line(entry)
    return out


@pytest.fixture
def logged_case(tmp_path: Path):
    from casekit.adding import add_paths
    from casekit.facts import render_case_toml_template
    from casekit.store import Case

    case = Case.init(tmp_path / "case", render_case_toml_template())
    src = tmp_path / "src"
    src.mkdir()
    for n in range(3):
        (src / f"shot{n}.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes([n]) * 500)
    add_paths(case, [src])
    case.exclude("E0002", "重复截图")
    return case


def test_editing_a_line_and_rechaining_every_later_line_is_caught_by_the_head(logged_case, cli) -> None:
    case = logged_case
    lines = case.custody_path.read_bytes().splitlines()
    edited = lines[4].replace("重复截图".encode(), "对方要求删除".encode())  # rewrite the exclusion's reason
    assert edited != lines[4]
    lines[4] = edited
    forged = _rechain(lines, 4)
    case.custody_path.write_bytes(b"\n".join(forged) + b"\n")
    result = cli("verify", case.root, "--json")
    assert result.exit_code == 3
    problems = json.loads(result.stdout)["problems"]
    # The chain itself is consistent again; only the head recorded beside the log disagrees.
    assert [p["kind"] for p in problems] == ["broken_chain"] and "chain head" in problems[0]["message"], problems


def test_a_full_rewrite_of_log_and_head_is_only_caught_by_a_quoted_chain_head(logged_case, cli) -> None:
    """Honest limit (docs/RELIABILITY.md): whoever can rewrite both the log and custody.head can make
    verify pass. What still exposes it is the chain head verify prints, once quoted elsewhere."""
    from casekit.store import line_hash

    case = logged_case
    before = cli("verify", case.root)
    assert before.exit_code == 0
    quoted_head = line_hash(case.custody_path.read_bytes().splitlines()[-1])
    assert quoted_head in before.stdout  # verify prints the head for the user to write down / send
    lines = case.custody_path.read_bytes().splitlines()
    lines[4] = lines[4].replace("重复截图".encode(), "对方要求删除".encode())
    forged = _rechain(lines, 4)
    case.custody_path.write_bytes(b"\n".join(forged) + b"\n")
    case.head_path.write_text(json.dumps({"seq": len(forged), "hash": line_hash(forged[-1])}))
    after = cli("verify", case.root)
    assert after.exit_code == 0  # the limit, stated plainly: undetectable from inside the folder
    assert quoted_head not in after.stdout  # …but the printed head no longer matches the quoted one
