"""The front matter and the appendix rendered in pieces (render/front.py): lists cut across pieces keep
every row once and in order, and every printed page number and footer is the real page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PIL import Image

from casekit.adding import add_paths
from casekit.packets import build_packets
from casekit.render import front
from tests.test_packets import CASE_TOML, NOW, make_case, pdfpages, pdftext, squash

EXTRA = 24
# long file names: tall rows in the 证据清单 and two-line contents entries, so lists run over pages
LONG = "关于直播间购买羊绒大衣后对方拒不发货并将本人拉黑的聊天记录与付款凭证截图说明第{:02d}号"


@pytest.fixture(scope="module", autouse=True)
def pil_truncation_flag():
    """Importing WeasyPrint sets PIL's process-wide LOAD_TRUNCATED_IMAGES (weasyprint/images.py):
    these builds import it in the test process, so put the flag back for the tests that follow
    (test_ocr_images expects truncated PNGs to be refused)."""
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    yield
    ImageFile.LOAD_TRUNCATED_IMAGES = before


@pytest.fixture(scope="module")
def split_build(tmp_path_factory):
    """A police packet of 17 exhibits whose front matter and appendix are rendered in pieces of
    about one page (so the contents, the 证据清单 and the appendix are each cut), on 2 workers."""
    root = tmp_path_factory.mktemp("split")
    case = make_case(root / "case", CASE_TOML)
    extra = root / "more"
    extra.mkdir()
    for i in range(EXTRA):
        Image.new("RGB", (300, 600), (240, 240 - 8 * i, 230)).save(extra / (LONG.format(i) + ".png"))
    add_paths(case, [extra])
    # long exhibit names (the user's own, case.toml [evidence.Exxxx]): the contents run over a page
    names = {i.original_name: i.id for i in case.items()}
    with case.toml_path.open("a", encoding="utf-8") as toml:
        for i in range(EXTRA):
            toml.write(f'\n[evidence.{names[LONG.format(i) + ".png"]}]\nname = "{LONG.format(i)}"\n')
    # a stale record of the last build's page numbers: every number is guessed wrong, so every piece
    # that prints one must be rendered again with the measured ones
    stale = case.root / ".casekit" / "print-cache" / "front-numbers.json"
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_text(json.dumps({"police": {"front": 5, "#doc": 3, "#evidence-list": 4, "#timeline": 5,
                                            "exhibits": 3 + EXTRA}}), "utf-8")
    seen: list[front.Piece] = []
    measured = front.FrontMatter.measured

    def spy(self, order, pdf, starts, pages):
        out = measured(self, order, pdf, starts, pages)
        seen.append(self.pieces[order])
        return out

    mp = pytest.MonkeyPatch()
    mp.setattr(front.FrontMatter, "measured", spy)
    try:
        # draw=False: the exhibits and the appendix by WeasyPrint too, so that the appendix is cut into
        # pieces like the front matter (drawn, it is laid out whole: tests/test_drawn.py)
        result = build_packets(case, "police", now=NOW, jobs=2, chunk=4, front_pages=1, draw=False)
    finally:
        mp.undo()
    pdf = Path(result.outputs[0]["pdf"])
    total = pdfpages(pdf)
    assert result.outputs[0]["pages"] == total
    return case, pdf, total, pdftext(pdf).split("\f")[:total], seen


def first_page(pages: list[str], test) -> int:
    return next(number for number, page in enumerate(pages, 1) if test(page))


def heading(page: str) -> str:
    """The page's running header (case number and the label of its part or exhibit); "" on the cover."""
    line = squash(page.split("\n")[0])
    return line if line.startswith("案件编号CK-TEST-0001") else ""


def real_pages(pages: list[str], labels: list[str]) -> dict[str, int]:
    """Where each part and each exhibit really begins (its label first in the running header)."""
    where = {"#doc": first_page(pages, lambda p: heading(p).endswith("报案材料")),
             "#evidence-list": first_page(pages, lambda p: heading(p).endswith("证据清单")),
             "#timeline": first_page(pages, lambda p: heading(p).endswith("案件时间线")),
             "#appendix": first_page(pages, lambda p: heading(p).endswith("电子数据说明"))}
    for label in labels:
        where[label] = first_page(pages, lambda p, label=label: heading(p).endswith(label))
    return where


def test_lists_were_cut_into_pieces(split_build):
    *_, seen = split_build
    cut = {name for p in seen for name, (lo, _) in p.ranges.items() if lo > 0}
    assert {"contents", "evidence", "appendix"} <= cut, [(p.parts, p.ranges) for p in seen]


