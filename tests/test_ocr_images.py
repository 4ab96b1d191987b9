"""Bad and odd image inputs: refused with one line, or read with a warning."""

import io
import resource
import struct
import zlib

import pytest
from PIL import Image

from casekit.errors import BadInput, MissingDependency
from casekit.importers.base import ExtractContext
from casekit.importers.screenshots import ScreenshotImporter
from casekit.ocr import deps
from casekit.ocr.images import open_image, sniff_image


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims a huge size: header chunk plus a tiny compressed body."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    body = zlib.compress(b"\x00" * 1000)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def test_decompression_bomb_refused_before_decoding(tmp_path):
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(_png_header_only(60000, 60000))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(BadInput) as err:
        open_image(bomb)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert "\n" not in str(err.value) and "bomb.png" in str(err.value)
    assert after - before < 200_000  # KiB: 3.6 Gpx was never decoded


def test_bomb_becomes_warning_in_importer(tmp_path):
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(_png_header_only(60000, 60000))
    ex = ScreenshotImporter().extract(bomb, ExtractContext())
    assert ex.kind == "image" and ex.messages == [] and len(ex.warnings) == 1


def test_one_pixel_image_warns(tmp_path):
    path = tmp_path / "dot.png"
    Image.new("RGB", (1, 1), "white").save(path)
    loaded = open_image(path)
    assert loaded.image.size == (1, 1) and any("too small" in w for w in loaded.warnings)
    ex = ScreenshotImporter().extract(path, ExtractContext())
    assert ex.kind == "image" and ex.warnings


def test_truncated_png_refused(tmp_path):
    buf = io.BytesIO()
    Image.new("RGB", (400, 400), (10, 200, 30)).save(buf, "PNG")
    path = tmp_path / "cut.png"
    path.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    with pytest.raises(BadInput):
        open_image(path)


def test_fake_png_is_not_claimed(tmp_path):
    path = tmp_path / "fake.png"
    path.write_text("this is text, not an image\n")
    assert sniff_image(path.read_bytes()) is None
    assert not ScreenshotImporter().identify(path, path.read_bytes())
    with pytest.raises(BadInput):
        open_image(path)


@pytest.mark.parametrize("fmt, head", [("PNG", b"\x89PNG"), ("JPEG", b"\xff\xd8\xff"), ("GIF", b"GIF8"),
                                       ("BMP", b"BM"), ("TIFF", b"II*\x00"), ("WEBP", b"RIFF")])
def test_identify_claims_real_images(tmp_path, fmt, head):
    path = tmp_path / f"x.{fmt.lower()}"
    Image.new("RGB", (40, 40), "red").save(path, fmt)
    data = path.read_bytes()
    assert data.startswith(head)
    assert ScreenshotImporter().identify(path, data)


@pytest.mark.parametrize("mode, warning", [("CMYK", "CMYK"), ("I;16", "16-bit"), ("P", None), ("RGBA", "transparency"),
                                           ("LA", "transparency"), ("L", None)])
def test_odd_modes_become_rgb(tmp_path, mode, warning):
    img = Image.new("RGBA", (64, 48), (200, 30, 30, 128)) if mode in ("RGBA", "LA") else Image.new("RGB", (64, 48), (200, 30, 30))
    if mode == "I;16":
        img = Image.new("I;16", (64, 48), 40000)
    elif mode not in ("RGBA",):
        img = img.convert(mode)
    path = tmp_path / ("x.tif" if mode in ("CMYK", "I;16") else "x.png")
    img.save(path)
    loaded = open_image(path)
    assert loaded.image.mode == "RGB" and loaded.image.size == (64, 48)
    if warning:
        assert any(warning in w for w in loaded.warnings)


def test_exif_rotation_applied(tmp_path):
    img = Image.new("RGB", (80, 40), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise on display
    path = tmp_path / "rot.jpg"
    img.save(path, exif=exif)
    loaded = open_image(path)
    assert loaded.image.size == (40, 80) and any("EXIF" in w for w in loaded.warnings)


def test_missing_chi_sim_is_exit_4(tmp_path, monkeypatch):
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))  # an empty tessdata folder
    with pytest.raises(MissingDependency) as err:
        deps.check_tesseract()
    assert err.value.exit_code == 4 and "apt-get install" in str(err.value)
    path = tmp_path / "a.png"
    Image.new("RGB", (100, 100), "white").save(path)
    with pytest.raises(MissingDependency):  # the Tesseract engine, asked for by name
        ScreenshotImporter().extract(path, ExtractContext(extras={"ocr_engine": "tesseract"}))


def test_missing_tesseract_binary(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(MissingDependency) as err:
        deps.check_tesseract()
    assert err.value.exit_code == 4
