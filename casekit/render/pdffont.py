"""A CJK font for text casekit draws into a PDF itself (exhibit pages, `render/drawn.py`).

The packet's own cut of Noto Sans CJK SC (`render/fonts.py`) is cut again, with HarfBuzz, to the
characters the drawn pages use, and embedded once per packet as a Type 0 font: Identity-H, the
CFF program as `/FontFile3 /CIDFontType0C`, glyph widths, and a ToUnicode map so that copying
and searching text (pdftotext) read what was drawn. HarfBuzz keeps a CID-keyed CFF's CIDs, so a
character's code in the content stream is its CID from the font's charset (`cid01234`).

Text is set without kerning or shaping: CJK and Latin text in this font need none to read well.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from .fonts import _subset


class FontUnusable(Exception):
    """The font cannot be embedded this way (not a CID-keyed CFF font)."""


@dataclass
class PdfFont:
    """Metrics and codes of one face: widths in 1/1000 em, ascent and descent in em."""

    name: str
    cff: bytes
    cids: dict[str, int]          # character → CID
    widths: dict[int, int]        # CID → advance (1/1000 em)
    ascent: float                 # line metrics (hhea), in em
    descent: float
    bbox: tuple[int, int, int, int]
    cap_height: int
    weight: str
    kerning: "_Kerning | None" = None

    @classmethod
    def load(cls, path: Path, chars: str | None = None, weight: str = "normal") -> "PdfFont":
        """The face at `path` cut to `chars` (whatever of them it has), or as it is."""
        from fontTools.ttLib import TTFont

        data = path.read_bytes() if chars is None else _subset(str(path), 0, "".join(sorted(set(chars) | {" "})))
        if not data:
            raise FontUnusable(f"cannot cut {path}")
        font = TTFont(io.BytesIO(data), lazy=True)
        if "CFF " not in font:
            raise FontUnusable(f"{path} has no CFF outlines")
        top = font["CFF "].cff.topDictIndex[0]
        if getattr(top, "ROS", None) is None:
            raise FontUnusable(f"{path} is not CID-keyed")
        scale = 1000 / font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        cids, widths = {}, {0: round(metrics[".notdef"][0] * scale)}
        for code, glyph in font.getBestCmap().items():
            if not glyph.startswith("cid"):
                continue
            cid = int(glyph[3:])
            cids[chr(code)] = cid
            widths[cid] = round(metrics[glyph][0] * scale)
        head, hhea = font["head"], font["hhea"]
        bbox = tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax))
        name = font["name"].getDebugName(6) or "casekitCJK"
        return cls(name=name, cff=font.reader["CFF "], cids=cids, widths=widths,
                   ascent=hhea.ascent / font["head"].unitsPerEm, descent=-hhea.descent / font["head"].unitsPerEm,
                   bbox=bbox, cap_height=round(getattr(font["OS/2"], "sCapHeight", 700) * scale), weight=weight,
                   kerning=_Kerning(font, scale))

    def covers(self, text: str) -> bool:
        """Whether every character of `text` has a glyph (else the page is left to WeasyPrint,
        which falls back to another font)."""
        cids = self.cids
        return all(ch in cids for ch in text)

    def advances(self, text: str, size: float) -> list[float]:
        """Each character's advance at `size` pt, in pt, with the kerning between it and the next."""
        cids, widths, scale = self.cids, self.widths, size / 1000
        codes = [cids.get(ch, 0) for ch in text]
        out = [widths.get(code, 1000) * scale for code in codes]
        if self.kerning is not None and self.kerning.pairs:
            kern = self.kerning.value
            for i in range(len(codes) - 1):
                out[i] += kern(codes[i], codes[i + 1]) * scale
        return out

    def width(self, text: str, size: float) -> float:
        """Width of `text` set at `size` pt, in pt (kerned)."""
        return sum(self.advances(text, size))

    def encode(self, text: str) -> bytes:
        """The content-stream string of `text`: two-byte CIDs (Identity-H)."""
        cids = self.cids
        return b"".join(cids.get(ch, 0).to_bytes(2, "big") for ch in text)

    def show(self, text: str) -> bytes:
        """Content-stream operators showing `text` kerned: `[<codes> adjustment <codes> …] TJ`."""
        codes = [self.cids.get(ch, 0) for ch in text]
        parts, run = [], bytearray()
        kern = self.kerning.value if self.kerning is not None and self.kerning.pairs else None
        for i, code in enumerate(codes):
            run += code.to_bytes(2, "big")
            adjust = kern(code, codes[i + 1]) if kern is not None and i + 1 < len(codes) else 0
            if adjust:
                parts.append(b"<" + run.hex().encode() + b"> " + f"{-adjust:g}".encode())
                run = bytearray()
        if run:
            parts.append(b"<" + run.hex().encode() + b">")
        return b"[" + b" ".join(parts) + b"] TJ"

    def embed(self, pdf: pikepdf.Pdf) -> pikepdf.Object:
        """The Type 0 font dictionary of this face, added to `pdf` (indirect)."""
        # a subset's name starts with a tag of six capitals, the same for the same glyphs
        digest = hashlib.sha256(repr(sorted(self.widths.items())).encode()).digest()
        tag = "".join(chr(65 + b % 26) for b in digest[:6])
        base = pikepdf.Name(f"/{tag}+" + ("".join(c for c in self.name if c.isalnum() or c in "-_") or "casekitCJK"))
        program = pdf.make_stream(self.cff)
        program.Subtype = pikepdf.Name.CIDFontType0C
        flags = 4  # symbolic (a CJK face)
        descriptor = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.FontDescriptor, FontName=base, Flags=flags, FontBBox=list(self.bbox),
            ItalicAngle=0, Ascent=round(self.ascent * 1000), Descent=-round(self.descent * 1000),
            CapHeight=self.cap_height, StemV=120 if self.weight == "bold" else 80, FontFile3=program))
        used = sorted(set(self.cids.values()) | {0})
        w: list = []
        for cid in used:
            w += [cid, [self.widths.get(cid, 1000)]]
        descendant = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType0, BaseFont=base,
            CIDSystemInfo=pikepdf.Dictionary(Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"),
                                             Supplement=0),
            FontDescriptor=descriptor, DW=1000, W=w))
        return pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=base, Encoding=pikepdf.Name("/Identity-H"),
            DescendantFonts=[descendant], ToUnicode=pdf.make_stream(self._to_unicode())))

    def _to_unicode(self) -> bytes:
        """A ToUnicode CMap: each CID → its character (the first character of the cmap that has it)."""
        by_cid: dict[int, str] = {}
        for ch, cid in sorted(self.cids.items(), key=lambda item: ord(item[0])):
            by_cid.setdefault(cid, ch)
        lines = []
        items = sorted(by_cid.items())
        for start in range(0, len(items), 100):  # at most 100 entries a block
            block = items[start:start + 100]
            lines.append(f"{len(block)} beginbfchar")
            for cid, ch in block:
                lines.append(f"<{cid:04X}> <{ch.encode('utf-16-be').hex().upper()}>")
            lines.append("endbfchar")
        return ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                "/CMapName /casekit-UCS def\n/CMapType 2 def\n"
                "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
                + "\n".join(lines) + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n").encode()


