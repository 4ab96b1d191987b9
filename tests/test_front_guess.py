"""The front matter's page numbers on a first build (render/front.py): the filing is rendered on its
own first, the pieces that print page numbers wait for it, the timeline's length is predicted with
the packet font's own advances, and the exhibits' lengths are exact (drawn) — so the numbers come
out right the first time and no big piece is rendered twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from casekit.adding import add_paths
from casekit.packets import build_packets
from casekit.records import Extraction, Message, SourceRef
from casekit.render import assemble, front
from casekit.synth import render_chat, sample_conversation

from .test_packets import CASE_TOML, NOW, make_case, pdfpages, pdftext, squash, t

SHOTS = 14


@pytest.fixture(scope="module")
def first_build(tmp_path_factory):
    """A police packet after extract: 14 more chat screenshots of ~8 lines each (a timeline of several
    pages), built once with no earlier numbers; every piece render is recorded."""
    root = tmp_path_factory.mktemp("guess")
    case = make_case(root / "case", CASE_TOML)
    shots = root / "shots"
    shots.mkdir()
    for i in range(SHOTS):
        image, _ = render_chat(sample_conversation(i), width=540)
        image.save(shots / f"Screenshot_20260305-1{i:05d}.png")
    add_paths(case, [shots])
    for i, item in enumerate(sorted((x for x in case.items() if x.original_name.startswith("Screenshot_")),
                                    key=lambda x: x.original_name)):
        messages = [Message("them" if k % 2 else "me", f"第{i}屏第{k}条：对方要求先付保证金再发货，否则不退款（{i}-{k}）",
                            name="小美客服", time=t(10 + (8 * i + k) // 60, (8 * i + k) % 60), source=SourceRef(item.id))
                    for k in range(8)]  # one screenshot's lines one after another: a row of 8 lines each
        case.save_extraction(item.id, item.sha256, "test", Extraction("chat_screenshot", messages=messages))
    renders: list[tuple] = []
    original = assemble._render_job

    def spy(job):
        renders.append((job.kind, job.key, list(job.front["piece"]["parts"]) if job.front else []))
        return original(job)

    mp = pytest.MonkeyPatch()
    mp.setattr(assemble, "_render_job", spy)
    try:
        result = build_packets(case, "police", now=NOW, draft=True, jobs=1)
    finally:
        mp.undo()
    pdf = Path(result.outputs[0]["pdf"])
    return case, pdf, renders


def test_no_piece_of_the_front_matter_is_rendered_again(first_build):
    _, pdf, renders = first_build
    pieces = [(key, parts) for kind, key, parts in renders if kind == "piece" and key[1] == "front"]
    assert not [key for key, _ in pieces if key[2] == "renumber"]
    # the filing alone, before anything that prints a page number
    doc = next(i for i, (_, parts) in enumerate(pieces) if parts == ["doc"])
    numbered = [i for i, (_, parts) in enumerate(pieces) if {"contents", "evidence"} & set(parts)]
    assert numbered and doc < min(numbered)
    # each piece once, but the filing, which may be rendered again at once with its own length known
    keys = [key[3:] for key, parts in pieces if parts != ["doc"]]
    assert len(keys) == len(set(keys))
    assert pdfpages(pdf) > 3 + SHOTS + 8


def test_the_timeline_prediction_matches_weasyprint(first_build):
    """The timeline's predicted length (packet font metrics) is what WeasyPrint laid out."""
    from casekit.casemodel import load_case_model
    from casekit.render.pdffont import PdfFont
    from casekit.render.viewmodels import build_view
    from casekit.steps import evaluate

    case, pdf, _ = first_build
    model = load_case_model(case, now=NOW)
    view = build_view(model, evaluate(model), "police", True, case.out_dir)
    header = f"案件编号{view['case_id']}案件时间线"  # the running header of a timeline page
    on_timeline = [page for page in pdftext(pdf).split("\f") if squash(page).startswith(header)]
    assert len(on_timeline) >= 2
    cut = next((case.root / ".casekit" / "print-cache").glob("font-*-normal.otf"))
    assert front.predicted_pages(view, "timeline", front.Metrics(PdfFont.load(cut))) == len(on_timeline)
