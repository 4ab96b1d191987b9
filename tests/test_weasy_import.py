"""casekit.render.weasy: WeasyPrint imported without cffi's find_library probing, same libraries."""

from __future__ import annotations

import ctypes.util
import subprocess
import sys

import pytest

from casekit.render.weasy import cached_find_library, loader_cache

pytestmark = pytest.mark.skipif(loader_cache() is None, reason="no ldconfig: load() is a plain import here")


@pytest.mark.parametrize("name", ["gobject-2.0", "pango-1.0", "harfbuzz", "fontconfig", "pangoft2-1.0", "z", "m",
                                  "libgobject-2.0-0", "no-such-library-casekit"])
def test_cached_lookup_agrees_with_ctypes(name):
    assert cached_find_library(loader_cache())(name) == ctypes.util.find_library(name)


def run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_load_gives_a_working_weasyprint_and_restores_find_library():
    out = run("import ctypes.util; before = ctypes.util.find_library\n"
              "from casekit.render.weasy import load\n"
              "w = load(); pdf = w.HTML(string='<p>x</p>').write_pdf()\n"
              "print(pdf[:5].decode(), ctypes.util.find_library is before)")
    assert out.split() == ["%PDF-", "True"]


def test_load_still_imports_when_the_loader_cache_knows_nothing():
    out = run("import casekit.render.weasy as w\n"
              "w.loader_cache = lambda: ['libnothing.so.1']\n"
              "print(w.load().__name__)")
    assert out.strip() == "weasyprint"


def test_load_leaves_pillow_refusing_truncated_images(tmp_path):
    """WeasyPrint's import turns on Pillow's LOAD_TRUNCATED_IMAGES; casekit puts it back, so a cut
    original is still reported as damaged in a process that renders packets."""
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.effect_noise((200, 200), 60).convert("RGB").save(buffer, "PNG")
    cut = tmp_path / "cut.png"
    cut.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    out = run("from casekit.render.weasy import load\nload()\n"
              "from PIL import Image, ImageFile\n"
              f"try:\n    Image.open({str(cut)!r}).load(); print('decoded')\n"
              "except OSError:\n    print('refused')\n"
              "print(ImageFile.LOAD_TRUNCATED_IMAGES)")
    assert out.split() == ["refused", "False"]
