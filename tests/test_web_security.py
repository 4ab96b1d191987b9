"""`casekit serve` security over real HTTP on loopback (issue 14 §2 security, §3)."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest

from casekit.store import Case

from .conftest import run_casekit
from .webtools import InThread, Served, listening, multipart, start_cli, stop_cli

pytestmark = pytest.mark.usefixtures("sigint_handled")
LOOPBACK_V4 = "0100007F"
LOOPBACK_V6 = "00000000000000000000000001000000"


@pytest.fixture
def served(new_case: Case):
    s = start_cli(new_case.root)
    try:
        yield s
    finally:
        if s.proc.poll() is None:
            stop_cli(s)


def test_url_with_token_is_the_first_line_and_only_loopback_listens(served: Served):
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?token=\S{20,}", served.url)
    addresses = listening(served.port)
    assert LOOPBACK_V4 in addresses
    assert set(addresses) <= {LOOPBACK_V4, LOOPBACK_V6}, addresses  # never 0.0.0.0 / ::
    code, err = stop_cli(served)
    assert code == 0 and "Traceback" not in err and "已停止" in err


def test_serve_opens_the_browser_only_on_a_desktop_and_not_with_no_open(new_case: Case, tmp_path: Path):
    """webbrowser honours $BROWSER: a script that writes down the URL it is given stands in for one."""
    opened = tmp_path / "opened.txt"
    script = tmp_path / "browser.sh"
    script.write_text(f'#!/bin/sh\necho "$1" >> {opened}\n')
    script.chmod(0o755)
    desktop = {"BROWSER": str(script), "DISPLAY": ":99"}
    for env, no_open, expect in ((desktop, False, True), (desktop, True, False),
                                 ({"BROWSER": str(script), "DISPLAY": "", "WAYLAND_DISPLAY": ""}, False, False)):
        opened.unlink(missing_ok=True)
        s = start_cli(new_case.root, env=env, no_open=no_open)
        try:
            # serve answers only once webbrowser.open has returned (it waits for a $BROWSER
            # script), so the first answer is the moment to look: no sleeping, no guessing
            assert s.request("GET", "/", cookie=False)[0] == 403
            if expect:
                assert opened.read_text().strip() == s.url
            else:
                assert not opened.exists()
        finally:
            stop_cli(s)


def test_a_busy_port_is_a_one_line_error(new_case: Case):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        result = run_casekit("serve", new_case.root, "--no-open", "--port", str(taken.getsockname()[1]))
    assert result.returncode == 1 and "已被占用" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_no_token_or_a_wrong_token_is_refused(served: Served):
    for path in ("/", "/facts", "/item/E0001", "/packets/police", "/static/htmx.min.js", "/?token=wrong" + "x" * 20):
        status, _, body = served.request("GET", path)
        assert status == 403, path
        assert "casekit serve".encode() in body
    status, _, _ = served.form("/facts", {"case.title": "x"})
    assert status == 403
    for odd in ("/?token=%E4%B8%AD%E6%96%87", "/?token=%FF%00"):
        assert served.request("GET", odd)[0] == 403
    port = served.port
    assert served.request("GET", "/", headers={"Cookie": f"casekit_{port}=\u00e9t\u00e9".encode().decode("latin-1")})[0] == 403
    assert served.request("GET", "/", headers={"Cookie": 'casekit_%d="unterminated; x' % port})[0] == 403


def test_token_becomes_an_httponly_strict_cookie_and_works_once(served: Served):
    status, headers, _ = served.request("GET", f"/?token={served.token}&lang=x")
    assert status == 303
    assert headers["location"] == "/?lang=x"  # the token leaves the address bar
    cookie = headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    served.cookie = cookie.split(";", 1)[0]
    status, headers, page = served.request("GET", "/")
    assert status == 200 and "还缺什么".encode() in page
    assert "frame-ancestors 'self'" in headers["content-security-policy"] and "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "same-origin"
    again = Served(served.url, served.port, served.token)
    status, _, body = again.request("GET", f"/?token={served.token}")
    assert status == 403 and "用过".encode() in body  # one-time: a copied link is useless


def test_a_foreign_host_header_is_rejected_even_with_the_cookie(served: Served):
    served.sign_in()
    for host in ("evil.example", f"evil.example:{served.port}", f"127.0.0.1.evil.example:{served.port}",
                 f"localhost:{served.port + 1}", ""):
        status, _, body = served.request("GET", "/", host=host)
        assert status in (400, 421), host
        assert "还缺什么".encode() not in body
    for host in (f"localhost:{served.port}", f"127.0.0.1:{served.port}"):
        assert served.request("GET", "/", host=host)[0] == 200
    if LOOPBACK_V6 in listening(served.port):  # IPv6 loopback, when the machine has it
        assert served.request("GET", "/", host=f"[::1]:{served.port}", address="::1")[0] == 200
        assert served.request("GET", "/", host=f"evil.example:{served.port}", address="::1")[0] == 421


def test_changes_need_this_origin_and_the_csrf_token(served: Served, new_case: Case):
    served.sign_in()
    before = new_case.toml_path.read_bytes()
    assert served.form("/facts", {"case.title": "改了"}, origin=False)[0] == 403
    assert served.form("/facts", {"case.title": "改了"}, headers={"Origin": "http://evil.example"})[0] == 403
    assert served.form("/facts", {"case.title": "改了"}, csrf=False)[0] == 403
    assert new_case.toml_path.read_bytes() == before
    status, headers, _ = served.form("/facts", {"case.title": "改了"})
    assert status == 303 and "改了" in new_case.toml_path.read_text("utf-8")


def test_path_traversal_in_any_parameter_is_refused(served: Served, new_case: Case):
    served.sign_in()
    secret = "TRAVERSAL-SECRET-7f3a"
    (new_case.root.parent / "outside.txt").write_text(secret)
    (new_case.root / ".casekit" / "secret.txt").write_text(secret)
    probes = ["/item/..%2F..%2Foutside.txt", "/item/..%2Fcase.toml/original", "/item/E0001%2F..%2F..%2Fcase.toml/original",
              "/item/%2e%2e/original", "/item/E0001/../../outside.txt", "/packets/..%2F..%2Foutside.txt",
              "/packets/..%2Fcase.toml", "/static/..%2F..%2F..%2Fcase.toml", "/static/%2e%2e%2fapp.css",
              "/progress/..%2Fcase.toml", "/lang/..%2Fen", "/static/..%2F.casekit%2Fsecret.txt"]
    for probe in probes:
        status, _, body = served.request("GET", probe)
        assert status in (400, 403, 404), (probe, status)
        assert secret.encode() not in body and b"[case]" not in body, probe
    status, headers, _ = served.request("GET", "/lang/en?back=//evil.example/x")
    assert status == 303 and headers["location"] == "/"
    for eid in ("../../outside.txt", "E0001/../x", "..", "E00011111111"):
        status, _, body = served.form(f"/item/{eid}/exclude".replace("/../", "/%2E%2E/"), {"reason": "x"})
        assert status in (400, 403, 404, 405), eid
    status, _, body = served.form("/proposals/accept", {"field": "order.order_id", "evidence_id": "../../x"})
    assert status in (400, 404)
    assert [e["action"] for e in new_case.custody_entries()] == ["init"]


def test_an_oversized_upload_is_refused_clearly_and_nothing_is_half_added(new_case: Case):
    from casekit.web.uploads import Limits

    with InThread(new_case.root, Limits(file_bytes=50_000, files=3)) as served:
        body, ctype = multipart([("a.png", b"\x89PNG small one"), ("big.png", b"x" * 80_000)])
        status, _, page = served.request("POST", "/upload", body, {"Content-Type": ctype, "X-Requested-With": "XMLHttpRequest"})
        assert status == 413
        text = page.decode("utf-8")
        assert "文件太大" in text and "nothing from this batch was added" in text and "Traceback" not in text
        body, ctype = multipart([(f"{n}.png", b"x") for n in range(4)])
        status, _, page = served.request("POST", "/upload", body, {"Content-Type": ctype, "X-Requested-With": "XMLHttpRequest"})
        assert status == 400 and "最多" in page.decode("utf-8")
        assert new_case.items() == []
        assert list(new_case.tmp_dir.iterdir()) == []  # no staging left behind
        body, ctype = multipart([("../../../etc/evil name\x07.png", b"same bytes"), ("ok.txt", b"same bytes")],
                                mtimes=[1772691300000, 1772691400000])  # the browser's File.lastModified
        status, _, page = served.request("POST", "/upload", body, {"Content-Type": ctype, "X-Requested-With": "XMLHttpRequest"})
        assert status == 200, page
        items = new_case.items()
        assert [i.original_name for i in items] == ["evil name.png"]  # a sanitised name; the twin is a duplicate
        assert items[0].path.resolve().is_relative_to(new_case.evidence_dir)
        assert "重复" in page.decode("utf-8")
        assert items[0].metadata["mtime"].startswith("2026-03-05T06:15:00")  # the file's own time, not the upload's
        assert not (new_case.root.parent / "etc").exists()


def test_the_cli_and_the_page_saving_at_once_both_complete(new_case: Case, tmp_path: Path):
    """Many facts saves from the page while `casekit add` and `casekit exclude` run as real processes."""
    src = tmp_path / "files"
    src.mkdir()
    for n in range(12):
        (src / f"note{n}.txt").write_bytes(f"evidence {n} ".encode() * 2000)
    with InThread(new_case.root) as served:
        results: list[int] = []

        def page_saves() -> None:
            for n in range(15):
                results.append(served.form("/facts", {"case.title": f"标题{n}", "victim.name": f"赵{n}"})[0])

        writer = threading.Thread(target=page_saves)
        writer.start()
        added = run_casekit("add", new_case.root, src)
        writer.join(120)
        assert added.returncode == 0, added.stderr
        excluded = run_casekit("exclude", new_case.root, "E0003", "--reason", "与本案无关")
        assert excluded.returncode == 0, excluded.stderr
    assert results == [303] * 15
    assert len(new_case.items()) == 12 and new_case.item("E0003").excluded
    text = new_case.toml_path.read_text("utf-8")
    assert 'title = "标题14"' in text and 'name = "赵14"' in text
    assert "# " in text  # the template's comments are still there
    facts_logged = [e for e in new_case.custody_entries() if e.get("action") == "facts"]
    assert len(facts_logged) == 15
    verified = run_casekit("verify", new_case.root)
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_an_upload_cut_off_halfway_adds_nothing_and_leaves_no_staging(new_case: Case):
    import socket

    with InThread(new_case.root) as served:
        body, ctype = multipart([("a.png", b"a" * 5000), ("b.png", b"b" * 400_000)])
        head = (f"POST /upload HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\nCookie: {served.cookie}\r\n"
                f"Origin: http://127.0.0.1:{served.port}\r\nX-CSRF-Token: {served.csrf}\r\nContent-Type: {ctype}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        with socket.create_connection(("127.0.0.1", served.port)) as conn:
            conn.sendall(head + body[: len(body) // 2])  # the browser tab is closed mid-upload
        deadline = time.monotonic() + 10
        while any(new_case.tmp_dir.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert list(new_case.tmp_dir.iterdir()) == []
        assert served.request("GET", "/")[0] == 200  # the server is still there
    assert new_case.items() == []


def test_ctrl_c_the_moment_the_url_is_printed_still_stops_cleanly(new_case: Case):
    for _ in range(3):
        s = start_cli(new_case.root)
        code, err = stop_cli(s)  # at once: before uvicorn may have taken SIGINT over
        assert code == 0 and "Traceback" not in err and "已停止" in err, err


def test_oversized_or_unmeasured_form_posts_are_refused_before_they_are_read(new_case: Case):
    """The facts and correction forms had no size limit: a huge or chunked body is refused with
    one clear line and nothing is written."""
    import socket

    before = new_case.toml_path.read_bytes()
    with InThread(new_case.root) as served:
        big = b"case.title=" + b"x" * (1024 * 1024 + 10)
        status, _, page = served.request("POST", "/facts", big, {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 413 and "表单内容过大" in page.decode("utf-8") and "Traceback" not in page.decode("utf-8")
        head = (f"POST /facts HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\nCookie: {served.cookie}\r\n"
                f"Origin: http://127.0.0.1:{served.port}\r\nX-CSRF-Token: {served.csrf}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
        with socket.create_connection(("127.0.0.1", served.port), timeout=60) as conn:
            conn.sendall(head.encode() + b"10\r\ncase.title=chunk\r\n0\r\n\r\n")
            reply = conn.recv(200)
        assert reply.startswith(b"HTTP/1.1 413"), reply
        assert served.request("GET", "/")[0] == 200
    assert new_case.toml_path.read_bytes() == before


def test_the_parameters_added_this_session_refuse_traversal_and_forgery(served: Served, new_case: Case):
    """Preview, the saved note, the facts rows, the correction's record and number."""
    served.sign_in()
    before = new_case.toml_path.read_bytes()
    for probe in ("/preview/..%2F..%2Fcase.toml", "/preview/..%2Fcase.toml", "/preview/police%2F..%2F..%2Fcase.toml"):
        status, _, body = served.request("GET", probe)
        assert status in (400, 404) and b"[case]" not in body, probe
    rows = {"events.../../x.text": "x", "events.-1.text": "x", "events.0.text/../../y": "x", "demands.new.kind": "../../etc",
            "events.1e9.text": "x"}
    status, _, body = served.form("/facts", rows)
    assert status == 400 and "demands" in body.decode("utf-8")  # the only row field that parses is validated and refused
    assert new_case.toml_path.read_bytes() == before
    for record, number in (("../message", "1"), ("message", "-1"), ("message", "1/../2"), ("message", "99999")):
        status, _, _ = served.form("/item/E0001/correct", {"record": record, "number": number, "text": "x"})
        assert status in (400, 404), (record, number)
    status, _, body = served.request("GET", "/", cookie=False)
    assert status == 403 and "再运行 casekit serve 取得新链接" in body.decode("utf-8")  # the way back in after closing the browser
    assert [e["action"] for e in new_case.custody_entries()] == ["init"]
