"""The HTML preview written beside each PDF shows every exhibit's print copy, on a cold build (the
workers make the copies) and on a warm one (reused from the first render) alike."""

from __future__ import annotations

import re

from casekit.packets import build_packets

from .test_packets import CASE_TOML, NOW, make_case


def test_preview_cold_and_warm_show_every_print_copy(tmp_path):
    case = make_case(tmp_path / "case", CASE_TOML)
    previews = []
    for _ in range(2):
        build_packets(case, "police", now=NOW, jobs=2)
        previews.append((case.out_dir / "police.html").read_text("utf-8"))
    images = [re.findall(r'<img src="([^"]+)"', html) for html in previews]
    shots = [src for src in images[0] if "print-cache" in src]
    assert len(shots) == 2  # chat.png and pay.png
    assert all((case.out_dir / src).is_file() for src in shots)
    assert previews[0] == previews[1]


def test_preview_after_the_one_document_fallback_shows_every_print_copy(tmp_path):
    """A case's own exhibit template without the anchor the runs rely on: the packet is laid out as
    one document, and the preview still gets the print copies made for it."""
    case = make_case(tmp_path / "custom", CASE_TOML)
    (case.root / "templates" / "zh-CN").mkdir(parents=True)
    (case.root / "templates" / "zh-CN" / "_exhibit.html").write_text(
        '<section class="exhibit"><h1 data-label="{{ ex.label }}">{{ ex.label }}</h1>'
        '{% if ex.image %}<img src="{{ ex.image }}">{% endif %}</section>', encoding="utf-8")
    build_packets(case, "police", now=NOW, jobs=2, chunk=1)
    html = (case.out_dir / "police.html").read_text("utf-8")
    shots = [src for src in re.findall(r'<img src="([^"]+)"', html) if "print-cache" in src]
    assert len(shots) == 2 and all((case.out_dir / src).is_file() for src in shots)
