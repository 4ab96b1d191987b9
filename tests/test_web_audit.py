"""Issue 14 used as a victim would (session 20 audit): each test is one thing the audit found
failing or unproven, checked the way it was found — over real HTTP, or in Debian's headless
Chromium against `casekit serve`. Page screenshots at 1366×768 and 390×844 are saved in
tests/artifacts/web/ (gitignored)."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from casekit.store import Case
from casekit.synth import render_chat
from casekit.web import english

from .browser import chromium, snap, wait_download, wait_for
from .test_packets import CASE_TOML, make_case
from .test_web_browser import FACTS, OVERFLOW, UNLABELLED
from .webtools import InThread, start_cli, stop_cli

SPARSE = '[case]\ntitle = "直播间买大衣"\n[[suspects]]\nname = "不相干的人"\n'


def test_a_build_with_gaps_is_refused_in_the_pages_words_not_the_clis(tmp_path: Path):
    case = make_case(tmp_path / "case", SPARSE)
    with InThread(case.root) as served:
        status, _, body = served.form("/build", {}, headers={"HX-Request": "true"})
        page = body.decode("utf-8")
        assert status == 400 and 'role="alert"' in page
        assert "有缺项也生成草稿" in page and "casekit status" not in page and "--draft" not in page
        assert b"hx-get" not in served.request("GET", "/progress/build")[2]  # no job was started
    assert not list(case.out_dir.glob("*.pdf"))


def test_the_checklist_points_at_the_pages_own_controls_not_at_commands(tmp_path: Path):
    case = make_case(tmp_path / "case", SPARSE)  # no item matches this suspect: each one is flagged
    with InThread(case.root) as served:
        html = served.request("GET", "/")[2].decode("utf-8")
    for item in case.items():
        assert f'href="#row-{item.id}"' in html and f'id="row-{item.id}"' in html
    steps = html[html.index('id="steps"'):html.index('id="packets"')]
    assert "casekit link" not in steps and "casekit add" not in steps and "casekit exclude" not in steps


def test_a_draft_builds_gap_lines_name_the_gap_and_the_steps_without_commands():
    line = "报案人电话 — 在 case.toml 的 [victim] phone 填写，或运行 casekit interview DIR（第3步 报案、第4步 12315/消协投诉）"
    assert english.gap_line(line, "zh") == english.Shown("报案人电话（第3步 报案、第4步 12315/消协投诉）", "zh-CN")
    assert english.gap_line(line, "en") == english.Shown(
        "Your phone (Step 3 · police report; Step 4 · 12315 / consumer association complaint)", "en")


def test_the_saved_note_and_item_times_read_as_a_person_reads_them(tmp_path: Path):
    case = make_case(tmp_path / "case", CASE_TOML)
    chat = next(i.id for i in case.items() if i.original_name == "chat.png")
    with InThread(case.root) as served:
        status, headers, _ = served.form(f"/item/{chat}/correct", {"record": "message", "number": "2", "confirm": "1"})
        assert status == 303 and headers["location"] == f"/item/{chat}?saved=m2#m2"
        html = served.request("GET", headers["location"].split("#")[0])[2].decode("utf-8")
        forged = served.request("GET", f"/item/{chat}?saved=%3Cscript%3E")[2].decode("utf-8")
    assert 'role="status" id="saved-note"' in html and "#2" in html
    assert '<span class="when">2026-03-05 14:00</span>' in html and "T14:00+08:00</span>" not in html
    assert 'id="saved-note"' not in forged and "<script>" not in forged


def chat_files(folder: Path, n: int) -> list[Path]:
    folder.mkdir()
    out = []
    for i in range(n):
        image, _ = render_chat([{"kind": "time", "text": "3月5日 下午2:00"},
                                {"speaker": "them", "text": f"加我微信私下转账便宜{200 + i}"},
                                {"speaker": "me", "text": "好的我现在转给你"}], contact="张三丰")
        path = folder / f"聊天{i:02d}.png"
        image.save(path)
        out.append(path)
    return out


DROP = """
const [blobs, names] = arguments;
const dt = new DataTransfer();
blobs.forEach((b, i) => {
  const bin = atob(b), bytes = new Uint8Array(bin.length);
  for (let k = 0; k < bin.length; k++) bytes[k] = bin.charCodeAt(k);
  dt.items.add(new File([bytes], names[i], {type: "image/png", lastModified: 1772691300000 + i * 60000}));
});
const form = document.getElementById("upload-form");
for (const type of ["dragenter", "dragover", "drop"])
  form.dispatchEvent(new DragEvent(type, {dataTransfer: dt, bubbles: true, cancelable: true}));
