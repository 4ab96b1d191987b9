"""`casekit verify PACKET.pdf`: a packet re-verifies on its own.

A complete (police) packet built by casekit carries the originals it cites, MANIFEST.sha256 and
custody.jsonl; a redacted (platform, consumer) one carries MANIFEST.sha256 only (packets.py). This
extracts them and checks, as a reader of the paper would:
- each attachment's bytes hash to the SHA-256 in its description;
- every SHA-256 printed on the pages (exhibit metadata, the stamp of each exhibit page) is the hash
  of an attached original (a redacted copy: a line of the attached MANIFEST.sha256) — and every
  attached original's hash is printed;
- each original's hash is a line of the attached MANIFEST.sha256, whose own hash is the one the
  appendix prints; the attached custody log's hash chain is unbroken.
The text is read back with pdftotext (poppler), as a reader sees it.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import BadInput, MissingDependency, bilingual
from .verify import Problem, Report, chain_problems, custody_lines

_PRINTED = re.compile(r"SHA-256[：:\s]*([0-9a-f]{64})")
_DESCRIBED = re.compile(r"SHA-256 ([0-9a-f]{64})")
CASE_FILES = ("MANIFEST.sha256", "custody.jsonl")


@dataclass
class PacketReport:
    packet: str
    attachments: int = 0
    originals: int = 0
    printed: int = 0
    complete: bool = False   # originals attached (a complete copy), else checked against MANIFEST.sha256
    custody: Report = field(default_factory=Report)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "packet": self.packet, "attachments": self.attachments, "originals": self.originals,
                "printed_hashes": self.printed, "originals_attached": self.complete, "custody_lines": self.custody.custody_lines,
                "custody_head": self.custody.head, "problems": [p.to_json() for p in self.problems]}


def _text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        raise MissingDependency("找不到 pdftotext（poppler-utils）", "pdftotext (poppler-utils) not found",
                                hint_zh="apt install poppler-utils", hint_en="apt install poppler-utils")
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=300, check=False)
    return done.stdout.decode("utf-8", "replace")


def _attachments(path: Path) -> list[tuple[str, str, bytes]]:
    """(file name, description, bytes) of each embedded file."""
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            out = []
            for name, spec in pdf.attachments.items():
                data = spec.get_file().read_bytes()
                out.append((str(spec.filename or name), str(spec.description or ""), data))
            return out
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        raise BadInput(f"无法读取 PDF：{path.name}", f"cannot read the PDF {path.name}: {exc}",
                       hint_zh="确认这是 casekit 生成的材料 PDF", hint_en="give a packet PDF built by casekit") from None


def verify_packet(path: Path) -> PacketReport:
    """Check a packet PDF against the files it carries (see the module docstring)."""
    report = PacketReport(path.name)
    if not path.is_file():
        raise BadInput(f"文件不存在：{path}", f"no such file: {path}", hint_zh="检查路径", hint_en="check the path")
    files = _attachments(path)
    report.attachments = len(files)
    problems = report.problems
    if not files:
        problems.append(Problem("no_attachments", bilingual(
            "材料未附带原件（生成时用了 --no-attachments？），无法仅凭此文件核验",
            "the packet carries no originals (built with --no-attachments?); it cannot be verified on its own")))
        return report
    text = _text(path)
    flat = re.sub(r"\s+", "", text)
    printed = set(_PRINTED.findall(text))
    report.printed = len(printed)
    originals: dict[str, str] = {}
    case_files: dict[str, bytes] = {}
    for name, description, data in files:
        actual = hashlib.sha256(data).hexdigest()
        described = _DESCRIBED.search(description)
        if described is None or described.group(1) != actual:
            problems.append(Problem("modified", bilingual(f"附件 {name} 与其说明中的 SHA-256 不符",
                                                          f"attachment {name} does not match the SHA-256 in its description"),
                                    path=name))
        if name in CASE_FILES:
            case_files[name] = data
        else:
            originals[actual] = name
    report.originals = len(originals)
    manifest = case_files.get("MANIFEST.sha256")
    listed = {line.split(b"  ", 1)[0].lstrip(b"\\").decode("ascii", "replace")
              for line in (manifest or b"").splitlines()}
    report.complete = bool(originals)
    for digest in sorted(printed - set(originals if originals else listed)):
        what = ("没有对应的附件原件", "has no attached original") if originals else ("不在所附 MANIFEST.sha256 中",
                                                                          "is not in the attached MANIFEST.sha256")
        problems.append(Problem("missing", bilingual(f"页面上印的 SHA-256 {digest[:12]}… {what[0]}",
                                                     f"SHA-256 {digest[:12]}… printed on the pages {what[1]}")))
    for digest, name in sorted(originals.items()):
        if digest not in flat:
            problems.append(Problem("unlogged", bilingual(f"附件 {name} 的 SHA-256 未印在材料上",
                                                          f"attachment {name}: its SHA-256 is not printed in the packet"), path=name))
    if manifest is None:
        problems.append(Problem("manifest", bilingual("材料未附带 MANIFEST.sha256", "the packet carries no MANIFEST.sha256")))
    else:
        for digest, name in sorted(originals.items()):
            if digest not in listed:
                problems.append(Problem("manifest", bilingual(f"附件 {name} 不在所附 MANIFEST.sha256 中",
                                                              f"attachment {name} is not listed in the attached MANIFEST.sha256"), path=name))
        if hashlib.sha256(manifest).hexdigest() not in flat:
            problems.append(Problem("manifest", bilingual("所附 MANIFEST.sha256 的哈希与材料上印的不符",
                                                          "the attached MANIFEST.sha256 is not the one whose hash the packet prints")))
    custody = case_files.get("custody.jsonl")
    if custody is None and not originals:
        return report  # a redacted copy: no custody log by design
    if custody is None:
        problems.append(Problem("broken_chain", bilingual("材料未附带 custody.jsonl", "the packet carries no custody.jsonl")))
    else:
        chain_problems(custody_lines(custody), report.custody)
        problems += report.custody.problems
    return report
