"""Exhibit pages, the 证据清单 and the appendix drawn straight into the PDF (render/drawn.py) read as
WeasyPrint's do, page for page; they carry the print copy's own bytes, bookmarks and link targets;
whatever cannot be drawn (a character the font lacks, a case's own templates) is left to WeasyPrint."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path

import pikepdf
import pytest
from markupsafe import Markup
from hypothesis import given, settings
from hypothesis import strategies as st

from casekit.packets import build_packets
from casekit.records import Extraction, Message, SourceRef
from casekit.render import drawn, exhibit_pages, flow, list_pages

from .test_packets import CASE_TOML, NOW, make_case, t

LONG = "对方（小美客服）：亲，这款羊绒大衣今天直播间特价，付款后三天内发货，包邮到家，质量绝对有保证的哦 http://kf-refund.example.com/a8"


def _case(root: Path, lines: int = 0, extra: str = ""):
    """make_case, the chat screenshot's transcript `lines` messages longer (some wrap)."""
    case = make_case(root, CASE_TOML)
    if lines or extra:
        item = next(i for i in case.items() if i.original_name == "chat.png")
        messages = [Message("them" if k % 3 else "me", (LONG if k % 5 == 0 else f"第{k}条消息") + extra,
                            name="小美客服", time=t(14, k % 60), source=SourceRef(item.id)) for k in range(lines)]
        case.save_extraction(item.id, item.sha256, "test", Extraction("chat_screenshot", messages=messages))
    return case


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [re.sub(r"[\s\u3000]+", "", page) for page in text.split("\f")]


def _drawn_pages(pdf: Path) -> list[int]:
    """Pages (1-based) whose fonts include the drawn pages' own."""
    with pikepdf.open(pdf) as doc:
        return [n for n, page in enumerate(doc.pages, 1)
                if drawn.FONT_NAMES["R"] in page.obj.Resources.get("/Font", {})]


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """The same case built twice: exhibits drawn, and all by WeasyPrint."""
    out = {}
    case = _case(tmp_path_factory.mktemp("drawn") / "case", lines=20)  # one case: the same 导入时间
    for draw in (True, False):
        build_packets(case, "police", now=NOW, draft=True, draw=draw, jobs=2)
        out[draw] = case.root / f"police-{'drawn' if draw else 'weasyprint'}.pdf"
        out[draw].write_bytes((case.out_dir / "police.pdf").read_bytes())
    return out


def test_drawn_pages_read_like_weasyprint_page_for_page(pair):
    drawn_text, weasy_text = _pages(pair[True]), _pages(pair[False])
    assert len(drawn_text) == len(weasy_text)
    # the same characters on every page (pdftotext reads a table's cells in an order of its own:
    # the drawn tables read in another order than WeasyPrint's; one exhibit at a time is compared
    # in order below)
    assert [Counter(page) for page in drawn_text] == [Counter(page) for page in weasy_text]
    pages = _drawn_pages(pair[True])
    # the chat's 20 lines run over two pages, and every exhibit page, the 证据清单, the timeline
    # and the appendix are drawn
    assert len(pages) >= 7 and not _drawn_pages(pair[False])
    assert any("识别内容" in drawn_text[n - 1] and "第1条消息" in drawn_text[n - 1] for n in pages)
    for head in ("案件编号CK-TEST-0001证据清单", "案件编号CK-TEST-0001案件时间线", "案件编号CK-TEST-0001电子数据说明"):
        assert any(drawn_text[n - 1].startswith(head) for n in pages), head


