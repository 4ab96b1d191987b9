"""The command line: a thin layer that parses options, calls the library and maps errors.

Expected failures are `CasekitError`s; `CasekitGroup.invoke` turns each into one line on
stderr and its exit code (DESIGN §7). Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Optional


import typer
from typer.core import TyperGroup

from . import __version__
from .errors import EXIT_INTEGRITY, BadInput, CasekitError, bilingual

JSON_HELP = "输出 JSON，便于脚本处理 / print JSON for scripts"


class CasekitGroup(TyperGroup):
    """Maps typed errors to a one-line message and exit code; Ctrl-C to exit 130."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CasekitError as exc:
            typer.echo(f"casekit: {exc.one_line()}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            typer.echo(f"casekit: {bilingual('已中断，已完成的部分已保存', 'interrupted; finished work is kept')}", err=True)
            ctx.exit(130)


app = typer.Typer(
    cls=CasekitGroup,
    name="casekit",
    help="casekit：把截图和账单整理成可核验的证据案卷和投诉/报案材料。\n\nTurn screenshots and bill exports into a verified evidence case and complaint packets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"casekit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="显示版本 / show the version")] = False,
) -> None:
    """casekit：证据案卷与投诉材料工具 / evidence cases and complaint packets."""


CaseDir = Annotated[Path, typer.Argument(help="案件文件夹 / the case folder", show_default=False)]
JsonFlag = Annotated[bool, typer.Option("--json", help=JSON_HELP)]


def _print_json(data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # A non-UTF-8 file name (surrogate escapes) would reach stdout as raw bytes: invalid
        # JSON text. Escape everything instead; json.loads + os.fsencode gives the bytes back.
        text = json.dumps(data, ensure_ascii=True, indent=2)
    typer.echo(text)


def _open(path: Path):
    from .store import Case

    return Case.open(path)


def _printable(name: str) -> str:
    """A file name on one terminal line: control characters and undecodable bytes escaped."""
    text = name.encode("utf-8", "backslashreplace").decode("utf-8")
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def _progress_enabled(json_out: bool) -> bool:
    return not json_out and sys.stderr.isatty()


@app.command("init")
def init_cmd(directory: CaseDir) -> None:
    """新建案件文件夹（含带注释的 case.toml）/ create a case folder with a commented case.toml."""
    from .facts import render_case_toml_template
    from .store import Case

    case = Case.init(directory, render_case_toml_template())
    typer.echo(bilingual(f"已新建案件：{case.root}", f"case created: {case.root}"))
    typer.echo(bilingual("下一步：编辑 case.toml，再运行 casekit add 加入截图和账单", "next: edit case.toml, then `casekit add` your screenshots and bills"))


@app.command("add")
def add_cmd(
    directory: CaseDir,
    paths: Annotated[list[Path], typer.Argument(help="文件或文件夹（递归）/ files or folders (recursive)", show_default=False)],
    json_out: JsonFlag = False,
) -> None:
    """加入证据：逐字节复制、计算哈希并登记 / import files: copied byte for byte, hashed, logged."""
    from .adding import add_paths

    case = _open(directory)
    outcomes = []
    if _progress_enabled(json_out):
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

        with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), transient=True) as bar:
            task = bar.add_task(bilingual("复制并计算哈希", "copying and hashing"), total=None)
            outcomes = add_paths(case, paths, on_bytes=lambda n: bar.advance(task, n))
    else:
        outcomes = add_paths(case, paths)
    if json_out:
        _print_json({"outcomes": [o.to_json() for o in outcomes]})
    else:
        labels = {"added": "已加入 added", "duplicate": "重复 duplicate", "skipped": "跳过 skipped", "refused": "拒绝 refused"}
        for o in outcomes:
            line = f"{labels[o.status]:<14} {o.evidence_id or '-':<6} {_printable(o.path)}"
            typer.echo(line + (f"  ({o.reason})" if o.reason else ""))
        counts = {s: sum(1 for o in outcomes if o.status == s) for s in labels}
        typer.echo(bilingual(
            f"加入 {counts['added']} 个，重复 {counts['duplicate']} 个，跳过 {counts['skipped']} 个，拒绝 {counts['refused']} 个",
            f"{counts['added']} added, {counts['duplicate']} duplicate, {counts['skipped']} skipped, {counts['refused']} refused",
        ))
    if any(o.status == "refused" for o in outcomes):
        raise typer.Exit(1)


