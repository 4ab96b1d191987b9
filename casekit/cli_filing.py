"""CLI commands of the filing side: timeline, status, build, interview, demo (DESIGN §7).

Thin: parse options, call the library, print. Failures are `CasekitError`s, which the main CLI
turns into one line and an exit code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import typer

from .errors import bilingual

filing_app = typer.Typer(no_args_is_help=True, help="Filing: timeline, status, build, interview, demo.")


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _open(directory: Path):
    from .store import Case

    return Case.open(directory)


@filing_app.command("timeline")
def timeline_cmd(
    directory: Path = typer.Argument(..., help="案件文件夹 / case folder"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / print JSON"),
) -> None:
    """案件时间线：聊天、付款、退款按时间合并，同一笔付款只算一次 / the merged case timeline."""
    from .casemodel import load_case_model
    from .formatting import date_zh, money
    from .viewmodels import undated

    model = load_case_model(_open(directory))
    tl = model.timeline
    if as_json:
        _print_json(tl.to_json())
        return
    for d in tl.deadlines:
        typer.echo(("!! " if d.urgent else "   ") + f"{d.label}：{date_zh(d.due)}")
    for n, e in enumerate(tl.events):
        if not e.dated and (n == 0 or tl.events[n - 1].dated):
            typer.echo(bilingual("—— 日期待确认（以下各条无法确定日期，排在最后）——",
                                 "-- date to be confirmed (the lines below cannot be dated; listed last) --"))
            typer.echo(bilingual("   补救：在 case.toml 写 [evidence.编号] taken_on = YYYY-MM-DD 再 casekit extract，"
                                 "或 casekit correct DIR 编号 N time YYYY-MM-DDTHH:MM",
                                 "   fix: set [evidence.ID] taken_on = YYYY-MM-DD in case.toml and re-run extract, "
                                 "or casekit correct DIR ID N time YYYY-MM-DDTHH:MM"))
        when = date_zh(e.time) if e.time else undated(e)
        amount = f"  {money(e.amount)}" if e.amount is not None else ""
        refs = f"  [{','.join(e.evidence_ids)}]" if e.evidence_ids else ""
        typer.echo(f"{when:<18} {e.text}{amount}{refs}")
    typer.echo(bilingual(
        f"付款 {money(tl.loss.paid)}，退款 {money(tl.loss.refunded)}，损失 {money(tl.loss.net)}",
        f"paid {money(tl.loss.paid)}, refunded {money(tl.loss.refunded)}, loss {money(tl.loss.net)}"))
    if tl.unmatched:
        typer.echo(bilingual(f"另有 {len(tl.unmatched)} 笔交易与对方信息不匹配，未计入",
                             f"{len(tl.unmatched)} transaction(s) did not match a suspect and are not counted"))
    if model.unlinked:
        ids = "、".join(e.id for e in model.unlinked)
        typer.echo(bilingual(f"未计入本案的证据：{ids}（原因与补救见 casekit status）",
                             f"items left out of this case: {ids} (why, and the fixes: casekit status)"))


@filing_app.command("status")
def status_cmd(
    directory: Path = typer.Argument(..., help="案件文件夹 / case folder"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / print JSON"),
) -> None:
    """每一步还缺什么（✓/✗ 及补救命令）/ per-step checklist with the command that fixes each gap."""
    from .casemodel import load_case_model
    from .steps import evaluate

    model = load_case_model(_open(directory))
    status = evaluate(model)
    if as_json:
        _print_json({**status.to_json(), "loss": f"{model.timeline.loss.net:.2f}"})
        return
    for hint in status.hints:
        typer.echo(("!! " if hint.urgent else "→ ") + hint.text)
    for step in status.steps.values():
        typer.echo(f"\n{step.title}  {'✓ 可以生成' if step.ready else '✗ 还缺 ' + str(len(step.gaps)) + ' 项'}")
        for check in step.checks:
            mark = "✓" if check.ok else ("✗" if check.required else "!")
            line = f"  {mark} {check.label}"
            if not check.ok and check.fix:
                line += f" — {check.fix.replace('DIR', str(directory))}"
            typer.echo(line)


@filing_app.command("build")
def build_cmd(
    directory: Path = typer.Argument(..., help="案件文件夹 / case folder"),
    recipient: str = typer.Option("all", "--recipient", help="police | consumer | platform | all"),
    draft: bool = typer.Option(False, "--draft", help="有缺项也生成，并标出【待补充】/ render anyway, marking gaps"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / print JSON"),
    jobs: Optional[int] = typer.Option(None, "-j", "--jobs", min=1,
                                       help="并行进程数（默认全部核心）/ worker processes (default: all cores)"),
    no_attachments: bool = typer.Option(False, "--no-attachments",
                                        help="不在 PDF 中附带原件（网站上传有大小限制时）/ leave the originals out of the PDF "
                                             "(portals with upload limits)"),
) -> None:
    """生成递交材料 PDF（PDF/A-3，附原件）/ build the printable packets into out/ (PDF/A-3 carrying the originals)."""
    from .packets import build_packets

    case = _open(directory)
    progress = None if as_json else (lambda r: typer.echo(bilingual(f"正在生成 {r} …", f"building {r} …"), err=True))
    result = build_packets(case, recipient, draft=draft, progress=progress, jobs=jobs, attach=not no_attachments)
    if as_json:
        _print_json(result.to_json())
        return
    for out in result.outputs:
        pages = out["pages"]
        typer.echo(f"{out['pdf']}  ({bilingual(f'{pages} 页', f'{pages} pages')})")
    if result.guide:
        typer.echo(f"{result.guide}  ({bilingual('本人维权指南，不要递交', 'your own guide, not to be sent')})")
    for left_out in result.skipped:
        typer.echo(bilingual(left_out["reason_zh"], left_out["reason_en"]))
    for gap in result.gaps:
        typer.echo(f"【待补充】{gap}")


@filing_app.command("interview")
def interview_cmd(directory: Path = typer.Argument(..., help="案件文件夹 / case folder")) -> None:
    """逐项询问案件信息并写入 case.toml（保留注释）/ ask for the facts and write case.toml."""
    from .interview import run_interview

    path = run_interview(_open(directory).toml_path)
    typer.echo(bilingual(f"已保存 {path}；运行 casekit status 查看还缺什么",
                         f"saved {path}; run `casekit status` to see what is missing"))


@filing_app.command("demo")
def demo_cmd(directory: Optional[Path] = typer.Argument(None, help="示例案件放在哪里 / where to build the demo")) -> None:
    """用虚构数据建一个示例案件并生成全部材料 / build the fictional example case into packets."""
    from .demo import run_demo

    target = directory or Path("examples/demo-case")
    outputs = run_demo(target, progress=lambda msg: typer.echo(msg, err=True))
    for path in outputs:
        typer.echo(str(path))
