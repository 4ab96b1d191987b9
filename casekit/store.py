"""The case folder (DESIGN §3): originals, MANIFEST.sha256, the custody log, the lock.

The custody log is the single source of truth: the evidence list is replayed from its
`add` and `exclude` entries, and MANIFEST.sha256 is regenerated from that list. Every
change runs under the case lock; a registration is journalled first so that a crash
anywhere is finished (rolled forward) by the next command that opens the case.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import __version__
from .errors import BadInput, CaseError
from .fsutil import SPACE_ERRNOS, atomic_write_bytes, atomic_write_text, deferred_interrupts, disk_full_error, file_lock, fsync_dir, remove_orphaned_temps
from .records import Extraction

CASE_FILE = "case.toml"
MANIFEST = "MANIFEST.sha256"
CUSTODY = "custody.jsonl"
EVIDENCE = "evidence"
PRIVATE = ".casekit"
PRINT_CACHE = "print-cache"  # inside PRIVATE: packet print copies, font cuts, page-number guesses
OUT = "out"
GENESIS = "0" * 64
CHUNK = 1024 * 1024


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def line_hash(line: bytes) -> str:
    """Hash of one custody line as stored (without its newline): the next line's `prev`."""
    return hashlib.sha256(line).hexdigest()


def encode_json_line(entry: dict[str, Any]) -> bytes:
    """One custody line. Non-UTF-8 file names (surrogate escapes) fall back to ASCII escapes."""
    text = json.dumps(entry, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(entry, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def manifest_line(sha256: str, relpath: str) -> bytes:
    """A `sha256sum`-compatible line, with GNU escaping for names holding \\, newline or CR."""
    name = os.fsencode(relpath)
    if any(c in name for c in (b"\\", b"\n", b"\r")):
        name = name.replace(b"\\", b"\\\\").replace(b"\n", b"\\n").replace(b"\r", b"\\r")
        return b"\\" + sha256.encode() + b"  " + name + b"\n"
    return sha256.encode() + b"  " + name + b"\n"


@dataclass
class EvidenceItem:
    """One original in `evidence/`, as the custody log describes it."""

    id: str
    sha256: str
    size: int
    original_name: str
    relpath: str  # relative to the case root, e.g. "evidence/E0001/IMG_1.png"
    added_at: datetime
    root: Path
    metadata: dict[str, Any] = field(default_factory=dict)
    source_path: str | None = None
    excluded: bool = False
    exclude_reason: str | None = None

    @property
    def path(self) -> Path:
        return self.root / self.relpath

    @property
    def media_type(self) -> str:
        return str(self.metadata.get("media_type", "application/octet-stream"))

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.original_name,
            "path": self.relpath,
            "sha256": self.sha256,
            "size": self.size,
            "media_type": self.media_type,
            "added_at": self.added_at.isoformat(),
            "excluded": self.excluded,
            "exclude_reason": self.exclude_reason,
            "metadata": self.metadata,
        }


def _is_case(root: Path) -> bool:
    return (root / CUSTODY).is_file() and (root / EVIDENCE).is_dir()


def print_cache_dir(root: Path) -> Path:
    """The case's print cache (a cache: rebuilt when missing, never evidence)."""
    return root / PRIVATE / PRINT_CACHE


class Case:
    """An open case folder. Cheap to open; reads the custody log on demand."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.evidence_dir = root / EVIDENCE
        self.private_dir = root / PRIVATE
        self.out_dir = root / OUT
        self.toml_path = root / CASE_FILE
        self.custody_path = root / CUSTODY
        self.manifest_path = root / MANIFEST
        self.records_dir = self.private_dir / "records"
        self.tmp_dir = self.private_dir / "tmp"
        self.print_cache_dir = print_cache_dir(root)
        self.journal_path = self.private_dir / "journal.json"
        self.head_path = self.private_dir / "custody.head"

    # ---- opening -------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path | str) -> "Case":
        root = Path(path).expanduser()
        if not root.exists():
            raise CaseError(
                f"案件文件夹不存在：{root}",
                f"case folder not found: {root}",
                hint_zh=f"先运行 casekit init {root}",
                hint_en=f"run `casekit init {root}` first",
            )
        if not _is_case(root):
            raise CaseError(
                f"不是 casekit 案件文件夹：{root}",
                f"not a casekit case folder: {root}",
                hint_zh="用 casekit init 新建案件，或检查路径",
                hint_en="create one with `casekit init`, or check the path",
            )
        case = cls(root.resolve())
        for folder in (case.private_dir, case.records_dir, case.tmp_dir):
            folder.mkdir(mode=0o700, exist_ok=True)
        if case.journal_path.exists():
            with case.locked():
                pass  # locked() finishes any interrupted registration
        return case

    @classmethod
    def init(cls, path: Path | str, case_toml: str) -> "Case":
        """Create a new, private case folder with a commented case.toml."""
        root = Path(path).expanduser()
        if root.exists() and not root.is_dir():
            raise BadInput(f"已存在同名文件：{root}", f"a file with that name exists: {root}", hint_zh="换一个文件夹名", hint_en="choose another folder name")
        if root.exists() and _is_case(root):
            raise CaseError(f"案件已存在：{root}", f"a case already exists there: {root}", hint_zh="直接使用它，或换一个文件夹", hint_en="use it as it is, or choose another folder")
        if root.exists() and any(p.name not in (".DS_Store",) for p in root.iterdir()):
            raise BadInput(f"文件夹非空：{root}", f"folder is not empty: {root}", hint_zh="用一个新的空文件夹建案件", hint_en="use a new, empty folder for the case")
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(root, 0o700)
        case = cls(root.resolve())
        for folder in (case.evidence_dir, case.private_dir, case.records_dir, case.tmp_dir, case.out_dir):
            folder.mkdir(mode=0o700, exist_ok=True)
        if not case.toml_path.exists():
            atomic_write_text(case.toml_path, case_toml)
        with case.locked():
            case._append_custody({"action": "init"})
            case._write_manifest([])
        return case

    # ---- locking and recovery --------------------------------------------------------------
    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the case lock; finish any interrupted registration first."""
        with file_lock(self.private_dir / "lock"):
            self._roll_forward()
            remove_orphaned_temps([self.root, self.private_dir, self.records_dir, self.tmp_dir, self.out_dir])
            yield

    def _roll_forward(self) -> None:
        """Complete a registration that was journalled but cut short (crash, SIGKILL, power loss)."""
        if not self.journal_path.exists():
            return
        try:
            journal = json.loads(self.journal_path.read_text("utf-8"))
        except (OSError, ValueError):
            journal = None
        if journal:
            with deferred_interrupts():
                target = self.root / journal["relpath"]
                tmp = Path(journal["tmp"])
                if not target.exists() and tmp.exists():
                    target.parent.mkdir(mode=0o700, exist_ok=True)
                    os.replace(tmp, target)
                if target.exists():
                    os.chmod(target, 0o444)
                    logged = {e.get("evidence_id") for e in self._entries() if e.get("action") == "add"}
                    if journal["entry"]["evidence_id"] not in logged:
                        self._append_custody(journal["entry"])
                    self._write_manifest(self.items())
                self.journal_path.unlink()
        else:
            self.journal_path.unlink()
        fsync_dir(self.private_dir)

    # ---- custody log -----------------------------------------------------------------------
    def _raw_lines(self) -> list[bytes]:
        try:
            data = self.custody_path.read_bytes()
        except FileNotFoundError:
            return []
        return [line for line in data.split(b"\n") if line]

    def _entries(self) -> list[dict[str, Any]]:
        entries = []
        for line in self._raw_lines():
            try:
                entries.append(json.loads(line))
            except ValueError:
                continue  # verify reports it; the rest of the log still reads
        return entries

    def _append_custody(self, entry: dict[str, Any]) -> dict[str, Any]:
        lines = self._raw_lines()
        full = {
            "seq": len(lines) + 1,
            "time": now_utc().isoformat(timespec="seconds"),
            **entry,
            "tool": f"casekit {__version__}",
            "prev": line_hash(lines[-1]) if lines else GENESIS,
        }
        data = encode_json_line(full) + b"\n"
        fd = os.open(self.custody_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            size_before = os.fstat(fd).st_size
            try:
                # A full disk can cut a write short; a half line would break the chain for good,
                # so write the rest or cut the log back to where it was.
                view = memoryview(data)
                while view:
                    written = os.write(fd, view)
                    if written <= 0:
                        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                    view = view[written:]
                os.fsync(fd)
            except OSError as exc:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, size_before)
                    os.fsync(fd)
                if exc.errno in SPACE_ERRNOS:
                    raise disk_full_error(exc, self.custody_path) from exc
                raise
        finally:
            os.close(fd)
        # The head is kept apart from the log so that cutting lines off its end is noticed.
        head = {"seq": full["seq"], "hash": line_hash(data[:-1])}
        atomic_write_text(self.head_path, json.dumps(head))
        return full

    def recorded_head(self) -> dict[str, Any] | None:
        """The last custody line's number and hash as recorded beside the log, if any."""
        try:
            return json.loads(self.head_path.read_text("utf-8"))
        except (OSError, ValueError):
            return None

    def log_locked(self, action: str, **fields: Any) -> dict[str, Any]:
        """Append a custody entry while the caller already holds `locked()` (the lock is not
        re-entrant: a second flock in the same process would wait for itself)."""
        return self._append_custody({"action": action, **fields})

    def custody_entries(self) -> list[dict[str, Any]]:
        """Every readable custody entry, oldest first (scoping replays link/unlink from them)."""
        return self._entries()

    def log(self, action: str, **fields: Any) -> dict[str, Any]:
        """Append a custody entry (extract, build, verify…) under the lock."""
        with self.locked():
            return self._append_custody({"action": action, **fields})

    # ---- evidence --------------------------------------------------------------------------
    def items(self) -> list[EvidenceItem]:
        """The evidence list, replayed from the custody log."""
        items: dict[str, EvidenceItem] = {}
        for entry in self._entries():
            action = entry.get("action")
            if action == "add" and entry.get("evidence_id"):
                items[entry["evidence_id"]] = EvidenceItem(
                    id=entry["evidence_id"],
                    sha256=entry["sha256"],
                    size=int(entry.get("size", 0)),
                    original_name=entry.get("original_name", ""),
                    relpath=entry["path"],
                    added_at=datetime.fromisoformat(entry["time"]),
                    root=self.root,
                    metadata=entry.get("metadata") or {},
                    source_path=entry.get("source_path"),
                )
            elif action == "exclude" and entry.get("evidence_id") in items:
                item = items[entry["evidence_id"]]
                item.excluded, item.exclude_reason = True, entry.get("reason")
            elif action == "include" and entry.get("evidence_id") in items:
                item = items[entry["evidence_id"]]
                item.excluded, item.exclude_reason = False, None
        return sorted(items.values(), key=lambda i: i.id)

    def item(self, evidence_id: str) -> EvidenceItem:
        wanted = evidence_id.strip().upper()
        for item in self.items():
            if item.id == wanted:
                return item
        raise BadInput(f"没有编号为 {evidence_id} 的证据", f"no evidence with id {evidence_id}", hint_zh="用 casekit list 查看编号", hint_en="see the ids with `casekit list`")

    def next_id(self) -> str:
        numbers = [int(i.id[1:]) for i in self.items() if i.id[1:].isdigit()]
        return f"E{(max(numbers) + 1) if numbers else 1:04d}"

    def _write_manifest(self, items: list[EvidenceItem]) -> None:
        data = b"".join(manifest_line(i.sha256, i.relpath) for i in items)
        atomic_write_bytes(self.manifest_path, data, mode=0o644)

    def register(self, tmp: Path, sha256: str, size: int, original_name: str, metadata: dict[str, Any], source_path: str | None) -> tuple[str, EvidenceItem]:
        """Move a hashed temp copy into evidence/ and log it. Returns ("added"|"duplicate", item).

        Runs under the lock and with Ctrl-C deferred; journalled so a crash is rolled forward.
        """
        with self.locked():
            existing = {i.sha256: i for i in self.items()}
            if sha256 in existing:
                tmp.unlink(missing_ok=True)
                return "duplicate", existing[sha256]
            evidence_id = self.next_id()
            safe_name = original_name.replace("/", "_") or "unnamed"
            relpath = f"{EVIDENCE}/{evidence_id}/{safe_name}"
            entry = {
                "action": "add",
                "evidence_id": evidence_id,
                "sha256": sha256,
                "size": size,
                "original_name": original_name,
                "path": relpath,
                "source_path": source_path,
                "metadata": metadata,
            }
            journal = {"tmp": str(tmp), "relpath": relpath, "entry": entry}
            with deferred_interrupts():
                atomic_write_text(self.journal_path, json.dumps(journal, ensure_ascii=True))
                self._roll_forward()
            return "added", self.item(evidence_id)

    def exclude(self, evidence_id: str, reason: str) -> EvidenceItem:
        """Leave an item out of packets, with a logged reason. Nothing is deleted."""
        if not reason.strip():
            raise BadInput("排除证据必须说明理由", "excluding evidence needs a reason", hint_zh='加上 --reason "理由"', hint_en='add --reason "why"')
        with self.locked():
            item = self.item(evidence_id)
            self._append_custody({"action": "exclude", "evidence_id": item.id, "sha256": item.sha256, "reason": reason.strip()})
        return self.item(item.id)

    # ---- extracted records -----------------------------------------------------------------
    def record_path(self, evidence_id: str) -> Path:
        return self.records_dir / f"{evidence_id}.json"

    def load_extraction(self, evidence_id: str) -> Extraction | None:
        """Records `casekit extract` stored for an item, or None if not extracted yet."""
        path = self.record_path(evidence_id)
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return Extraction.from_json(data["extraction"])

    def stored_record_meta(self, evidence_id: str) -> dict[str, Any] | None:
        try:
            data = json.loads(self.record_path(evidence_id).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return {k: v for k, v in data.items() if k != "extraction"}

    def save_extraction(self, evidence_id: str, sha256: str, key: str, extraction: Extraction) -> None:
        payload = {"evidence_id": evidence_id, "sha256": sha256, "key": key, "extraction": extraction.to_json()}
        atomic_write_text(self.record_path(evidence_id), json.dumps(payload, ensure_ascii=False, indent=1))

