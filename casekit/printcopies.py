"""Print copies of exhibit images: downscaled to ~200 dpi of their printed size, encoded as the
smaller of a 256-colour PNG and a JPEG, cached in the case's `.casekit/print-cache/` by the
evidence's SHA-256 (a cache: validated on read, made again when missing or torn).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import tempfile
from pathlib import Path

from PIL import Image, ImageOps

PRINT_DPI = 200          # aim for ~200 dpi at the printed size …
MIN_PRINT_DPI = 150      # … but never go below this (an integer reduce is much faster than a resample)
# Box the exhibit screenshot is fitted into on A4 with our margins (mm): width × height.
EXHIBIT_BOX_MM = (170.0, 165.0)
JPEG_QUALITY = 80
# bytes a pixel below which the palette PNG is kept without trying JPEG: JPEG q80 of a phone UI
# screenshot at print size takes ~0.08 B/px (its PNG ~0.03), of a photo 0.1-0.3
PNG_SURELY_SMALLER = 0.04
PRINT_CACHE_VERSION = "p3"  # bump when the encoding below changes (p3: JPEGs decoded at 1/2–1/8 scale)


def fit_mm(width_px: int, height_px: int, box_mm: tuple[float, float] = EXHIBIT_BOX_MM) -> tuple[float, float]:
    """Printed size (mm) of an image fitted into `box_mm`, keeping its aspect ratio."""
    if width_px <= 0 or height_px <= 0:
        return box_mm
    scale = min(box_mm[0] / width_px, box_mm[1] / height_px)
    return round(width_px * scale, 2), round(height_px * scale, 2)


def _print_plan(width: int, height: int, box_mm: tuple[float, float]) -> tuple[int, tuple[int, int]]:
    """(integer reduce factor, final pixel size) of the print copy of a `width`×`height` image."""
    w_mm, _ = fit_mm(width, height, box_mm)
    want = max(1, round(w_mm / 25.4 * PRINT_DPI))       # pixels across at PRINT_DPI
    floor = max(1, round(w_mm / 25.4 * MIN_PRINT_DPI))  # … and at MIN_PRINT_DPI
    factor = max(1, width // floor)
    if factor > 1:
        width, height = -(-width // factor), -(-height // factor)  # what Image.reduce gives
    if width > want * 1.5:
        width, height = want, max(1, round(height * want / width))
    return factor, (width, height)


def _displayed_size(img: Image.Image) -> tuple[int, int]:
    """Width and height of an opened image as shown (EXIF quarter turns applied), from its header."""
    width, height = img.size
    # a PNG's getexif() decodes the whole image looking for a late eXIf chunk: read only
    # what the header gave (a late one only makes this a wrong guess, which is corrected)
    if img.format != "PNG":
        exif = img.getexif()
    else:
        exif = Image.Exif()
        if "exif" in img.info:
            exif.load(img.info["exif"])
    if exif.get(0x0112, 1) in (5, 6, 7, 8):  # rotated by a quarter turn
        width, height = height, width
    return width, height


def planned_print_mm(src: Path, box_mm: tuple[float, float] = EXHIBIT_BOX_MM) -> tuple[float, float] | None:
    """Printed size (mm) the print copy of `src` will have, from the original's header only (no
    decoding); None when the header cannot be read."""
    try:
        with Image.open(src) as img:
            width, height = _displayed_size(img)
    except Exception:
        return None
    return fit_mm(*_print_plan(width, height, box_mm)[1], box_mm)


def _dct_scale(img: Image.Image, factor: int) -> int:
    """1, 2, 4 or 8: the largest power of two dividing the plan's reduce `factor` when `img` is a
    JPEG. libjpeg decodes at that scale in the DCT domain, 3-4× faster than decoding the whole
    image and reducing it (a 1080×2340 screenshot 17 → 5 ms, a 4032×3024 photo 114 → 26 ms)."""
    scale = 1
    if img.format == "JPEG":
        while scale < 8 and factor % (scale * 2) == 0:
            scale *= 2
    return scale


def _draft_jpeg(img: Image.Image, box_mm: tuple[float, float]) -> tuple[int, tuple[int, int]] | None:
    """Set up a JPEG not yet decoded to decode straight at its print scale (see `_dct_scale`) and
    return the plan left for `_encode_print_copy` (the reduce factor that remains, the final size
    from the full-size plan); None when it is no such JPEG. The sizes stay those of the plan:
    libjpeg gives ⌈w/s⌉ like `reduce`, and ⌈⌈w/s⌉/r⌉ = ⌈w/(s·r)⌉."""
    factor, final = _print_plan(*_displayed_size(img), box_mm)
    scale = _dct_scale(img, factor)
    if scale == 1:
        return None
    width, height = img.size
    img.draft(None, (width // scale, height // scale))  # libjpeg picks exactly `scale` for this size
    if img.size == (-(-width // scale), -(-height // scale)):
        factor //= scale
    return factor, final  # (a draft that did not happen only costs speed: the final resize fixes the size)


def _cache_stem(key: str, box_mm: tuple[float, float]) -> str:
    """File name (without extension) of the print copy for content hash `key`."""
    return f"{key[:32]}-{PRINT_CACHE_VERSION}-{box_mm[0]:g}x{box_mm[1]:g}"


def cached_print(key: str, cache_dir: Path, box_mm: tuple[float, float] = EXHIBIT_BOX_MM) -> Path | None:
    """The complete cached print copy for content hash `key`, if there is one."""
    stem = _cache_stem(key, box_mm)
    for ext in ("png", "jpg"):
        if _cached_ok(cache_dir / f"{stem}.{ext}"):
            return cache_dir / f"{stem}.{ext}"
    return None


def _encode_print_copy(img: Image.Image, box_mm: tuple[float, float],
                       plan: tuple[int, tuple[int, int]] | None = None) -> tuple[bytes, str]:
    """Downscale to ~PRINT_DPI of the printed size; encode as the smaller of a 256-colour PNG and
    JPEG. Phone UI screenshots are flat colours: the palette PNG is ~2.5× smaller than JPEG q80
    and keeps text edges clean (JPEG ringing on coloured bubbles costs OCR accuracy); photos come
    out smaller as JPEG. `plan` (reduce factor, final size) is given for a JPEG decoded at a
    reduced scale (`_draft_jpeg`), else it is made from the image's size."""
    if img.getexif().get(0x0112, 1) != 1:  # only rotate when EXIF says so (else it copies the image)
        img = ImageOps.exif_transpose(img)
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        img = img.convert("RGBA")
        flat = Image.new("RGB", img.size, (255, 255, 255))
        flat.paste(img, mask=img.getchannel("A"))
        img = flat
    elif img.mode != "RGB":
        img = img.convert("RGB")
    factor, final = plan or _print_plan(img.width, img.height, box_mm)
    if factor > 1:
        img = img.reduce(factor)  # box filter by an integer factor: fast, and crisp enough
    if img.size != final:
        img = img.resize(final, Image.Resampling.LANCZOS)
    png, jpg = io.BytesIO(), io.BytesIO()
    img.quantize(256, method=Image.Quantize.FASTOCTREE).save(png, "PNG")
    if png.tell() <= PNG_SURELY_SMALLER * img.width * img.height:
        return png.getvalue(), "png"  # flat UI colours: no JPEG comes near (saves ~5 ms an exhibit)
    img.save(jpg, "JPEG", quality=JPEG_QUALITY, optimize=True)
    if png.tell() <= jpg.tell():
        return png.getvalue(), "png"
    return jpg.getvalue(), "jpg"


