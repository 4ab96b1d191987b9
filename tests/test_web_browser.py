"""The web page in a real browser (issue 14 §3): a victim's whole visit, from opening the link
to the police PDF, checked with pdftotext as a reader would. Page screenshots are saved in
tests/artifacts/web/ (gitignored)."""

from __future__ import annotations

import os
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from casekit.store import Case
from casekit.synth import render_chat, render_payment

from .browser import chromium, snap, wait_download, wait_for
from .webtools import start_cli, stop_cli

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("sigint_handled")]

MISREAD, RIGHT = "加我徽信私下转账便宜200", "加我微信私下转账便宜200"
FACTS = '''# 示例案件（测试用，虚构）
[case]
title = "直播间购买羊绒大衣被骗案"
platform = "快手"
incident_date = 2026-03-05
original_carrier = "本人手机"
[victim]
name = "赵某某"
gender = "女"
birth_date = 1990-01-01
id_number = "110101199001011234"
address = "北京市东城区某某街道1号"
[[suspects]]
name = "张三丰"
shop = "小美好物旗舰店"
payment_accounts = ["138****5678"]
[order]
order_id = "2026030522001"
shop = "小美好物旗舰店"
goods = "羊绒大衣"
amount = "1280.00"
[respondent]
platform_operator = "某某科技有限公司"
[story]
problem = "未发货"
summary = "在直播间下单后对方要求私下转账，付款后未发货并拉黑。"
off_platform_payment = true
[[demands]]
kind = "refund"
amount = "1280.00"
[filing]
consumer_unit = "某某区市场监督管理局"
truth_declared = true
'''


@pytest.fixture
def inputs(tmp_path: Path) -> list[Path]:
    """What a victim has on the phone: a chat screenshot (its 徽信 is the misreading to fix), a
    payment screenshot and a bill export. All synthetic (casekit.synth), nothing personal."""
    folder = tmp_path / "phone"
    folder.mkdir()
    chat, _ = render_chat([{"kind": "time", "text": "3月5日 下午2:00"}, {"speaker": "them", "text": MISREAD},
                           {"speaker": "me", "text": "好的我现在转给你"},
                           {"kind": "transfer", "speaker": "me", "amount": "1280.00", "status": "已被接收"}], contact="张三丰")
    chat.save(folder / "聊天记录.png")
    pay, _ = render_payment(amount="1280.00", counterparty="张三丰", account="138****5678",
                            order_id="2026030522001", time="2026-03-05 14:12:30")
    pay.save(folder / "付款截图.png")
    (folder / "bill.csv").write_text("交易时间,交易对方,金额\n2026-03-05 14:12:30,张*,1280.00\n", encoding="utf-8")
    for n, path in enumerate(sorted(folder.iterdir())):  # files from last week, as on a phone
        os.utime(path, (1772691300 + n * 60, 1772691300 + n * 60))
    return sorted(folder.iterdir())


