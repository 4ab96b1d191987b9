"""The packet PDF as archivists and checkers read it (issue 16): valid PDF (qpdf, pikepdf), one
subset tag per font program, PDF/A-3b structure, the originals attached with their hashes,
`casekit verify PACKET.pdf`, line breaks as a reader sees them, print copies passed through."""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from casekit.adding import add_paths
from casekit.cli import main
from casekit.packets import build_packets
from casekit.synth import render_chat

from .test_packets import CASE_TOML, NOW, make_case

TOOLS = Path(__file__).parent / "tools"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Every recipient's packet of one case of 6 exhibits, rendered in runs of 2 on 2 workers."""
    root = tmp_path_factory.mktemp("packetpdf")
    case = make_case(root / "case", CASE_TOML)
    extra = root / "more"
    extra.mkdir()
    for i in range(3):
        render_chat([{"speaker": "them", "text": f"第{i}张截图：请把钱转到这个账户"}])[0].save(extra / f"more{i}.png")
    add_paths(case, [extra])
    result = build_packets(case, "all", now=NOW, jobs=2, chunk=2)
    return case, {o["recipient"]: Path(o["pdf"]) for o in result.outputs}


def test_qpdf_check_passes(built):
    _, pdfs = built
    for path in pdfs.values():
        done = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "No syntax or stream encoding errors found" in done.stdout


def test_pikepdf_syntax_check_is_clean(built):
    _, pdfs = built
    for path in pdfs.values():
        with pikepdf.open(path) as pdf:
            assert pdf.check_pdf_syntax() == [], path.name


def _font_programs(pdf: pikepdf.Pdf) -> dict[str, set[str]]:
    """Subset-tagged BaseFont → the SHA-256 of each font program embedded under that name,
    from every font in the file (pages and the overlay's form XObjects alike)."""
    out: dict[str, set[str]] = {}
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/Font":
            continue
        d = obj.DescendantFonts[0] if "/DescendantFonts" in obj else obj
        fd = d.get("/FontDescriptor")
        prog = next((fd[k] for k in ("/FontFile3", "/FontFile2", "/FontFile") if fd is not None and k in fd), None)
        if prog is not None:
            out.setdefault(str(d.BaseFont), set()).add(hashlib.sha256(prog.read_raw_bytes()).hexdigest())
    return out


def test_one_subset_tag_names_one_font_program(built):
    """PDF 1.7 §9.6.4: the pieces (front, runs, appendix, overlay) each embed their own subset;
    WeasyPrint names them alike, the join renames each after its program."""
    _, pdfs = built
    with pikepdf.open(pdfs["police"]) as pdf:
        programs = _font_programs(pdf)
    assert len(programs) >= 4  # several pieces, regular and bold
    assert all(re.match(r"/[A-Z]{6}\+", name) for name in programs)
    assert {name: len(h) for name, h in programs.items() if len(h) > 1} == {}


def test_pdfa3b_structure(built):
    _, pdfs = built
    for path in pdfs.values():
        with pikepdf.open(path) as pdf:
            meta = pdf.open_metadata()
            assert meta.pdfa_status == "3B"
            assert str(meta["dc:title"]) == str(pdf.docinfo.Title)
            intent = pdf.Root.OutputIntents[0]
            assert intent.S == pikepdf.Name.GTS_PDFA1
            profile = intent.DestOutputProfile
            assert profile.N == 3 and profile.read_bytes()[36:40] == b"acsp"  # an ICC profile
            assert b"sRGB" in profile.read_bytes()
            for page in pdf.pages:
                for annot in page.obj.get("/Annots", []):
                    assert int(annot.F) & 4, "annotations must be printable (PDF/A)"
            # every font embedded
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                    assert any(k in obj for k in ("/FontFile", "/FontFile2", "/FontFile3")), obj.get("/FontName")
            # the associated files are the embedded files
            af = {spec.objgen for spec in pdf.Root.AF}
            assert af == {spec.obj.objgen for spec in pdf.attachments.values()}


def test_police_packet_carries_every_original_it_cites(built):
    case, pdfs = built
    with pikepdf.open(pdfs["police"]) as pdf:
        files = {str(spec.filename): spec for spec in pdf.attachments.values()}
        for item in case.items():
            spec = files[item.original_name]
            data = spec.get_file().read_bytes()
            assert data == item.path.read_bytes()
            assert hashlib.sha256(data).hexdigest() == item.sha256
            assert item.sha256 in str(spec.description)
            assert spec.obj.AFRelationship == pikepdf.Name.Source
            assert spec.get_file().obj.Subtype  # the file's MIME type
        assert files["MANIFEST.sha256"].get_file().read_bytes() == (case.root / "MANIFEST.sha256").read_bytes()
        assert "custody.jsonl" in files


