"""The guard every request to `casekit serve` passes through.

- **Host**: only `localhost`, `127.0.0.1` or `[::1]` (with the server's port, or none). A page
  on another site that points its own name at 127.0.0.1 (DNS rebinding) sends its own Host and
  is refused before anything else happens.
- **Token**: the URL `serve` prints carries a one-time token. The first request that brings it
  gets a session cookie (HttpOnly, SameSite=Strict) and a redirect to the same address without
  the token, so it leaves the address bar and the history. The token then no longer works;
  every other request needs the cookie.
- **CSRF**: a request that changes something (any method but GET/HEAD) needs an Origin (or,
  failing that, Referer) of this server and the session's CSRF token in the `X-CSRF-Token`
  header (htmx sends it from `hx-headers`) or in a `csrf` form field checked by the endpoint.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qsl, urlencode, urlsplit

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
# Sent with every response: scripts only from this server (no inline script anywhere), no
# framing by another page (clickjacking), no referrer leaving the page, no MIME sniffing.
HARDENING = [
    (b"content-security-policy", b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                                 b"img-src 'self' data:; frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # not no-referrer: Chromium then sends "Origin: null" with forms
    (b"x-frame-options", b"SAMEORIGIN"),
]
SAFE_METHODS = ("GET", "HEAD")
CSRF_HEADER = "x-csrf-token"


@dataclass
class Secrets:
    """The server's secrets: the one-time URL token, the session cookie value, the CSRF token."""

    port: int
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    session: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    token_used: bool = False

    @property
    def cookie_name(self) -> str:
        # Cookies are shared across ports of one host: name the cookie after the port so two
        # cases served at once do not log each other out.
        return f"casekit_{self.port}"

    def allowed_hosts(self) -> set[str]:
        return {name for base in LOOPBACK_NAMES for name in (base, f"{base}:{self.port}")}

    def allowed_origins(self) -> set[str]:
        return {f"http://{base}:{self.port}" for base in LOOPBACK_NAMES}

    def csrf_ok(self, value: str | None) -> bool:
        return bool(value) and same_secret(str(value), self.csrf)


def same_secret(given: str, secret: str) -> bool:
    """Constant-time comparison that also takes non-ASCII input (compare_digest refuses it on str)."""
    return hmac.compare_digest(given.encode("utf-8", "replace"), secret.encode("utf-8"))


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _cookie(headers: dict[str, str], name: str) -> str | None:
    jar = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:  # a malformed Cookie header is simply no cookie
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


async def _reply(send: Send, status: int, zh: str, en: str, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    body = (f"<!doctype html><html lang=zh-CN><meta charset=utf-8><title>casekit</title>"
            f"<p>{zh}</p><p lang=en>{en}</p></html>").encode("utf-8")
    headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode()),
               (b"cache-control", b"no-store")] + (extra or [])
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """ASGI middleware enforcing Host, token/cookie and Origin + CSRF header rules."""

    def __init__(self, app: Callable[..., Awaitable[None]], keys: Secrets) -> None:
        self.app = app
        self.keys = keys

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            return  # no websockets
        send = _hardened(send)
        headers = _headers(scope)
        keys = self.keys
        if headers.get("host", "").lower() not in keys.allowed_hosts():
            await _reply(send, 421, "只接受本机地址 localhost / 127.0.0.1 的访问",
                         "only requests addressed to localhost / 127.0.0.1 are served")
            return
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        given = next((v for k, v in query if k == "token"), None)
        if given is not None and scope["method"] in SAFE_METHODS:
            if not keys.token_used and same_secret(given, keys.token):
                keys.token_used = True
                rest = urlencode([(k, v) for k, v in query if k != "token"])
                location = scope.get("path", "/") + (f"?{rest}" if rest else "")
                cookie = f"{keys.cookie_name}={keys.session}; HttpOnly; SameSite=Strict; Path=/"
                await _reply(send, 303, "已登录，正在打开…", "signed in; opening…",
                             [(b"location", location.encode("latin-1")), (b"set-cookie", cookie.encode("latin-1"))])
                return
        session = _cookie(headers, keys.cookie_name)
        if not (session and same_secret(session, keys.session)):
            if given is not None and keys.token_used:
                zh, en = ("这个链接已用过一次：请在已打开的浏览器窗口中继续，或重新运行 casekit serve 取得新链接",
                          "this link has been used once already: go on in the browser window it opened, "
                          "or run `casekit serve` again for a new link")
            else:
                zh, en = ("需要 casekit serve 打印的链接（含一次性口令）才能打开；关掉了浏览器的话，在终端按 Ctrl-C，"
                          "再运行 casekit serve 取得新链接",
                          "open the link `casekit serve` printed (it carries a one-time token); if the browser was "
                          "closed, press Ctrl-C in the terminal and run `casekit serve` again for a new link")
            await _reply(send, 403, zh, en)
            return
        if scope["method"] not in SAFE_METHODS:
            origin = headers.get("origin") or _origin_of(headers.get("referer", ""))
            if origin not in keys.allowed_origins():
                await _reply(send, 403, "拒绝来自其他网站的提交", "refused: the request did not come from this page")
                return
            scope.setdefault("state", {})["csrf_header_ok"] = keys.csrf_ok(headers.get(CSRF_HEADER))
        await self.app(scope, receive, send)


def _hardened(send: Send) -> Send:
    async def wrapped(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            present = {k.lower() for k, _ in message.get("headers", [])}
            message["headers"] = list(message.get("headers", [])) + [(k, v) for k, v in HARDENING if k not in present]
        await send(message)
    return wrapped


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None
