"""HTML → PDF with WeasyPrint, reading only the case folder and the templates.

The fetcher refuses the network, `file:` URLs outside the allowed folders (after resolving
symlinks and `..`), non-regular files (`/dev/urandom` would never end) and redirects.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import mimetypes
import os
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from PIL import Image, ImageOps

from ..errors import BadInput, MissingDependency

PRINT_DPI = 200          # aim for ~200 dpi at the printed size …
MIN_PRINT_DPI = 150      # … but never go below this (an integer reduce is much faster than a resample)
# Box the exhibit screenshot is fitted into on A4 with our margins (mm): width × height.
EXHIBIT_BOX_MM = (170.0, 165.0)
JPEG_QUALITY = 80
PRINT_CACHE_VERSION = "p2"  # bump when the encoding below changes
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei")


def check_cjk_font() -> None:
    """Fail early, with a fix, when no Chinese font is installed (else PDFs show tofu)."""
    if shutil.which("fc-list") is None:
        raise MissingDependency("找不到 fc-list（fontconfig）", "fc-list (fontconfig) not found",
                                hint_zh="apt install fontconfig fonts-noto-cjk",
                                hint_en="apt install fontconfig fonts-noto-cjk")
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True,
                             timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        out = ""
    if not out.strip():
        raise MissingDependency("没有安装中文字体，PDF 无法显示中文", "no Chinese (CJK) font is installed",
                                hint_zh="安装 fonts-noto-cjk：apt install fonts-noto-cjk && fc-cache -f",
                                hint_en="install fonts-noto-cjk: apt install fonts-noto-cjk && fc-cache -f")


def _fetcher_class():
    from .weasy import load

    load()
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class SafeFetcher(URLFetcher):
        """Serves regular files under the allowed roots only; refuses everything else."""

        def __init__(self, roots: list[Path], standins: list[Path] | None = None) -> None:
            super().__init__(timeout=5, allowed_protocols={"file"}, allow_redirects=False)
            self.roots = [Path(r).resolve() for r in roots]
            self.standins = standins  # print-cache PNGs served as stand-ins (see _swap_standins)

        def fetch(self, url, headers=None):  # noqa: D102 - WeasyPrint's interface
            parts = urlsplit(url)
            if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
                raise FatalURLFetchingError(f"casekit: refused non-local resource {url[:200]}")
            path = Path(unquote(parts.path))
            try:
                real = path.resolve(strict=True)
            except (OSError, RuntimeError):
                raise FatalURLFetchingError(f"casekit: missing resource {url[:200]}") from None
            if not any(real.is_relative_to(root) for root in self.roots):
                raise FatalURLFetchingError(f"casekit: refused file outside the case {url[:200]}")
            if not real.is_file():
                raise FatalURLFetchingError(f"casekit: refused non-regular file {url[:200]}")
            if self.standins is not None and real.parent.name == _STANDIN_PREFIX and real.suffix == ".png" \
                    and _indexed_image(real.read_bytes()) is not None:
                self.standins.append(real)
                return URLFetcherResponse(real.as_uri(), _standin(len(self.standins)),
                                          {"Content-Type": "image/jpeg"}, 200)
            kind = mimetypes.guess_type(real.name)[0] or "application/octet-stream"
            return URLFetcherResponse(real.as_uri(), real.read_bytes(), {"Content-Type": kind}, 200)

    return SafeFetcher


def make_fetcher(roots: list[Path], standins: list[Path] | None = None):
    """A WeasyPrint URL fetcher restricted to `roots` (the case folder and the templates).
    With `standins` (a list to fill), print-cache PNGs are served as stand-ins."""
    return _fetcher_class()(roots, standins)


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


def planned_print_mm(src: Path, box_mm: tuple[float, float] = EXHIBIT_BOX_MM) -> tuple[float, float] | None:
    """Printed size (mm) the print copy of `src` will have, from the original's header only (no
    decoding); None when the header cannot be read."""
    try:
        with Image.open(src) as img:
            width, height = img.size
            # a PNG's getexif() decodes the whole image looking for a late eXIf chunk: read only
            # what the header gave (a late one only makes this a wrong guess, which is corrected)
            if img.format != "PNG":
                exif = img.getexif()
            else:
                exif = Image.Exif()
                if "exif" in img.info:
                    exif.load(img.info["exif"])
            orientation = exif.get(0x0112, 1)
            if orientation in (5, 6, 7, 8):  # rotated by a quarter turn
                width, height = height, width
    except Exception:
        return None
    return fit_mm(*_print_plan(width, height, box_mm)[1], box_mm)


def cached_print(key: str, cache_dir: Path, box_mm: tuple[float, float] = EXHIBIT_BOX_MM) -> Path | None:
    """The complete cached print copy for content hash `key`, if there is one."""
    stem = f"{key[:32]}-{PRINT_CACHE_VERSION}-{box_mm[0]:g}x{box_mm[1]:g}"
    for ext in ("png", "jpg"):
        if _cached_ok(cache_dir / f"{stem}.{ext}"):
            return cache_dir / f"{stem}.{ext}"
    return None


def _encode_print_copy(img: Image.Image, box_mm: tuple[float, float]) -> tuple[bytes, str]:
    """Downscale to ~PRINT_DPI of the printed size; encode as the smaller of a 256-colour PNG and
    JPEG. Phone UI screenshots are flat colours: the palette PNG is ~2.5× smaller than JPEG q80
    and keeps text edges clean (JPEG ringing on coloured bubbles costs OCR accuracy); photos come
    out smaller as JPEG."""
    if img.getexif().get(0x0112, 1) != 1:  # only rotate when EXIF says so (else it copies the image)
        img = ImageOps.exif_transpose(img)
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        img = img.convert("RGBA")
        flat = Image.new("RGB", img.size, (255, 255, 255))
        flat.paste(img, mask=img.getchannel("A"))
        img = flat
    elif img.mode != "RGB":
        img = img.convert("RGB")
    factor, final = _print_plan(img.width, img.height, box_mm)
    if factor > 1:
        img = img.reduce(factor)  # box filter by an integer factor: fast, and crisp enough
    if img.size != final:
        img = img.resize(final, Image.Resampling.LANCZOS)
    png, jpg = io.BytesIO(), io.BytesIO()
    img.quantize(256, method=Image.Quantize.FASTOCTREE).save(png, "PNG")
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
    stem = f"{key[:32]}-{PRINT_CACHE_VERSION}-{box_mm[0]:g}x{box_mm[1]:g}"
    cached = cached_print(key, cache_dir, box_mm)
    if cached is not None:
        return cached
    try:
        with Image.open(src) as img:
            data, ext = _encode_print_copy(img, box_mm)
    except Exception:  # corrupt or unsupported image: keep going, say so in the exhibit
        return None
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / f"{stem}.{ext}"
    # A cache, not evidence: temp file + rename without fsync (two fsyncs per exhibit cost more
    # than the encoding); a copy torn by a crash fails `_cached_ok` and is simply made again.
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=cache_dir)
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
    misses = sum(1 for path, _, _, key in args if key is None or not any(
        _cached_ok(cache_dir / f"{key[:32]}-{PRINT_CACHE_VERSION}-{box_mm[0]:g}x{box_mm[1]:g}.{ext}")
        for ext in ("png", "jpg")))
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


# -- palette PNGs straight into the PDF ------------------------------------------------------------
# WeasyPrint turns every PNG into RGB and re-encodes it (twice); for a 256-colour screenshot that
# is 3× the bytes and ~60 ms of CPU per exhibit. So the fetcher hands WeasyPrint a 1-pixel-wide
# grey stand-in whose height numbers the print copy, and a finisher swaps each stand-in's image
# stream for the PNG's own IDAT data as an /Indexed image (the PNG predictors are valid PDF
# FlateDecode predictors). The <img> must have an explicit width and height (the templates do).

_STANDIN_PREFIX = "print-cache"


def _standin(number: int) -> bytes:
    """A 1-pixel-wide grey JPEG `number` pixels high. JPEG because WeasyPrint passes JPEG bytes
    through, while it decodes and re-encodes every PNG (~9 ms each even for this one)."""
    buf = io.BytesIO()
    Image.new("L", (1, number), 255).save(buf, "JPEG", quality=50)
    return buf.getvalue()


def _png_chunks(data: bytes) -> dict[str, bytes]:
    """IHDR, PLTE and the joined IDAT data of a PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, out = 8, {"IDAT": b""}
    while pos + 8 <= len(data):
        length = struct.unpack(">I", data[pos:pos + 4])[0]
        kind = data[pos + 4:pos + 8].decode("latin-1")
        body = data[pos + 8:pos + 8 + length]
        out[kind] = out.get(kind, b"") + body if kind == "IDAT" else body
        pos += 12 + length
    return out


