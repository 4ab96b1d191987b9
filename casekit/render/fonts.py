"""A per-packet CJK font: Noto Sans CJK SC (regular + bold) cut down to the packet's characters.

A packet rendered in pieces embeds its fonts once per piece. WeasyPrint subsets with retained
glyph ids and keeps every slot up to the highest glyph used, so a Noto CJK subset still carries
tens of thousands of empty slots (~150 KB a face, per piece). Subsetting the font first to the
packet's own characters (HarfBuzz, glyph ids renumbered) and loading it with `@font-face` makes
each piece's faces a few tens of KB. Cached in the print cache by character set; when anything is
missing (no HarfBuzz subsetter, no Noto font) the packet simply uses the system font.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
from pathlib import Path

FAMILY = "casekit CJK"
FONT_CACHE_VERSION = "f1"
_CDEF = """
typedef struct hb_blob_t hb_blob_t;
typedef struct hb_face_t hb_face_t;
typedef struct hb_set_t hb_set_t;
typedef struct hb_subset_input_t hb_subset_input_t;
hb_blob_t *hb_blob_create_from_file(const char *file_name);
void hb_blob_destroy(hb_blob_t *blob);
const char *hb_blob_get_data(hb_blob_t *blob, unsigned int *length);
hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index);
void hb_face_destroy(hb_face_t *face);
hb_blob_t *hb_face_reference_blob(hb_face_t *face);
void hb_set_add(hb_set_t *set, uint32_t codepoint);
hb_subset_input_t *hb_subset_input_create_or_fail(void);
void hb_subset_input_destroy(hb_subset_input_t *input);
hb_set_t *hb_subset_input_unicode_set(hb_subset_input_t *input);
hb_face_t *hb_subset_or_fail(hb_face_t *source, const hb_subset_input_t *input);
"""
_LIBS = None


def _libs():
    global _LIBS
    if _LIBS is None:
        import cffi

        ffi = cffi.FFI()
        ffi.cdef(_CDEF)
        try:
            _LIBS = (ffi, ffi.dlopen("libharfbuzz.so.0"), ffi.dlopen("libharfbuzz-subset.so.0"))
        except OSError:
            _LIBS = ()
    return _LIBS


def _font_file(pattern: str) -> tuple[str, int] | None:
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}|%{index}", pattern], capture_output=True, text=True,
                             timeout=30, check=False).stdout
        path, index = out.rsplit("|", 1)
        if "NotoSansCJK" not in path.replace(" ", "") or not Path(path).is_file():
            return None
        return path, int(index or 0)
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


def _subset(path: str, index: int, chars: str) -> bytes | None:
    libs = _libs()
    if not libs:
        return None
    ffi, hb, hbs = libs
    blob = hb.hb_blob_create_from_file(path.encode())
    face = hb.hb_face_create(blob, index)
    subset_input = hbs.hb_subset_input_create_or_fail()
    try:
        if subset_input == ffi.NULL:
            return None
        unicodes = hbs.hb_subset_input_unicode_set(subset_input)
        for ch in chars:
            hb.hb_set_add(unicodes, ord(ch))
        result = hbs.hb_subset_or_fail(face, subset_input)
        if result == ffi.NULL:
            return None
        out_blob = hb.hb_face_reference_blob(result)
        length = ffi.new("unsigned int *")
        data = hb.hb_blob_get_data(out_blob, length)
        content = bytes(ffi.buffer(data, length[0])) if length[0] else None
        hb.hb_blob_destroy(out_blob)
        hb.hb_face_destroy(result)
        return content
    finally:
        if subset_input != ffi.NULL:
            hbs.hb_subset_input_destroy(subset_input)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)


def packet_fonts(text: str, cache_dir: Path) -> list[dict[str, str]]:
    """[{"path", "weight"}] of the regular and bold faces cut to the characters of `text`
    (plus ASCII and the footer's), or [] when that cannot be done."""
    chars = "".join(sorted(set(text) | {chr(c) for c in range(32, 127)} | set("第页共０１２３４５６７８９")))
    faces = []
    for weight, pattern in (("normal", "Noto Sans CJK SC:weight=regular"), ("bold", "Noto Sans CJK SC:weight=bold")):
        found = _font_file(pattern)
        if found is None:
            return []
        key = hashlib.sha256(f"{FONT_CACHE_VERSION}|{found[0]}|{found[1]}|{chars}".encode()).hexdigest()[:32]
        target = cache_dir / f"font-{key}-{weight}.otf"
        if not target.is_file():
            data = _subset(found[0], found[1], chars)
            if not data:
                return []
            cache_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=cache_dir)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, target)
        faces.append({"path": str(target), "weight": weight})
    return faces