class _Kerning:
    """Pair kerning of the font's "kern" feature (GPOS pair adjustment, formats 1 and 2), as
    HarfBuzz applies it for WeasyPrint: per lookup, the first subtable that applies to a pair.
    Values in 1/1000 em, by CID; memoised."""

    def __init__(self, font, scale: float) -> None:
        self.scale = scale
        self.pairs: list[list] = []  # per lookup: its pair-adjustment subtables
        self._memo: dict[tuple[int, int], float] = {}
        self._names: dict[int, str] = {}
        if "GPOS" not in font:
            return
        table = font["GPOS"].table
        if table.FeatureList is None or table.LookupList is None:
            return
        indexes = sorted({i for record in table.FeatureList.FeatureRecord if record.FeatureTag == "kern"
                          for i in record.Feature.LookupListIndex})
        for index in indexes:
            lookup = table.LookupList.Lookup[index]
            subtables = [st.ExtSubTable if lookup.LookupType == 9 else st for st in lookup.SubTable]
            subtables = [st for st in subtables if getattr(st, "Format", None) in (1, 2) and hasattr(st, "Coverage")
                         and (hasattr(st, "PairSet") or hasattr(st, "Class1Record"))]
            if subtables:
                self.pairs.append([_PairTable(st) for st in subtables])
        self._names = {int(name[3:]): name for name in font.getGlyphOrder() if name.startswith("cid")}

    def value(self, first: int, second: int) -> float:
        key = (first, second)
        if key not in self._memo:
            a, b = self._names.get(first), self._names.get(second)
            total = 0.0
            if a is not None and b is not None:
                for lookup in self.pairs:
                    for table in lookup:
                        found = table.adjust(a, b)
                        if found is not None:
                            total += found
                            break
            self._memo[key] = total * self.scale
        return self._memo[key]


class _PairTable:
    """One pair-adjustment subtable: x-advance adjustment of the first glyph of a pair, or None when
    the subtable does not apply to the pair (the next one is tried)."""

    def __init__(self, st) -> None:
        self.format = st.Format
        self.coverage = {glyph: i for i, glyph in enumerate(st.Coverage.glyphs)}
        if st.Format == 1:
            self.sets = [{record.SecondGlyph: _x_advance(record.Value1) for record in pair_set.PairValueRecord}
                         for pair_set in st.PairSet]
        else:
            self.class1 = st.ClassDef1.classDefs if st.ClassDef1 is not None else {}
            self.class2 = st.ClassDef2.classDefs if st.ClassDef2 is not None else {}
            self.matrix = [[_x_advance(c2.Value1) for c2 in c1.Class2Record] for c1 in st.Class1Record]

    def adjust(self, first: str, second: str) -> float | None:
        index = self.coverage.get(first)
        if index is None:
            return None
        if self.format == 1:
            return self.sets[index].get(second)
        row = self.matrix[self.class1.get(first, 0)]
        column = self.class2.get(second, 0)
        return row[column] if column < len(row) else None


def _x_advance(value) -> float:
    return float(getattr(value, "XAdvance", 0) or 0) if value is not None else 0.0
