"""CLI commands for fact proposals: proposals, accept, reject (thin over casekit.proposals)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import typer

from .errors import bilingual

proposals_app = typer.Typer(no_args_is_help=True, help="Fact proposals read from screens.")


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _open(directory: Path):
    from .store import Case

    return Case.open(directory)


def describe(p) -> str:
    """One line for a pending proposal; a conflict shows case.toml's value beside the screen's."""
    if p.conflict:
        return (f"  ≠ {p.field}: case.toml「{p.current}」 / {p.evidence_id}「{p.value}」 — "
                + bilingual(f"不一致，确认用截图的值请运行 casekit accept DIR {p.field} --from {p.evidence_id}",
                            "they disagree; name the field to take the screen's value"))
    if p.unsure:
        return (f"  ? {p.field} = {p.value}  ({p.evidence_id}) — "
                + bilingual(f"识别不确定，请对照截图核对；无误请运行 casekit accept DIR {p.field} --from {p.evidence_id}",
                            "read with low confidence; check it against the screenshot, then name the field to accept"))
    return f"  + {p.field} = {p.value}  ({p.evidence_id})"


@proposals_app.command("proposals")
def proposals_cmd(
    directory: Path = typer.Argument(..., help="案件文件夹 / case folder"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / print JSON"),
) -> None:
    """截图中读到、case.toml 还没写的案件信息 / facts read from screens that case.toml does not say yet."""
    from .proposals import pending

    found = pending(_open(directory))
    if as_json:
        _print_json({"proposals": [p.to_json() for p in found]})
        return
    if not found:
        typer.echo(bilingual("没有待确认的信息", "no pending proposals"))
        return
    for p in found:
        typer.echo(describe(p).replace("DIR", str(directory)))
    typer.echo(bilingual(f"全部接受（不一致和不确定的除外）：casekit accept {directory} --all",
                         f"accept all but the conflicts and unsure ones: casekit accept {directory} --all"))


@proposals_app.command("accept")
def accept_cmd(
    directory: Path = typer.Argument(..., help="案件文件夹 / case folder"),
    fields: Optional[list[str]] = typer.Argument(None, help="要接受的字段，如 order.order_id / fields to accept"),
    take_all: bool = typer.Option(False, "--all", help="接受所有不冲突的 / accept every one without a conflict"),
    source: Optional[str] = typer.Option(None, "--from", help="只接受这件证据的 / only this evidence item's (E0003)"),
    value: Optional[str] = typer.Option(None, "--value", help="用这个值代替读到的值（只限一个字段）/ write this value instead"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / print JSON"),
) -> None:
    """把读到的信息写入 case.toml（保留注释，记入保管链）/ write proposals into case.toml (comments kept, logged)."""
    from .errors import BadInput
    from .proposals import accept, accept_many

    case = _open(directory)
    fields = fields or []
    if not fields and not take_all:
        raise BadInput("请给出字段名或 --all", "name the fields to accept, or give --all",
                       hint_zh="先运行 casekit proposals DIR 查看", hint_en="run `casekit proposals DIR` first")
    if value is not None:
        if len(fields) != 1 or not source:
            raise BadInput("--value 只能配合一个字段和 --from 使用", "--value needs exactly one field and --from",
                           hint_zh="如 casekit accept DIR order.amount --from E0003 --value 1280.00",
                           hint_en="e.g. casekit accept DIR order.amount --from E0003 --value 1280.00")
        done, left = [accept(case, fields[0], source, value)], []
    else:
        done, left = accept_many(case, fields, take_all, source)
    if as_json:
        _print_json({"accepted": done, "left": [p.to_json() for p in left]})
        return
    for d in done:
        typer.echo(f"✓ {d['field']} = {d['value']}  ({d['evidence_id']})")
    for p in left:
        typer.echo(describe(p).replace("DIR", str(directory)))
    if not done and not left:
        typer.echo(bilingual("没有可接受的信息", "nothing to accept"))


@proposals_app.command("reject")
def reject_cmd(
    directory: Path = typer.Argument(..., help="案件文件夹 / case folder"),
    field: str = typer.Argument(..., help="字段，如 order.goods / the field"),
    source: str = typer.Option(..., "--from", help="证据编号，如 E0003 / evidence id"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / print JSON"),
) -> None:
    """不采用某条读到的信息（记入保管链，不再提示）/ turn a proposal down (logged, not offered again)."""
    from .proposals import reject

    done = reject(_open(directory), field, source)
    if as_json:
        _print_json(done)
        return
    typer.echo(f"✗ {done['field']} = {done['value']}  ({done['evidence_id']})")
