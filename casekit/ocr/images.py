"""Open images safely: refuse decompression bombs before decoding, normalise odd modes.

Problems the user can fix (not an image, truncated, too large) raise `BadInput` with one line;
oddities that still allow reading (CMYK, 16-bit, palette, alpha, EXIF rotation) become warnings.
"""

from __future__ import annotations

import warnings as _warnings
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import BadInput, bilingual

# 20 000 px tall captures at 1440 px wide are 28.8 Mpx; allow some headroom, refuse beyond.
MAX_PIXELS = 40_000_000
MIN_SIDE = 16

MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)


HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif")


def register_heif() -> None:
    """Let Pillow open HEIC/HEIF (iPhone photos and screenshots) through pi-heif, once."""
    global _HEIF_READY
    if _HEIF_READY:
        return
    try:
        from pi_heif import register_heif_opener
    except ImportError:  # not installed: HEIC files then read as "not a readable image"
        return
    register_heif_opener()
    _HEIF_READY = True


_HEIF_READY = False


def sniff_image(head: bytes) -> str | None:
    """The image format named by the file's magic bytes, or None."""
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "HEIF"
    for magic, name in MAGIC:
        if head.startswith(magic):
            if name == "BMP" and len(head) < 26:
                return None
            return name
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


@dataclass
class LoadedImage:
    """An RGB image ready for OCR plus what was noticed while loading it."""

    image: Image.Image
    format: str | None
    original_mode: str
    warnings: list[str] = field(default_factory=list)
    info: dict = field(default_factory=dict)
    # The first frame as decoded from the file (own mode, `info` and EXIF; not rotated or
    # converted): the print copy is made from it. May be the same object as `image`.
    decoded: Image.Image | None = None


def _bad(path: Path, zh: str, en: str) -> BadInput:
    return BadInput(f"{path.name}：{zh}", f"{path.name}: {en}",
                    hint_zh="请提供原始截图文件", hint_en="provide the original screenshot file")


def open_image(path: Path, max_pixels: int = MAX_PIXELS) -> LoadedImage:
    """Open `path` as an RGB image, refusing bombs, fakes and truncated files with `BadInput`."""
    path = Path(path)
    register_heif()
    try:
        with _warnings.catch_warnings():
            _warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            probe = Image.open(path)  # lazy: reads the header only
    except Image.DecompressionBombError:
        raise _bad(path, "图像尺寸过大，疑似解压炸弹，已拒绝", "image dimensions are too large (decompression bomb); refused") from None
    except UnidentifiedImageError:
        raise _bad(path, "不是可识别的图像文件", "not a readable image file") from None
    except OSError as exc:
        raise _bad(path, f"无法读取图像（{exc}）", f"cannot read image ({exc})") from None
    with probe:
        width, height = probe.size
        if width * height > max_pixels:
            raise _bad(path, f"图像尺寸过大（{width}×{height}），已拒绝",
                       f"image is too large ({width}x{height} px, limit {max_pixels}); refused")
        fmt, mode = probe.format, probe.mode
        info = dict(probe.info)
        notes: list[str] = []
        try:
            probe.load()
        except (OSError, SyntaxError, ValueError) as exc:
            raise _bad(path, f"图像文件已损坏或不完整（{exc}）", f"image is damaged or truncated ({exc})") from None
        image = probe
        if getattr(probe, "n_frames", 1) > 1:
            notes.append(bilingual("多帧图像，只读取第一帧", "multi-frame image; only the first frame is read"))
        exif_orientation = None
        try:
            exif_orientation = probe.getexif().get(0x0112)
        except Exception:  # broken EXIF must not stop reading the pixels
            notes.append(bilingual("EXIF 信息损坏，已忽略", "damaged EXIF ignored"))
        if exif_orientation and exif_orientation != 1:
            image = ImageOps.exif_transpose(probe)
            notes.append(bilingual(f"已按 EXIF 方向 {exif_orientation} 旋转", f"rotated by EXIF orientation {exif_orientation}"))
        image = to_rgb(image, notes)
    if min(image.size) < MIN_SIDE:
        notes.append(bilingual(f"图像太小（{image.width}×{image.height}），无法识别文字",
                               f"image is too small ({image.width}x{image.height}) to read text"))
    return LoadedImage(image=image, format=fmt, original_mode=mode, warnings=notes, info=info, decoded=probe)


def to_rgb(image: Image.Image, notes: list[str] | None = None) -> Image.Image:
    """Convert any mode to RGB: alpha is blended onto white, 16-bit is scaled, CMYK converted."""
    notes = notes if notes is not None else []
    mode = image.mode
    if mode == "RGB":
        return image.copy() if image.readonly else image
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        notes.append(bilingual("16 位图像已转换为 8 位", "16-bit image converted to 8-bit"))
        lo, hi = image.getextrema()
        scale = 255.0 / hi if hi and hi > 255 else 1.0
        return image.point(lambda v: v * scale).convert("L").convert("RGB")
    if mode == "F":
        return image.convert("L").convert("RGB")
    if mode == "CMYK":
        notes.append(bilingual("CMYK 图像已转换为 RGB", "CMYK image converted to RGB"))
        return image.convert("RGB")
    if mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
        mode = "RGBA"
    if mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        lo, _ = rgba.getchannel("A").getextrema()
        if lo < 255:
            notes.append(bilingual("透明背景已合成到白色", "transparency blended onto white"))
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image.convert("RGB")
