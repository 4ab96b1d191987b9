"""HTML → PDF with WeasyPrint, reading only the case folder and the templates.

The fetcher refuses the network, `file:` URLs outside the allowed folders (after resolving
symlinks and `..`), non-regular files (`/dev/urandom` would never end) and redirects.
"""

from __future__ import annotations

import io
import mimetypes
import shutil
import struct
import subprocess
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from PIL import Image

from ..errors import BadInput, MissingDependency
from ..store import PRINT_CACHE

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
                    and palette_png(real.read_bytes()) is not None:
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


# -- palette PNGs straight into the PDF ------------------------------------------------------------
# WeasyPrint turns every PNG into RGB and re-encodes it (twice); for a 256-colour screenshot that
# is 3× the bytes and ~60 ms of CPU per exhibit. So the fetcher hands WeasyPrint a 1-pixel-wide
# grey stand-in whose height numbers the print copy, and a finisher swaps each stand-in's image
# stream for the PNG's own IDAT data as an /Indexed image (the PNG predictors are valid PDF
# FlateDecode predictors). The <img> must have an explicit width and height (the templates do).

_STANDIN_PREFIX = PRINT_CACHE  # the folder whose palette PNGs are served as stand-ins


def _standin(number: int) -> bytes:
    """A 1-pixel-wide grey JPEG `number` pixels high. JPEG because WeasyPrint passes JPEG bytes
    through, while it decodes and re-encodes every PNG (~9 ms each even for this one)."""
    buf = io.BytesIO()
    Image.new("L", (1, number), 255).save(buf, "JPEG", quality=50)
    return buf.getvalue()


def png_chunks(data: bytes) -> dict[str, bytes]:
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


class PalettePng(NamedTuple):
    """What a PDF needs of a non-interlaced, opaque palette PNG to embed it as it is: the IDAT data
    (PNG's row predictors are PDF FlateDecode predictors) and the palette."""

    width: int
    height: int
    depth: int
    data: bytes
    palette: bytes


def palette_png(data: bytes) -> PalettePng | None:
    """The PNG `data` as a `PalettePng`, or None when it is not one (another colour type, interlaced,
    transparent, damaged)."""
    try:
        chunks = png_chunks(data)
        width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks["IHDR"])
    except (ValueError, KeyError, struct.error):
        return None
    palette = chunks.get("PLTE", b"")
    if colour != 3 or interlace or not palette or not chunks["IDAT"] or "tRNS" in chunks:
        return None
    return PalettePng(width, height, depth, chunks["IDAT"], palette)


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
            png = palette_png(standins[number - 1].read_bytes())
            if png is None:
                continue
            lookup = pydyf.Stream([png.palette])
            pdf.add_object(lookup)
            obj.stream = [png.data]
            obj.compress = False
            for name in ("SMask", "Decode"):
                extra.pop(name, None)
            extra.update({"Width": png.width, "Height": png.height, "BitsPerComponent": png.depth,
                          "Filter": "/FlateDecode",
                          "DecodeParms": pydyf.Dictionary({"Predictor": 15, "Colors": 1, "BitsPerComponent": png.depth,
                                                           "Columns": png.width})})
            extra["ColorSpace"] = pydyf.Array(["/Indexed", "/DeviceRGB", len(png.palette) // 3 - 1, lookup.reference])

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
