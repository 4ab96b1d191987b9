"""`casekit serve`: the local web page over one case folder (casekit.web)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .errors import bilingual

serve_app = typer.Typer(no_args_is_help=True, help="The local web page.")


@serve_app.command("serve")
def serve_cmd(
    directory: Annotated[Path, typer.Argument(help="案件文件夹 / the case folder", show_default=False)],
    port: Annotated[Optional[int], typer.Option("--port", min=1, max=65535, help="端口（默认自动选空闲端口）/ port (default: a free one)")] = None,
    no_open: Annotated[bool, typer.Option("--no-open", help="不自动打开浏览器 / do not open the browser")] = False,
) -> None:
    """在本机浏览器中打开案件网页（只监听 127.0.0.1，需一次性口令）/ open the case in a local web page (loopback only, one-time token).

    没有图形界面时（如 ssh）不打开浏览器，请复制打印的链接 / without a desktop (e.g. over ssh) no browser is opened: copy the printed link."""
    from .store import Case
    from .web.server import serve

    case = Case.open(directory)

    def ready(url: str) -> None:
        typer.echo(url)  # the first line of stdout: scripts and tests read it
        typer.echo(bilingual("在浏览器中打开上面的链接（只能用一次）；按 Ctrl-C 停止",
                             "open the link above in a browser (it works once); press Ctrl-C to stop"), err=True)

    serve(case.root, port or 0, on_ready=ready, open_browser=not no_open)
    typer.echo(bilingual("已停止", "stopped"), err=True)