def print_image(src: Path, cache_dir: Path, box_mm: tuple[float, float] = EXHIBIT_BOX_MM,
                key: str | None = None) -> Path | None:
    """A print copy of an image fitted to the exhibit box (see `_encode_print_copy`), cached under
    `cache_dir` by content hash (`key`, e.g. the manifest SHA-256, saves re-reading the original).
    Returns None when the image cannot be decoded (the original stays evidence)."""
    if key is None:
        key = hashlib.sha256(src.read_bytes()).hexdigest()
    cached = cached_print(key, cache_dir, box_mm)
    if cached is not None:
        return cached
    from .ocr.images import register_heif

    register_heif()  # an iPhone HEIC original prints from its decoded pixels
    try:
        with Image.open(src) as img:
            data, ext = _encode_print_copy(img, box_mm, _draft_jpeg(img, box_mm))
    except Exception:  # corrupt or unsupported image: keep going, say so in the exhibit
        return None
    return _store_print_copy(data, cache_dir / f"{_cache_stem(key, box_mm)}.{ext}")


def print_from_decoded(img: Image.Image, src: Path, key: str, cache_dir: Path,
                       box_mm: tuple[float, float] = EXHIBIT_BOX_MM) -> Path | None:
    """The print copy of `src` (content hash `key`) made from `img`, the original already decoded
    by someone else (`casekit extract` for OCR): the same file `print_image` makes, without
    decoding the original a second time. `img` must be the image as opened — first frame, its
    own mode, `info` and EXIF — not rotated or converted for OCR (the encoding does that itself).
    A JPEG the copy reduces by 2, 4 or 8 is decoded again at that scale instead (as fast as
    reducing the full image, and it is how `print_image` makes it). A no-op when a complete copy
    is cached; None when `print_image` finds the file undecodable; else raises what the encoding
    raises."""
    cached = cached_print(key, cache_dir, box_mm)
    if cached is not None:
        return cached
    if _dct_scale(img, _print_plan(*_displayed_size(img), box_mm)[0]) > 1:
        return print_image(src, cache_dir, box_mm, key)
    data, ext = _encode_print_copy(img, box_mm)
    return _store_print_copy(data, cache_dir / f"{_cache_stem(key, box_mm)}.{ext}")


