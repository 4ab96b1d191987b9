"""CLI commands of case scoping: `link` and `unlink` (issue 15 §2), thin over casekit.scoping.

An item the matching got wrong is put right by the user's own word, which is logged in custody
and comes before anything its contents say.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from .errors import bilingual

scope_app = typer.Typer(no_args_is_help=True, help="Case scoping: link, unlink.")

CaseDir = Annotated[Path, typer.Argument(help="案件文件夹 / the case folder", show_default=False)]
EvidenceId = Annotated[str, typer.Argument(help="证据编号，如 E0005 / evidence id, e.g. E0005", show_default=False)]
Reason = Annotated[str, typer.Option("--reason", help="理由（写入保管日志）/ why (logged in custody)")]
JsonFlag = Annotated[bool, typer.Option("--json", help="输出 JSON，便于脚本处理 / print JSON for scripts")]


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


@scope_app.command("link")
def link_cmd(
    directory: CaseDir,
    evidence_id: EvidenceId,
    suspect: Annotated[Optional[int], typer.Option(
        "--suspect", min=1, help="属于第几个对方（case.toml 中第几个 [[suspects]]）/ which [[suspects]] block, 1-based")] = None,
    reason: Reason = "",
    json_out: JsonFlag = False,
) -> None:
    """把一项证据计入本案（无论其内容能否匹配对方）/ count an item in this case whatever its contents match."""
    from .scoping import link
    from .store import Case

    case = Case.open(directory)
    found = link(case, evidence_id, suspect=suspect, reason=reason)
    excluded = case.item(found.evidence_id).excluded
    if json_out:
        _print_json({**found.to_json(), "excluded": excluded})
        return
    who = bilingual(f"（第 {suspect} 个对方）", f" (suspect {suspect})") if suspect else ""
    typer.echo(bilingual(f"{found.evidence_id} 已计入本案{who}，已记入保管日志",
                         f"{found.evidence_id} is now part of this case, logged in custody"))
    if excluded:
        typer.echo("! " + bilingual(f"{found.evidence_id} 已被 exclude 排除，排除仍然有效，材料中不会出现",
                                    f"{found.evidence_id} is excluded; the exclusion still holds and keeps it out of the packets"))


@scope_app.command("unlink")
def unlink_cmd(
    directory: CaseDir,
    evidence_id: EvidenceId,
    reason: Reason = "",
    json_out: JsonFlag = False,
) -> None:
    """把一项证据移出本案的材料（原件保留，可再 link）/ leave an item out of this case's filings; the original stays."""
    from .scoping import unlink
    from .store import Case

    found = unlink(Case.open(directory), evidence_id, reason=reason)
    if json_out:
        _print_json(found.to_json())
        return
    typer.echo(bilingual(f"{found.evidence_id} 已移出本案的材料（原件保留，可用 casekit link 恢复），已记入保管日志",
                         f"{found.evidence_id} is left out of this case's filings (original kept; `casekit link` undoes it), "
                         "logged in custody"))
