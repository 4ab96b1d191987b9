"""The pages of `casekit serve` over real HTTP (uvicorn on loopback, in a thread): what each
shows and what each change writes, read back from the case folder."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from casekit.corrections import load as load_corrections
from casekit.records import Extraction, Message, SourceRef
from casekit.verify import verify_case

from .test_packets import CASE_TOML, make_case
from .webtools import InThread


@pytest.fixture
def case(tmp_path: Path):
    return make_case(tmp_path / "case", CASE_TOML)


def chat_of(case) -> str:
    return next(i.id for i in case.items() if i.original_name == "chat.png")


def test_overview_lists_the_checklist_urgent_hints_first_and_every_item(case):
    with InThread(case.root) as served:
        status, _, page = served.request("GET", "/")
    html = page.decode("utf-8")
    assert status == 200
    for item in case.items():
        assert f'href="/item/{item.id}"' in html and item.original_name in html
    assert html.count('class="step"') == 4 and "第3步 报案" in html
    assert "<script>alert(1)</script>" not in html  # the case's injected text is escaped
    assert html.index('id="hints-h"') < html.index('id="steps-h"')


def test_the_item_page_draws_the_boxes_and_highlights_uncertain_bubbles(case):
    eid = chat_of(case)
    item = case.item(eid)
    extraction = case.load_extraction(eid)
    extraction.messages[0].source = SourceRef(eid, box=(40, 300, 600, 90))
    extraction.messages[0].confidence = 41.0
    extraction.messages[1].source = SourceRef(eid, box=(500, 420, 400, 120))
    extraction.messages[1].confidence = 93.0
    case.save_extraction(eid, item.sha256, "test", extraction)
    with InThread(case.root) as served:
        status, _, page = served.request("GET", f"/item/{eid}")
        image = served.request("GET", f"/item/{eid}/original")
    html = page.decode("utf-8")
    assert status == 200
    boxes = re.findall(r'<rect class="box ([^"]*)" x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)"', html)
    assert boxes == [("them low", "40", "300", "600", "90"), ("me", "500", "420", "400", "120")]
    assert html.count('class="bubble them low"') == 1 and "识别没把握 41%" in html
    assert image[0] == 200 and image[2] == item.path.read_bytes()
    assert image[1]["content-type"] == "image/png"


def test_a_correction_from_the_page_is_saved_logged_and_shown(case):
    eid = chat_of(case)
    with InThread(case.root) as served:
        status, headers, _ = served.form(f"/item/{eid}/correct", {"csrf": served.csrf, "record": "message", "number": "3",
                                                                   "text": "对方已将我拉黑删除", "speaker": "system", "name": "",
                                                                   "time": "2026-03-05T15:00+08:00"})  # the boxes as shown
        assert status == 303 and headers["location"] == f"/item/{eid}?saved=m3#m3"  # back to the record, with a saved note
        page = served.request("GET", f"/item/{eid}")[2].decode("utf-8")
        bad = served.form(f"/item/{eid}/correct", {"record": "message", "number": "1", "speaker": "boss"})
        confirm = served.form(f"/item/{eid}/correct", {"record": "message", "number": "2", "confirm": "1"})
    made = load_corrections(case.root)
    assert [(c.op, c.number, c.field, c.after) for c in made] == [("correct", 3, "text", "对方已将我拉黑删除"), ("confirm", 2, None, None)]
    assert "已更正：文字" in page and "对方已将我拉黑删除" in page
    assert bad[0] == 400 and "说话人" in bad[2].decode("utf-8") and "Traceback" not in bad[2].decode("utf-8")
    assert confirm[0] == 303
    assert verify_case(case).ok


def test_the_facts_form_validates_like_the_cli_and_keeps_comments(case):
    case.toml_path.write_text("# 我自己的备注\n" + case.toml_path.read_text("utf-8"), encoding="utf-8")
    before = case.toml_path.read_bytes()
    with InThread(case.root) as served:
        page = served.request("GET", "/facts")[2].decode("utf-8")
        assert 'value="赵某某"' in page and 'name="victim.name"' in page
        names = re.findall(r'name="([a-z_]+\.[a-z_]+)"', page)
        assert len(names) == len(set(names)) > 40  # every key once
        status, _, bad = served.form("/facts", {"case.incident_date": "3月5日", "victim.name": "钱某某"})
        assert status == 400 and "YYYY-MM-DD" in bad.decode("utf-8")
        assert case.toml_path.read_bytes() == before  # all or nothing
        status, _, bad = served.form("/facts", {"order.amount": "一千二"})
        assert status == 400 and "order" in bad.decode("utf-8")
        status, headers, _ = served.form("/facts", {"victim.name": "钱某某", "story.blocked": "y", "victim.gender": ""})
        assert status == 303 and headers["location"] == "/facts?saved=3"
    text = case.toml_path.read_text("utf-8")
    assert text.startswith("# 我自己的备注\n")
    assert 'name = "钱某某"' in text and "blocked = true" in text and 'gender = "女"' not in text
    logged = [e for e in case.custody_entries() if e.get("action") == "facts"]
    assert len(logged) == 1 and sorted(logged[0]["fields"]) == ["story.blocked", "victim.gender", "victim.name"]


def test_a_gap_links_to_its_box_on_the_facts_form_which_also_takes_the_story(case):
    text = case.toml_path.read_text("utf-8").replace('phone = "13900001111"\n', "")
    case.toml_path.write_text(text, encoding="utf-8")
    with InThread(case.root) as served:
        overview = served.request("GET", "/")[2].decode("utf-8")
        form = served.request("GET", "/facts")[2].decode("utf-8")
        status, _, _ = served.form("/facts", {"story.summary": "下单后对方要求私下转账，\n付款后拉黑。",
                                              "filing.after_sales_deadline": "2026-03-08 18:00"})
    assert 'href="/facts#f-victim.phone"' in overview
    assert overview.count('href="/facts#f-') == overview.count("在“案件信息”中填写")
    assert 'id="f-victim.phone"' in form and '<textarea id="f-story.summary"' in form
    assert status == 303
    from casekit.facts import load_facts

    facts = load_facts(case.toml_path)
    assert facts.story.summary == "下单后对方要求私下转账，\n付款后拉黑。"
    assert facts.filing.after_sales_deadline.isoformat() == "2026-03-08T18:00:00+08:00"


def test_linking_unlinking_and_excluding_from_the_page_are_logged(case):
    eid = chat_of(case)
    with InThread(case.root) as served:
        assert served.form(f"/item/{eid}/unlink", {"reason": "另一笔交易", "back": "/"})[0] == 303
        assert served.form(f"/item/{eid}/link", {"back": f"/item/{eid}"})[2] == b""
        refused = served.form(f"/item/{eid}/exclude", {"reason": " "})
        assert refused[0] == 400 and "理由" in refused[2].decode("utf-8")
        assert served.form(f"/item/{eid}/exclude", {"reason": "重复截图"})[0] == 303
        assert served.form(f"/item/{eid}/delete", {})[0] == 404
        html = served.request("GET", "/")[2].decode("utf-8")
    actions = [(e["action"], e.get("reason")) for e in case.custody_entries() if e.get("evidence_id") == eid][1:]
    assert actions == [("unlink", "另一笔交易"), ("link", None), ("exclude", "重复截图")]
    assert "已排除：重复截图" in html and case.item(eid).path.exists()  # excluded, never deleted


def test_htmx_requests_get_a_redirect_header_and_the_packets_404_until_built(case):
    with InThread(case.root) as served:
        status, headers, _ = served.form(f"/item/{chat_of(case)}/link", {}, headers={"HX-Request": "true"})
        assert status == 204 and headers["hx-redirect"] == "/"
        status, _, body = served.request("GET", "/packets/police")
        assert status == 404 and "还没有生成" in body.decode("utf-8")
        status, _, body = served.request("GET", "/progress/build")
        assert status == 200 and "hx-get" not in body.decode("utf-8")  # nothing running: no polling


def test_proposals_panel_waits_for_the_proposals_library(case):
    """Contract §3: the panel lists casekit.proposals.pending(); until that module exists the page
    leaves the panel out rather than showing an empty promise."""
    import importlib.util

    with InThread(case.root) as served:
        html = served.request("GET", "/")[2].decode("utf-8")
    if importlib.util.find_spec("casekit.proposals") is None:
        assert 'id="proposals"' not in html
    else:
        assert 'id="proposals"' in html


@pytest.mark.slow
@pytest.mark.usefixtures("sigint_handled")
def test_ctrl_c_during_a_build_from_the_page_lets_it_finish_and_log(case):
    """Real `casekit serve` process: Ctrl-C while the page's build runs waits for it, then exits 0;
    the packets and their custody entry are there and the case verifies."""
    import time

    from .webtools import start_cli, stop_cli

    served = start_cli(case.root)
    served.sign_in()
    status, _, body = served.form("/build", {"draft": "1"}, headers={"HX-Request": "true"})
    assert status == 200 and b"hx-get" in body  # the progress fragment, polling
    deadline = time.monotonic() + 300
    while b"data-pieces" not in served.request("GET", "/progress/build")[2]:  # the job is laying out pages
        assert time.monotonic() < deadline, "the build never started its pages"
        time.sleep(0.05)
    code, err = stop_cli(served, timeout=180)
    assert code == 0, err
    assert "正在等待" in err and "Traceback" not in err
    assert [e for e in case.custody_entries() if e.get("action") == "build"]
    assert (case.out_dir / "police.pdf").stat().st_size > 10_000
    assert verify_case(case).ok


def test_a_broken_case_toml_is_one_clear_line_on_the_page_not_a_crash(case):
    case.toml_path.write_text(case.toml_path.read_text("utf-8") + "\n[victim\nname = 1\n", encoding="utf-8")
    before = case.toml_path.read_bytes()
    with InThread(case.root) as served:
        status, _, overview = served.request("GET", "/")
        assert status == 200 and 'role="alert"' in overview.decode("utf-8")
        assert served.request("GET", "/facts")[0] == 200
        status, _, page = served.form("/facts", {"victim.name": "钱某某"})
    assert status == 400 and "case.toml" in page.decode("utf-8") and "Traceback" not in page.decode("utf-8")
    assert case.toml_path.read_bytes() == before


def test_words_read_with_low_confidence_are_marked_in_the_transcript_for_eyes_and_screen_readers(case):
    """Word-level highlight: the spans a reading scored low (Message.weak) are <mark>ed with a
    wavy underline and a hidden label; a corrected text loses them with the reading."""
    eid = chat_of(case)
    item = case.item(eid)
    extraction = case.load_extraction(eid)
    text = extraction.messages[0].text
    at = text.index("微信")
    extraction.messages[0].weak = ((at, at + 2),)
    case.save_extraction(eid, item.sha256, "test", extraction)
    assert case.load_extraction(eid).messages[0].weak == ((at, at + 2),)  # stored with the raw records
    with InThread(case.root) as served:
        html = served.request("GET", f"/item/{eid}")[2].decode("utf-8")
        assert '<mark class="weak">微信</mark>' in html  # the text stays one run: 加我微信私下… reads and copies whole
        assert '<span class="sr-only">（识别没把握的字：微信）</span>' in html  # named for screen readers after it
        assert "没把握的字：1" in html and html.count('<mark class="weak">') == 1
        assert "加我" + '<mark class="weak">' in html  # the text around the mark is all there, in order
        served.form(f"/item/{eid}/correct", {"record": "message", "number": "1", "text": "加我微信私下转账便宜200"})
        html = served.request("GET", f"/item/{eid}")[2].decode("utf-8")
    assert '<mark class="weak">' not in html  # the user's own text is not a machine reading
