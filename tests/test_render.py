"""Rendering pieces: the URL fetcher's refusals, Jinja safety, masking, money, print images."""

from __future__ import annotations

import os
import subprocess
from decimal import Decimal

import jinja2
import pytest
from PIL import Image

from casekit.errors import MissingDependency
from casekit.render import pdf as pdfmod
from casekit.formatting import mask, money
from casekit.render.jinja import make_env, templates_dir
from casekit.render.pdf import make_fetcher
from casekit.printcopies import print_image
from casekit.viewmodels import Gap, Redactor, rmb_upper


@pytest.fixture
def case_dir(tmp_path):
    root = tmp_path / "case"
    (root / "evidence").mkdir(parents=True)
    (root / "evidence" / "a.txt").write_text("ok")
    (tmp_path / "secret.txt").write_text("secret")
    os.symlink(tmp_path / "secret.txt", root / "evidence" / "link.txt")
    return root


def _refused(fetcher, url):
    from weasyprint.urls import FatalURLFetchingError

    with pytest.raises(FatalURLFetchingError):
        fetcher.fetch(url)


def test_fetcher_serves_files_inside_case(case_dir):
    fetcher = make_fetcher([case_dir])
    response = fetcher.fetch((case_dir / "evidence" / "a.txt").as_uri())
    assert response.read() == b"ok"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://example.com/x.png", "https://127.0.0.1/",
                                 "ftp://example.com/x", "file://remotehost/etc/passwd", "file:///dev/urandom"])
def test_fetcher_refuses_outside_and_network(case_dir, url):
    _refused(make_fetcher([case_dir]), url)


def test_fetcher_refuses_dotdot_and_symlink_escapes(case_dir):
    fetcher = make_fetcher([case_dir])
    _refused(fetcher, case_dir.as_uri() + "/evidence/../../secret.txt")
    _refused(fetcher, (case_dir / "evidence" / "link.txt").as_uri())
    _refused(fetcher, case_dir.as_uri() + "/evidence")  # a directory is not a regular file


def test_weasyprint_render_stops_on_refused_resource(case_dir):
    from casekit.errors import BadInput

    html = '<html><body><img src="file:///etc/passwd">x</body></html>'
    with pytest.raises(BadInput):
        pdfmod.html_to_pdf(html, case_dir, [case_dir])


def test_env_autoescapes_and_is_strict(tmp_path):
    env = make_env(None)
    out = env.from_string("{{ x }}").render(x="{{ 7*7 }}<script>")
    assert out == "{{ 7*7 }}&lt;script&gt;"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()
    assert str(Gap("身份证号")) == "【待补充：身份证号】"
    assert 'class="gap"' in env.from_string("{{ g }}").render(g=Gap("<x>"))
    assert "&lt;x&gt;" in env.from_string("{{ g }}").render(g=Gap("<x>"))


def test_case_templates_override_packaged(tmp_path):
    (tmp_path / "templates" / "zh-CN").mkdir(parents=True)
    (tmp_path / "templates" / "zh-CN" / "_cover.html").write_text("MY COVER {{ title }}")
    env = make_env(tmp_path)
    assert env.get_template("zh-CN/_cover.html").render(title="t") == "MY COVER t"
    assert env.get_template("zh-CN/d4_evidence.html")  # the rest still comes from the package


def test_templates_dir_found():
    assert (templates_dir() / "zh-CN" / "packet.html").is_file()


def test_filters():
    assert money(Decimal("1280")) == "¥1,280.00"
    assert money(None) == "—"
    assert mask("110101199001011234", 4, 4) == "1101**********1234"
    assert rmb_upper(Decimal("1280.00")) == "壹仟贰佰捌拾元整"
    assert rmb_upper(Decimal("10005.50")) == "壹万零伍元伍角整"
    assert rmb_upper(Decimal("20300.07")) == "贰万零叁佰元零柒分"


def test_print_image_downscales_once_and_caches(tmp_path):
    src = tmp_path / "big.png"
    Image.new("RGBA", (3000, 6000), (255, 0, 0, 128)).save(src)
    cache = tmp_path / "cache"
    out = print_image(src, cache)
    with Image.open(out) as img:
        assert img.format in ("JPEG", "PNG") and img.height <= 1500 and img.width < 3000
    mtime = out.stat().st_mtime_ns
    assert print_image(src, cache) == out and out.stat().st_mtime_ns == mtime
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG not really")
    assert print_image(bad, cache) is None


def test_missing_cjk_font_is_exit_4(monkeypatch):
    class Done:
        stdout = ""

    monkeypatch.setattr(subprocess, "run", lambda *a, **k: Done())
    with pytest.raises(MissingDependency) as info:
        pdfmod.check_cjk_font()
    assert info.value.exit_code == 4 and "fonts-noto-cjk" in str(info.value)


def test_cjk_font_present_here():
    pdfmod.check_cjk_font()  # the project's machines install fonts-noto-cjk
