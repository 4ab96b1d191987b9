"""The bad-input corpus, generated at test time (no binary junk in git).

`make_corpus(folder)` writes every file and returns a list of `Bad` entries describing them.
Each file has distinct bytes, so each becomes its own evidence item. What each one is meant to
trip: decoders (truncated, bomb, odd modes), type sniffing (fake extensions), bill readers
(garbage, truncated), and shells/terminals/JSON (hostile file names).
"""

from __future__ import annotations

import io
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from .conftest import FIXTURES


@dataclass(frozen=True)
class Bad:
    name: str  # str; non-UTF-8 names carry surrogate escapes (os.fsdecode)
    why: str
    corrupt: bool  # True: extraction must warn (or inspect must refuse with one line)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def bomb_png(width: int = 60000, height: int = 60000) -> bytes:
    """A valid-looking PNG whose header claims width×height pixels; a few hundred bytes on disk."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    idat = zlib.compress(b"\x00" * 1024, 9)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


def _save(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def _screenish(mode: str = "RGB", size: tuple[int, int] = (120, 80), seed: int = 0) -> Image.Image:
    """A small picture with some structure (so files differ and decoders do real work)."""
    image = Image.new("RGB", size, (240, 240, 240))
    for x in range(0, size[0], 7):
        for y in range(0, size[1], 5):
            image.putpixel((x, y), ((x * 3 + seed) % 256, (y * 5) % 256, (x + y + seed) % 256))
    return image.convert(mode)


def exif_rotated_jpeg() -> bytes:
    image = _screenish(size=(90, 160), seed=4)
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° CW to display
    exif[0x0132] = "2026:03:05 14:10:00"
    return _save(image, "JPEG", exif=exif.tobytes(), quality=90)


def animated_gif() -> bytes:
    frames = [_screenish("P", seed=s) for s in (10, 20, 30)]
    return _save(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


def sixteen_bit_png() -> bytes:
    image = Image.new("I;16", (64, 48))
    image.putdata([(i * 997) % 65536 for i in range(64 * 48)])
    return _save(image, "PNG")


def _bill(name: str) -> bytes:
    return next((FIXTURES / "bills").rglob(name)).read_bytes()


def make_corpus(folder: Path) -> list[Bad]:
    """Write the corpus into `folder` (created) and describe it."""
    folder.mkdir(parents=True, exist_ok=True)
    good_png = _save(_screenish(seed=1), "PNG")
    good_jpg = _save(_screenish(seed=2), "JPEG", quality=85)
    alipay = _bill("alipay_app_2023_gbk.csv")
    xlsx = _bill("wechat_xlsx_2025.xlsx")
    xls = _bill("ccb_debit_2025.xls")
    files: list[tuple[str | bytes, bytes, str, bool]] = [
        ("empty.png", b"", "zero bytes", True),
        ("truncated.png", good_png[: len(good_png) // 2], "PNG cut in half", True),
        ("truncated.jpg", good_jpg[: len(good_jpg) // 2], "JPEG cut in half", True),
        ("text named.png", "这不是图片，只是文字。\nnot an image\n".encode(), "text with a .png name", True),
        ("png named.csv", _save(_screenish(seed=3), "PNG"), "a PNG with a .csv name", False),
        ("bomb.png", bomb_png(), "PNG header claiming 60000×60000 px", True),
        ("one-by-one.png", _save(Image.new("RGB", (1, 1), (255, 0, 0)), "PNG"), "1×1 pixel", True),
        ("cmyk.jpg", _save(_screenish("CMYK", seed=5), "JPEG"), "CMYK JPEG", False),
        ("sixteen-bit.png", sixteen_bit_png(), "16-bit greyscale PNG", False),
        ("palette.png", _save(_screenish("P", seed=6), "PNG"), "palette PNG", False),
        ("rgba.png", _save(_screenish("RGBA", seed=7), "PNG"), "RGBA PNG", False),
        ("animated.gif", animated_gif(), "animated GIF, 3 frames", False),
        ("exif-rotated.jpg", exif_rotated_jpeg(), "JPEG with EXIF orientation 6", False),
        ("garbage.csv", bytes(range(256)) * 8, "binary junk named .csv", True),
        ("garbage.xlsx", b"PK\x03\x04" + os.urandom(0) + b"\x00junk" * 200, "zip magic then junk, .xlsx", True),
        ("garbage.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xffjunk" * 200, "OLE magic then junk, .xls", True),
        ("truncated-alipay.csv", alipay[: len(alipay) // 3], "Alipay bill cut at a third", False),
        ("truncated-wechat.xlsx", xlsx[: len(xlsx) // 2], "WeChat XLSX cut in half", True),
        ("truncated-ccb.xls", xls[: len(xls) // 2], "CCB XLS cut in half", True),
        ("header-only.csv", alipay[:200], "a bill's preamble and nothing else", True),
        ("with space and 引号 \"quote\" 'single'.png", good_png, "spaces and quotes in the name", False),
        ("$(touch pwned) `id`;|&.png", good_jpg, "shell metacharacters in the name", False),
        ("new\nline\r.jpg", _save(_screenish(seed=8), "JPEG"), "newline and CR in the name", False),
        (b"latin1-\xe9\xff.png", _save(_screenish(seed=9), "PNG"), "non-UTF-8 bytes in the name", False),
        ("-rf --help.png", _save(_screenish(seed=11), "PNG"), "a name that looks like options", False),
        ("..hidden..png", _save(_screenish(seed=12), "PNG"), "dots", False),
    ]
    out = []
    seen = set()
    for name, data, why, corrupt in files:
        assert data not in seen or not data, name  # distinct bytes → one item each
        seen.add(data)
        path = os.path.join(os.fsencode(folder), name if isinstance(name, bytes) else os.fsencode(name))
        with open(path, "wb") as handle:
            handle.write(data)
        out.append(Bad(os.fsdecode(name), why, corrupt))
    return out


def make_symlinks(folder: Path, outside: Path) -> None:
    """A link leaving the folder (refused), a dangling one (refused) and one inside (followed)."""
    outside.write_bytes(b"secret outside the folder")
    os.symlink(outside, folder / "escape.png")
    os.symlink("/etc/passwd", folder / "passwd.csv")
    os.symlink(folder / "no-such-file", folder / "dangling.png")
    (folder / "inner").mkdir()
    (folder / "inner" / "real.png").write_bytes(b"\x89PNG\r\n\x1a\ninner")
    os.symlink(folder / "inner" / "real.png", folder / "inner-link.png")


BROKEN_TOMLS = {
    "unclosed quote": '[case]\ntitle = "没写完\n',
    "bad date": "[case]\nincident_date = 2026-13-45\n",
    "wrong type": '[victim]\nid_number = 110101199001011234\nname = ["a"]\n',
    "bad id": '[victim]\nid_number = "11010119900101123"\n',
    "binary": "\x00\x01\x02 garbage \udcff".encode("utf-8", "surrogateescape").decode("utf-8", "replace"),
}
