"""The Starlette routes of `casekit serve`: thin over the library, as the CLI is.

Every route takes only evidence ids (checked against `E0001`), recipient names from a fixed
list and form fields; no route takes a path. Files are served only from a fixed set: the
vendored assets, an item's original (resolved and checked to lie in evidence/), and the
packets in out/. Errors the user can fix (`CasekitError`) come back as one bilingual line in
the page (role=alert), never a traceback.
"""

from __future__ import annotations

import contextlib
import functools
import re
import sys
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from ..corrections import Change
from ..errors import BadInput, CasekitError, bilingual
from ..render.jinja import templates_dir
from ..store import Case
from . import english, pages
from .jobs import Job, Jobs
from .security import Guard, Secrets
from .uploads import Limits, add_staged, receive_files

STATIC = {"htmx.min.js": "text/javascript", "app.js": "text/javascript", "app.css": "text/css",
          "htmx.LICENSE.txt": "text/plain"}
LANG_COOKIE = "casekit_lang"
FORM_MAX_BYTES = 1024 * 1024  # a form post (facts, corrections); uploads have their own limits
FORM_MAX_FIELDS = 2000  # the facts form with its [[events]] / [[demands]] rows
SHUTDOWN_WAIT = 120.0  # seconds Ctrl-C waits for a running job (each item's result is saved as it finishes)
Handler = Callable[[Request], Awaitable[Response]]


