"""The English switch (issue 14 §2): on the English page, every text the library gives in both
languages shows its English, and the step checklist, reminders, kinds and link reasons (Chinese
only in the library) show the web layer's English. What is left in Chinese is either the
user's own data or marked lang="zh-CN" — and for the test cases below, nothing is."""

from __future__ import annotations

import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from casekit.errors import BadInput
from casekit.web import english

from .test_packets import CASE_TOML, make_case
from .webtools import InThread

CJK = re.compile(r"[\u3400-\u9fff]")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Texts(HTMLParser):
    """The page's text nodes that are not inside an element marked lang="zh-CN" (nor scripts,
    nor the hidden/aria-hidden parts a reader skips), with their input values and labels."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.out: list[str] = []

    def _marked(self) -> bool:
        return any(marked for _tag, marked in self.stack)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        marked = a.get("lang") == "zh-CN" and tag != "html" or tag in ("script", "style", "code", "textarea") \
            or "aria-hidden" in a
        if not self._marked() and not marked:
            for key in ("aria-label", "title", "placeholder"):
                if a.get(key):
                    self.out.append(a[key])
        if tag not in VOID:
            self.stack.append((tag, marked))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if data.strip() and not self._marked():
            self.out.append(data.strip())


def chinese_left(html: str, user_data: list[str]) -> list[str]:
    """Text on an English page that is still Chinese once the user's own data is taken out."""
    parser = Texts()
    parser.feed(html)
    left = []
    for text in parser.out:
        for value in sorted(user_data, key=len, reverse=True):
            text = text.replace(value, "")
        if CJK.search(text):
            left.append(text)
    return left


def values_of(toml: str) -> list[str]:
    out: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, str):
            out.append(node)
    walk(tomllib.loads(toml))
    return out


def user_data(case) -> list[str]:
    """What the victim wrote or the screenshots show: facts, file names, what was read."""
    data = values_of(case.toml_path.read_text("utf-8"))
    for item in case.items():
        data.append(item.original_name)
        extraction = case.load_extraction(item.id)
        for m in extraction.messages if extraction else []:
            data += [m.text, m.name or "", m.time_text or ""]
        for t in extraction.transactions if extraction else []:
            data += [t.counterparty or "", t.counterparty_account or "", t.method or ""]
    return [d for d in data if d]


@pytest.mark.parametrize("facts", ["full", "sparse"])
def test_the_english_page_has_no_chinese_but_the_users_own(tmp_path: Path, facts: str):
    toml = CASE_TOML if facts == "full" else '[case]\ntitle = "直播间买大衣"\n[[suspects]]\nname = "张三丰"\n'
    case = make_case(tmp_path / "case", toml)
    with InThread(case.root) as served:
        served.cookie += "; casekit_lang=en"
        pages = ["/", "/facts"] + [f"/item/{i.id}" for i in case.items()]
        found = {}
        for path in pages:
            status, _, body = served.request("GET", path)
            assert status == 200, path
            html = body.decode("utf-8")
            assert '<html lang="en">' in html
            found[path] = chinese_left(html, user_data(case))
    assert found == {p: [] for p in pages}


def test_the_chinese_page_is_still_chinese_and_the_checklist_in_english_names_the_fix(tmp_path: Path):
    case = make_case(tmp_path / "case", '[case]\ntitle = "直播间买大衣"\n')
    with InThread(case.root) as served:
        _, _, zh = served.request("GET", "/")
        served.cookie += "; casekit_lang=en"
        _, _, en = served.request("GET", "/")
    zh_html, en_html = zh.decode("utf-8"), en.decode("utf-8")
    assert "报案人身份证号" in zh_html and "Your ID card number" not in zh_html
    assert "Your ID card number" in en_html and "报案人身份证号" not in en_html
    assert "Step 3 · police report" in en_html and "chat screenshot" in en_html


def test_bilingual_library_texts_are_split_by_the_pages_language():
    exc = BadInput("证据编号不对：'x'", "not an evidence id: 'x'", hint_zh="编号形如 E0001", hint_en="ids look like E0001")
    assert english.error_line(exc, "en") == "not an evidence id: 'x' — hint: ids look like E0001"
    assert english.error_line(exc, "zh").startswith("证据编号不对：'x' / not an evidence id")
    both = "此段文字识别置信度低，请人工核对：对方已 / low OCR confidence, check by hand: 对方已"
    assert english.pick(both, "en") == "low OCR confidence, check by hand: 对方已"
    assert english.pick(both, "zh") == "此段文字识别置信度低，请人工核对：对方已"
    assert english.pick("same bytes as E0001; not copied again / 与 E0001 内容相同，未重复复制", "zh") == "与 E0001 内容相同，未重复复制"
    assert english.pick("a / b / c", "en") == "a / b / c"  # not two halves: shown whole
    hint = ("最后一笔付款在 48 小时内（03月05日 14:12）：现在就拨打 110 或到派出所申请紧急止付，报出收款账户 138****5678，"
            "再整理材料（96110 是反诈咨询/举报专线，不办理止付）。")
    shown = english.shown(hint, "en")
    assert shown.lang == "en" and "05/03" not in shown.text and "03/05 14:12" in shown.text and "138****5678" in shown.text
    assert english.shown("一句没有英文的新提示", "en") == english.Shown("一句没有英文的新提示", "zh-CN")
