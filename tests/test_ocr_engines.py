"""The OCR engine interface (issue 13 item 1): Tesseract and PP-OCRv4 (rapidocr-onnxruntime).

Fast tests cover engine choice and the geometry around the engines; slow ones run both real
engines on a real screenshot (tests/fixtures/screenshots, see SOURCES.md) and through the CLI.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from casekit.errors import BadInput
from casekit.ocr import rapid
from casekit.ocr.engine import (DEFAULT_ENGINE, ENGINE_ENV, ReplayEngine, TesseractEngine, Word, engine_id,
                                engine_name, lines_from_words, make_engine)
from casekit.ocr.lines import OcrLine

FIX = Path(__file__).parent / "fixtures" / "screenshots"
QQ = FIX / "iqqbot_demo.png"  # QQ desktop, 1535x651: "14:38" centred at the top, "/docs" on the left


def test_engine_name_argument_then_environment_then_default(monkeypatch):
    monkeypatch.delenv(ENGINE_ENV, raising=False)
    assert engine_name() == DEFAULT_ENGINE
    monkeypatch.setenv(ENGINE_ENV, "Tesseract")
    assert engine_name() == "tesseract"
    assert engine_name("rapidocr") == "rapidocr"
    assert isinstance(make_engine(), TesseractEngine)
    assert isinstance(make_engine("rapidocr"), rapid.RapidOcrEngine)
    assert make_engine("rapidocr", threads=1).n_threads == 1


def test_default_is_pp_ocr_and_falls_back_to_tesseract_where_it_is_not_installed(monkeypatch):
    import importlib.util

    from casekit.ocr import engine as engine_module

    monkeypatch.delenv(ENGINE_ENV, raising=False)
    assert engine_name() == "rapidocr" and isinstance(make_engine(), rapid.RapidOcrEngine)
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "rapidocr_onnxruntime" else real_find_spec(name, *a))
    assert engine_module.default_engine() == "tesseract"
    assert engine_name() == "tesseract" and isinstance(make_engine(), TesseractEngine)
    assert engine_name("rapidocr") == "rapidocr"  # asked for by name: its own install hint on use


def test_unknown_engine_is_a_one_line_bad_input(monkeypatch):
    monkeypatch.setenv(ENGINE_ENV, "paddle")
    with pytest.raises(BadInput) as err:
        engine_name()
    line = err.value.one_line()
    assert "\n" not in line and line.index("未知的文字识别引擎") < line.index("unknown OCR engine") and "rapidocr" in line


def test_engine_id_differs_between_engines():
    class Fake:
        def __init__(self, name):
            self.name, self.version = name, "1.0"

    assert engine_id(Fake("tesseract")) != engine_id(Fake("rapidocr"))


def test_lines_from_words_groups_by_line_and_maps_back_to_original_pixels():
    words = [Word("你好", 200, 40, 80, 30, 90.0, 1, 1, 1), Word("世界", 300, 42, 80, 30, 70.0, 1, 1, 1),
             Word("第二行", 200, 140, 120, 30, 50.0, 1, 1, 2)]
    lines = lines_from_words(words, 2.0, 2.0)  # the page was sent at 2x
    assert [ln.text for ln in lines] == ["你好世界", "第二行"]
    assert lines[0].box == (100, 20, 90, 16)
    assert lines[0].conf == pytest.approx(0.8)
    assert all(0 <= ln.conf <= 1 for ln in lines) and lines[0].words[1].src == (150, 21, 40, 15)


def test_tiles_cover_tall_images_with_overlap():
    assert rapid._tiles(1900, 1080) == [(0, 1900)]
    tiles = rapid._tiles(9000, 1080)
    assert tiles[0][0] == 0 and tiles[-1][1] == 9000
    assert all(b - a <= 2000 for a, b in tiles)
    assert all(tiles[i + 1][0] == tiles[i][1] - rapid.OVERLAP for i in range(len(tiles) - 1))


def test_rapid_words_put_boxes_of_one_row_on_one_line(monkeypatch):
    engine = rapid.RapidOcrEngine()
    monkeypatch.setattr(engine, "read_lines", lambda image: [
        OcrLine("幻象", (1207, 164, 38, 23), 0.99), OcrLine("不", (1439, 165, 19, 20), 0.9),
        OcrLine("/docs", (1208, 191, 46, 22), 0.98)])
    words = engine.words(Image.new("RGB", (10, 10)))
    assert [(w.text, w.line) for w in words] == [("幻象", 0), ("不", 0), ("/docs", 1)]
    assert words[0].conf == pytest.approx(99.0)


def test_replay_engine_gives_lines_too(tmp_path):
    image = Image.new("L", (800, 100), 255)
    from casekit.ocr.engine import image_key

    (tmp_path / "r.json").write_text(json.dumps({image_key(image, 6, "chi_sim"): [
        {"text": "你好", "left": 10, "top": 10, "width": 40, "height": 20, "conf": 95.0, "block": 1, "par": 1,
         "line": 1}]}))
    (line,) = ReplayEngine(tmp_path / "r.json").read_lines(image)
    assert (line.text, line.box, line.conf) == ("你好", (10, 10, 40, 20), 0.95)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["tesseract", "rapidocr"])
def test_real_engine_reads_lines_of_a_real_screenshot(name):
    image = Image.open(QQ).convert("RGB")
    lines = make_engine(name).read_lines(image)
    texts = [ln.text for ln in lines]
    assert "14:38" in texts
    assert all(0.0 <= ln.conf <= 1.0 for ln in lines)
    label = lines[texts.index("14:38")]
    x, y, w, h = label.box  # in the original image's pixels, whichever scale the engine read at
    assert 700 < x < 800 and y < 60 and 25 < w < 60 and 8 < h < 40
    if name == "rapidocr":  # PP-OCR reads the white-on-blue command list that Tesseract garbles
        assert {"/docs", "[+]启用/echo", "e.g.机器人相关信息"} <= set(texts)


@pytest.mark.slow
def test_rapidocr_tall_capture_is_read_in_tiles_without_duplicates():
    one = Image.open(FIX / "cow_wechat_group_1.jpg").convert("RGB")
    tall = Image.new("RGB", (one.width, one.height * 2), (255, 255, 255))
    tall.paste(one, (0, 0))
    tall.paste(one, (0, one.height))
    lines = rapid.RapidOcrEngine().read_lines(tall)
    hits = [ln for ln in lines if ln.text == "有没有尝试过表格识别效果呢？"]
    assert len(hits) == 2  # once per copy: the overlap of two tiles is not read twice
    assert abs(hits[1].box[1] - hits[0].box[1] - one.height) <= 3


@pytest.mark.slow
def test_rapidocr_needs_no_network():
    """The models ship in the wheel: a fresh process with sockets disabled loads and reads."""
    code = (
        "import socket\n"
        "def no(*a, **k): raise OSError('network used')\n"
        "socket.socket = no; socket.create_connection = no; socket.getaddrinfo = no\n"
        "from PIL import Image\n"
        "from casekit.ocr.rapid import RapidOcrEngine\n"
        f"print('|'.join(l.text for l in RapidOcrEngine(1).read_lines(Image.open({str(QQ)!r}))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert out.returncode == 0, out.stderr
    assert "14:38" in out.stdout.split("|")


@pytest.mark.slow
@pytest.mark.parametrize("name", ["tesseract", "rapidocr"])
def test_inspect_engine_option_end_to_end(name):
    out = subprocess.run([sys.executable, "-m", "casekit", "inspect", str(FIX / "cow_wechat_group_1.jpg"),
                          "--engine", name, "--json"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["kind"] == "chat_screenshot"
    texts = [m["text"] for m in result["messages"]]
    assert "有没有尝试过表格识别效果呢？" in texts and "我刚测了下，能找到我要的内容" in texts


def test_inspect_unknown_engine_exits_with_one_line():
    out = subprocess.run([sys.executable, "-m", "casekit", "inspect", str(QQ), "--engine", "nope"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert "未知的文字识别引擎" in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_missing_rapidocr_is_exit_4_with_the_install_command(tmp_path, new_case):
    from casekit.adding import add_paths

    from .conftest import run_casekit

    shim = tmp_path / "shim"
    (shim / "rapidocr_onnxruntime").mkdir(parents=True)
    (shim / "rapidocr_onnxruntime" / "__init__.py").write_text("raise ImportError('not installed')\n")
    add_paths(new_case, [QQ])
    result = run_casekit("extract", new_case.root, "--engine", "rapidocr", env={"PYTHONPATH": str(shim)})
    assert result.returncode == 4, result.stderr
    assert "pip install" in result.stderr and "--engine tesseract" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_switching_engine_re_reads_screenshots_and_keeps_each_engines_cache(tmp_path, new_case):
    from casekit.adding import add_paths

    from .conftest import run_casekit

    add_paths(new_case, [QQ])
    runs = {}
    for name in ("tesseract", "rapidocr", "tesseract"):
        result = run_casekit("extract", new_case.root, "--engine", name, "--json")
        assert result.returncode == 0, result.stderr
        runs.setdefault(name, []).append(json.loads(result.stdout))
    # a record read by another engine is stale; the first engine's result comes from its OCR cache
    assert [r["extracted"] for r in runs["tesseract"]] == [["E0001"], ["E0001"]]
    assert runs["rapidocr"][0]["extracted"] == ["E0001"]
    assert len(list((new_case.private_dir / "ocr-cache").glob("*.json"))) == 2
    again = run_casekit("extract", new_case.root, "--engine", "tesseract", "--json")
    assert json.loads(again.stdout)["cached"] == ["E0001"]
