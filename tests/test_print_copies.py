"""`casekit extract` leaves each screenshot's print copy in the print cache, made from the image it
decoded for OCR; the copy is the very file `print_image` makes from the original, so the first
build after extract decodes no screenshot again."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from casekit.extract import context_for, extract_case, run_importer
from casekit.printcopies import print_image
from casekit.store import Case
from casekit.synth import render_chat, sample_conversation

from .conftest import FIXTURES, run_casekit


def _image_copies(case_root: Path) -> dict[str, int]:
    """Print copies of images in the case's print cache: file name → mtime (ns)."""
    cache = case_root / ".casekit" / "print-cache"
    if not cache.is_dir():
        return {}
    return {p.name: p.stat().st_mtime_ns for p in cache.iterdir() if p.suffix in (".png", ".jpg")}


def _expected_copy(item, work: Path) -> Path:
    """What `print_image` (the build's path) makes from the original, in a cache of its own."""
    made = print_image(item.path, work / f"reference-{item.id}", key=item.sha256)
    assert made is not None, item.original_name
    return made


def _chat(index: int, width: int = 1080) -> Image.Image:
    return render_chat(sample_conversation(index), style=("wechat", "qq")[index % 2], width=width,
                       dark=index == 1)[0]


def _rotated_jpeg(path: Path) -> None:
    """A chat screenshot stored lying on its side, with EXIF orientation 6 (turn 90° to show)."""
    exif = Image.Exif()
    exif[0x0112] = 6
    _chat(2, width=720).transpose(Image.Transpose.ROTATE_90).save(path, "JPEG", quality=90, exif=exif.tobytes())


def _sixteen_bit_png(path: Path) -> None:
    """A 16-bit grey PNG: OCR rescales it to 8-bit its own way, the print copy must not follow."""
    image = Image.new("I;16", (640, 900))
    image.putdata([(i * 997) % 65536 for i in range(640 * 900)])
    image.save(path)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A case holding real and generated screenshots, after `casekit extract -j 2`."""
    base = tmp_path_factory.mktemp("print-copies")
    shots = base / "shots"
    shots.mkdir()
    _chat(0).save(shots / "Screenshot_20260305-101500.png")
    _chat(1).convert("RGBA").save(shots / "Screenshot_20260305-101600.png")
    _rotated_jpeg(shots / "rotated.jpg")
    _sixteen_bit_png(shots / "sixteen-bit.png")
    shutil.copy(FIXTURES / "screenshots" / "cow_single-chat-sample.jpg", shots)
    shutil.copy(FIXTURES / "screenshots" / "cow_wechat_group_1.jpg", shots)  # copied from a 1/2-scale decode
    root = base / "case"
    assert run_casekit("init", root).returncode == 0
    assert run_casekit("add", root, shots).returncode == 0
    done = run_casekit("extract", root, "-j", "2", "--json")
    assert done.returncode == 0, done.stderr
    return root


def test_extract_leaves_the_print_copy_print_image_would_make(extracted: Path, tmp_path: Path) -> None:
    case = Case.open(extracted)
    items = [i for i in case.items() if i.media_type.startswith("image/")]
    assert len(items) == 6
    copies = _image_copies(extracted)
    for item in items:
        expected = _expected_copy(item, tmp_path)
        made = extracted / ".casekit" / "print-cache" / expected.name
        assert made.is_file(), f"{item.original_name}: no print copy after extract"
        assert made.read_bytes() == expected.read_bytes(), item.original_name
    assert len(copies) == len(items)  # one copy each, nothing else
    for item in items:  # the originals are untouched, and nothing was written beside them
        assert hashlib.sha256(item.path.read_bytes()).hexdigest() == item.sha256
        assert [p.name for p in item.path.parent.iterdir()] == [item.path.name]


def test_rotated_exif_jpeg_copy_is_turned_upright(extracted: Path, tmp_path: Path) -> None:
    item = next(i for i in Case.open(extracted).items() if i.original_name == "rotated.jpg")
    with Image.open(item.path) as original:
        assert original.width > original.height  # stored on its side
    made = extracted / ".casekit" / "print-cache" / _expected_copy(item, tmp_path).name
    assert made.is_file()
    with Image.open(made) as printed:
        assert printed.height > printed.width  # printed upright, as the phone showed it


def test_build_after_extract_makes_no_new_print_copy(extracted: Path, tmp_path: Path) -> None:
    root = shutil.copytree(extracted, tmp_path / "case", symlinks=True)
    before = _image_copies(root)
    assert before
    built = run_casekit("build", root, "--recipient", "police", "--draft")
    assert built.returncode == 0, built.stderr
    assert _image_copies(root) == before  # same files, none rewritten
    # Control: the same build without the copies makes exactly these files, so it did need them.
    shutil.rmtree(root / ".casekit" / "print-cache")
    rebuilt = run_casekit("build", root, "--recipient", "police", "--draft")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert set(_image_copies(root)) == set(before)


def test_cached_re_run_decodes_nothing_for_print_copies(extracted: Path, tmp_path: Path) -> None:
    root = shutil.copytree(extracted, tmp_path / "case", symlinks=True)
    shutil.rmtree(root / ".casekit" / "print-cache")
    again = run_casekit("extract", root, "-j", "2", "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["extracted"] == []
    assert _image_copies(root) == {}  # records were cached: no image was decoded, no copy made


def test_corrupt_image_extracts_as_before_and_the_build_still_works(tmp_path: Path) -> None:
    shots = tmp_path / "shots"
    shots.mkdir()
    _chat(3, width=540).save(shots / "good.png")
    whole = (shots / "good.png").read_bytes()
    (shots / "truncated.png").write_bytes(whole[: len(whole) // 2])
    root = tmp_path / "case"
    assert run_casekit("init", root).returncode == 0
    assert run_casekit("add", root, shots).returncode == 0
    done = run_casekit("extract", root, "-j", "2", "--json")
    assert done.returncode == 0, done.stderr
    case = Case.open(root)
    bad = next(i for i in case.items() if i.original_name == "truncated.png")
    good = next(i for i in case.items() if i.original_name == "good.png")
    record = case.load_extraction(bad.id)  # as before: an image record saying the file is damaged
    assert record.kind == "image" and not record.text
    assert len(record.warnings) == 1 and "image is damaged or truncated" in record.warnings[0]
    # (not compared with an in-process reading: importing WeasyPrint sets Pillow's global
    # LOAD_TRUNCATED_IMAGES, after which a truncated PNG decodes with a grey bottom half)
    assert list(_image_copies(root)) == [_expected_copy(good, tmp_path).name]
    built = run_casekit("build", root, "--recipient", "police", "--draft")
    assert built.returncode == 0, built.stderr


def test_a_print_copy_that_cannot_be_written_never_fails_extraction(new_case: Case, tmp_path: Path) -> None:
    shot = tmp_path / "chat.png"
    _chat(4, width=540).save(shot)
    assert run_casekit("add", new_case.root, shot).returncode == 0
    (new_case.private_dir / "print-cache").write_bytes(b"not a folder")  # every write there fails
    summary = extract_case(new_case, jobs=1)
    item = new_case.items()[0]
    assert summary.extracted == [item.id]
    plain = dataclasses.replace(context_for(item, new_case, None, None, None), print_cache_dir=None, cache_dir=None)
    assert new_case.load_extraction(item.id).to_json() == json.loads(json.dumps(run_importer(str(item.path), plain)))