class Web:
    """The state one server holds: the case, its secrets, the jobs, the templates."""

    def __init__(self, root: Path, keys: Secrets, limits: Limits) -> None:
        self.case = Case.open(root)
        self.keys, self.limits, self.jobs = keys, limits, Jobs()
        self.web_dir = templates_dir() / "web"
        self.env = Environment(loader=FileSystemLoader(str(self.web_dir)), autoescape=select_autoescape(default=True))
        self.env.globals["RECIPIENTS"] = pages.RECIPIENTS

    def lang(self, request: Request) -> str:
        return "en" if request.cookies.get(LANG_COOKIE) == "en" else "zh"

    def page(self, request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        lang = self.lang(request)
        html = self.env.get_template(name).render(
            lang=lang, t=(lambda zh, en: en if lang == "en" else zh), csrf=self.keys.csrf,
            say=functools.partial(say, lang), pick=functools.partial(english.pick, lang=lang),
            gap=functools.partial(english.gap_line, lang=lang), failure=functools.partial(english.error_line, lang=lang),
            busy=self.jobs.busy(), path=request.url.path, **context)
        return HTMLResponse(html, status_code=status, headers={"cache-control": "no-store"})

    def problem(self, request: Request, exc: CasekitError, status: int = 400) -> HTMLResponse:
        """The error as one alert line (in the page's language): a fragment for htmx/XHR, else a
        page with a way back."""
        fragment = request.headers.get("hx-request") or request.headers.get("x-requested-with")
        return self.page(request, "_alert.html" if fragment else "error.html", status=status,
                         message=english.error_line(exc, self.lang(request)))


def say(lang: str, text: english.Shown | None) -> Markup:
    """A library text on the page: marked lang="zh-CN" on the English page when it has no English."""
    if text is None:
        return Markup("")
    if lang == "en" and text.lang != "en":
        return Markup('<span lang="zh-CN" class="untranslated">{}</span>').format(text.text)
    return Markup("{}").format(text.text)


def mutation(handler: Callable[[Web, Request, dict[str, str]], Awaitable[Response]]) -> Callable[[Web, Request], Awaitable[Response]]:
    """A route that changes the case: needs the CSRF token (header or `csrf` field); the form
    is parsed here (small forms only; uploads parse their own stream)."""

    @functools.wraps(handler)
    async def run(web: Web, request: Request) -> Response:
        form: dict[str, str] = {}
        length = request.headers.get("content-length", "")
        if request.headers.get("transfer-encoding") or (length and (not length.isdigit() or int(length) > FORM_MAX_BYTES)):
            # a form is small; a body of unknown or huge length is refused before it is read
            return web.problem(request, BadInput(f"表单内容过大（上限 {FORM_MAX_BYTES // 1024} KiB），未保存",
                                                 f"form too large (limit {FORM_MAX_BYTES // 1024} KiB); nothing was saved"), 413)
        if request.headers.get("content-type", "").startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            async with request.form(max_files=0, max_fields=FORM_MAX_FIELDS, max_part_size=64 * 1024) as data:
                form = {k: v for k, v in data.items() if isinstance(v, str)}
        header_ok = request.scope.get("state", {}).get("csrf_header_ok", False)
        if not (header_ok or web.keys.csrf_ok(form.get("csrf"))):
            return HTMLResponse("CSRF token missing or wrong / 缺少或错误的表单口令", status_code=403)
        try:
            return await handler(web, request, form)
        except CasekitError as exc:
            return web.problem(request, exc)
    return run


def _after(request: Request, url: str) -> Response:
    """After a change: htmx follows HX-Redirect; a plain form gets a 303."""
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


# ---- pages ------------------------------------------------------------------------------
async def overview(web: Web, request: Request) -> Response:
    # The case model is read in a worker thread: a large case must not hold up the progress polls.
    data = await run_in_threadpool(pages.overview, web.case, web.lang(request))
    proposals = await run_in_threadpool(pages.pending_proposals, web.case)
    return web.page(request, "overview.html", case=data, proposals=proposals,
                    job=web.jobs.latest("extract"), build_job=web.jobs.latest("build"), recipients=pages.RECIPIENTS)


async def item_page(web: Web, request: Request) -> Response:
    try:
        view = await run_in_threadpool(pages.item_view, web.case, request.path_params["eid"])
    except CasekitError as exc:
        return web.problem(request, exc, 404)
    saved = request.query_params.get("saved", "")
    return web.page(request, "item.html", item=view, saved=saved if re.fullmatch(r"[mt]\d{1,5}", saved) else "")


async def item_original(web: Web, request: Request) -> Response:
    try:
        item = web.case.item(pages.evidence_id(request.path_params["eid"]))
    except CasekitError as exc:
        return web.problem(request, exc, 404)
    path = item.path.resolve()
    if not path.is_relative_to(web.case.evidence_dir.resolve()) or not path.is_file():
        return web.problem(request, BadInput("证据文件不在案件文件夹内", "evidence file outside the case folder"), 404)
    return FileResponse(path, media_type=item.media_type, headers={"cache-control": "no-store",
                                                                   "content-security-policy": "sandbox"})


async def facts_page(web: Web, request: Request) -> Response:
    return web.page(request, "facts.html", groups=pages.facts_form(web.case), tables=pages.row_tables(web.case),
                    saved=request.query_params.get("saved"))


async def static(web: Web, request: Request) -> Response:
    name = request.path_params["name"]
    if name not in STATIC:
        return Response("not found", status_code=404)
    return FileResponse(web.web_dir / "static" / name, media_type=STATIC[name], headers={"cache-control": "no-cache"})


async def set_lang(web: Web, request: Request) -> Response:
    code = request.path_params["code"]
    back = request.query_params.get("back", "/")
    if not back.startswith("/") or back.startswith("//"):
        back = "/"
    response = RedirectResponse(back, status_code=303)
    if code in ("zh", "en"):
        response.set_cookie(LANG_COOKIE, code, httponly=True, samesite="strict")
    return response


async def packet_file(web: Web, request: Request) -> Response:
    key = request.path_params["recipient"]
    if key not in pages.RECIPIENTS:
        return web.problem(request, BadInput(f"没有这种材料：{key[:40]!r}", f"no such packet: {key[:40]!r}"), 404)
    pdf = web.case.out_dir / f"{key}.pdf"
    if not pdf.is_file():
        return web.problem(request, BadInput("还没有生成这份材料", "this packet has not been built yet",
                                             hint_zh="先点“生成材料”", hint_en="build the packets first"), 404)
    inline = request.query_params.get("inline") == "1"
    return FileResponse(pdf, media_type="application/pdf", filename=f"{key}.pdf",
                        content_disposition_type="inline" if inline else "attachment", headers={"cache-control": "no-store"})


async def preview(web: Web, request: Request) -> Response:
    key = request.path_params["recipient"]
    if key not in pages.RECIPIENTS or not (web.case.out_dir / f"{key}.pdf").is_file():
        return web.problem(request, BadInput("还没有生成这份材料", "this packet has not been built yet",
                                             hint_zh="先点“生成全部材料”", hint_en="build the packets first"), 404)
    return web.page(request, "preview.html", recipient=key, label=pages.RECIPIENTS[key])


async def progress(web: Web, request: Request) -> Response:
    kind = request.path_params["kind"]
    if kind not in ("extract", "build"):
        return Response("not found", status_code=404)
    return web.page(request, "_progress.html", job=web.jobs.latest(kind), kind=kind)


# ---- changes -----------------------------------------------------------------------------
async def upload(web: Web, request: Request) -> Response:
    header_ok = request.scope.get("state", {}).get("csrf_header_ok", False)
    if not header_ok:
        return HTMLResponse("CSRF token missing or wrong / 缺少或错误的表单口令", status_code=403)
    length = request.headers.get("content-length")
    try:
        staging, files, _fields = await receive_files(web.case, request.headers.get("content-type", ""),
                                                      int(length) if length and length.isdigit() else None,
                                                      request.stream(), web.limits)
        outcomes = await run_in_threadpool(add_staged, web.case, staging, files)
    except CasekitError as exc:
        return web.problem(request, exc, 413 if "太大" in exc.zh else 400)
    job = start_extract(web)
    running = web.jobs.latest("extract")
    later = job is None and not (running and not running.finished)  # a running extraction reads them in its next pass
    return web.page(request, "_added.html", outcomes=[o.to_json() for o in outcomes], job=job or running,
                    kind="extract", read_later=later)


def start_extract(web: Web) -> Job | None:
    from ..extract import extract_case

    def work(job: Job) -> dict[str, Any]:
        def done(eid: str, _extraction: Any) -> None:
            job.done += 1
            job.step = eid

        extracted: list[str] = []
        warnings: dict[str, list[str]] = {}
        for _pass in range(5):  # files uploaded while a pass ran are read by the next one
            summary = extract_case(web.case, jobs=1, on_total=lambda n: setattr(job, "total", n), on_done=done)
            extracted += summary.extracted
            warnings.update(summary.warnings)
            if not summary.extracted:
                break
            job.done = 0
        return {"extracted": extracted, "warnings": warnings}

    return web.jobs.start("extract", work)


@mutation
async def extract(web: Web, request: Request, form: dict[str, str]) -> Response:
    job = start_extract(web)
    return web.page(request, "_progress.html", job=job or web.jobs.latest("extract"), kind="extract", refused=job is None)


@mutation
async def build(web: Web, request: Request, form: dict[str, str]) -> Response:
    from ..packets import build_packets

    draft = form.get("draft") == "1"
    if not draft and not web.jobs.busy():
        gaps = await run_in_threadpool(pages.build_gaps, web.case)
        if gaps:  # the library's refusal names CLI commands; the page names its own controls
            shown = "、".join(gaps[:8]) + (f" 等 {len(gaps)} 项" if len(gaps) > 8 else "")
            raise BadInput(f"材料还不完整，缺 {len(gaps)} 项：{shown}", f"the checklist has {len(gaps)} gap(s)",
                           hint_zh="按第 3 步“还缺什么”逐项补齐，或勾选“有缺项也生成草稿”（缺的地方标出【待补充】）",
                           hint_en="fill them in as step 3 “What is still missing” shows, or tick “Build a draft even with gaps”")

    def work(job: Job) -> dict[str, Any]:
        def compose(recipient: str) -> None:  # the packet's text, before any page is laid out
            job.step = recipient

        def piece(done: int, total: int) -> None:  # each rendered piece of the PDFs, as the library reports it
            job.step, job.done, job.total = "pieces", done, total

        result = build_packets(web.case, "all", draft=draft, progress=compose, on_piece=piece, jobs=1)
        return {**result.to_json(), "pieces": job.total or 0}

    job = web.jobs.start("build", work)
    return web.page(request, "_progress.html", job=job or web.jobs.latest("build"), kind="build", refused=job is None)


@mutation
async def correct(web: Web, request: Request, form: dict[str, str]) -> Response:
    from ..corrections import FIELDS, save

    eid = pages.evidence_id(request.path_params["eid"])
    record = form.get("record", "message")
    if record not in FIELDS or not form.get("number", "").isdigit():
        raise BadInput("更正的记录不对", "bad record to correct", hint_zh="从页面上点选要更正的一条", hint_en="pick the record on the page")
    number = int(form["number"])

    def run() -> None:
        if form.get("confirm") == "1":
            changes = [Change(record, number)]  # type: ignore[arg-type]
        else:
            edits = pages.changed_fields(web.case, eid, record, number, form)
            changes = [Change(record, number, f, v) for f, v in edits.items()]  # type: ignore[arg-type]
        if changes:
            save(web.case, eid, changes)

    await run_in_threadpool(run)
    return _after(request, f"/item/{eid}?saved={record[0]}{number}#{record[0]}{number}")


@mutation
async def link(web: Web, request: Request, form: dict[str, str]) -> Response:
    from .. import scoping

    eid = pages.evidence_id(request.path_params["eid"])
    action = request.path_params["action"]
    reason = form.get("reason", "").strip()
    if action == "link":
        await run_in_threadpool(scoping.link, web.case, eid, None, reason)
    elif action == "unlink":
        await run_in_threadpool(scoping.unlink, web.case, eid, reason)
    elif action == "exclude":
        await run_in_threadpool(web.case.exclude, eid, reason)
    else:
        return Response("not found", status_code=404)
    return _after(request, form.get("back") if form.get("back") in ("/", f"/item/{eid}") else "/")


@mutation
async def save_facts(web: Web, request: Request, form: dict[str, str]) -> Response:
    from ..factsedit import save_answers

    answers = {(table, key): form[f"{table}.{key}"] for table, key in pages.FACT_KINDS if f"{table}.{key}" in form}
    rows = pages.posted_rows(form)
    try:
        changed = await run_in_threadpool(save_answers, web.case, answers, pages.FACT_KINDS, rows)
    except CasekitError as exc:
        return web.page(request, "facts.html", status=400, groups=pages.facts_form(web.case), tables=pages.row_tables(web.case, form),
                        error=english.error_line(exc, web.lang(request)), posted=form)
    return _after(request, f"/facts?saved={len(changed)}")


@mutation
async def proposal(web: Web, request: Request, form: dict[str, str]) -> Response:
    try:
        from .. import proposals  # type: ignore[attr-defined]
    except ImportError:
        raise BadInput("这个版本还不能采纳建议", "proposals are not available in this version") from None
    action = request.path_params["action"]
    eid = pages.evidence_id(form.get("evidence_id", ""))
    field = form.get("field", "")
    if action == "accept":
        # The box shows the value read; a value the user changed there is accepted as the user's own.
        value = form.get("value", "").strip()
        own = value if value and value != form.get("read", "").strip() else None
        await run_in_threadpool(proposals.accept, web.case, field, eid, own)
    elif action == "reject":
        await run_in_threadpool(proposals.reject, web.case, field, eid)
    else:
        return Response("not found", status_code=404)
    return _after(request, "/#proposals")


def create_app(root: Path, keys: Secrets, limits: Limits | None = None) -> Guard:
    """The ASGI app for one case folder, behind the security guard."""
    web = Web(root, keys, limits or Limits())

    def bind(handler: Callable[[Web, Request], Awaitable[Response]]) -> Handler:
        async def endpoint(request: Request) -> Response:
            try:
                return await handler(web, request)
            except CasekitError as exc:  # a page that cannot be shown says why, in one line
                return web.problem(request, exc)
        return endpoint

    routes = [
        Route("/", bind(overview)),
        Route("/item/{eid}", bind(item_page)),
        Route("/item/{eid}/original", bind(item_original)),
        Route("/item/{eid}/correct", bind(correct), methods=["POST"]),
        Route("/item/{eid}/{action}", bind(link), methods=["POST"]),
        Route("/facts", bind(facts_page)),
        Route("/facts", bind(save_facts), methods=["POST"]),
        Route("/upload", bind(upload), methods=["POST"]),
        Route("/extract", bind(extract), methods=["POST"]),
        Route("/build", bind(build), methods=["POST"]),
        Route("/proposals/{action}", bind(proposal), methods=["POST"]),
        Route("/progress/{kind}", bind(progress)),
        Route("/packets/{recipient}", bind(packet_file)),
        Route("/preview/{recipient}", bind(preview)),
        Route("/static/{name}", bind(static)),
        Route("/lang/{code}", bind(set_lang)),
    ]
    app = Starlette(routes=routes, lifespan=_lifespan)
    app.state.web = web
    return Guard(app, keys)


@contextlib.asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[None]:
    """On Ctrl-C, let a running extraction or build finish its item and log it before exiting."""
    yield
    web: Web = app.state.web
    if web.jobs.busy():
        print(bilingual("正在等待当前的识别/生成结束…", "waiting for the running job to finish…"), file=sys.stderr)
        await run_in_threadpool(web.jobs.wait, SHUTDOWN_WAIT)