def test_every_footer_and_running_header(split_build):
    _, _, total, pages, _ = split_build
    for number, page in enumerate(pages, 1):
        assert re.findall(r"第 \d+ 页 共 \d+ 页", page) == [f"第 {number} 页 共 {total} 页"], number
        if number > 1:
            assert "案件编号 CK-TEST-0001" in page.split("\n")[0], number


def test_contents_and_evidence_list_numbers_are_real_pages(split_build):
    case, _, _, pages, _ = split_build
    labels = [f"证据{i}" for i in range(1, 4 + EXTRA)]
    where = real_pages(pages, labels)
    contents = [p for p in pages if heading(p).endswith("目录")]
    assert len(contents) >= 2, "the contents did not run over a page"
    entries = re.findall(r"(证据\d+|报案材料|证据清单|案件时间线|附：电子数据说明)\S*?\.{3,}(\d+)",
                         squash("".join(contents)))
    assert [name for name, _ in entries] == ["报案材料", "证据清单", "案件时间线"] + labels + ["附：电子数据说明"]
    anchors = {"报案材料": "#doc", "证据清单": "#evidence-list", "案件时间线": "#timeline", "附：电子数据说明": "#appendix"}
    for name, number in entries:
        assert int(number) == where[anchors.get(name, name)], (name, number)
    evidence = [p for p in pages if heading(p).endswith("证据清单")]
    assert len(evidence) >= 3
    rows = re.findall(r"^\s*(证据\d+)\s.*?\s(\d{1,4})\s+原", "\n".join(evidence), re.M)
    assert [label for label, _ in rows] == labels  # every row once, in order
    for label, number in rows:
        assert int(number) == where[label], (label, number)
    # the filing's reference to the 证据清单
    assert re.search(rf"《证据清单》（第{where['#evidence-list']}页）", squash(pages[where["#doc"] - 1]
                                                                     + pages[where["#doc"]]))


def test_appendix_rows_once_in_order(split_build):
    case, _, _, pages, _ = split_build
    start = real_pages(pages, [])["#appendix"]
    appendix = pages[start - 1:]
    assert len(appendix) >= 2
    ids = re.findall(r"E\d{4}", "".join(squash(p) for p in appendix))
    assert ids == [item.id for item in sorted(case.items(), key=lambda i: i.id)]
    assert all("电子数据说明" in p.split("\n")[0] for p in appendix)


def test_rebuild_in_one_process_prints_the_same(split_build):
    """A second build, in this process (-j 1), starts from the first build's page numbers
    (front-numbers.json) and prints the same text on every page."""
    case, pdf, total, pages, _ = split_build
    result = build_packets(case, "police", now=NOW, jobs=1, front_pages=1, draw=False)
    again = pdftext(Path(result.outputs[0]["pdf"])).split("\f")[:total]
    assert result.outputs[0]["pages"] == total
    for number, (new, old) in enumerate(zip(again, pages), 1):
        assert squash(new) == squash(old), number


def test_case_packet_template_without_pieces_falls_back_to_one_document(tmp_path):
    """A case's own packet.html that knows nothing of pieces (it always renders the whole front
    matter): the pieces are detected as wrong and the packet is laid out as one document."""
    case = make_case(tmp_path / "own", CASE_TOML)
    (case.root / "templates" / "zh-CN").mkdir(parents=True)
    (case.root / "templates" / "zh-CN" / "packet.html").write_text(
        '{% extends "zh-CN/base.html" %}{% block body %}'
        '{% include "zh-CN/_cover.html" %}{% include "zh-CN/_contents.html" %}{% include "zh-CN/" ~ document %}'
        '{% include "zh-CN/d4_evidence.html" %}{% include "zh-CN/d5_timeline.html" %}'
        '{% if front_only is not defined %}{% for ex in exhibits %}{% include "zh-CN/_exhibit.html" %}{% endfor %}'
        '{% include "zh-CN/_appendix.html" %}{% endif %}{% endblock %}', encoding="utf-8")
    result = build_packets(case, "police", now=NOW, jobs=2, front_pages=1)
    pdf = Path(result.outputs[0]["pdf"])
    total = pdfpages(pdf)
    pages = pdftext(pdf).split("\f")[:total]
    assert result.outputs[0]["pages"] == total
    for number, page in enumerate(pages, 1):
        assert re.findall(r"第 \d+ 页 共 \d+ 页", page) == [f"第 {number} 页 共 {total} 页"], number
    assert squash("".join(pages)).count("证据清单") >= 2
