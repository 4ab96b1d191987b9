"""Helpers for the web tests: run `casekit serve` for real (a subprocess, or uvicorn in a
thread for tests that need small limits) and talk to it over real HTTP on loopback."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

URL_LINE = re.compile(r"^http://127\.0\.0\.1:(\d+)/\?token=([A-Za-z0-9_-]{20,})$")


@dataclass
class Served:
    url: str
    port: int
    token: str
    proc: subprocess.Popen | None = None
    stop: object | None = None
    cookie: str = ""
    csrf: str = ""
    extra: dict = field(default_factory=dict)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None,
                host: str | None = None, origin: bool = True, csrf: bool = True, cookie: bool = True,
                address: str = "127.0.0.1", timeout: float = 120) -> tuple[int, dict[str, str], bytes]:
        """One real HTTP request; by default as the signed-in page would send it."""
        conn = http.client.HTTPConnection(address, self.port, timeout=timeout)
        sent = {"Host": f"127.0.0.1:{self.port}" if host is None else host}
        if cookie and self.cookie:
            sent["Cookie"] = self.cookie
        if method not in ("GET", "HEAD") and origin:
            sent["Origin"] = f"http://127.0.0.1:{self.port}"
        if method not in ("GET", "HEAD") and csrf and self.csrf:
            sent["X-CSRF-Token"] = self.csrf
        sent.update(headers or {})
        conn.request(method, path, body=body, headers=sent)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data

    def sign_in(self) -> None:
        """Exchange the one-time token for the cookie, read the CSRF token off the page."""
        status, headers, _ = self.request("GET", f"/?token={self.token}", cookie=False)
        assert status == 303, status
        self.cookie = headers["set-cookie"].split(";", 1)[0]
        status, _, page = self.request("GET", "/")
        assert status == 200, page[:500]
        self.csrf = re.search(rb'data-csrf="([^"]+)"', page).group(1).decode()

    def form(self, path: str, fields: dict[str, str], headers: dict[str, str] | None = None, **kw) -> tuple[int, dict[str, str], bytes]:
        from urllib.parse import urlencode

        body = urlencode(fields).encode()
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}, **kw)


def multipart(files: list[tuple[str, bytes]], boundary: str = "casekitTestBoundary7MA4YWxk",
              mtimes: list[int] | None = None) -> tuple[bytes, str]:
    parts = []
    for n, (name, data) in enumerate(files):
        if mtimes:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="mtime"\r\n\r\n{mtimes[n]}\r\n'.encode())
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
                     f"Content-Type: application/octet-stream\r\n\r\n".encode("utf-8") + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def start_cli(case_root: Path, *args: str, env: dict[str, str] | None = None, no_open: bool = True) -> Served:
    """`python -m casekit serve CASE --no-open` as a real process; waits for its first line."""
    flags = ["--no-open"] if no_open else []
    proc = subprocess.Popen([sys.executable, "-m", "casekit", "serve", str(case_root), *flags, *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "OMP_THREAD_LIMIT": "1", **(env or {})})
    line = proc.stdout.readline().strip()  # the contract: the URL is the first line of stdout
    match = URL_LINE.match(line)
    if not match:
        proc.kill()
        raise AssertionError(f"first line was {line!r}; stderr: {proc.stderr.read()}")
    return Served(line, int(match.group(1)), match.group(2), proc=proc)


def stop_cli(served: Served, timeout: float = 90) -> tuple[int, str]:
    """Ctrl-C the server; returns (exit code, stderr)."""
    served.proc.send_signal(signal.SIGINT)
    try:
        code = served.proc.wait(timeout)
    finally:
        if served.proc.poll() is None:
            served.proc.kill()
    return code, served.proc.stderr.read()


class InThread:
    """The real app on real loopback sockets, run by uvicorn in a thread (for custom limits)."""

    def __init__(self, case_root: Path, limits=None) -> None:
        import uvicorn

        from casekit.web.app import create_app
        from casekit.web.security import Secrets
        from casekit.web.server import bind_loopback, url_for

        self.sockets = bind_loopback(0)
        keys = Secrets(port=self.sockets[0].getsockname()[1])
        self.app = create_app(case_root, keys, limits)
        self.server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.served = Served(url_for(keys), keys.port, keys.token)

    def _run(self) -> None:
        import asyncio

        asyncio.run(self.server.serve(sockets=self.sockets))

    def __enter__(self) -> Served:
        self.thread.start()
        deadline = time.monotonic() + 120  # a slow, loaded CI machine: wait on the server's state, generously
        while not self.server.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.05)
        self.served.sign_in()
        return self.served

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(90)
        for s in self.sockets:
            s.close()


def listening(port: int) -> list[str]:
    """The local addresses listening on `port`, from /proc/net/tcp{,6}."""
    found = []
    for name, width in (("tcp", 8), ("tcp6", 32)):
        try:
            lines = Path(f"/proc/net/{name}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            addr, hexport = cols[1].split(":")
            if int(hexport, 16) == port and cols[3] == "0A":  # LISTEN
                found.append(addr)
    return found


def body_json(data: bytes) -> object:
    return json.loads(data.decode("utf-8"))


def host_of(url: str) -> str:
    return urlsplit(url).netloc