def test_redacted_copies_carry_the_manifest_only(built):
    """The platform and consumer copies are redacted (issue 15 §3): attaching the originals would
    hand over what their pages paint out."""
    _, pdfs = built
    for r in ("platform", "consumer"):
        with pikepdf.open(pdfs[r]) as pdf:
            assert {str(s.filename) for s in pdf.attachments.values()} == {"MANIFEST.sha256"}


def test_shared_packet_check_passes(built):
    """The project's own checker (tests/tools/packet_check.py, a copy of the shared tool)."""
    case, pdfs = built
    run = [sys.executable, str(TOOLS / "packet_check.py")]
    done = subprocess.run(run + [str(pdfs["police"]), "--case", str(case.root)], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("ok"), done.stdout + done.stderr
    for r in ("platform", "consumer"):
        done = subprocess.run(run + [str(pdfs[r])], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def _verify(path: Path, capsys) -> tuple[int, dict]:
    with pytest.raises(SystemExit) as exit_info:
        main(["verify", str(path), "--json"])
    return exit_info.value.code, json.loads(capsys.readouterr().out)


def test_verify_packet_ok(built, capsys):
    _, pdfs = built
    code, report = _verify(pdfs["police"], capsys)
    assert code == 0 and report["ok"], report
    assert report["originals"] == 6 and report["originals_attached"]
    assert report["printed_hashes"] == 6 and report["custody_lines"] > 0
    code, report = _verify(pdfs["platform"], capsys)
    assert code == 0 and report["ok"] and not report["originals_attached"], report


def test_verify_packet_names_a_swapped_original(built, tmp_path, capsys):
    """An attachment replaced by other bytes (description kept) is named, exit 3."""
    _, pdfs = built
    with pikepdf.open(pdfs["police"]) as pdf:
        name, spec = next((n, s) for n, s in pdf.attachments.items() if str(s.filename).endswith(".png"))
        fake = pikepdf.AttachedFileSpec(pdf, b"not the original", description=str(spec.description),
                                        filename=str(spec.filename), relationship=pikepdf.Name.Source)
        pdf.attachments[name] = fake
        tampered = tmp_path / "tampered.pdf"
        pdf.save(tampered)
    code, report = _verify(tampered, capsys)
    assert code == 3 and not report["ok"]
    kinds = {p["kind"] for p in report["problems"]}
    assert "modified" in kinds and "missing" in kinds  # its description lies, and a printed hash lost its file


def test_verify_refuses_what_is_not_a_pdf(tmp_path, capsys):
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"hello")
    with pytest.raises(SystemExit) as exit_info:
        main(["verify", str(bad)])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("casekit: 无法读取 PDF") and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_no_attachments_option(built, tmp_path):
    case, _ = built
    result = build_packets(case, "police", now=NOW, jobs=1, attach=False)
    path = Path(result.outputs[0]["pdf"])
    with pikepdf.open(path) as pdf:
        assert len(pdf.attachments) == 0 and pdf.open_metadata().pdfa_status == "3B"
    assert result.outputs[0]["attachments"] == 0
    build_packets(case, "police", now=NOW, jobs=1)  # put the module's packet back


def test_print_copies_pass_through_unchanged(built):
    """Every image in the packet is a print copy's own data (img2pdf passthrough): the palette PNGs'
    pixels come back from the PDF exactly."""
    case, pdfs = built
    from PIL import Image

    cache = sorted((case.root / ".casekit" / "print-cache").glob("*.png"))
    assert cache
    copies = {Image.open(p).convert("RGB").tobytes() for p in cache}
    listing = subprocess.run(["pdfimages", "-list", str(pdfs["police"])], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:]]
    assert rows and all(row[5] == "index" for row in rows if row[2] == "image")
    out = Path(pdfs["police"]).parent / "imgs"
    out.mkdir(exist_ok=True)
    subprocess.run(["pdfimages", "-png", str(pdfs["police"]), str(out / "i")], check=True)
    shown = [Image.open(p).convert("RGB").tobytes() for p in sorted(out.glob("i-*.png"))]
    assert shown and all(s in copies for s in shown)


