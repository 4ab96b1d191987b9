"""Progress within a build (issue 14 §2): the page's bar counts the PDF pieces the library
reports through `build_packets(on_piece=…)`, not the three recipients, and not a guess."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from .test_packets import CASE_TOML, make_case
from .webtools import InThread

PIECES = re.compile(r"data-pieces>(\d+)/(\d+)<")
BAR = re.compile(r'<progress id="build-bar" max="100" value="(\d+)"')


@pytest.mark.slow
def test_the_build_bar_counts_the_pieces_the_library_reports(tmp_path: Path):
    case = make_case(tmp_path / "case", CASE_TOML)
    with InThread(case.root) as served:
        status, _, body = served.form("/build", {"draft": "1"}, headers={"HX-Request": "true"})
        assert status == 200 and b'hx-get="/progress/build"' in body
        seen: list[tuple[int, int]] = []
        bar: list[int] = []
        deadline = time.monotonic() + 600  # a slow, loaded machine: wait on the job's state, generously
        while True:
            html = served.request("GET", "/progress/build")[2].decode("utf-8")
            seen += [(int(a), int(b)) for a, b in PIECES.findall(html)]
            bar += [int(v) for v in BAR.findall(html)]
            if "data-job-done" in html or 'role="alert"' in html:
                break
            assert time.monotonic() < deadline, "the build did not finish"
            time.sleep(0.05)
    assert 'data-job-done="build"' in html, html
    done, total = seen[-1]
    assert done == total and total > 3  # pieces, not the three recipients
    assert any(d < t for d, t in seen), seen  # the bar moved while the build ran
    assert all(a[0] <= b[0] and a[1] <= b[1] for a, b in zip(seen, seen[1:])), seen  # never goes back
    assert all(d <= t for d, t in seen)
    assert bar and bar == sorted(bar), bar  # the bar never jumps back when the overlays join the count


def test_render_all_reports_each_piece_and_the_cache_hits_at_once(tmp_path: Path):
    """The library's callback, on real WeasyPrint renders: one call per rendered piece, and the
    pieces found in the cache reported together before any render."""
    from casekit.render import pieces

    html = "<html><body><p>{}</p></body></html>"
    made = [pieces.Piece(f"p{i}", html.format(f"第 {i} 页")) for i in range(3)]
    calls: list[int] = []
    cache = tmp_path / "cache"
    pieces.render_all(made[:1], tmp_path, [tmp_path], cache, 1, calls.append)
    assert calls == [1]
    calls.clear()
    out = pieces.render_all(made, tmp_path, [tmp_path], cache, 1, calls.append)
    assert calls == [1, 1, 1] and sorted(out) == ["p0", "p1", "p2"]
    assert all(out[k].pdf for k in out)