def _store_print_copy(data: bytes, target: Path) -> Path:
    """Write a print copy into the cache folder. A cache, not evidence: temp file + rename
    without fsync (two fsyncs per exhibit cost more than the encoding); a copy torn by a crash
    fails `_cached_ok` and is simply made again."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target


_TRAILERS = {".png": b"IEND\xaeB`\x82", ".jpg": b"\xff\xd9"}


def _cached_ok(path: Path) -> bool:
    """A cached print copy exists and was written completely (ends with its format's trailer)."""
    try:
        with path.open("rb") as handle:
            handle.seek(-8, os.SEEK_END)
            return handle.read().endswith(_TRAILERS[path.suffix])
    except (OSError, KeyError):
        return False


def _print_image_job(args: tuple[Path, Path, tuple[float, float], str | None]) -> Path | None:
    return print_image(*args)


def print_images(jobs: list[tuple[Path, str | None]], cache_dir: Path,
                 box_mm: tuple[float, float] = EXHIBIT_BOX_MM) -> list[Path | None]:
    """`print_image` for many (path, key) pairs; cache misses are encoded on all cores."""
    args = [(path, cache_dir, box_mm, key) for path, key in jobs]
    misses = sum(1 for _, _, _, key in args if key is None or cached_print(key, cache_dir, box_mm) is None)
    workers = min(os.cpu_count() or 1, 4, misses)
    if workers < 2 or misses < 4:
        return [print_image(*a) for a in args]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(_print_image_job, args, chunksize=4))


def print_size_mm(path: Path, box_mm: tuple[float, float] = EXHIBIT_BOX_MM) -> tuple[float, float]:
    """Printed size of a print copy (reads the image header only)."""
    with Image.open(path) as img:
        return fit_mm(img.width, img.height, box_mm)
