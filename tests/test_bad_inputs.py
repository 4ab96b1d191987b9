"""The bad-input corpus (tests/badfiles.py) through add → extract → inspect → verify.

Promise (DESIGN §3, §4, §7): every regular file is kept byte for byte; extraction turns each
problem into a warning; `inspect --json` answers with the contract object or one line and exit 1;
nothing prints a traceback; the case verifies afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casekit.adding import add_paths
from casekit.errors import CasekitError
from casekit.store import Case
from casekit.verify import verify_case

from .badfiles import BROKEN_TOMLS, make_corpus, make_symlinks
from .conftest import run_casekit

CONTRACT_KEYS = {"file", "sha256", "kind", "messages", "transactions", "entities", "proposals", "warnings"}
KINDS = {"chat_screenshot", "payment_screenshot", "order_page", "refund_record", "product_page", "profile",
         "filing_receipt", "image", "bill", "other"}
BUG_MARKERS = ("bug:", "程序错误")  # run_importer's catch-all: an importer raised


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("bad") / "phone export"
    return folder, make_corpus(folder)


@pytest.fixture(scope="module")
def added_case(tmp_path_factory: pytest.TempPathFactory, corpus) -> tuple[Path, dict]:
    folder, _bad = corpus
    root = tmp_path_factory.mktemp("case") / "case"
    assert run_casekit("init", root).returncode == 0
    result = run_casekit("add", root, folder, "--json")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return root, json.loads(result.stdout)


def test_add_keeps_every_bad_file_byte_for_byte(corpus, added_case) -> None:
    folder, bad = corpus
    root, report = added_case
    assert {o["status"] for o in report["outcomes"]} == {"added"}
    sources = {}
    for entry in os.scandir(os.fsencode(folder)):
        with open(entry.path, "rb") as handle:
            sources[os.fsdecode(entry.name)] = handle.read()
    assert len(sources) == len(bad)
    case = Case.open(root)
    items = case.items()
    assert sorted(i.original_name for i in items) == sorted(sources)
    for item in items:
        assert item.path.read_bytes() == sources[item.original_name], item.original_name
        assert item.sha256 == _sha(sources[item.original_name])
    assert verify_case(case).ok
    # Names with newlines are escaped the GNU way, so plain sha256sum still checks every line.
    check = subprocess.run(["sha256sum", "-c", "--strict", "MANIFEST.sha256"], cwd=root, capture_output=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(b": OK") == len(bad)


def test_hostile_names_stay_one_line_in_list_and_add_output(added_case) -> None:
    root, _report = added_case
    result = run_casekit("list", root)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(Case.open(root).items())  # a newline in a name does not split a row
    assert any("new\\nline\\r.jpg" in line for line in lines)
    assert not (Path.cwd() / "pwned").exists()  # nothing ever handed a name to a shell


def test_extract_warns_about_every_corrupt_file_and_nothing_crashes(corpus, added_case) -> None:
    _folder, bad = corpus
    root, _report = added_case
    result = run_casekit("extract", root, "-j", "2")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    case = Case.open(root)
    corrupt = {b.name for b in bad if b.corrupt}
    for item in case.items():
        extraction = case.load_extraction(item.id)
        assert extraction is not None, item.original_name  # every item was read, none skipped
        for warning in extraction.warnings:
            assert not any(m in warning for m in BUG_MARKERS), (item.original_name, warning)
            assert "\n" not in warning
        if item.original_name in corrupt:
            assert extraction.warnings, f"{item.original_name}: a corrupt file must be warned about"
        if item.original_name == "bomb.png":
            assert any("decompression bomb" in w for w in extraction.warnings)
    assert verify_case(case).ok
    again = run_casekit("extract", root, "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["extracted"] == []


# xlrd prints its own complaints about a damaged .xls ("WARNING *** file size ... not 512 +
# multiple of sector size") to its log, stdout by default; billkit captures it as a warning.
def test_extract_json_is_pure_json_even_with_a_damaged_xls(tmp_path: Path, corpus) -> None:
    folder, _bad = corpus
    root = tmp_path / "case"
    assert run_casekit("init", root).returncode == 0
    assert run_casekit("add", root, folder / "truncated-ccb.xls").returncode == 0
    result = run_casekit("extract", root, "--json")
    json.loads(result.stdout)


def test_inspect_json_is_pure_json_for_a_damaged_xls(corpus) -> None:
    folder, _bad = corpus
    json.loads(run_casekit("inspect", folder / "truncated-ccb.xls", "--json").stdout)


def test_inspect_json_answers_every_bad_file_with_the_contract_or_one_line(corpus, cli) -> None:
    folder, bad = corpus
    answered = refused = 0
    for entry in bad:
        path = Path(os.fsdecode(os.path.join(os.fsencode(folder), os.fsencode(entry.name))))
        result = cli("inspect", path, "--json")  # catch_exceptions=False: a crash fails here
        if result.exit_code == 0:
            answered += 1
            data = json.loads(result.stdout)
            assert set(data) == CONTRACT_KEYS, entry.name
            assert data["kind"] in KINDS
            assert data["sha256"] == _sha(path.read_bytes())
            if entry.corrupt:
                assert data["warnings"], entry.name
            assert not any(m in w for w in data["warnings"] for m in BUG_MARKERS), (entry.name, data["warnings"])
        else:
            refused += 1
            assert result.exit_code == 1, (entry.name, result.exit_code, result.output)
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("casekit: ") and "hint" in lines[0], (entry.name, lines)
    assert answered >= 15


def test_links_out_of_the_folder_are_refused_and_nothing_outside_is_copied(tmp_path: Path, cli) -> None:
    folder = tmp_path / "phone"
    folder.mkdir()
    (folder / "ok.png").write_bytes(b"\x89PNG\r\n\x1a\nok")
    secret = tmp_path / "secret.txt"
    make_symlinks(folder, secret)
    root = tmp_path / "case"
    assert cli("init", root).exit_code == 0
    result = cli("add", root, folder, "--json")
    assert result.exit_code == 1  # something was refused; the rest still went in
    outcomes = {Path(o["path"]).name: o for o in json.loads(result.stdout)["outcomes"]}
    for name in ("escape.png", "passwd.csv", "dangling.png"):
        assert outcomes[name]["status"] == "refused", outcomes[name]
        assert outcomes[name]["reason"]
    assert outcomes["ok.png"]["status"] == "added"
    # A link inside the folder is followed: same bytes as its target, so one item, one duplicate.
    assert sorted([outcomes["real.png"]["status"], outcomes["inner-link.png"]["status"]]) == ["added", "duplicate"]
    case = Case.open(root)
    stored = {i.path.read_bytes() for i in case.items()}
    assert secret.read_bytes() not in stored and Path("/etc/passwd").read_bytes() not in stored
    assert verify_case(case).ok


@pytest.mark.parametrize("label", sorted(BROKEN_TOMLS))
def test_a_broken_case_toml_never_blocks_the_evidence_and_errors_in_one_line(tmp_path: Path, cli, label: str) -> None:
    root = tmp_path / "case"
    assert cli("init", root).exit_code == 0
    (root / "case.toml").write_text(BROKEN_TOMLS[label], "utf-8")
    shot = tmp_path / "a.csv"
    shot.write_text("not a bill, just text,with,commas\n")
    assert cli("add", root, shot).exit_code == 0  # evidence never waits for the facts
    assert cli("extract", root).exit_code == 0
    for command in (["status", root], ["build", root], ["timeline", root]):
        result = cli(*command)
        assert result.exit_code == 1, (command, result.exit_code, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "case.toml" in lines[0] and "hint" in lines[0], (command, lines)
    assert cli("verify", root).exit_code == 0


NAME = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"), min_size=1, max_size=40).filter(lambda n: n not in (".", "..") and not n.startswith("._") and len(n.encode()) < 200)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.dictionaries(NAME, st.binary(max_size=3000), min_size=1, max_size=5))
def test_property_any_names_and_bytes_are_kept_exactly(tmp_path_factory: pytest.TempPathFactory, files: dict[str, bytes]) -> None:
    from casekit.adding import OS_LITTER
    from casekit.facts import render_case_toml_template

    base = tmp_path_factory.mktemp("prop")
    src = base / "src"
    src.mkdir()
    files = {n: d for n, d in files.items() if n not in OS_LITTER}
    for name, data in files.items():
        (src / name).write_bytes(data)
    case = Case.init(base / "case", render_case_toml_template())
    outcomes = add_paths(case, [src])
    assert all(o.status in ("added", "duplicate") for o in outcomes)
    by_hash = {i.sha256: i for i in case.items()}
    assert set(by_hash) == {_sha(d) for d in files.values()}
    for data in files.values():
        assert by_hash[_sha(data)].path.read_bytes() == data
    assert verify_case(case).ok


@settings(max_examples=40, deadline=None)
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".png", ".jpg", ".csv", ".xlsx", ".xls", ".txt", ""]), magic=st.sampled_from([b"", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"PK\x03\x04", b"\xef\xbb\xbf", "交易号,金额\n".encode("gbk")]))
def test_property_inspect_raises_only_typed_errors(tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str, magic: bytes) -> None:
    from casekit.inspect import inspect_file

    path = tmp_path_factory.mktemp("insp") / f"file{suffix}"
    path.write_bytes(magic + data)
    try:
        result = inspect_file(path)
    except CasekitError as exc:
        assert "\n" not in exc.one_line()
        return
    assert set(result) == CONTRACT_KEYS
    assert not any(m in w for w in result["warnings"] for m in BUG_MARKERS), result["warnings"]


def test_python_warnings_from_decoders_do_not_reach_the_user(tmp_path: Path, corpus) -> None:
    """Pillow/openpyxl warnings (DecompressionBombWarning, UserWarning…) are not printed raw."""
    folder, _bad = corpus
    for name in ("bomb.png", "truncated.png", "garbage.xlsx", "truncated-wechat.xlsx", "animated.gif"):
        result = run_casekit("inspect", folder / name, "--json")
        assert "Warning:" not in result.stderr and "Traceback" not in result.stderr, (name, result.stderr)
        assert result.returncode in (0, 1)