def test_a_victim_uploads_corrects_builds_and_downloads_the_police_pdf(tmp_path: Path, new_case: Case, inputs: list[Path]):
    new_case.toml_path.write_text(FACTS, encoding="utf-8")
    served = start_cli(new_case.root)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver = chromium(tmp_path / "profile", downloads)
    try:
        from selenium.webdriver.common.by import By

        driver.get(served.url)
        assert "token=" not in driver.current_url  # the one-time token has left the address bar
        assert driver.find_element(By.TAG_NAME, "h1").text == "直播间购买羊绒大衣被骗案"
        snap(driver, "01-overview-empty")

        driver.find_element(By.ID, "files").send_keys("\n".join(str(p) for p in inputs))
        driver.find_element(By.CSS_SELECTOR, "#upload-form button").click()
        wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "[data-job-done=extract], #upload-result .alert"), 240, "extraction")
        assert not driver.find_elements(By.CSS_SELECTOR, "#upload-result .alert"), driver.find_element(By.ID, "upload-result").text
        added = driver.find_element(By.ID, "upload-result").text
        assert added.count("已加入") == 3, added
        originals = {p.name: p for p in inputs}
        for item in new_case.items():  # byte for byte, with the file's own time (not the upload's)
            assert item.path.read_bytes() == originals[item.original_name].read_bytes()
            uploaded = datetime.fromisoformat(item.metadata["mtime"]).timestamp()
            assert abs(uploaded - originals[item.original_name].stat().st_mtime) < 1
        # The evidence list and the checklist refresh themselves once the reading is done.
        wait_for(lambda: "聊天截图" in driver.find_element(By.ID, "items").text, 120, "the evidence list to refresh")
        wait_for(lambda: "第1步" in driver.find_element(By.ID, "steps").text, 60, "the checklist")
        # the reminders refresh with them: none still speaks of the loss before anything was read
        wait_for(lambda: "损失 ¥0.00" not in driver.find_element(By.ID, "hints").text, 60, "the reminders")
        snap(driver, "02-uploaded-and-read")

        # The facts form: the police station the victim will go to.
        driver.get(served.url.split("/?")[0] + "/facts")
        box = driver.find_element(By.ID, "f-filing.police_unit")
        box.clear()
        box.send_keys("某某市公安局某某分局某某派出所")
        phone = driver.find_element(By.ID, "f-victim.phone")
        phone.clear()
        phone.send_keys("13900001111")
        driver.find_element(By.CSS_SELECTOR, "form.facts button").click()
        wait_for(lambda: "已保存" in " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, "[role=status]")), 60, "the facts saved")
        text = new_case.toml_path.read_text("utf-8")
        assert 'police_unit = "某某市公安局某某分局某某派出所"' in text and text.startswith("# 示例案件")  # comment kept

        chat_id = next(i.id for i in new_case.items() if i.original_name == "聊天记录.png")
        driver.get(served.url.split("/?")[0] + f"/item/{chat_id}")
        snap(driver, "03-chat-item")
        # the bubble whose reading is the misread one (its text on the page carries the
        # screen-reader note of an uncertain character inside the word, so match the form's value)
        bubble = next(d for d in driver.find_elements(By.CSS_SELECTOR, "details.bubble")
                      if any(a.get_attribute("value") == MISREAD for a in d.find_elements(By.TAG_NAME, "textarea")))
        bubble.find_element(By.TAG_NAME, "summary").click()  # click the bubble to fix it
        area = bubble.find_element(By.TAG_NAME, "textarea")
        assert area.get_attribute("value") == MISREAD
        area.clear()
        area.send_keys(RIGHT)
        bubble.find_element(By.CSS_SELECTOR, ".fixform button:not([name])").click()
        fixed = wait_for(lambda: [d for d in driver.find_elements(By.CSS_SELECTOR, "details.bubble") if RIGHT in d.text], 120, "corrected bubble")
        assert "已更正" in fixed[0].text
        snap(driver, "04-corrected")

        driver.get(served.url.split("/?")[0] + "/")
        driver.find_element(By.ID, "build-button").click()
        wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "[data-job-done=build]") or
                 driver.find_elements(By.CSS_SELECTOR, "#build-result .alert"), 300, "build")
        assert not driver.find_elements(By.CSS_SELECTOR, "#build-result .alert"), driver.find_element(By.ID, "build-result").text
        driver.refresh()
        snap(driver, "05-built")
        driver.find_element(By.CSS_SELECTOR, 'a[href="/preview/police"]').click()
        frame = wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "iframe.pdf"), 60, "the preview")[0]
        assert frame.get_attribute("src").endswith("/packets/police?inline=1")
        snap(driver, "06-preview")
        driver.back()
        wait_for(lambda: driver.find_elements(By.ID, "download-police"), 60, "the overview again")[0].click()
        pdf = wait_download(downloads, "police.pdf", 180)
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        squashed = "".join(text.split())
        assert RIGHT in squashed and "经本人核对更正" in squashed
        assert "徽信" not in squashed
        assert pdf.read_bytes() == (new_case.out_dir / "police.pdf").read_bytes()
    finally:
        driver.quit()
        code, err = stop_cli(served)
    assert code == 0 and "Traceback" not in err, err


UNLABELLED = """
return [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')].filter(el => {
  if (el.tagName === 'BUTTON') return !el.textContent.trim() && !el.getAttribute('aria-label');
  const byFor = el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
  return !(byFor || el.closest('label') || el.getAttribute('aria-label'));
}).map(el => el.outerHTML.slice(0, 120));
"""
OVERFLOW = "return document.documentElement.scrollWidth - document.documentElement.clientWidth;"


def test_pages_fit_a_phone_switch_to_english_and_label_every_control(tmp_path: Path):
    """Every page at a phone-sized window: nothing wider than the screen, every control labelled
    for screen readers, the skip link first in the tab order; the English switch and back."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    from .test_packets import CASE_TOML, make_case

    case = make_case(tmp_path / "case", CASE_TOML)
    chat = next(i.id for i in case.items() if i.original_name == "chat.png")
    served = start_cli(case.root)
    driver = chromium(tmp_path / "profile", tmp_path, size=(390, 844))
    try:
        driver.get(served.url)
        base = served.url.split("/?")[0]
        for name, path in (("phone-overview", "/"), ("phone-item", f"/item/{chat}"), ("phone-facts", "/facts")):
            driver.get(base + path)
            assert driver.execute_script(OVERFLOW) <= 1, f"{path} is wider than a phone screen"
            assert driver.execute_script(UNLABELLED) == [], path
            snap(driver, name)
            driver.set_window_size(390, 844)
        driver.get(base + "/")
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        assert driver.switch_to.active_element.get_attribute("class") == "skip"
        driver.find_element(By.CSS_SELECTOR, "a.lang").click()
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
        assert "What is still missing" in driver.find_element(By.ID, "steps-h").text
        snap(driver, "phone-overview-en")
        driver.find_element(By.CSS_SELECTOR, "a.lang").click()
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN"
        assert "还缺什么" in driver.find_element(By.ID, "steps-h").text
    finally:
        driver.quit()
        stop_cli(served)
