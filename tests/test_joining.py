"""The joined packet PDF (render/joining.py): bookmarks, in-document links and document info survive
the join of pieces, each pointing at the page a reader lands on."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pytest

from casekit.adding import add_paths
from casekit.packets import build_packets
from casekit.render.pipeline import EXHIBITS_BOOKMARK
from casekit.synth import render_chat

from .test_packets import CASE_TOML, NOW, make_case, pdftext


@pytest.fixture(scope="module")
def packet(tmp_path_factory):
    """A police packet of 6 exhibits rendered in runs of 2 on 2 workers, as a user gets it."""
    root = tmp_path_factory.mktemp("joining")
    case = make_case(root / "case", CASE_TOML)
    extra = root / "more"
    extra.mkdir()
    for i in range(3):
        render_chat([{"speaker": "them", "text": f"第{i}张截图"}])[0].save(extra / f"more{i}.png")
    add_paths(case, [extra])
    result = build_packets(case, "police", now=NOW, jobs=2, chunk=2)
    path = Path(result.outputs[0]["pdf"])
    pages = pdftext(path).split("\f")
    return pikepdf.open(path), pages


def page_number(pdf: pikepdf.Pdf, dest) -> int:
    if isinstance(dest, pikepdf.Dictionary):
        dest = dest.D
    return next(i for i, page in enumerate(pdf.pages, 1) if page.obj.objgen == dest[0].objgen)


def exhibit_starts(pages: list[str]) -> dict[str, int]:
    """"证据N" → the page whose running header first names it (from the text a reader sees)."""
    starts: dict[str, int] = {}
    for number, page in enumerate(pages, 1):
        head = page.split("\n", 1)[0]
        found = re.search(r"(证据\d+)\s*$", head)
        if found and "证据形式" in page:
            starts.setdefault(found.group(1), number)
    return starts


def test_every_exhibit_has_a_bookmark_on_its_first_page(packet):
    pdf, pages = packet
    starts = exhibit_starts(pages)
    assert len(starts) == 6, starts
    with pdf.open_outline() as outline:
        groups = [item for item in outline.root if str(item.title) == EXHIBITS_BOOKMARK]
        assert len(groups) == 1
        marks = {re.match(r"证据\d+", str(item.title)).group(0): page_number(pdf, item.destination)
                 for item in groups[0].children}
        assert page_number(pdf, groups[0].destination) == min(starts.values())
        top = {str(item.title): page_number(pdf, item.destination) for item in outline.root}
    assert marks == starts
    assert pdf.Root.PageMode == pikepdf.Name.UseOutlines
    # parts by their short label, on the page whose running header says so
    for label in ("证据清单", "案件时间线", "电子数据说明"):
        assert label in pages[top[label] - 1].split("\n", 1)[0] or label in re.sub(r"\s", "", pages[top[label] - 1]), label


def test_named_destinations_and_contents_links_land_on_their_pages(packet):
    pdf, pages = packet
    starts = exhibit_starts(pages)
    dests = {name: page_number(pdf, dest) for name, dest in pikepdf.NameTree(pdf.Root.Names.Dests).items()}
    exhibit_dests = sorted(page for name, page in dests.items() if name.startswith("ex-"))
    assert exhibit_dests == sorted(starts.values())
    links = [a.Dest for page in pdf.pages[:3] for a in page.obj.get("/Annots", []) if "/Dest" in a]
    assert {"doc", "evidence-list", "timeline"} <= {str(d) for d in links}
    assert "证 据 清 单" in pages[dests["evidence-list"] - 1] or "证据清单" in re.sub(r"\s", "", pages[dests["evidence-list"] - 1])


def test_document_language_title_and_footers_kept(packet):
    pdf, pages = packet
    assert str(pdf.Root.Lang) == "zh-CN"
    assert "CK-TEST-0001" in str(pdf.docinfo.Title)
    total = len(pdf.pages)
    assert all(f"第 {n} 页 共 {total} 页" in page for n, page in enumerate(pages[:total], 1))


def test_contents_entries_link_to_the_exhibits_pages(packet):
    """The contents is rendered apart from the exhibits; its entries still link to the page each
    exhibit begins on (link targets in the piece, the real destination given at the join)."""
    pdf, pages = packet
    starts = exhibit_starts(pages)
    dests = {name: page_number(pdf, dest) for name, dest in pikepdf.NameTree(pdf.Root.Names.Dests).items()}
    contents = [n for n, page in enumerate(pages, 1) if "目" in page.split("\n", 1)[0] + page[:200] and "录" in page][:2]
    linked = [str(a.Dest) for n in contents for a in pdf.pages[n - 1].obj.get("/Annots", []) if "/Dest" in a]
    exhibit_links = sorted({dests[name] for name in linked if name.startswith("ex-")})
    assert exhibit_links == sorted(starts.values())
    assert "appendix" in linked and dests["appendix"] > max(starts.values())
