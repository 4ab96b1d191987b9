"""The CLI contract: help on every command, one-line errors with exit codes, no tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from casekit.cli import app

from .conftest import run_casekit

CONTRACT_COMMANDS = ["init", "add", "list", "exclude", "extract", "inspect", "verify"]


def _command_names() -> list[str]:
    return [c.name or c.callback.__name__ for c in app.registered_commands]


def test_every_contract_command_exists_and_has_help(cli) -> None:
    names = _command_names()
    for name in CONTRACT_COMMANDS:
        assert name in names
    for name in names:
        result = cli(name, "--help")
        assert result.exit_code == 0, name
        assert "Usage" in result.stdout
        # Each command explains itself in Chinese and English.
        assert "/" in result.stdout, name


def test_version_and_root_help(cli) -> None:
    assert cli("--version").stdout.startswith("casekit ")
    result = cli("--help")
    assert result.exit_code == 0 and "casekit" in result.stdout


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["list", "{tmp}/missing-case"], 1, "case folder not found"),
        (["verify", "{tmp}"], 1, "not a casekit case folder"),
        (["inspect", "{tmp}/nope.png"], 1, "file not found"),
        (["inspect", "{tmp}"], 1, "not a regular file"),
        (["extract", "{case}", "--date", "yesterday"], 1, "not a date"),
        (["exclude", "{case}", "E0404", "--reason", "x"], 1, "no evidence with id"),
        (["add", "{case}"], 2, "Missing argument"),
        (["bogus"], 2, "No such command"),
    ],
)
def test_errors_are_one_line_with_a_hint_and_no_traceback(tmp_path: Path, args: list[str], code: int, needle: str) -> None:
    case = tmp_path / "c"
    assert run_casekit("init", case).returncode == 0
    filled = [a.format(tmp=tmp_path, case=case) for a in args]
    result = run_casekit(*filled)
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    assert needle in result.stderr
    if code == 1:
        lines = [l for l in result.stderr.splitlines() if l.strip()]
        assert len(lines) == 1, lines
        assert "提示" in lines[0] and "hint" in lines[0]


def test_english_first_when_lang_says_so(tmp_path: Path) -> None:
    result = run_casekit("list", tmp_path / "nope", env={"LANG": "en_US.UTF-8", "LC_ALL": ""})
    assert result.stderr.startswith("casekit: case folder not found")
    result_zh = run_casekit("list", tmp_path / "nope", env={"LANG": "zh_CN.UTF-8", "LC_ALL": ""})
    assert result_zh.stderr.startswith("casekit: 案件文件夹不存在")


def test_python_dash_m_and_console_script_agree(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("casekit")
    out_script = subprocess.run([str(exe), "--version"], capture_output=True, text=True)
    out_module = run_casekit("--version")
    assert out_script.returncode == 0 and out_script.stdout == out_module.stdout