@app.command("list")
def list_cmd(directory: CaseDir, json_out: JsonFlag = False) -> None:
    """列出证据：编号、类型、名称、哈希、阶段、是否排除 / list evidence items."""
    from .casemodel import list_evidence

    case = _open(directory)
    items = case.items()
    rows = []
    for item, entry in zip(items, list_evidence(case, items)):
        kind = entry.kind if entry.extraction is not None else "not_extracted"
        rows.append({**item.to_json(), "kind": kind, "steps": list(entry.steps)})
    if json_out:
        _print_json({"items": rows})
        return
    if not rows:
        typer.echo(bilingual("案件中还没有证据；用 casekit add 加入", "no evidence yet; add some with `casekit add`"))
        return
    for row in rows:
        flag = f"  [已排除 excluded: {row['exclude_reason']}]" if row["excluded"] else ""
        typer.echo(f"{row['id']}  {row['kind']:<18} {row['sha256'][:16]}  {','.join(row['steps']):<28} {_printable(row['name'])}{flag}")


@app.command("exclude")
def exclude_cmd(
    directory: CaseDir,
    evidence_id: Annotated[str, typer.Argument(help="证据编号，如 E0003 / evidence id, e.g. E0003", show_default=False)],
    reason: Annotated[str, typer.Option("--reason", help="排除理由（必填，写入保管日志）/ why (required, logged)")] = "",
) -> None:
    """从材料中排除一项证据（不删除，记录理由）/ leave an item out of packets; nothing is deleted."""
    item = _open(directory).exclude(evidence_id, reason)
    typer.echo(bilingual(f"{item.id} 已排除（原件保留）：{item.exclude_reason}", f"{item.id} excluded (original kept): {item.exclude_reason}"))


@app.command("verify")
def verify_cmd(
    directory: Annotated[Path, typer.Argument(help="案件文件夹，或一份材料 PDF / the case folder, or a packet PDF", show_default=False)],
    json_out: JsonFlag = False,
) -> None:
    """核验原件哈希与保管日志链；给出材料 PDF 时核验其所附原件 / check every original's hash and the custody chain; given a packet PDF, check the originals it carries against the hashes on its pages (exit 3 on a difference)."""
    from .verify import verify_case

    if directory.suffix.lower() == ".pdf" and not directory.is_dir():
        _verify_packet(directory, json_out)
        return
    case = _open(directory)
    report = verify_case(case)
    if json_out:
        _print_json(report.to_json())
    else:
        for problem in report.problems:
            typer.echo(f"✗ {problem.message}")
        if report.ok:
            typer.echo(bilingual(
                f"✓ 核验通过：{report.items_checked} 件原件，保管日志 {report.custody_lines} 行，链尾哈希 {report.head}",
                f"verified: {report.items_checked} originals, {report.custody_lines} custody lines, chain head {report.head}",
            ))
    if not report.ok:
        if not json_out:
            typer.echo(bilingual(f"核验失败：{len(report.problems)} 处不一致", f"verification failed: {len(report.problems)} difference(s)"), err=True)
        raise typer.Exit(EXIT_INTEGRITY)


