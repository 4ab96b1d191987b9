"""Shared test helpers: run the CLI in-process (CliRunner) or as a real subprocess."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from casekit.cli import app

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def sigint_handled():
    """Ctrl-C handled as in a terminal, for tests that send SIGINT.

    Started in the background or under `nohup`, the test run inherits SIGINT *ignored*, and so
    would every casekit process it starts (an ignored signal stays ignored across exec). A
    caught signal is reset to its default on exec, so while Python's own handler is installed
    here, both this process and the children it starts take Ctrl-C the way a user's shell does.
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.fixture
def cli():
    """Invoke the CLI in-process; returns the Result (exit_code, stdout, stderr)."""
    runner = CliRunner()

    def invoke(*args: str | os.PathLike[str]):
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)

    return invoke


def run_casekit(*args: str | os.PathLike[str], cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run `python -m casekit` as a real process."""
    full_env = {**os.environ, "OMP_THREAD_LIMIT": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "casekit", *[str(a) for a in args]],
        cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout,
    )


@pytest.fixture
def new_case(tmp_path: Path):
    """An initialised, empty case folder."""
    from casekit.facts import render_case_toml_template
    from casekit.store import Case

    return Case.init(tmp_path / "case", render_case_toml_template())
