"""The inputs victims actually have (issue 13 §5): iPhone HEIC, screenshots re-saved as JPEG,
long stitched captures — real Tesseract, fields exact, the original never altered."""

import hashlib
import io
import shutil
from pathlib import Path

import pytest
from PIL import Image

from casekit.importers.base import ExtractContext
from casekit.importers.registry import extract_file
from casekit.ocr.tiles import TALL, tile_spans
from casekit.synth import render_payment
from casekit.synth_pages import render_page, render_refund

FIX = Path(__file__).parent / "fixtures" / "screenshots"
ORDER_720 = {"order.order_id": "2603051410558831", "order.goods": "女士双面呢子大衣", "order.amount": "1280.00",
             "order.ordered_at": "2026-03-05T14:10:05+08:00", "order.shop": "小美羊绒旗舰店", "order.quantity": "1",
             "story.delivered": "true"}


@pytest.mark.slow
def test_heic_order_page_is_read_and_kept_byte_for_byte(cli, new_case, tmp_path):
    source = tmp_path / "IMG_0412.HEIC"
    shutil.copy(FIX / "order_page_720.heic", source)
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    assert cli("add", new_case.root, source).exit_code == 0
    assert cli("extract", new_case.root).exit_code == 0
    (item,) = new_case.items()
    assert item.sha256 == before and hashlib.sha256(item.path.read_bytes()).hexdigest() == before
    assert item.path.read_bytes()[4:12] == b"ftypheic"  # the original stays HEIC
    ex = new_case.load_extraction(item.id)
    assert ex.kind == "order_page"
    assert {p.field: p.value for p in ex.proposals} == ORDER_720
    from casekit.printcopies import print_image

    copy = print_image(item.path, tmp_path / "prints", key=item.sha256)
    assert copy is not None and Image.open(copy).size[0] > 0  # prints from the decoded pixels


@pytest.mark.slow
@pytest.mark.parametrize("quality", [85, 60])
def test_screens_resaved_as_jpeg_read_the_same(tmp_path, quality):
    img, truth = render_payment("bank")
    path = tmp_path / "bank.jpg"
    img.save(path, "JPEG", quality=quality)
    (tx,) = extract_file(path, ExtractContext(evidence_id="E1")).transactions
    f = truth["fields"]
    assert (f"{tx.amount:.2f}", tx.counterparty, tx.counterparty_account, tx.order_id) == (
        f["amount"], f["counterparty"], f["account"], f["order_id"])
    img, truth = render_refund()
    path = tmp_path / "Screenshot_20260308-102500.jpg"
    img.save(path, "JPEG", quality=quality)
    ex = extract_file(path, ExtractContext(evidence_id="E1"))
    assert ex.kind == "refund_record"
    got = {p.field: p.value for p in ex.proposals}
    assert {k: got.get(k) for k in truth["proposals"]} == truth["proposals"]


def test_tiles_cover_the_page_and_overlap():
    assert tile_spans(TALL) == [(0, TALL)]
    spans = tile_spans(12_345)
    assert spans[0][0] == 0 and spans[-1][1] == 12_345
    assert all(b[0] < a[1] for a, b in zip(spans, spans[1:]))  # each seam lies inside two tiles


@pytest.mark.slow
def test_long_stitched_capture_loses_and_doubles_no_line(tmp_path):
    notes = [("text", f"协商记录第{i}条：请尽快处理退款") for i in range(1, 71)]
    blocks = [("title", "订单详情"), *notes, ("rule",), ("row", "实付款", "¥1280.00"),
              ("row", "订单编号", "2603051410558831"), ("row", "下单时间", "2026-03-05 14:10:05")]
    img = render_page(blocks)
    assert img.height > 6_000
    path = tmp_path / "long.png"
    img.save(path)
    ex = extract_file(path, ExtractContext(evidence_id="E1"))
    assert ex.kind == "order_page"
    got = {p.field: p.value for p in ex.proposals}
    assert (got["order.order_id"], got["order.amount"], got["order.ordered_at"]) == (
        "2603051410558831", "1280.00", "2026-03-05T14:10:05+08:00")
    lines = ex.text.splitlines()
    for i in range(1, 71):
        assert sum(1 for line in lines if f"第{i}条" in line) == 1, i
    boxes = [e.source.box for e in ex.entities if e.kind == "order_id" and e.source and e.source.box]
    assert boxes and all(b[1] > 6_000 for b in boxes)  # boxes in the whole capture's pixels


@pytest.mark.slow
def test_heic_capture_time_from_exif_dates_the_refund_countdown(cli, new_case, tmp_path):
    source = tmp_path / "IMG_0413.HEIC"
    shutil.copy(FIX / "refund_page_720_exif.heic", source)
    assert cli("add", new_case.root, source).exit_code == 0
    (item,) = new_case.items()
    assert item.metadata.get("capture_time") == "2026-03-08T10:25:00+08:00"
    assert cli("extract", new_case.root).exit_code == 0
    ex = new_case.load_extraction(item.id)
    assert ex.kind == "refund_record"
    got = {p.field: p.value for p in ex.proposals}
    assert got["filing.after_sales_deadline"] == "2026-03-15T09:25+08:00"  # 10:25 + 6天23时
    assert got["filing.platform_request_no"] == "RF2603081020334455"