def _verify_packet(path: Path, json_out: bool) -> None:
    from .verify_packet import verify_packet

    report = verify_packet(path)
    if json_out:
        _print_json(report.to_json())
    else:
        for problem in report.problems:
            typer.echo(f"✗ {problem.message}")
        if report.ok and not report.complete:
            typer.echo(bilingual(
                f"✓ 核验通过：页面上印的 {report.printed} 个 SHA-256 均在所附 MANIFEST.sha256 中（脱敏副本不附原件）",
                f"verified: the {report.printed} SHA-256 printed on the pages are all in the attached MANIFEST.sha256 "
                "(a redacted copy carries no originals)"))
        elif report.ok:
            typer.echo(bilingual(
                f"✓ 核验通过：{report.originals} 件所附原件与页面上的 SHA-256 一致，MANIFEST.sha256 相符，保管日志 {report.custody.custody_lines} 行链完整",
                f"verified: {report.originals} attached originals match the SHA-256 printed on the pages, MANIFEST.sha256 agrees, "
                f"custody chain of {report.custody.custody_lines} lines intact"))
    if not report.ok:
        if not json_out:
            typer.echo(bilingual(f"核验失败：{len(report.problems)} 处不一致", f"verification failed: {len(report.problems)} difference(s)"), err=True)
        raise typer.Exit(EXIT_INTEGRITY)


def _parse_date(value: Optional[str]) -> Optional[date]:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"日期格式不对：{value}", f"not a date: {value}", hint_zh="用 YYYY-MM-DD，例如 2026-03-05", hint_en="use YYYY-MM-DD, e.g. 2026-03-05") from None


def _column_map(path: Optional[Path]) -> Optional[dict[str, Any]]:
    if path is None:
        return None
    from .importers.bill_generic import load_column_map

    return load_column_map(path)


EngineOpt = Annotated[Optional[str], typer.Option(
    "--engine", help="文字识别引擎 rapidocr|tesseract（默认：环境变量 CASEKIT_OCR_ENGINE，否则 rapidocr；未安装时 tesseract）"
    " / OCR engine (default: $CASEKIT_OCR_ENGINE, else rapidocr, or tesseract where rapidocr is not installed)", show_default=False)]


@app.command("extract")
def extract_cmd(
    directory: CaseDir,
    jobs: Annotated[Optional[int], typer.Option("-j", "--jobs", min=1, help="并行进程数（默认：全部核心）/ parallel workers (default: all cores)")] = None,
    on_date: Annotated[Optional[str], typer.Option("--date", help="相对时间（如“昨天”）的参考日期 / reference date for relative time labels")] = None,
    column_map: Annotated[Optional[Path], typer.Option("--map", help="未知银行账单的列映射 TOML / column map for an unknown bank's bill")] = None,
    engine: EngineOpt = None,
    json_out: JsonFlag = False,
) -> None:
    """识别截图、读取账单（已处理的会跳过）/ OCR screenshots and read bills not yet extracted (cached)."""
    from .extract import extract_case

    case = _open(directory)
    user_date, mapping = _parse_date(on_date), _column_map(column_map)
    if _progress_enabled(json_out):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True) as bar:
            task = bar.add_task(bilingual("识别与读取", "extracting"), total=None)
            summary = extract_case(case, jobs, user_date, mapping, on_total=lambda n: bar.update(task, total=n),
                                   on_done=lambda *_: bar.advance(task), engine=engine)
    else:
        summary = extract_case(case, jobs, user_date, mapping, engine=engine)
    from .corrections import stale

    gone = stale(case)
    if json_out:
        _print_json({**summary.to_json(), "stale_corrections": [a.to_json() for a in gone]})
        return
    for a in gone:
        c = a.correction
        typer.echo("! " + bilingual(f"{c.id}（{c.evidence_id} 第 {c.number} 条）已不适用：重新识别后找不到原来的 {c.raw!r}，请重新核对",
                                    f"{c.id} ({c.evidence_id} #{c.number}) no longer applies: {c.raw!r} is gone after re-extraction; check it again"))
    for evidence_id, warnings in sorted(summary.warnings.items()):
        for warning in warnings:
            typer.echo(f"! {evidence_id}: {warning}")
    typer.echo(bilingual(
        f"已处理 {len(summary.extracted)} 件，缓存命中 {len(summary.cached)} 件",
        f"{len(summary.extracted)} extracted, {len(summary.cached)} cached",
    ))