def _indexed_image(data: bytes) -> tuple[bytes, bytes, dict[str, Any]] | None:
    """(image data, palette, PDF image dictionary entries without the colour space) of a
    non-interlaced palette PNG, else None."""
    import pydyf

    try:
        chunks = _png_chunks(data)
        width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks["IHDR"])
    except (ValueError, KeyError, struct.error):
        return None
    palette = chunks.get("PLTE", b"")
    if colour != 3 or interlace or not palette or not chunks["IDAT"]:
        return None
    entries = {
        "Width": width, "Height": height, "BitsPerComponent": depth, "Filter": "/FlateDecode",
        "DecodeParms": pydyf.Dictionary({"Predictor": 15, "Colors": 1, "BitsPerComponent": depth,
                                         "Columns": width}),
    }
    return chunks["IDAT"], palette, entries


def _swap_standins(standins: list[Path]):
    """A WeasyPrint finisher that puts the real palette images in place of the stand-ins. The
    palette goes into a stream of its own, not a hex string: PDF readers (pypdf when the pieces
    are joined) read a stream by its length and a hex string a character at a time."""
    import pydyf

    def finisher(document, pdf) -> None:
        for obj in list(pdf.objects):
            extra = getattr(obj, "extra", None)
            if not isinstance(extra, dict) or extra.get("Subtype") != "/Image" or extra.get("Width") != 1:
                continue
            number = extra.get("Height")
            if extra.get("ColorSpace") != "/DeviceGray" or not isinstance(number, int) \
                    or not 1 <= number <= len(standins):
                continue
            swapped = _indexed_image(standins[number - 1].read_bytes())
            if swapped is None:
                continue
            image, palette, entries = swapped
            lookup = pydyf.Stream([palette])
            pdf.add_object(lookup)
            obj.stream = [image]
            obj.compress = False
            for name in ("SMask", "Decode"):
                extra.pop(name, None)
            extra.update(entries)
            extra["ColorSpace"] = pydyf.Array(["/Indexed", "/DeviceRGB", len(palette) // 3 - 1, lookup.reference])

    return finisher


def html_to_pdf_document(html: str, base_dir: Path, roots: list[Path]):
    """Lay out HTML (relative links resolve against `base_dir`): (WeasyPrint document, a function
    writing it to PDF bytes)."""
    from .weasy import load

    HTML = load().HTML
    from weasyprint.urls import FatalURLFetchingError

    try:
        standins: list[Path] = []
        document = HTML(string=html, base_url=base_dir.resolve().as_uri() + "/",
                        url_fetcher=make_fetcher(roots, standins), encoding="utf-8").render(optimize_images=False)
    except FatalURLFetchingError as exc:
        raise BadInput(f"模板引用了案件以外的资源：{exc}", f"a template refers to a resource outside the case: {exc}",
                       hint_zh="检查案件 templates/ 文件夹中的自定义模板",
                       hint_en="check the custom templates in the case's templates/ folder") from None

    def write() -> bytes:
        # Print copies are already at print resolution: no `dpi`/`jpeg_quality`, so WeasyPrint
        # embeds JPEG bytes as they are instead of decoding and re-encoding each one.
        return document.write_pdf(finisher=_swap_standins(standins), optimize_images=False)

    return document, write


def html_to_pdf(html: str, base_dir: Path, roots: list[Path]) -> bytes:
    """Render HTML (whose relative links resolve against `base_dir`) to PDF bytes."""
    check_cjk_font()
    return html_to_pdf_document(html, base_dir, roots)[1]()
