"""Bind loopback sockets and run the page with uvicorn until Ctrl-C.

Only 127.0.0.1 and (when the machine has IPv6) ::1 are ever bound: the page is never reachable
from another machine. Port 0 asks the kernel for a free port; ::1 then takes the same number.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import socket
import sys
from collections.abc import Callable
from pathlib import Path

from ..errors import BadInput
from .security import Secrets


def bind_loopback(port: int) -> list[socket.socket]:
    """Listening sockets on 127.0.0.1:port and, when possible, [::1]:port."""
    v4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    v4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        v4.bind(("127.0.0.1", port))
    except OSError as exc:
        v4.close()
        if exc.errno == errno.EADDRINUSE:
            raise BadInput(f"端口 {port} 已被占用", f"port {port} is already in use",
                           hint_zh="换一个 --port，或不写 --port 自动选择空闲端口",
                           hint_en="pick another --port, or leave it out to get a free one") from None
        raise
    sockets = [v4]
    bound = v4.getsockname()[1]
    if socket.has_ipv6:
        v6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        try:
            v6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            v6.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            v6.bind(("::1", bound))
            sockets.append(v6)
        except OSError:
            v6.close()  # no IPv6 loopback here, or the number is taken on ::1: IPv4 alone serves
    for s in sockets:
        s.listen(64)
        s.setblocking(False)
    return sockets


def graphical_session() -> bool:
    """Whether opening a browser would show a window. On a Linux console or over ssh,
    `webbrowser` falls back to a text browser that would take over the terminal (and use up
    the one-time token); there the printed URL is the way in."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def url_for(keys: Secrets) -> str:
    return f"http://127.0.0.1:{keys.port}/?token={keys.token}"


def serve(case_root: Path, port: int = 0, on_ready: Callable[[str], None] | None = None,
          open_browser: bool = True) -> None:
    """Serve `case_root` until interrupted. `on_ready(url)` is called once the sockets listen."""
    import uvicorn

    from .app import create_app

    sockets = bind_loopback(port)
    keys = Secrets(port=sockets[0].getsockname()[1])
    app = create_app(case_root, keys)
    url = url_for(keys)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on",
                            timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    stop_requested = False

    def request_stop(signum: int, frame: object) -> None:
        # Ctrl-C before uvicorn takes the signal over (or after it gives it back and re-raises
        # it): ask for a stop instead of raising KeyboardInterrupt into asyncio's loop set-up,
        # which left a half-built loop behind and printed a traceback as Python exited.
        nonlocal stop_requested
        stop_requested = True
        server.should_exit = True

    previous = signal.signal(signal.SIGINT, request_stop)
    try:
        if on_ready:
            on_ready(url)
        if open_browser and graphical_session() and not stop_requested:
            import webbrowser

            with contextlib.suppress(Exception):  # no browser here: the printed URL is enough
                webbrowser.open(url)
        if not stop_requested:
            server.run(sockets=sockets)
    except KeyboardInterrupt:
        pass  # a Ctrl-C uvicorn re-raised after its graceful shutdown: stopping is the normal end
    finally:
        signal.signal(signal.SIGINT, previous)
        for s in sockets:
            s.close()