@app.command("inspect")
def inspect_cmd(
    file: Annotated[Path, typer.Argument(help="任一截图或账单文件 / any screenshot or bill file", show_default=False)],
    on_date: Annotated[Optional[str], typer.Option("--date", help="相对时间的参考日期 / reference date for relative time labels")] = None,
    column_map: Annotated[Optional[Path], typer.Option("--map", help="列映射 TOML / column map TOML")] = None,
    engine: EngineOpt = None,
    json_out: JsonFlag = False,
) -> None:
    """查看 casekit 从一个文件读到什么（无需案件）/ show what casekit reads from one file (no case needed)."""
    from .inspect import inspect_file

    result = inspect_file(file, _parse_date(on_date), _column_map(column_map), engine)
    if json_out:
        _print_json(result)
        return
    typer.echo(f"{result['file']}  [{result['kind']}]  sha256 {result['sha256']}")
    for m in result["messages"]:
        who = {"me": "我", "them": m.get("name") or "对方", "system": "系统"}[m["speaker"]]
        typer.echo(f"  {m.get('time') or m.get('time_text') or '':<25} {who}: {m['text']}")
    for t in result["transactions"]:
        typer.echo(f"  ¥{t['amount']} {t['direction']} {t.get('counterparty') or ''} {t.get('order_id') or ''} {t.get('time') or ''}")
    for p in result.get("proposals", []):
        typer.echo(f"  → {p['field']} = {p['value']}")
    for w in result["warnings"]:
        typer.echo(f"  ! {w}")


RecordOpt = Annotated[bool, typer.Option("--transaction", help="编号指交易而非消息 / NUMBER counts transactions, not messages")]


@app.command("correct")
def correct_cmd(
    directory: CaseDir,
    evidence_id: Annotated[str, typer.Argument(help="证据编号，如 E0001 / evidence id", show_default=False)],
    number: Annotated[int, typer.Argument(help="第几条（见 casekit inspect）/ record number, 1-based", show_default=False)],
    field: Annotated[str, typer.Argument(help="text|speaker|name|time（交易：amount|time|counterparty|counterparty_account|order_id）", show_default=False)],
    value: Annotated[str, typer.Argument(help="正确的值 / the right value", show_default=False)],
    transaction: RecordOpt = False,
    json_out: JsonFlag = False,
) -> None:
    """更正机器识别错的一处（原件与识别记录不变，更正另存并记入保管日志）/ fix one misread value; originals and raw records stay as they are, the fix is logged."""
    from .corrections import Change, save

    made = save(_open(directory), evidence_id, [Change("transaction" if transaction else "message", number, field, value)])
    if json_out:
        _print_json([c.to_json() for c in made])
        return
    if not made:
        typer.echo(bilingual("与当前内容相同，未记录", "same as shown already; nothing recorded"))
    for c in made:
        typer.echo(bilingual(f"{c.id} 已更正 {c.evidence_id} 第 {c.number} 条 {c.field}：{c.before!r} → {c.after!r}",
                             f"{c.id} corrected {c.evidence_id} #{c.number} {c.field}: {c.before!r} -> {c.after!r}"))


@app.command("confirm")
def confirm_cmd(
    directory: CaseDir,
    evidence_id: Annotated[str, typer.Argument(help="证据编号 / evidence id", show_default=False)],
    numbers: Annotated[Optional[list[int]], typer.Argument(help="第几条；不写则全部 / record numbers; none = all", show_default=False)] = None,
    transaction: RecordOpt = False,
    json_out: JsonFlag = False,
) -> None:
    """确认识别结果与截图一致（记入保管日志）/ confirm records read right (logged)."""
    from .corrections import Change, save

    case = _open(directory)
    record = "transaction" if transaction else "message"
    if not numbers:
        extraction = case.load_extraction(case.item(evidence_id).id)
        count = len((extraction.transactions if transaction else extraction.messages) if extraction else [])
        numbers = list(range(1, count + 1)) or [1]  # [1] makes save() explain what is missing
    made = save(case, evidence_id, [Change(record, n) for n in numbers])  # type: ignore[arg-type]
    if json_out:
        _print_json([c.to_json() for c in made])
        return
    typer.echo(bilingual(f"已确认 {len(made)} 条", f"confirmed {len(made)} record(s)"))


