"""Redaction end to end (issue 15 §3): a real rendered chat where the victim sent her 身份证号, her
bank-card number and her phone, read by real Tesseract, built into real packets by WeasyPrint, then
read back as a reader would — pdftotext of the text, and Tesseract over every image embedded in the
PDF (pdfimages). The platform and consumer copies must show none of the numbers; the police copy
must still show them."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageOps

from casekit.adding import add_paths
from casekit.extract import extract_case
from casekit.facts import CST
from casekit.packets import build_packets
from casekit.store import Case
from casekit.synth import font, render_chat

pytestmark = pytest.mark.slow

ID, CARD, PHONE = "110101199001011234", "6217001234567890122", "13900001111"
ADDRESS = "北京市东城区某某街道1号"
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=CST)
CASE_TOML = f'''
[case]
title = "直播间购买羊绒大衣被骗案"
platform = "快手"
incident_date = 2026-03-05
id = "CK-RED-0001"
[victim]
name = "赵某某"
gender = "女"
birth_date = 1990-01-01
id_number = "{ID}"
phone = "{PHONE}"
address = "{ADDRESS}"
[[suspects]]
name = "张某"
platform_account = "小美客服"
account_id = "ks_xiaomei888"
phones = ["13812345678"]
[order]
order_id = "2603051410558831"
shop = "小美好物旗舰店"
goods = "羊绒大衣"
amount = "1280.00"
ordered_at = 2026-03-05T14:10:00+08:00
[story]
problem = "未发货"
delivered = false
[[demands]]
kind = "refund"
amount = "1280.00"
[filing]
police_unit = "某某市公安局某某分局某某派出所"
consumer_unit = "某某区市场监督管理局"
truth_declared = true
'''


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def pdftext(pdf: Path) -> str:
    return re.sub(r"\s+", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                             check=True).stdout)


def image_text(pdf: Path, work: Path) -> str:
    """Tesseract over every image embedded in `pdf`, each at 3x, binarised (as packet_check does),
    and once more as it is: whatever a reader could make out."""
    out = work / pdf.stem
    out.mkdir()
    subprocess.run(["pdfimages", "-png", str(pdf), str(out / "i")], check=True)
    seen = []
    for png in sorted(out.glob("*.png")):
        with Image.open(png) as im:
            grey = ImageOps.autocontrast(im.convert("L"))
        big = grey.resize((grey.width * 3, grey.height * 3), Image.LANCZOS).point(lambda v: 255 if v > 170 else 0)
        for variant, name in ((big, "big"), (grey, "plain")):
            path = png.with_name(f"{png.stem}-{name}.png")
            variant.save(path)
            seen.append(subprocess.run(["tesseract", str(path), "-", "-l", "chi_sim+eng", "--psm", "6"],
                                       capture_output=True, text=True).stdout)
    return re.sub(r"\s+", "", "".join(seen))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("redact")
    src = root / "inputs"
    src.mkdir()
    chat, _ = render_chat([
        {"kind": "time", "text": "3月6日 上午10:02"},
        {"speaker": "them", "text": "退款需要核实身份，请发身份证号和银行卡号"},
        {"speaker": "me", "text": f"身份证号 {ID}"},
        {"speaker": "me", "text": f"银行卡号 {CARD}"},
        {"speaker": "me", "text": f"我电话{PHONE}"},
        {"speaker": "them", "text": "好的，马上给你退款"},
    ], style="kuaishou", contact="小美客服")
    chat.save(src / "Screenshot_20260306-101500_com.smile.gifmaker.png")
    # an order page (no bubbles: read as a whole page) with her phone, address and card
    page = Image.new("RGB", (1080, 1100), "white")
    draw = ImageDraw.Draw(page)
    for i, line in enumerate(["订单详情", "收货人：赵某某", f"联系电话：{PHONE}", f"收货地址：{ADDRESS}",
                              "订单编号：2603051410558831", f"付款方式：银行卡 {CARD}"]):
        draw.text((60, 80 + 120 * i), line, fill=(30, 30, 30), font=font(44))
    page.save(src / "order.png")
    case = Case.init(root / "case", CASE_TOML)
    add_paths(case, [src])
    extract_case(case, jobs=1)
    result = build_packets(case, "all", draft=True, now=NOW)
    pdfs = {o["recipient"]: Path(o["pdf"]) for o in result.outputs}
    return case, pdfs, root


def test_the_screenshot_was_read_with_boxes(built):
    case, _, _ = built
    item = next(i for i in case.items() if i.original_name.startswith("Screenshot"))
    ex = case.load_extraction(item.id)
    kinds = {e.kind: e for e in ex.entities}
    assert kinds["id_number"].value == ID and kinds["bank_card"].value == CARD
    for e in (kinds["id_number"], kinds["bank_card"], kinds["phone"]):
        assert e.source is not None and e.source.box is not None


@pytest.mark.parametrize("recipient", ["platform", "consumer"])
def test_masked_copy_shows_none_of_the_numbers(built, recipient):
    case, pdfs, root = built
    text = pdftext(pdfs[recipient])
    seen = image_text(pdfs[recipient], root)
    for secret in (ID, CARD, PHONE, "某某街道1号"):
        assert secret not in text, (recipient, "text", secret)
        probe = secret[2:-2]  # as packet_check.py probes: a legible middle is a leak
        assert probe not in seen and (not probe.isdigit() or probe not in digits(seen)), (recipient, "image", secret)
    assert "2603051410558831" in seen  # the order number stays legible: the recipient needs it
    assert "图中已遮盖" in text  # the 证据清单 says which exhibits carry redactions
    assert "1101**********1234" in text and "6217***********0122" in text  # transcripts masked, not dropped


def test_police_copy_is_complete(built):
    _, pdfs, root = built
    text = pdftext(pdfs["police"])
    assert ID in text and CARD in text and PHONE in text
    seen = digits(image_text(pdfs["police"], root))
    assert ID[2:-2] in seen and CARD[2:-2] in seen and PHONE[2:-2] in seen  # the screenshots, unpainted
    assert "图中已遮盖" not in text


def test_originals_never_change(built):
    case, _, _ = built
    out = subprocess.run(["sha256sum", "-c", "MANIFEST.sha256"], cwd=case.root, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_exhibit_named_by_counterpart_not_file_name(built):
    _, pdfs, _ = built
    text = pdftext(pdfs["police"])
    assert "与快手号ks_xiaomei888（小美客服）的聊天记录" in text
    assert "OCR机器识别，以原图为准" in text


@pytest.mark.parametrize("recipient", ["platform", "consumer"])
def test_packet_check_finds_no_secret(built, recipient):
    """tests/tools/packet_check.py (copy of the shared checker) probes text and OCR'd images for each
    of the victim's numbers passed as --secret; a masked copy must pass it."""
    import sys
    _, pdfs, _ = built
    tool = Path(__file__).parent / "tools" / "packet_check.py"
    secrets = [a for s in (ID, CARD, PHONE) for a in ("--secret", s)]
    done = subprocess.run([sys.executable, str(tool), str(pdfs[recipient]), *secrets],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_packet_check_sees_the_police_copy_secrets(built):
    """The same checker flags the police copy, which is complete: proves the probe can fail."""
    import sys
    _, pdfs, _ = built
    tool = Path(__file__).parent / "tools" / "packet_check.py"
    done = subprocess.run([sys.executable, str(tool), str(pdfs["police"]), "--secret", ID],
                          capture_output=True, text=True)
    assert done.returncode != 0, done.stdout
