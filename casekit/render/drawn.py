"""Pages casekit draws straight into the packet's PDF, without WeasyPrint: the shared parts.

The exhibit pages (`exhibit_pages.py`), the 证据清单, the timeline and the appendix
(`list_pages.py`) are always the same few things, laid out (`flow.py`) exactly as their templates
and `packet.css` lay them out — the same sizes, margins, line heights, colours, line and page
breaks — and drawn here: `page_stream` gives a page's content stream, `image_xobject` the print
copy as a PDF image (a palette PNG's own IDAT data, a JPEG's own bytes). Text is set in the
packet's font cut with its kerning (`pdffont.py`). WeasyPrint spent ≈ 40–50 ms of CPU laying out
such a page; drawing it costs about a millisecond, and every drawn part's length is known before
anything is rendered. `joining.join` adds the pages to the packet.

A case with its own copy of a template these pages follow keeps WeasyPrint for them
(`case_overrides_exhibits`), as does a part with a character the font cut lacks.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from .pdf import palette_png
from .pdffont import PdfFont

PT = 72 / 25.4                       # points per mm
PAGE_W, PAGE_H = 210 * PT, 297 * PT  # A4
MARGIN_X, MARGIN_Y = 16 * PT, 20 * PT  # @page margin: 20mm 16mm
BODY = 6.0                           # the body's 8 px margin (left and right; truncated at a page top)
LEFT = MARGIN_X + BODY
WIDTH = PAGE_W - 2 * LEFT
TOP, BOTTOM = MARGIN_Y, PAGE_H - MARGIN_Y

TEXT = (0.0667, 0.0667, 0.0667)      # #111
MUTED = (0.3333, 0.3333, 0.3333)     # #555
RULE = (0.4667, 0.4667, 0.4667)      # #777
FRAME = (0.6, 0.6, 0.6)              # #999 (the figure's border)
BAR = (0.8, 0.8, 0.8667)             # #ccd (the transcript's left border)
HEAD_BG = (0.9255, 0.9373, 0.9529)   # #eceff3

_OWN_TEMPLATES = ("_exhibit.html", "_appendix.html", "d4_evidence.html", "d5_timeline.html", "chunk.html",
                  "packet.html", "base.html", "packet.css")


@dataclass
class Faces:
    regular: PdfFont
    bold: PdfFont

    def covers(self, text: str) -> bool:
        return self.regular.covers(text) and self.bold.covers(text)


@dataclass
class Page:
    ops: list[tuple] = field(default_factory=list)


def case_overrides_exhibits(case_root: Path) -> bool:
    """Whether the case has its own exhibit template or stylesheet (then WeasyPrint renders them)."""
    folder = Path(case_root) / "templates" / "zh-CN"
    return any((folder / name).exists() for name in _OWN_TEMPLATES)


# -- drawing --------------------------------------------------------------------------------------

FONT_NAMES = {"R": "/CkR", "B": "/CkB"}


def page_stream(page: Page, faces: Faces, image: str | None) -> bytes:
    """The content stream of `page` (top-down coordinates flipped once); `image`: the XObject name
    of the exhibit's print copy."""
    out = [f"q 1 0 0 -1 0 {PAGE_H:.4f} cm".encode()]
    fonts = {"R": faces.regular, "B": faces.bold}
    tc = 0.0
    for op in page.ops:
        kind = op[0]
        if kind == "text":
            _, x, y, face, size, colour, text, *more = op
            if not text:
                continue
            tracking = more[0] if more else 0.0
            spacing = f"{tracking:g} Tc " if tracking != tc else ""  # (Tc is graphics state: it outlives ET)
            tc = tracking
            out.append(f"{colour[0]:g} {colour[1]:g} {colour[2]:g} rg BT {spacing}1 0 0 -1 {x:.3f} {y:.3f} Tm "
                       f"{FONT_NAMES[face]} {size:g} Tf ".encode() + fonts[face].show(text) + b" ET")
        elif kind == "fill":
            _, x, y, w, h, colour = op
            out.append(f"{colour[0]:g} {colour[1]:g} {colour[2]:g} rg {x:.3f} {y:.3f} {w:.3f} {h:.3f} re f".encode())
        elif kind == "frame":
            _, x, y, w, h, colour = op
            out.append(f"{colour[0]:g} {colour[1]:g} {colour[2]:g} RG 0.5 w {x + 0.25:.3f} {y + 0.25:.3f} "
                       f"{w - 0.5:.3f} {h - 0.5:.3f} re S".encode())
        elif kind == "image" and image is not None:
            _, x, y, w, h = op
            out.append(f"q {w:.3f} 0 0 {-h:.3f} {x:.3f} {y + h:.3f} cm {image} Do Q".encode())
    out.append(b"Q")
    return b"\n".join(out)


def image_xobject(pdf: pikepdf.Pdf, path: Path) -> pikepdf.Stream:
    """The print copy at `path` as an image XObject: a non-interlaced palette PNG's IDAT data as it
    is (PNG predictors are PDF FlateDecode predictors), a JPEG's bytes as they are, anything else
    decoded and compressed."""
    data = path.read_bytes()
    stream = pikepdf.Stream(pdf, b"")
    stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    if data[:2] == b"\xff\xd8":
        from PIL import Image

        with Image.open(path) as img:
            width, height, mode = img.width, img.height, img.mode
        stream.write(data, filter=pikepdf.Name.DCTDecode)
        stream.Width, stream.Height, stream.BitsPerComponent = width, height, 8
        stream.ColorSpace = {"L": pikepdf.Name.DeviceGray, "CMYK": pikepdf.Name.DeviceCMYK}.get(mode,
                                                                                             pikepdf.Name.DeviceRGB)
        if mode == "CMYK":
            stream.Decode = [1, 0, 1, 0, 1, 0, 1, 0]
        return stream
    png = palette_png(data)
    if png is not None:
        stream.write(png.data, filter=pikepdf.Name.FlateDecode,
                     decode_parms=pikepdf.Dictionary(Predictor=15, Colors=1, BitsPerComponent=png.depth,
                                                     Columns=png.width))
        stream.Width, stream.Height, stream.BitsPerComponent = png.width, png.height, png.depth
        stream.ColorSpace = [pikepdf.Name.Indexed, pikepdf.Name.DeviceRGB, len(png.palette) // 3 - 1,
                             pdf.make_stream(png.palette)]
        return stream
    from PIL import Image

    with Image.open(path) as img:
        rgb = img.convert("RGB")
    stream.write(zlib.compress(rgb.tobytes(), 6), filter=pikepdf.Name.FlateDecode)
    stream.Width, stream.Height, stream.BitsPerComponent = rgb.width, rgb.height, 8
    stream.ColorSpace = pikepdf.Name.DeviceRGB
    return stream

