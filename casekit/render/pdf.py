"""HTML → PDF with WeasyPrint, reading only the case folder and the templates.

The fetcher refuses the network, `file:` URLs outside the allowed folders (after resolving
symlinks and `..`), non-regular files (`/dev/urandom` would never end) and redirects.
"""

from __future__ import annotations

import hashlib
import mimetypes
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

from PIL import Image, ImageOps

from ..errors import BadInput, MissingDependency
from ..fsutil import atomic_write_bytes

PRINT_DPI = 200
# Printable exhibit box on A4 with our margins (mm): width × height for the image.
EXHIBIT_BOX_MM = (170.0, 190.0)
JPEG_QUALITY = 85
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
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class SafeFetcher(URLFetcher):
        """Serves regular files under the allowed roots only; refuses everything else."""

        def __init__(self, roots: list[Path]) -> None:
            super().__init__(timeout=5, allowed_protocols={"file"}, allow_redirects=False)
            self.roots = [Path(r).resolve() for r in roots]

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
            kind = mimetypes.guess_type(real.name)[0] or "application/octet-stream"
            return URLFetcherResponse(real.as_uri(), real.read_bytes(), {"Content-Type": kind}, 200)

    return SafeFetcher


def make_fetcher(roots: list[Path]):
    """A WeasyPrint URL fetcher restricted to `roots` (the case folder and the templates)."""
    return _fetcher_class()(roots)


def print_image(src: Path, cache_dir: Path, box_mm: tuple[float, float] = EXHIBIT_BOX_MM) -> Path | None:
    """A print copy of an image: fitted to the exhibit box at ~200 dpi, JPEG q85, cached by
    content hash. Returns None when the image cannot be decoded (the original stays evidence)."""
    data = src.read_bytes()
    key = hashlib.sha256(data).hexdigest()[:32]
    max_w = int(box_mm[0] / 25.4 * PRINT_DPI)
    max_h = int(box_mm[1] / 25.4 * PRINT_DPI)
    target = cache_dir / f"{key}-{max_w}x{max_h}.jpg"
    if target.is_file():
        return target
    try:
        with Image.open(src) as img:
            img = ImageOps.exif_transpose(img)
            img.thumbnail((max_w, max_h), Image.Resampling.LANCZOS)
            if img.mode in ("RGBA", "LA", "P"):
                img = img.convert("RGBA")
                flat = Image.new("RGB", img.size, (255, 255, 255))
                flat.paste(img, mask=img.getchannel("A"))
                img = flat
            elif img.mode != "RGB":
                img = img.convert("RGB")
            import io

            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=JPEG_QUALITY, optimize=True)
    except Exception:  # corrupt or unsupported image: keep going, say so in the exhibit
        return None
    cache_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(target, buf.getvalue())
    return target


def html_to_pdf(html: str, base_dir: Path, roots: list[Path]) -> bytes:
    """Render HTML (whose relative links resolve against `base_dir`) to PDF bytes."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    check_cjk_font()
    try:
        document = HTML(string=html, base_url=base_dir.resolve().as_uri() + "/",
                        url_fetcher=make_fetcher(roots), encoding="utf-8")
        return document.write_pdf(optimize_images=False, jpeg_quality=JPEG_QUALITY, dpi=PRINT_DPI)
    except FatalURLFetchingError as exc:
        raise BadInput(f"模板引用了案件以外的资源：{exc}", f"a template refers to a resource outside the case: {exc}",
                       hint_zh="检查案件 templates/ 文件夹中的自定义模板",
                       hint_en="check the custom templates in the case's templates/ folder") from None