def test_page_numbers_laid_by_the_overlay_are_the_real_pages(built):
    """The contents and the 证据清单 print each exhibit's page (laid on their slots by the overlay);
    read back with pdftotext -layout they are the pages whose running header names the exhibit."""
    _, pdfs = built
    text = subprocess.run(["pdftotext", "-layout", str(pdfs["police"]), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.split("\f")
    starts = {}
    for number, page in enumerate(pages, 1):
        found = re.search(r"(证据\d+)\s*$", page.split("\n", 1)[0])
        if found and "证据形式" in page:
            starts.setdefault(found.group(1), number)
    assert len(starts) == 6
    contents = next(p for p in pages if re.search(r"目\s+录", p))
    for label, page in starts.items():
        line = next(line for line in contents.splitlines() if re.search(rf"{label}\s", line))
        assert line.rstrip().endswith(f" {page}"), line
    evidence = "\n".join(p for p in pages if "证 据 清 单" in p or "证据清单" in p.split("\n", 1)[0])
    for label, page in starts.items():
        row = next(line for line in evidence.splitlines() if line.lstrip().startswith(label))
        assert re.search(rf"\s{page}\s", row), row
    total = len(pages) - (1 if not pages[-1].strip() else 0)
    assert all(f"第 {n} 页 共 {total} 页" in page for n, page in enumerate(pages[:total], 1))
    # every exhibit page is stamped with its label and the original's SHA-256
    assert len(re.findall(r"证据\d+\s+SHA-256 [0-9a-f]{64}", text)) >= 6


LONG_EVENTS = '''
[[events]]
time = 2026-03-05T15:20:00+08:00
text = "对方说已收款，随后发来退款链接 https://refund.example.com/after-sale/apply?order=2603051410558831&token=abcdef0123456789 并要求先付保证金1280元才能解冻账户，否则订单将被系统自动关闭且无法再申请退款"
[[events]]
time = 2026-03-05T15:40:00+08:00
text = "我再次询问发货时间，对方回复：“亲亲，仓库已收款确认，今天之内一定发货，请耐心等待物流信息更新，不要申请退款哦”，之后再也没有回复"
'''


def test_line_breaks_are_those_of_one_weasyprint_document(tmp_path):
    """Rendering in pieces changes no line break: the packet read back with pdftotext -layout is,
    page by page and line by line (spacing included), the same packet laid out by WeasyPrint as
    one document (the HTML preview), apart from the footer lines the overlay lays."""
    from casekit.render.jinja import templates_dir
    from casekit.render.pdf import html_to_pdf

    case = make_case(tmp_path / "case", CASE_TOML + LONG_EVENTS)
    result = build_packets(case, "police", now=NOW, jobs=2, chunk=1)
    packet = Path(result.outputs[0]["pdf"])
    html = packet.with_suffix(".html").read_text(encoding="utf-8")
    whole = tmp_path / "whole.pdf"
    whole.write_bytes(html_to_pdf(html, packet.parent, [case.root, templates_dir()]))

    def layout(path: Path) -> list[list[str]]:
        # the page above the footer zone (the bottom 15 mm, where the overlay lays 第 X 页 and the stamp)
        text = subprocess.run(["pdftotext", "-layout", "-x", "0", "-y", "0", "-W", "596", "-H", "799", str(path), "-"],
                              capture_output=True, text=True, check=True).stdout
        return [[line.rstrip() for line in page.splitlines() if line.strip()] for page in text.split("\f")[:-1]]

    ours, theirs = layout(packet), layout(whole)
    assert len(ours) == len(theirs)
    for number, (a, b) in enumerate(zip(ours, theirs), 1):
        assert a == b, f"page {number} differs"
    joined = "\n".join("\n".join(p) for p in ours)
    assert "已收款" in joined and "refund.example.com" in joined  # the long lines are there


def test_an_original_is_attached_only_with_the_hash_it_was_recorded_with(tmp_path):
    """Originals are read when they are attached (render/pdfa.Attachment), one at a time: a file that
    no longer has its recorded SHA-256 is refused, never attached as if it were the evidence."""
    import hashlib

    from casekit.errors import IntegrityError
    from casekit.render.pdfa import Attachment

    original = tmp_path / "shot.png"
    original.write_bytes(b"the original")
    digest = hashlib.sha256(b"the original").hexdigest()
    item = Attachment("E0001 shot.png", "shot.png", original, "证据1", sha256=digest)
    assert item.content() == b"the original"
    original.write_bytes(b"changed")
    with pytest.raises(IntegrityError):
        item.content()
    original.unlink()
    with pytest.raises(IntegrityError):
        item.content()