"""


@pytest.mark.slow
@pytest.mark.usefixtures("sigint_handled")
def test_many_files_dropped_at_once_show_both_bars_and_are_all_read(tmp_path: Path, new_case: Case):
    """A real drop event carrying ten screenshots onto the drop zone (Selenium cannot drag from
    the desktop, so the page's own drop handler gets a DataTransfer of real files): the upload
    bar fills, the extraction label counts n/10 from the library's callback, all ten are added
    byte for byte and read."""
    from selenium.webdriver.common.by import By

    new_case.toml_path.write_text(FACTS, encoding="utf-8")
    files = chat_files(tmp_path / "phone", 10)
    served = start_cli(new_case.root)
    driver = chromium(tmp_path / "profile", tmp_path, size=(1366, 768))
    try:
        driver.get(served.url)
        driver.execute_script(DROP, [base64.b64encode(p.read_bytes()).decode() for p in files], [p.name for p in files])
        labels: list[str] = []

        def finished():
            label = driver.execute_script("const l = document.querySelector('label[for=extract-bar]'); return l ? l.textContent : ''")
            if label and (not labels or labels[-1] != label):
                labels.append(" ".join(label.split()))
            return driver.find_elements(By.CSS_SELECTOR, "[data-job-done=extract], #upload-result .alert")
        wait_for(finished, 900, "the ten files to be read")
        assert not driver.find_elements(By.CSS_SELECTOR, "#upload-result .alert")
        assert driver.execute_script("return document.getElementById('upload-bar').value") == 100
        assert driver.find_element(By.ID, "upload-result").text.count("已加入") == 10
        assert any(re.search(r"\b\d+/10\b", label) for label in labels), labels
        wait_for(lambda: driver.find_element(By.ID, "items").text.count("聊天截图") == 10, 60, "the list to refresh")
        snap(driver, "audit-dropped-ten")
    finally:
        driver.quit()
        stop_cli(served)
    items = new_case.items()
    assert sorted(i.original_name for i in items) == [p.name for p in files]
    assert all(i.path.read_bytes() == (tmp_path / "phone" / i.original_name).read_bytes() for i in items)
    assert all(new_case.load_extraction(i.id) is not None for i in items)


@pytest.mark.slow
@pytest.mark.usefixtures("sigint_handled")
def test_keyboard_only_fix_a_bubble_then_build_a_draft_preview_and_download(tmp_path: Path):
    """No mouse: Tab to a bubble, Enter opens it, type the fix, Enter on 保存更正; the page comes
    back with the focus on that bubble and a status note. Then a build with gaps is refused in
    the page (htmx swaps the 400 in), Space ticks 草稿, Enter builds, and the preview and download work."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    case = make_case(tmp_path / "case", CASE_TOML.replace('phone = "13900001111"\n', ""))
    chat = next(i.id for i in case.items() if i.original_name == "chat.png")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    served = start_cli(case.root)
    driver = chromium(tmp_path / "profile", downloads, size=(1366, 768))

    def press(*keys):
        ActionChains(driver).send_keys(*keys).perform()

    def tab_to(predicate, limit=300):
        for _ in range(limit):
            press(Keys.TAB)
            if predicate(driver.switch_to.active_element):
                return driver.switch_to.active_element
        raise AssertionError("not reachable with Tab")

    try:
        driver.get(served.url)
        base = served.url.split("/?")[0]
        driver.get(base + f"/item/{chat}")
        tab_to(lambda e: e.tag_name == "summary" and "#1" in e.text)
        press(Keys.ENTER)
        assert driver.execute_script("return document.getElementById('m1').open")
        area = tab_to(lambda e: e.tag_name == "textarea")
        area.send_keys(Keys.CONTROL, "a")
        area.send_keys("加我微信私下转账便宜200（已核对）")
        tab_to(lambda e: e.tag_name == "button" and e.text == "保存更正", 10)
        press(Keys.ENTER)
        wait_for(lambda: driver.find_elements(By.ID, "saved-note"), 30, "the saved note")
        wait_for(lambda: driver.switch_to.active_element.tag_name == "summary"
                 and "已核对" in driver.switch_to.active_element.text, 30, "the focus back on the corrected bubble")
        snap(driver, "audit-keyboard-saved")

        driver.get(base + "/")
        tab_to(lambda e: e.get_attribute("id") == "build-button")
        press(Keys.ENTER)
        alert = wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "#build-result [role=alert]"), 120, "the refusal")
        assert "有缺项也生成草稿" in alert[0].text
        focused = driver.switch_to.active_element
        assert focused.get_attribute("id") == "build-button", focused.get_attribute("outerHTML")[:200]  # the refusal did not take the focus away
        ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
        assert driver.switch_to.active_element.get_attribute("name") == "draft", driver.switch_to.active_element.get_attribute("outerHTML")[:200]
        press(Keys.SPACE)
        press(Keys.TAB)
        assert driver.switch_to.active_element.get_attribute("id") == "build-button"
        press(Keys.ENTER)
        wait_for(lambda: "有缺项也生成草稿" not in driver.find_element(By.ID, "build-result").text, 60, "the build to start")
        wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "[data-job-done=build], #build-result .alert"), 600, "the draft build")
        result = driver.find_element(By.ID, "build-result").text
        assert "材料已生成" in result and "报案人电话" in result and "casekit" not in result, result
        tab_to(lambda e: (e.get_attribute("href") or "").endswith("/preview/police"))
        press(Keys.ENTER)
        frame = wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "iframe.pdf"), 30, "the preview")
        assert frame[0].get_attribute("src").endswith("/packets/police?inline=1")
        tab_to(lambda e: (e.get_attribute("href") or "").endswith("/packets/police"))
        press(Keys.ENTER)
        pdf = wait_download(downloads, "police.pdf", 120)
        assert pdf.read_bytes() == (case.out_dir / "police.pdf").read_bytes()
    finally:
        driver.quit()
        stop_cli(served)


