"""Import WeasyPrint without its slow library probing.

WeasyPrint finds Pango, HarfBuzz, fontconfig … by trying several names per library with cffi's
`dlopen`. Every name that fails to load directly makes cffi call `ctypes.util.find_library`,
which on Linux runs `ldconfig -p`, then `gcc`, then `ld` — about 35 ms a name and 0.28 s an
import, paid by every `casekit build`. While WeasyPrint is imported, `find_library` answers from
one reading of the loader cache instead. Should that import fail (a library only reachable by
the compiler's search path, say), it is retried the ordinary way.

Importing WeasyPrint also sets Pillow's global `ImageFile.LOAD_TRUNCATED_IMAGES`, after which
every image opened in the process decodes even when cut short (the missing rows come out grey).
casekit's own image reading must not change with what else was imported — a damaged original
is reported as damaged — so the flag is put back. WeasyPrint is only given complete print copies.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import os
import re
import shutil
import subprocess
import sys
from types import ModuleType

_ENTRY = re.compile(r"^\s+(\S+)\s+\(([^)]*)\)\s+=>\s+(\S+)\s*$")


def loader_cache() -> list[str] | None:
    """The sonames in the dynamic loader's cache (`ldconfig -p`), or None without ldconfig."""
    ldconfig = shutil.which("ldconfig") or next(
        (p for p in ("/sbin/ldconfig", "/usr/sbin/ldconfig") if os.path.exists(p)), None)
    if ldconfig is None:
        return None
    try:
        out = subprocess.run([ldconfig, "-p"], capture_output=True, text=True, timeout=10,
                             env={"LC_ALL": "C", "LANG": "C"}, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    names = [m.group(1) for m in map(_ENTRY.match, out.splitlines()) if m]
    return names or None


def cached_find_library(sonames: list[str]):
    """A `find_library` that looks `name` up as `lib<name>.so…` in `sonames` (what the first
    of ctypes' own strategies on Linux does), without starting a compiler or linker."""

    def find_library(name: str) -> str | None:
        pattern = re.compile(rf"lib{re.escape(name)}\.so(\.[\d.]+)?$")
        return next((soname for soname in sonames if pattern.match(soname)), None)

    return find_library


def load() -> ModuleType:
    """`import weasyprint`, fast, leaving Pillow's settings as they were (see the module docstring)."""
    if "weasyprint" in sys.modules:
        return sys.modules["weasyprint"]
    from PIL import ImageFile

    truncated = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        return _import()
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated


def _import() -> ModuleType:
    sonames = loader_cache()
    if sonames is not None:
        original = ctypes.util.find_library
        ctypes.util.find_library = cached_find_library(sonames)
        try:
            import weasyprint
            return weasyprint
        except (ImportError, OSError):
            for module in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
                with contextlib.suppress(KeyError):
                    del sys.modules[module]
        finally:
            ctypes.util.find_library = original
    import weasyprint
    return weasyprint
