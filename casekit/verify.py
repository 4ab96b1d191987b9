"""`casekit verify`: recompute every hash and the custody chain, and name what differs."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import bilingual
from .store import GENESIS, Case, line_hash, manifest_line, sha256_file


@dataclass
class Problem:
    kind: str  # modified | missing | unlogged | broken_chain | bad_line | manifest | corrections
    message: str
    evidence_id: str | None = None
    path: str | None = None
    line: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "evidence_id": self.evidence_id, "path": self.path, "line": self.line}


@dataclass
class Report:
    items_checked: int = 0
    custody_lines: int = 0
    head: str = GENESIS  # hash of the last custody line: quote it to anchor the log
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "items_checked": self.items_checked,
            "custody_lines": self.custody_lines,
            "custody_head": self.head,
            "problems": [p.to_json() for p in self.problems],
        }


def custody_lines(data: bytes) -> list[bytes]:
    """The custody log's lines as stored (without newlines)."""
    return [line for line in data.split(b"\n") if line]


def check_chain(case: Case, report: Report) -> None:
    try:
        lines = custody_lines(case.custody_path.read_bytes())
    except FileNotFoundError:
        lines = []
    chain_problems(lines, report)
    recorded_head_problems(case, lines, report)


def chain_problems(lines: list[bytes], report: Report) -> None:
    """Each line's `prev` is the hash of the line before, and its `seq` its number."""
    report.custody_lines = len(lines)
    prev = GENESIS
    for number, line in enumerate(lines, start=1):
        try:
            entry = json.loads(line)
        except ValueError:
            report.problems.append(Problem("bad_line", bilingual(f"保管日志第 {number} 行无法解析", f"custody log line {number} is not valid JSON"), line=number))
            prev = line_hash(line)
            continue
        if entry.get("prev") != prev:
            report.problems.append(
                Problem("broken_chain", bilingual(f"保管日志在第 {number} 行断链（该行或其前一行被改动、删除或调换）", f"custody chain broken at line {number} (this or the previous line was edited, deleted or moved)"), line=number)
            )
        elif entry.get("seq") != number:
            report.problems.append(Problem("broken_chain", bilingual(f"保管日志第 {number} 行序号不符", f"custody log line {number} has the wrong sequence number"), line=number))
        prev = line_hash(line)
    report.head = prev


def recorded_head_problems(case: Case, lines: list[bytes], report: Report) -> None:
    """The log is as long as the chain head recorded beside it says."""
    recorded = case.recorded_head()
    if recorded:
        seq = int(recorded.get("seq", 0))
        if seq > len(lines):
            report.problems.append(
                Problem("broken_chain", bilingual(f"保管日志被截短：缺少第 {len(lines) + 1}–{seq} 行", f"custody log truncated: lines {len(lines) + 1}-{seq} are missing"), line=len(lines) + 1)
            )
        elif seq and line_hash(lines[seq - 1]) != recorded.get("hash"):
            report.problems.append(Problem("broken_chain", bilingual(f"保管日志第 {seq} 行与记录的链尾不符", f"custody log line {seq} does not match the recorded chain head"), line=seq))


def check_files(case: Case, report: Report) -> None:
    items = case.items()
    report.items_checked = len(items)
    logged = set()
    for item in items:
        logged.add(item.relpath)
        path = item.path
        if not path.is_file():
            report.problems.append(Problem("missing", bilingual(f"{item.id} 原件缺失：{item.relpath}", f"{item.id} original is missing: {item.relpath}"), item.id, item.relpath))
            continue
        actual = sha256_file(path)
        if actual != item.sha256:
            report.problems.append(Problem("modified", bilingual(f"{item.id} 原件已被改动：{item.relpath}", f"{item.id} original was modified: {item.relpath}"), item.id, item.relpath))
    for dirpath, _dirs, files in os.walk(case.evidence_dir):
        for name in files:
            rel = Path(dirpath, name).relative_to(case.root).as_posix()
            if rel not in logged:
                report.problems.append(Problem("unlogged", bilingual(f"证据文件夹中有未登记的文件：{rel}", f"unlogged extra file in evidence/: {rel}"), path=rel))
    try:
        manifest = case.manifest_path.read_bytes()
    except FileNotFoundError:
        manifest = None
    expected = b"".join(manifest_line(i.sha256, i.relpath) for i in items)
    if manifest != expected:
        report.problems.append(Problem("manifest", bilingual(f"{case.manifest_path.name} 与保管日志不一致", f"{case.manifest_path.name} does not match the custody log"), path=case.manifest_path.name))


def check_corrections(case: Case, report: Report) -> None:
    """corrections.jsonl line by line against the hashes the custody log recorded for it."""
    from .corrections import FILE, check

    for line, zh, en in check(case.root, case.custody_entries()):
        report.problems.append(Problem("corrections", bilingual(zh, en), path=FILE, line=line))


def verify_case(case: Case) -> Report:
    """Check originals, manifest and custody chain. Read-only apart from finishing an interrupted add."""
    report = Report()
    # Under the case lock: an add running beside us must not be seen half-way (file moved into
    # evidence/ but not yet logged), which would be reported as a false difference.
    with case.locked():
        check_chain(case, report)
        check_files(case, report)
        check_corrections(case, report)
    return report


def packet_custody_head(path: Path) -> str:
    """"第 12 条　<SHA-256>", printed in a packet's appendix: the custody log's last entry that changed the evidence or its records
    (every entry but "build"/"verify") and the hash of that line; the chain from the first line up
    to it is what the packet rests on (`casekit verify` checks it; a later change breaks it). A
    rebuild of unchanged evidence prints the same line."""
    try:
        lines = [line for line in path.read_bytes().split(b"\n") if line]
    except OSError:
        return "—"
    for n in range(len(lines), 0, -1):
        try:
            action = json.loads(lines[n - 1]).get("action")
        except ValueError:
            action = None
        if action not in ("build", "verify"):
            return f"第 {n} 条　{line_hash(lines[n - 1])}"
    return "—"