def test_a_timeline_row_taller_than_a_page_is_split_with_nothing_lost(one_exhibit):
    """A burst of 140 chat lines is one timeline row: drawn over pages between its lines, the
    header row on each, every line in order, nothing below the page's bottom margin."""
    import copy

    from casekit.render.fonts import packet_fonts
    from casekit.render.pdffont import PdfFont

    case, view = one_exhibit
    view = copy.deepcopy(view)
    lines = [f"14:{k % 60:02d} 对方（小美客服）：第{k}条消息，请尽快付款" for k in range(140)]
    view["timeline"] = [dict(view["timeline"][0], event=Markup("<br>").join(lines))] + view["timeline"][1:]
    chars = "".join(list_pages.timeline_texts(view))
    cut = {f["weight"]: Path(f["path"]) for f in packet_fonts(chars, case.root / "tmp-fonts")}
    fonts = drawn.Faces(PdfFont.load(cut["normal"], chars), PdfFont.load(cut["bold"], chars, "bold"))
    pages = list_pages.layout_timeline(view, fonts)
    assert len(pages) >= 4
    texts = [[op for op in page.ops if op[0] == "text"] for page in pages]
    for page in texts:
        assert all(drawn.TOP - 40 < op[2] <= drawn.BOTTOM for op in page)
    assert all(sum(op[6] == "序号" for op in page) == 1 for page in texts)  # the header row on each page
    cols = flow.Grid.columns(drawn.WIDTH, list_pages.TIMELINE_COLS)
    left = drawn.LEFT + sum(cols[:3])  # the 事件 column
    shown = "".join(op[6] for page in texts for op in page if left < op[1] < left + cols[3] and op[6] != "事件")
    positions = [shown.find(f"第{k}条消息") for k in range(140)]
    assert -1 not in positions and positions == sorted(positions)


def test_drawn_exhibits_have_bookmarks_and_link_targets(pair):
    texts = _pages(pair[True])
    with pikepdf.open(pair[True]) as doc:
        numbers = {page.objgen: n for n, page in enumerate(doc.pages, 1)}
        with doc.open_outline() as outline:
            group = next(item for item in outline.root if item.title == "证据材料")
            marks = [(item.title, numbers[item.destination[0].objgen]) for item in group.children]
        dests = pikepdf.NameTree(doc.Root.Names.Dests)
        targets = [numbers[dests[name][0].objgen] for name in sorted(dests.keys()) if name.startswith("ex-")]
    assert [title.split("　")[0] for title, _ in marks] == ["证据1", "证据2", "证据3"]
    for title, page in marks:  # each bookmark opens its exhibit's first page
        assert re.sub(r"[\s\u3000]+", "", title) in texts[page - 1]
    # each exhibit's link target (the contents' and timeline's links) is that same page
    assert sorted(targets) == sorted(page for _, page in marks)


def test_drawn_image_is_the_print_copy_itself(pair):
    """The page shows the print copy's own palette data (no decoding, no re-encoding)."""
    case_root = pair[True].parent
    with pikepdf.open(pair[True]) as doc:
        images = [xobj for n in _drawn_pages(pair[True]) for xobj in doc.pages[n - 1].obj.Resources.XObject.values()]
        assert images
        raws = {bytes(image.read_raw_bytes()) for image in images}
    cache = case_root / ".casekit" / "print-cache"
    copies = [p for p in cache.iterdir() if p.suffix == ".png" and not p.name.startswith("font-")]
    assert copies
    from casekit.render.pdf import png_chunks

    assert any(png_chunks(p.read_bytes())["IDAT"] in raws for p in copies)


def test_an_exhibit_the_font_cannot_show_is_left_to_weasyprint(tmp_path):
    """A character the packet's CJK cut lacks (here an emoji): that exhibit is rendered by
    WeasyPrint, which falls back to another font; the others are still drawn, in order."""
    case = _case(tmp_path / "case", lines=3, extra=" 🙂")
    build_packets(case, "police", now=NOW, draft=True, jobs=2)
    pdf = case.out_dir / "police.pdf"
    texts = _pages(pdf)
    drawn_pages = _drawn_pages(pdf)
    exhibit_pages = [n for n, text in enumerate(texts, 1) if "识别内容" in text]
    chat = [n for n in exhibit_pages if "第1条消息" in texts[n - 1]]
    assert chat and chat[0] not in drawn_pages
    assert set(exhibit_pages) - set(chat) <= set(drawn_pages) and len(drawn_pages) >= 2
    # in order: the running header (案件编号 …, then the label) names each exhibit
    labels = [int(re.search(r"^案件编号[^证]*证据(\d+)", texts[n - 1]).group(1)) for n in exhibit_pages]
    assert labels == sorted(labels) == list(range(1, len(labels) + 1))


