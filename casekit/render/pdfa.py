"""PDF/A-3b for a joined packet, carrying the originals it cites.

- XMP metadata with pdfaid part 3 / conformance B and the document info's title, producer and
  dates (written here: pikepdf's XMP writer puts a namespace on every element, which some
  checkers do not read as pdfaid:part);
- an sRGB output intent: the sRGB2014 profile WeasyPrint ships in its wheel (weasyprint/pdf/
  sRGB2014.icc, from the International Color Consortium, which allows it to be copied, embedded
  and distributed without restriction) — available offline wherever casekit runs;
- every annotation printable (PDF/A: the F key's Print flag);
- attachments as associated files of the document (catalog /AF): each original exhibit file
  with AFRelationship /Source, its original file name and its SHA-256 in the description, and
  the case's MANIFEST.sha256 and custody.jsonl (/Supplement), so the packet alone re-verifies.
Fonts are embedded by WeasyPrint (it embeds every font it uses).
"""

from __future__ import annotations

import hashlib
import importlib.util
import mimetypes
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape

import pikepdf

from ..errors import IntegrityError

SRGB_PROFILE = ("weasyprint.pdf", "sRGB2014.icc")
DESCRIPTION_PREFIX = "SHA-256 "


@dataclass
class Attachment:
    """A file the packet carries: `name` is its key in the document's EmbeddedFiles tree. `data` is
    its bytes, or the path of an original read only when it is attached (one at a time, so a
    packet's originals are not all held in memory) and refused unless its SHA-256 is `sha256`."""

    name: str
    filename: str
    data: bytes | Path
    description: str
    relationship: str = "Source"   # Source | Supplement | Data | Alternative | Unspecified
    sha256: str = ""

    def content(self) -> bytes:
        if isinstance(self.data, bytes):
            return self.data
        try:
            data: bytes | None = self.data.read_bytes()
        except OSError:
            data = None  # gone since the build began: refused like a changed one
        if data is None or hashlib.sha256(data).hexdigest() != self.sha256:
            raise IntegrityError(f"证据原件在生成材料时被改动或移走：{self.data}",
                                 f"an original changed or went away during the build: {self.data}",
                                 hint_zh="运行 casekit verify 检查证据", hint_en="run `casekit verify` on the case")
        return data


def srgb_profile() -> bytes:
    """The profile's bytes, found beside the installed package without importing it (importing
    WeasyPrint costs 0.7 s, which a repeat build whose pieces are all cached need not pay)."""
    package, name = SRGB_PROFILE
    top, *sub = package.split(".")
    spec = importlib.util.find_spec(top)
    if spec is None or spec.origin is None:
        return (resources.files(package) / name).read_bytes()
    return Path(spec.origin).parent.joinpath(*sub, name).read_bytes()


def _output_intent(pdf: pikepdf.Pdf) -> None:
    profile = pdf.make_stream(srgb_profile())
    profile.N = 3
    pdf.Root.OutputIntents = pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFA1,
        OutputConditionIdentifier=pikepdf.String("sRGB IEC61966-2.1"),
        Info=pikepdf.String("sRGB IEC61966-2.1"), DestOutputProfile=profile))])


def pdf_date(when: datetime) -> str:
    """D:YYYYMMDDHHmmSS+HH'mm' (PDF 1.7 §7.9.4)."""
    zone = when.strftime("%z")
    return f"D:{when:%Y%m%d%H%M%S}" + (f"{zone[:3]}'{zone[3:]}'" if zone else "")


def _attach(pdf: pikepdf.Pdf, files: list[Attachment], when: datetime) -> None:
    specs = []
    for item in files:
        mime = mimetypes.guess_type(item.filename)[0] or "application/octet-stream"
        spec = pikepdf.AttachedFileSpec(pdf, item.content(), description=item.description, filename=item.filename,
                                        mime_type=mime, creation_date=pdf_date(when), mod_date=pdf_date(when),
                                        relationship=pikepdf.Name("/" + item.relationship))
        pdf.attachments[item.name] = spec
        specs.append(spec.obj)
    if specs:
        pdf.Root.AF = pikepdf.Array([pdf.make_indirect(s) if not s.is_indirect else s for s in specs])


def xmp(title: str, producer: str, when: datetime) -> str:
    """The XMP packet: PDF/A identification and the same title, producer and dates as the
    document information dictionary (PDF/A requires the two to agree)."""
    stamp = when.isoformat(timespec="seconds")
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" pdfaid:part="3" pdfaid:conformance="B"/>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" pdf:Producer="{escape(producer)}"/>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="casekit"
   xmp:CreateDate="{stamp}" xmp:ModifyDate="{stamp}" xmp:MetadataDate="{stamp}"/>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def make_pdfa(pdf: pikepdf.Pdf, title: str, files: list[Attachment], when: datetime) -> None:
    """Turn the joined packet into PDF/A-3b in place, attaching `files`."""
    pdf.docinfo["/Title"] = title
    pdf.docinfo["/Creator"] = "casekit"
    pdf.docinfo["/Producer"] = "casekit (WeasyPrint, pikepdf/qpdf, img2pdf)"
    stamp = pikepdf.String(pdf_date(when))
    pdf.docinfo["/CreationDate"] = stamp
    pdf.docinfo["/ModDate"] = stamp
    pdf.Root.Metadata = pdf.make_stream(xmp(title, str(pdf.docinfo["/Producer"]), when).encode("utf-8"),
                                        Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
    _output_intent(pdf)
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            annot.F = 4
    _attach(pdf, files, when)
