"""The case folder: init, add, list, exclude, metadata, manifest (DESIGN §3)."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

from casekit.adding import add_paths
from casekit.metadata import capture_time_from_name
from casekit.store import Case

AWKWARD_NAMES = [
    "with space.png",
    "quote\"double'single.txt",
    "dollar $(echo pwned) $HOME.csv",
    "new\nline.txt",
    "carriage\rreturn.txt",
    "back\\slash.txt",
    "聊天记录 截图（一）.jpg",
    "emoji 😀.txt",
]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _make_tree(root: Path) -> dict[str, bytes]:
    """A folder with awkward names, nested folders, litter and a duplicate."""
    files: dict[str, bytes] = {}
    for index, name in enumerate(AWKWARD_NAMES):
        data = f"evidence {index} {name}".encode() * 50
        (root / name).write_bytes(data)
        files[name] = data
    nested = root / "deep" / "deeper"
    nested.mkdir(parents=True)
    (nested / "bill.csv").write_bytes(b"a,b\n1,2\n")
    files["bill.csv"] = b"a,b\n1,2\n"
    (root / ".DS_Store").write_bytes(b"litter")
    (root / "Thumbs.db").write_bytes(b"litter")
    (nested / "copy of bill.csv").write_bytes(b"a,b\n1,2\n")  # duplicate by content, walked after bill.csv
    return files


def test_init_writes_a_private_case_with_commented_toml(tmp_path: Path, cli) -> None:
    result = cli("init", tmp_path / "c")
    assert result.exit_code == 0, result.output
    root = tmp_path / "c"
    for name in ("case.toml", "custody.jsonl", "MANIFEST.sha256", "evidence", ".casekit", "out"):
        assert (root / name).exists(), name
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    toml_text = (root / "case.toml").read_text("utf-8")
    for key in ("[case]", "incident_date", "[victim]", "id_number", "[[suspects]]", "payment_accounts", "[order]", "[filing]"):
        assert key in toml_text, key
    assert "#" in toml_text  # commented
    first = json.loads((root / "custody.jsonl").read_text().splitlines()[0])
    assert first["action"] == "init" and first["prev"] == "0" * 64


def test_init_refuses_non_empty_folder_and_existing_case(tmp_path: Path, cli) -> None:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "x.txt").write_text("x")
    result = cli("init", tmp_path / "busy")
    assert result.exit_code == 1
    assert "非空" in result.output and "not empty" in result.output
    assert cli("init", tmp_path / "c").exit_code == 0
    again = cli("init", tmp_path / "c")
    assert again.exit_code == 1 and "already exists" in again.output


def test_add_copies_byte_for_byte_reports_duplicates_and_skips_litter(tmp_path: Path, new_case: Case) -> None:
    source = tmp_path / "phone"
    source.mkdir()
    files = _make_tree(source)
    outcomes = add_paths(new_case, [source])
    by_status: dict[str, list] = {}
    for outcome in outcomes:
        by_status.setdefault(outcome.status, []).append(outcome)
    assert len(by_status["added"]) == len(files)
    assert len(by_status["duplicate"]) == 1
    assert {Path(o.path).name for o in by_status["skipped"]} == {".DS_Store", "Thumbs.db"}
    items = new_case.items()
    assert [i.id for i in items] == [f"E{n:04d}" for n in range(1, len(files) + 1)]
    stored = {i.original_name: i for i in items}
    for name, data in files.items():
        item = stored[name]
        assert item.path.read_bytes() == data
        assert item.sha256 == hashlib.sha256(data).hexdigest()
        assert stat.S_IMODE(item.path.stat().st_mode) == 0o444
    # Adding the same folder again copies nothing.
    again = add_paths(new_case, [source])
    assert {o.status for o in again} == {"duplicate", "skipped"}
    assert len(new_case.items()) == len(files)
    # The user's files were not touched.
    for name, data in files.items():
        original = source / name if name != "bill.csv" else source / "deep" / "deeper" / name
        assert original.read_bytes() == data


def test_manifest_passes_plain_sha256sum_on_awkward_names(tmp_path: Path, new_case: Case) -> None:
    source = tmp_path / "src"
    source.mkdir()
    _make_tree(source)
    weird = os.fsdecode(b"latin1-\xe9t\xe9.txt")  # not valid UTF-8
    Path(source, weird).write_bytes(b"non-utf8 name")
    add_paths(new_case, [source])
    result = subprocess.run(["sha256sum", "-c", "--strict", "MANIFEST.sha256"], cwd=new_case.root, capture_output=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(b": OK") == len(new_case.items())


def test_add_refuses_missing_paths_links_out_of_folder_and_the_case_itself(tmp_path: Path, new_case: Case, cli) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "ok.txt").write_text("fine")
    outside = tmp_path / "secret.txt"
    outside.write_text("outside")
    (source / "escape").symlink_to(outside)
    (source / "inside-link").symlink_to(source / "ok.txt")
    os.mkfifo(source / "pipe")
    result = cli("add", new_case.root, source, tmp_path / "nope.png", new_case.root)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any("escape" in l and "outside the given folder" in l for l in lines)
    assert any("nope.png" in l and "does not exist" in l for l in lines)
    assert any("pipe" in l and "not a regular file" in l for l in lines)
    assert any(str(new_case.root) in l and "case folder itself" in l for l in lines)
    items = new_case.items()
    # The in-folder link and ok.txt hold the same bytes: one item, the other reported as a duplicate.
    assert len(items) == 1 and items[0].path.read_text() == "fine"
    assert any("ok.txt" in l and "duplicate" in l for l in lines)
    assert "outside" not in {i.path.read_text() for i in items}


def test_metadata_capture_time_from_exif_png_and_file_name(tmp_path: Path, new_case: Case) -> None:
    src = tmp_path / "shots"
    src.mkdir()
    exif_image = Image.new("RGB", (40, 80), "white")
    exif = Image.Exif()
    exif[0x8769] = {36867: "2026:03:05 14:10:00", 36881: "+08:00"}
    exif_image.save(src / "photo.jpg", exif=exif)
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Creation Time", "2026:03:06 09:05:00")
    Image.new("RGB", (30, 60), "white").save(src / "a.png", pnginfo=info)
    Image.new("RGB", (20, 20), "white").save(src / "Screenshot_20260306-101500.png")
    Image.new("RGB", (21, 20), "white").save(src / "IMG_20260307_203001.jpg")
    add_paths(new_case, [src])
    meta = {i.original_name: i.metadata for i in new_case.items()}
    assert meta["photo.jpg"]["capture_time"] == "2026-03-05T14:10:00+08:00"
    assert meta["photo.jpg"]["capture_time_source"] == "exif"
    assert (meta["photo.jpg"]["image_width"], meta["photo.jpg"]["image_height"]) == (40, 80)
    assert meta["a.png"]["capture_time"] == "2026-03-06T09:05:00+08:00" and meta["a.png"]["capture_time_source"] == "png"
    assert meta["Screenshot_20260306-101500.png"]["capture_time"] == "2026-03-06T10:15:00+08:00"
    assert meta["Screenshot_20260306-101500.png"]["capture_time_source"] == "filename"
    assert meta["IMG_20260307_203001.jpg"]["capture_time"].startswith("2026-03-07T20:30:01")
    assert all("mtime" in m and m["media_type"].startswith("image/") for m in meta.values())


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Screenshot_20260306-101500.png", datetime(2026, 3, 6, 10, 15)),
        ("Screenshot_2026-03-06-10-15-00-123_com.tencent.mm.jpg", datetime(2026, 3, 6, 10, 15)),
        ("微信图片_20260306101500.jpg", datetime(2026, 3, 6, 10, 15)),
        ("Screenshot 2026-03-06 at 10.15.00.png", datetime(2026, 3, 6, 10, 15)),
        ("IMG_20260306_101500.jpg", datetime(2026, 3, 6, 10, 15)),
        ("random_name.png", None),
        ("IMG_20261399_999999.jpg", None),
    ],
)
def test_capture_time_from_common_screenshot_names(name: str, expected: datetime | None) -> None:
    found = capture_time_from_name(name)
    if expected is None:
        assert found is None
    else:
        assert found is not None and found.replace(tzinfo=None) == expected and found.utcoffset().total_seconds() == 8 * 3600


def test_exclude_keeps_the_file_and_logs_the_reason(tmp_path: Path, new_case: Case, cli) -> None:
    (tmp_path / "x.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    add_paths(new_case, [tmp_path / "x.png"])
    no_reason = cli("exclude", new_case.root, "E0001")
    assert no_reason.exit_code == 1 and "reason" in no_reason.output
    result = cli("exclude", new_case.root, "e0001", "--reason", "与本案无关")
    assert result.exit_code == 0, result.output
    item = new_case.item("E0001")
    assert item.excluded and item.exclude_reason == "与本案无关" and item.path.exists()
    listing = json.loads(cli("list", new_case.root, "--json").stdout)
    assert listing["items"][0]["excluded"] is True
    assert cli("exclude", new_case.root, "E0099", "--reason", "x").exit_code == 1
    assert cli("verify", new_case.root).exit_code == 0


def test_list_json_has_id_kind_name_hash_steps(tmp_path: Path, new_case: Case, cli) -> None:
    (tmp_path / "b.csv").write_text("时间,金额\n2026-03-05,1\n", encoding="utf-8")
    add_paths(new_case, [tmp_path / "b.csv"])
    data = json.loads(cli("list", new_case.root, "--json").stdout)
    row = data["items"][0]
    assert row["id"] == "E0001" and row["name"] == "b.csv"
    assert row["sha256"] == _sha(tmp_path / "b.csv")
    assert {"kind", "steps", "excluded"} <= set(row)


def test_list_steps_come_from_the_case_model_and_follow_case_toml_notes(tmp_path: Path, new_case: Case, cli) -> None:
    (tmp_path / "b.csv").write_text("时间,金额\n2026-03-05,1\n", encoding="utf-8")
    add_paths(new_case, [tmp_path / "b.csv"])
    row = json.loads(cli("list", new_case.root, "--json").stdout)["items"][0]
    assert row["kind"] == "not_extracted"
    with open(new_case.toml_path, "a", encoding="utf-8") as handle:
        handle.write('\n[evidence.E0001]\nsteps = ["police"]\n')
    row = json.loads(cli("list", new_case.root, "--json").stdout)["items"][0]
    assert row["steps"] == ["police"]
    # A broken case.toml never stops the listing; the notes are then simply not applied.
    new_case.toml_path.write_text("[case\n", encoding="utf-8")
    broken = cli("list", new_case.root, "--json")
    assert broken.exit_code == 0 and json.loads(broken.stdout)["items"][0]["steps"] != ["police"]