def test_a_case_exhibit_template_turns_drawing_off(tmp_path):
    case = _case(tmp_path / "case")
    folder = case.root / "templates" / "zh-CN"
    assert not drawn.case_overrides_exhibits(case.root)
    folder.mkdir(parents=True)
    (folder / "packet.css").write_text("h1 { color: red }", encoding="utf-8")
    assert drawn.case_overrides_exhibits(case.root)


# -- line breaking ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def font(tmp_path_factory):
    from casekit.render.fonts import packet_fonts
    from casekit.render.pdffont import PdfFont

    chars = LONG + "".join(chr(c) for c in range(32, 127)) + "证据形式：电子数据（截图）。，、"
    faces = packet_fonts(chars, tmp_path_factory.mktemp("fonts"))
    assert faces, "the packet font cut needs Noto Sans CJK and HarfBuzz (make sysdeps)"
    return PdfFont.load(Path(faces[0]["path"]), chars)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=LONG + " abcdefghij0123456789。，", max_size=200),
       width=st.floats(min_value=20, max_value=500), anywhere=st.booleans())
def test_wrap_fits_and_keeps_every_character(font, text, width, anywhere):
    lines = flow.wrap(text, font, 9, width, anywhere)
    for line in lines:
        assert font.width(line, 9) <= width + 1e-6 or len(line) == 1
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_wrap_keeps_closing_punctuation_off_a_line_start(font):
    text = "付款后三天内发货，包邮到家。" * 6
    width = font.width("付款后三天内发货", 9)  # "，" would begin the second line
    lines = flow.wrap(text, font, 9, width)
    assert len(lines) > 3 and not any(line[0] in "，。" for line in lines[1:])


# -- one exhibit at a time against WeasyPrint's layout of _exhibit.html -----------------------------

def _long_lines(n: int) -> list[str]:
    return [f"[14:{k % 60:02d}] " + (LONG if k % 4 == 0 else f"我：第{k}条消息，请尽快  发货\n（{k}-1)") for k in range(n)]


def _rows(n: int, memo: bool = False) -> list[dict[str, str]]:
    return [{"time": f"2026年3月{1 + k % 28}日 14:{k % 60:02d}", "direction": "支出", "amount": f"¥{1000 + k},00.00",
             "counterparty": "张三丰" if k % 3 else "杭州某某网络科技有限公司（直播间：小美好物）",
             "account": "6222020200001234567", "order_id": f"2026030522001{k:04d}", "status": "交易成功",
             "memo": f"备注第{k}笔：定金 {LONG[:20]}" if memo and k % 2 else "", "row": k} for k in range(n)]


VARIANTS = {
    "120 lines over pages": lambda ex: ex["transcript"].update(lines=_long_lines(120), rows=[], note=""),
    "a table taller than a page": lambda ex: ex["transcript"].update(lines=[], rows=_rows(45, memo=True), note=""),
    "note, table, lines": lambda ex: ex["transcript"].update(lines=_long_lines(30), rows=_rows(6, memo=True),
                                                           note="账单共 120 笔记录，以下列出与本案有关的 6 笔。"),
    "no image, long title": lambda ex: ex.update(image=None, image_missing=True, title=LONG * 2, source=LONG * 3),
}


@pytest.fixture(scope="module")
def one_exhibit(tmp_path_factory):
    from casekit.casemodel import load_case_model
    from casekit.render.viewmodels import build_view
    from casekit.steps import evaluate

    case = _case(tmp_path_factory.mktemp("one") / "case")
    model = load_case_model(case, now=NOW)
    view = build_view(model, evaluate(model), "police", True, case.out_dir)
    return case, view


