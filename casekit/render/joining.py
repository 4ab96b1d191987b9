"""Join a packet's rendered pieces into one PDF with pikepdf (qpdf): the print copies placed into
their slots, the overlay merged onto every page, bookmarks and links carried over, and every
font subset given a tag of its own.

- Images pass through: img2pdf wraps each print copy (palette PNG or JPEG) in a one-page PDF
  without re-encoding it, and `Page.add_overlay` places that page into the slot's box.
- The overlay (`overlay.py`) is one text-only page per packet page, merged the same way.
- Bookmarks (WeasyPrint makes them from the headings) and named destinations (the targets of
  links) are moved to the joined pages; a piece's placeholder target of a name (a link into
  another piece) gives way to the piece that holds the name, so every link lands on its page.
- WeasyPrint names a font subset after the font's description, so two pieces embed different
  subsets under one tag; here each tag is made from the font program's own SHA-256.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pikepdf

from .pieces import Box

BORDER_PX = 0.5 / 0.75  # the slot's 0.5 pt border (packet.css), in CSS px
_TAG = re.compile(r"^[A-Z]{6}\+")


@dataclass
class Slot:
    """A print copy to place on page `page` (0-based, in its piece) into `box` (CSS px)."""

    page: int
    box: Box
    image: Path


@dataclass
class Part:
    """The pages of one rendered piece, its image slots, and the bookmark its bookmarks are
    nested under (`group`), if any."""

    pdf: bytes
    slots: list[Slot] = field(default_factory=list)
    group: str | None = None
    placeholders: set[str] = field(default_factory=set)  # names this piece only holds link targets for


def _subset_tag(program: bytes) -> str:
    return "".join(chr(65 + b % 26) for b in hashlib.sha256(program).digest()[:6])


def retag_fonts(pdf: pikepdf.Pdf) -> None:
    """Give every embedded subset a tag made from its font program (PDF 1.7 §9.6.4: distinct
    subsets, distinct tags)."""
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/Font":
            continue
        descendant = obj.DescendantFonts[0] if "/DescendantFonts" in obj else obj
        descriptor = descendant.get("/FontDescriptor")
        if descriptor is None:
            continue
        program = next((descriptor[k] for k in ("/FontFile3", "/FontFile2", "/FontFile") if k in descriptor), None)
        name = str(descendant.get("/BaseFont", ""))[1:]
        if program is None or not _TAG.match(name):
            continue
        tag = _subset_tag(program.read_raw_bytes())
        new = pikepdf.Name("/" + tag + name[6:])
        descendant.BaseFont = new
        descriptor.FontName = new
        if descendant is not obj:
            base = str(obj.get("/BaseFont", ""))[1:]
            obj.BaseFont = pikepdf.Name("/" + tag + base[6:]) if _TAG.match(base) else new


def _retarget(dest, page_map: dict[tuple[int, int], pikepdf.Page]) -> pikepdf.Array | None:
    if isinstance(dest, pikepdf.Dictionary):  # {/D [page …]}
        dest = dest.get("/D")
    if not isinstance(dest, pikepdf.Array) or len(dest) == 0:
        return None
    target = page_map.get(dest[0].objgen)
    return None if target is None else pikepdf.Array([target.obj, *list(dest)[1:]])


def _copy_bookmarks(items, page_map, into: list) -> None:
    for item in items:
        dest = _retarget(item.destination, page_map)
        if dest is None:  # into a page that is not kept: keep its children
            _copy_bookmarks(item.children, page_map, into)
            continue
        copy = pikepdf.OutlineItem(str(item.title), dest)
        _copy_bookmarks(item.children, page_map, copy.children)
        into.append(copy)


def _slot_rect(page: pikepdf.Page, box: Box) -> pikepdf.Rectangle:
    """The inside of a slot's border, in PDF points from the page's lower left."""
    height = float(page.mediabox[3])
    left, top, right, bottom = (v * 0.75 for v in (box[0] + BORDER_PX, box[1] + BORDER_PX,
                                                   box[2] - BORDER_PX, box[3] - BORDER_PX))
    return pikepdf.Rectangle(left, height - bottom, right, height - top)


class _Images:
    """Print copies as one-page PDFs (img2pdf: the image data as it is), each made once."""

    def __init__(self) -> None:
        self.pdfs: dict[Path, pikepdf.Pdf] = {}

    def page(self, path: Path) -> pikepdf.Page:
        if path not in self.pdfs:
            import img2pdf

            # rotation given: print copies are upright already, and img2pdf skips its EXIF probe
            data = img2pdf.convert(str(path), rotation=img2pdf.Rotation["0"])
            self.pdfs[path] = pikepdf.open(io.BytesIO(data))
        return self.pdfs[path].pages[0]

    def close(self) -> None:
        for pdf in self.pdfs.values():
            pdf.close()


@dataclass
class Joined:
    """The joined PDF, open, with the sources its pages are (lazily) copied from."""

    pdf: pikepdf.Pdf
    sources: list[pikepdf.Pdf]
    images: "_Images"

    def save(self, handle: BinaryIO) -> None:
        """Write the PDF into `handle` (a file: the packet is not held in memory), then close its
        sources."""
        self.pdf.save(handle, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        for source in self.sources:
            source.close()
        self.images.close()


def join(parts: list[Part], overlay: list[bytes], title: str, lang: str = "zh-CN") -> Joined:
    """The pieces' pages in order, images placed, the overlay's pages (the concatenated `overlay`
    documents, one page per packet page) merged on top."""
    out = pikepdf.new()
    bookmarks: list[pikepdf.OutlineItem] = []
    groups: dict[str, pikepdf.OutlineItem] = {}
    destinations: dict[str, pikepdf.Array] = {}
    images = _Images()
    keep: list[pikepdf.Pdf] = []  # open until the joined PDF is saved (pages are copied lazily)
    for part in parts:
        source = pikepdf.open(io.BytesIO(part.pdf))
        keep.append(source)
        retag_fonts(source)
        first = len(out.pages)
        page_map: dict[tuple[int, int], pikepdf.Page] = {}
        for page in source.pages:
            out.pages.append(page)
            page_map[page.obj.objgen] = out.pages[-1]
        for slot in part.slots:
            target = out.pages[first + slot.page]
            target.add_overlay(images.page(slot.image), _slot_rect(target, slot.box))
        names = source.Root.get("/Names")
        if names is not None and "/Dests" in names:
            for name, dest in pikepdf.NameTree(names.Dests).items():
                target = _retarget(dest, page_map)
                if target is not None and (str(name) not in part.placeholders or name not in destinations):
                    destinations[name] = target
        found: list[pikepdf.OutlineItem] = []
        with source.open_outline() as outline:
            _copy_bookmarks(outline.root, page_map, found)
        if part.group and found:
            if part.group not in groups:
                groups[part.group] = pikepdf.OutlineItem(part.group, found[0].destination)
                bookmarks.append(groups[part.group])
            groups[part.group].children.extend(found)
        else:
            bookmarks.extend(found)
    number = 0
    for data in overlay:
        layer = pikepdf.open(io.BytesIO(data))
        keep.append(layer)
        retag_fonts(layer)
        for page in layer.pages:
            target = out.pages[number]
            target.add_overlay(page, pikepdf.Rectangle(target.mediabox))
            number += 1
    if overlay and number != len(out.pages):
        raise RuntimeError(f"casekit: the overlay has {number} pages for a packet of {len(out.pages)}")
    if destinations:
        tree = pikepdf.NameTree.new(out)
        for name, dest in destinations.items():
            tree[name] = out.make_indirect(dest)
        out.Root.Names = pikepdf.Dictionary(Dests=tree.obj)
    with out.open_outline() as outline:
        outline.root.extend(bookmarks)
    if bookmarks:
        out.Root.PageMode = pikepdf.Name.UseOutlines
    out.Root.Lang = pikepdf.String(lang)
    out.docinfo["/Title"] = title
    return Joined(out, keep, images)

