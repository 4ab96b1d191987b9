"""Every packaged template parses (DESIGN §6; docassemble-style template CI)."""

from pathlib import Path

import pytest

from casekit.render.jinja import make_env, templates_dir

TEMPLATES = sorted(p.relative_to(templates_dir()).as_posix() for p in templates_dir().rglob("*.html"))


def test_there_is_one_template_per_document():
    names = {Path(t).name for t in TEMPLATES}
    for name in ("base.html", "packet.html", "_cover.html", "_contents.html", "_exhibit.html", "d1_police.html",
                 "d2_consumer.html", "d3_platform.html", "d4_evidence.html", "d5_timeline.html"):
        assert name in names


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_parses(name):
    env = make_env(None)
    source = env.loader.get_source(env, name)[0]
    env.parse(source)
    env.get_template(name)


def test_css_has_cjk_font_in_every_chain():
    css = (templates_dir() / "zh-CN" / "packet.css").read_text("utf-8")
    chains = [line for line in css.splitlines() if "font-family" in line or "font:" in line]
    assert chains and all("CJK" in line for line in chains if "monospace" not in line)
    assert "counter(pages)" in css and "counter-increment: page" not in css