def _both_ways(case, template: str, spec: dict, texts: list[str], layout, anchor: str, label: str,
               name: str, image: Path | None = None) -> tuple[list[str], list[str], int]:
    """`template` rendered with `spec` by WeasyPrint, and `layout(faces)` drawn, both with the same
    font cut (made from the render, as a build makes it) and joined with the footer stamp, read back
    with pdftotext: (drawn pages, WeasyPrint's pages, the number of pages WeasyPrint laid out)."""
    import os

    from casekit.render import joining
    from casekit.render.fonts import packet_fonts
    from casekit.render.jinja import make_env, templates_dir
    from casekit.render.pdf import html_to_pdf_document
    from casekit.render.pdffont import PdfFont

    env = make_env(case.root)
    roots = [case.root, templates_dir()]
    cut = packet_fonts(env.get_template(template).render(**spec) + LONG, case.root / "tmp-fonts")
    spec = dict(spec, font_faces=[{"url": os.path.relpath(f["path"], case.out_dir), "weight": f["weight"]}
                                  for f in cut])
    document, write = html_to_pdf_document(env.get_template(template).render(**spec), case.out_dir, roots)
    stamp = joining.read_stamp(html_to_pdf_document(env.get_template("zh-CN/stamp.html").render(**spec),
                                                    case.out_dir, roots)[1]())
    chars = "".join(texts)
    paths = {f["weight"]: Path(f["path"]) for f in cut}
    faces = drawn.Faces(PdfFont.load(paths["normal"], chars), PdfFont.load(paths["bold"], chars, "bold"))
    pages = layout(faces)
    out = {}
    for kind, parts, fonts in (
            ("drawn", [joining.Part(b"", range(len(pages)), None, [joining.DrawnPages(anchor, label, pages, image)])],
             faces),
            ("weasy", [joining.Part(write(), range(len(document.pages)))], None)):
        data, total = joining.join(parts, stamp, fonts)
        path = case.root / f"{name}-{kind}.pdf"
        path.write_bytes(data)
        out[kind] = [page for page in _pages(path) if page]  # (pdftotext ends with a form feed)
        assert len(out[kind]) == total
    return out["drawn"], out["weasy"], len(document.pages)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_one_exhibit_drawn_reads_as_weasyprint_lays_it_out(one_exhibit, variant):
    import copy

    case, view = one_exhibit
    ex = copy.deepcopy(next(e for e in view["exhibits"] if e.get("image")))
    VARIANTS[variant](ex)
    image = (case.out_dir / ex["image"]).resolve() if ex.get("image") else None
    got, want, laid_out = _both_ways(case, "zh-CN/chunk.html", dict(view, run=[ex], with_appendix=False),
                                     [view["case_id"], *exhibit_pages.exhibit_texts(ex)],
                                     lambda faces: exhibit_pages.layout(ex, view["case_id"], faces),
                                     ex["anchor"], ex["title"], variant, image)
    assert len(want) == laid_out
    if variant == "a table taller than a page":
        # WeasyPrint pushes the unbreakable table to the next page first, leaving "识别内容" alone on a
        # page, and splits it there; drawn, it starts under its heading and splits between rows
        assert re.fullmatch(r"案件编号[^证]*证据\d+识别内容第2页共\d+页", want[1]) and len(got) == len(want) - 1

        def body(pages: list[str]) -> Counter:  # every character, the running headers and footers left out
            chars: Counter = Counter()
            for number, page in enumerate(pages, 1):
                chars += Counter(page)
                chars -= Counter(f"案件编号{view['case_id']}{ex['label']}第{number}页共{len(pages)}页")
            return chars

        assert body(got) == body(want)  # (pdftotext orders table cells by position)
    else:
        assert got == want


def test_the_appendix_drawn_reads_as_weasyprint_lays_it_out(one_exhibit):
    """The 电子数据说明 over several pages (its header row on each), drawn and by WeasyPrint."""
    import copy

    case, view = one_exhibit
    view = copy.deepcopy(view)
    view["exhibits"] = [dict(ex, label=f"证据{k + 1}", id=f"E{k + 1:04d}") for k in range(40)
                        for ex in view["exhibits"][:1]]
    spec = dict(view, front_only=True, piece={"parts": ["appendix"], "ranges": {"appendix": (0, 40)}},
                ranges={"appendix": (0, 40)})
    got, want, _ = _both_ways(case, "zh-CN/packet.html", spec, list_pages.appendix_texts(view),
                              lambda faces: list_pages.layout_appendix(view, faces), "appendix",
                              list_pages.APPENDIX_LABEL, "appendix")
    assert got == want and len(got) >= 3
    assert all(page.count("序号／编号取证时间／导入时间SHA-256") == 1 for page in got)


