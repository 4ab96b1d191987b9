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