@app.command("corrections")
def corrections_cmd(
    directory: CaseDir,
    show: Annotated[Optional[str], typer.Option("--show", help="列出该证据的各条记录及编号（已更正）/ list this item's records with their numbers, as corrected")] = None,
    json_out: JsonFlag = False,
) -> None:
    """列出所有更正与确认，及重新识别后是否仍适用 / list corrections and whether each still applies after a re-extract."""
    from .corrections import apply_case, review

    case = _open(directory)
    if show:
        item = case.item(show)
        extraction = apply_case(case.root, item.id, case.load_extraction(item.id))
        if extraction is None:
            raise BadInput(f"{item.id} 还没有识别结果", f"{item.id} has not been extracted yet",
                           hint_zh=f"先运行 casekit extract {case.root}", hint_en=f"run `casekit extract {case.root}` first")
        listing = {"messages": [{**m.to_json(), "number": n, "corrected": list(m.corrected), "confirmed": m.confirmed}
                                for n, m in enumerate(extraction.messages, start=1)],
                   "transactions": [{**t.to_json(), "number": n, "corrected": list(t.corrected), "confirmed": t.confirmed}
                                    for n, t in enumerate(extraction.transactions, start=1)]}
        if json_out:
            _print_json(listing)
            return
        for m in listing["messages"]:
            mark = " [改]" if m["corrected"] else (" [✓]" if m["confirmed"] else "")
            typer.echo(f"  #{m['number']:<3} {m['speaker']:<6} {m.get('time') or '':<25} {m['text']}{mark}")
        for t in listing["transactions"]:
            mark = " [改]" if t["corrected"] else (" [✓]" if t["confirmed"] else "")
            typer.echo(f"  T{t['number']:<3} ¥{t['amount']} {t.get('counterparty') or ''} {t.get('order_id') or ''} {t.get('time') or ''}{mark}")
        return
    rows = [a.to_json() for a in review(case)]
    if json_out:
        _print_json(rows)
        return
    if not rows:
        typer.echo(bilingual("还没有更正或确认", "no corrections or confirmations yet"))
    for r in rows:
        flag = "" if r["applies"] else "  ！" + bilingual("已不适用（重新识别后原值不见了）", "no longer applies (the misread value is gone after re-extraction)")
        what = f"{r['field']}: {r['before']!r} -> {r['after']!r}" if r["op"] == "correct" else "confirm"
        typer.echo(f"{r['id']}  {r['evidence_id']} {r['record']} #{r['number']}  {what}{flag}")


def _mount_filing_commands() -> None:
    """Mount timeline/status/build/interview/demo, which live beside the filing library."""
    try:
        from .cli_filing import filing_app
    except ImportError:
        return
    app.registered_commands.extend(filing_app.registered_commands)


_mount_filing_commands()
from .cli_scope import scope_app  # noqa: E402  (link, unlink: case scoping)
app.registered_commands.extend(scope_app.registered_commands)
from .cli_proposals import proposals_app  # noqa: E402  proposals / accept / reject live in their own module
app.registered_commands.extend(proposals_app.registered_commands)
from .cli_serve import serve_app  # noqa: E402  (casekit serve: the local web page)
app.registered_commands.extend(serve_app.registered_commands)


def main(argv: Optional[list[str]] = None) -> None:
    """Console entry point."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    app(args=argv, prog_name="casekit")
