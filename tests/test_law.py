"""The table of verified citations (casekit/law.py) and the templates and text that cite from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casekit import law
from casekit.render.jinja import templates_dir

REPO = Path(__file__).resolve().parent.parent
# every module whose strings end up printed in a filing, the guide or `status`
TEXT_MODULES = ["casekit/viewmodels.py", "casekit/filing_text.py", "casekit/route.py",
                "casekit/steps.py", "casekit/timeline.py", "casekit/channels.py", "casekit/guide.py",
                "casekit/law.py"]


def test_numbers_read_and_written_as_statutes_number_articles():
    for n, zh in [(2, "二"), (10, "十"), (15, "十五"), (20, "二十"), (55, "五十五"), (105, "一百零五"),
                  (110, "一百一十"), (148, "一百四十八"), (179, "一百七十九"), (266, "二百六十六")]:
        assert law.zh_number(n) == zh and law.parse_number(zh) == n


def test_citations_found_in_chains_and_across_line_breaks():
    text = "依据《电子商务法》第六十一\n条、第六十二条和《中华人民共和国刑法》第266条；《消费者权益保护法》第五十五条第一款"
    assert law.citations_in(text) == [("电子商务法", 61), ("电子商务法", 62), ("中华人民共和国刑法", 266),
                                      ("消费者权益保护法", 55)]


def test_unknown_or_unverified_citation_is_caught():
    assert law.unknown_citations("《消费者权益保护法》第二十五条") == []
    assert law.unknown_citations("《消费者权益保护法》第九十九条") == ["《消费者权益保护法》第99条"]
    # the 治安管理处罚法 in force from 2026 could not be checked: no article of it may be printed
    assert law.unknown_citations("依照《治安管理处罚法》第四十九条") == ["《治安管理处罚法》第49条"]
    assert law.unknown_citations("依照《中华人民共和国治安管理处罚法》查处") == []
    with pytest.raises(law.UnverifiedCitation):
        law.cite("zaf")
    with pytest.raises(law.UnverifiedCitation):
        law.cite("no_such_article")


def test_every_verified_citation_has_words_and_a_source():
    for c in law.CITATIONS:
        if c.verified:
            assert c.article and len(c.words) >= 10, c.key
            assert c.source.startswith("https://github.com/LawRefBook/Laws/blob/2f4c5c2"), c.key
            assert law.citations_in(c.text) == [(c.text[1:c.text.index("》")], c.article)]


def test_the_articles_the_issue_names():
    assert law.cite("gaxs_179") == "《公安机关办理刑事案件程序规定》第一百七十九条"
    assert "七日以内" in law.citation("gaxs_179").words and "复议" in law.citation("gaxs_179").words
    assert law.cite("tsjb_12") == "《市场监督管理投诉举报处理暂行办法》第十二条"
    assert "实际经营地或者平台经营者住所地" in law.citation("tsjb_12").words
    assert "三倍" in law.citation("xbf_55").words and "五百元" in law.citation("xbf_55").words
    assert "十倍" in law.citation("spaq_148").words and "一千元" in law.citation("spaq_148").words


@pytest.mark.parametrize("path", sorted((templates_dir() / "zh-CN").glob("*.html")), ids=lambda p: p.name)
def test_templates_cite_only_the_table(path):
    assert law.unknown_citations(path.read_text("utf-8")) == []


@pytest.mark.parametrize("module", TEXT_MODULES)
def test_text_modules_cite_only_the_table(module):
    path = REPO / module
    if not path.exists():
        pytest.fail(f"{module} is listed as printing text but does not exist")
    assert law.unknown_citations(path.read_text("utf-8")) == []


def test_no_template_or_module_writes_an_article_number_by_hand():
    """Citations come from the table: the text-making code writes none as a literal."""
    for module in TEXT_MODULES:
        if module.endswith(("law.py", "channels.py")):
            continue
        text = (REPO / module).read_text("utf-8")
        assert not re.search(r"》第[一二三四五六七八九十百\d]+条", text), module


def test_every_law_records_its_official_publication_beside_its_text_source():
    """§5: issuer/instrument and date for each statute; the 国家法律法规数据库 for what it holds."""
    import re

    for c in law.CITATIONS:
        if not c.verified:
            continue
        issued, database = law.OFFICIAL[c.law]
        assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", issued), c.law
        if c.law in ("刑法", "反电信网络诈骗法", "消费者权益保护法", "电子商务法", "食品安全法", "民事诉讼法"):
            assert "全国人" in issued and database == law.NPC_DATABASE, c.law
        if c.law in ("网络消费纠纷规定（一）", "诈骗案件解释"):
            assert re.search(r"法释〔20\d\d〕\d+号", issued), c.law
        assert c.official.startswith(issued)
    assert set(law.OFFICIAL) == set(law.LAWS)
