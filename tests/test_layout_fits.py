"""Every table of a packet stays inside the page's content box (the 证据清单 once ran ~15 mm past
the right margin: percentage widths plus cell padding)."""

from __future__ import annotations

from casekit.packets import render_html
from casekit.casemodel import load_case_model
from casekit.render.jinja import templates_dir
from casekit.render.pdf import html_to_pdf_document
from casekit.steps import evaluate

from .test_packets import CASE_TOML, NOW, make_case


def boxes(box, kind):
    if type(box).__name__ == kind:
        yield box
    for child in getattr(box, "children", []):
        yield from boxes(child, kind)


def test_no_table_runs_past_the_right_margin(tmp_path):
    case = make_case(tmp_path / "case", CASE_TOML)
    model = load_case_model(case, now=NOW)
    html = render_html(model, evaluate(model), "police", draft=True)
    document, _ = html_to_pdf_document(html, case.out_dir, [case.root, templates_dir()])
    checked = 0
    for page in document.pages:
        root = page._page_box
        right = root.content_box_x() + root.width
        for table in boxes(root, "TableBox"):
            assert table.position_x + table.margin_width() <= right + 0.5, (table.element_tag, page)
            checked += 1
    assert checked >= 5  # cover, filing tables, 证据清单, timeline, appendix, exhibit transcripts
