"""HTML → PDF with WeasyPrint, reading only the case folder and the templates.

The fetcher refuses the network, `file:` URLs outside the allowed folders (after resolving
symlinks and `..`), non-regular files (`/dev/urandom` would never end) and redirects.
"""

from __future__ import annotations

import mimetypes
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..errors import BadInput, MissingDependency

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


def html_to_pdf_document(html: str, base_dir: Path, roots: list[Path]):
    """Lay out HTML (relative links resolve against `base_dir`): (WeasyPrint document, a function
    writing it to PDF bytes)."""
    from .weasy import load

    HTML = load().HTML
    from weasyprint.urls import FatalURLFetchingError

    try:
        document = HTML(string=html, base_url=base_dir.resolve().as_uri() + "/",
                        url_fetcher=make_fetcher(roots), encoding="utf-8").render(optimize_images=False)
    except FatalURLFetchingError as exc:
        raise BadInput(f"模板引用了案件以外的资源：{exc}", f"a template refers to a resource outside the case: {exc}",
                       hint_zh="检查案件 templates/ 文件夹中的自定义模板",
                       hint_en="check the custom templates in the case's templates/ folder") from None

    def write() -> bytes:
        # Images in a packet's pieces are empty slots (the print copies are placed by pikepdf);
        # an image a case's own template shows is embedded by WeasyPrint as it is given
        return document.write_pdf(optimize_images=False)

    return document, write


def html_to_pdf(html: str, base_dir: Path, roots: list[Path]) -> bytes:
    """Render HTML (whose relative links resolve against `base_dir`) to PDF bytes."""
    check_cjk_font()
    return html_to_pdf_document(html, base_dir, roots)[1]()