@pytest.mark.slow
@pytest.mark.usefixtures("sigint_handled")
def test_every_page_at_laptop_and_phone_size_in_both_languages(tmp_path: Path):
    """Each page at 1366×768 and 390×844, Chinese and English: nothing wider than the window,
    every control labelled, the page's language declared; screenshots kept for a person to look at."""
    from selenium.webdriver.common.by import By

    from casekit.packets import build_packets

    case = make_case(tmp_path / "case", CASE_TOML)
    build_packets(case, "all", draft=True, jobs=1)
    chat = next(i.id for i in case.items() if i.original_name == "chat.png")
    served = start_cli(case.root)
    driver = chromium(tmp_path / "profile", tmp_path, size=(1366, 768))
    try:
        driver.get(served.url)
        base = served.url.split("/?")[0]
        for lang, html_lang in (("zh", "zh-CN"), ("en", "en")):
            driver.get(base + f"/lang/{lang}?back=/")
            for width, height in ((1366, 768), (390, 844)):
                for name, path in (("overview", "/"), ("item", f"/item/{chat}"), ("facts", "/facts"), ("preview", "/preview/police")):
                    driver.set_window_size(width, height)
                    driver.get(base + path)
                    wait_for(lambda: driver.execute_script("return document.readyState") == "complete", 60, "the page")
                    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == html_lang
                    assert driver.execute_script(OVERFLOW) <= 1, (lang, width, path)
                    assert driver.execute_script(UNLABELLED) == [], (lang, width, path)
                    driver.save_screenshot(str(snap_dir() / f"audit-{lang}-{width}-{name}.png"))
    finally:
        driver.quit()
        stop_cli(served)


def snap_dir() -> Path:
    from .browser import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