@pytest.mark.parametrize("rows", [3, 45])
def test_the_evidence_list_drawn_reads_as_weasyprint_lays_it_out(one_exhibit, rows):
    """The 证据清单 (a draft: its 提交人 a 【待补充】 gap) with its page numbers, drawn and by WeasyPrint."""
    import copy

    from casekit.render.viewmodels import Gap

    case, view = one_exhibit
    view = copy.deepcopy(view)
    base = view["exhibits"]
    view["exhibits"] = [dict(base[k % len(base)], label=f"证据{k + 1}", anchor=f"ex-X{k}",
                             title=(LONG if k % 4 == 0 else base[k % len(base)]["title"])) for k in range(rows)]
    view["victim"] = dict(view["victim"], name=Gap("姓名"))  # a draft's missing fact, styled as .gap
    page_of = {"#" + ex["anchor"]: 7 + 2 * k for k, ex in enumerate(view["exhibits"])}
    spec = dict(view, front_only=True, piece={"parts": ["evidence"], "ranges": {"evidence": (0, rows)}},
                ranges={"evidence": (0, rows)}, page_of=page_of)
    got, want, _ = _both_ways(case, "zh-CN/packet.html", spec, list_pages.evidence_texts(view),
                              lambda faces: list_pages.layout_evidence(view, faces, page_of), "evidence-list",
                              list_pages.EVIDENCE_LABEL, f"evidence{rows}")
    # the same characters on every page (pdftotext reads a table's cells in an order of its own)
    assert [Counter(page) for page in got] == [Counter(page) for page in want]
    assert "【待补充：姓名】" in got[0] and len(got) == (1 if rows == 3 else 6)  # the full SHA-256: 2 lines a row


def test_the_drawn_timeline_links_each_evidence_label_to_its_exhibit(pair):
    """证据N in the drawn timeline opens that exhibit's first page (a link to its named destination)."""
    texts = _pages(pair[True])
    with pikepdf.open(pair[True]) as doc:
        numbers = {page.objgen: n for n, page in enumerate(doc.pages, 1)}
        dests = pikepdf.NameTree(doc.Root.Names.Dests)
        timeline = [n for n, text in enumerate(texts, 1) if text.startswith("案件编号CK-TEST-0001案件时间线")]
        links = [str(a.Dest) for n in timeline for a in doc.pages[n - 1].obj.get("/Annots", []) if "/Dest" in a]
        assert timeline and links and all(name.startswith("ex-") for name in links)
        for name in set(links):  # ex-E0002 → the page whose metadata says 证据编号：E0002
            page = numbers[dests[name][0].objgen]
            assert f"证据编号：{name[3:]}" in texts[page - 1], (name, page)


def test_each_recipient_gets_its_own_drawn_exhibits(tmp_path):
    """Built for 'all', the police copy shows a card number in a chat line whole and the platform
    copy masks it (DOMAIN §6): the drawn pages are laid out per recipient."""
    case = _case(tmp_path / "case", lines=2, extra=" 卡号6222020200001234567")
    result = build_packets(case, "all", now=NOW, draft=True, jobs=2)
    exhibits = {}  # the chat exhibit's pages (drawn) of each copy
    for o in result.outputs:
        pages, drawn_pages = _pages(Path(o["pdf"])), _drawn_pages(Path(o["pdf"]))
        exhibits[o["recipient"]] = "".join(pages[n - 1] for n in drawn_pages if "识别内容" in pages[n - 1] and "第1条消息" in pages[n - 1])
    assert "卡号6222020200001234567" in exhibits["police"]
    assert "卡号" in exhibits["platform"] and "6222020200001234567" not in exhibits["platform"]
