"""`casekit add`: copy files and folders into a case, hashing while streaming.

A file is copied into the case's private temp folder while it is hashed, then registered
under the lock (see `Case.register`). Ctrl-C during the copy leaves only a temp file,
which the next command ignores; nothing is half-registered.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import BadInput, bilingual
from .fsutil import SPACE_ERRNOS, disk_full_error
from .metadata import describe
from .store import CHUNK, Case

# Files operating systems leave behind; never evidence.
OS_LITTER = {".DS_Store", "Thumbs.db", "desktop.ini", "ehthumbs.db", "Icon\r", ".localized"}
LITTER_DIRS = {"__MACOSX", ".Spotlight-V100", ".Trashes", ".fseventsd"}


@dataclass
class AddOutcome:
    """What happened to one path given to `add`."""

    status: str  # added | duplicate | skipped | refused
    path: str
    evidence_id: str | None = None
    sha256: str | None = None
    reason: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"status": self.status, "path": self.path, "evidence_id": self.evidence_id, "sha256": self.sha256, "reason": self.reason}


def _is_litter(name: str) -> bool:
    return name in OS_LITTER or name.startswith("._")


def _inside(child: Path, parent: Path) -> bool:
    try:
        child.relative_to(parent)
        return True
    except ValueError:
        return False


def plan(case: Case, paths: list[Path]) -> Iterator[tuple[Path | None, str, AddOutcome | None]]:
    """Yield (file to copy, display path, None) or (None, display path, outcome to report)."""
    for given in paths:
        shown = str(given)
        if not os.path.lexists(given):
            yield None, shown, AddOutcome("refused", shown, reason=bilingual("路径不存在", "path does not exist"))
            continue
        resolved = given.resolve()
        if resolved == case.root or _inside(resolved, case.root) or _inside(case.root, resolved):
            yield None, shown, AddOutcome("refused", shown, reason=bilingual("不能把案件文件夹本身加入证据", "cannot add the case folder itself"))
            continue
        if resolved.is_dir():
            yield from _walk(case, given, resolved)
        else:
            yield from _single(given, shown, resolved)


def _single(path: Path, shown: str, resolved: Path) -> Iterator[tuple[Path | None, str, AddOutcome | None]]:
    if _is_litter(path.name):
        yield None, shown, AddOutcome("skipped", shown, reason=bilingual("系统垃圾文件，已跳过", "operating-system litter, skipped"))
        return
    try:
        mode = os.stat(resolved).st_mode
    except OSError:
        yield None, shown, AddOutcome("refused", shown, reason=bilingual("链接指向的文件不存在", "link target does not exist"))
        return
    if not stat.S_ISREG(mode):
        yield None, shown, AddOutcome("refused", shown, reason=bilingual("不是普通文件（设备、管道或套接字）", "not a regular file (device, pipe or socket)"))
        return
    yield resolved, shown, None


def _walk(case: Case, given: Path, root: Path) -> Iterator[tuple[Path | None, str, AddOutcome | None]]:
    """Every regular file under `root`, in a stable order; links leaving `root` are refused."""
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        current = Path(dirpath)
        dirnames.sort()
        for name in list(dirnames):
            full = current / name
            shown = str(given / full.relative_to(root))
            if name in LITTER_DIRS:
                dirnames.remove(name)
                yield None, shown, AddOutcome("skipped", shown, reason=bilingual("系统垃圾文件夹，已跳过", "operating-system litter folder, skipped"))
            elif full.is_symlink():
                dirnames.remove(name)
                yield None, shown, AddOutcome("refused", shown, reason=bilingual("不跟随指向文件夹的链接", "links to folders are not followed"))
            elif _inside(case.root, full.resolve()) or full.resolve() == case.root:
                dirnames.remove(name)
        for name in sorted(filenames):
            full = current / name
            shown = str(given / full.relative_to(root))
            if full.is_symlink():
                target = full.resolve()
                if not _inside(target, root):
                    yield None, shown, AddOutcome("refused", shown, reason=bilingual("链接指向所给文件夹之外，已拒绝", "link points outside the given folder; refused"))
                    continue
                yield from _single(full, shown, target)
            else:
                yield from _single(full, shown, full)


def copy_and_hash(source: Path, tmp_dir: Path, progress: Callable[[int], None] | None = None) -> tuple[Path, str, int]:
    """Stream `source` into a temp file, hashing as it goes. Returns (temp path, sha256, size)."""
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(prefix=f"add-{os.getpid()}-", suffix=".part", dir=tmp_dir)
    tmp = Path(tmp_name)
    try:
        with open(source, "rb") as src, os.fdopen(fd, "wb") as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                dst.write(chunk)
                size += len(chunk)
                if progress:
                    progress(len(chunk))
            dst.flush()
            os.fsync(dst.fileno())
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if exc.errno in SPACE_ERRNOS:
            raise disk_full_error(exc, source) from exc
        raise
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return tmp, digest.hexdigest(), size


def add_paths(
    case: Case,
    paths: list[Path],
    on_outcome: Callable[[AddOutcome], None] | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> list[AddOutcome]:
    """Add files and folders to `case`. Per-file problems become outcomes; the batch goes on."""
    if not paths:
        raise BadInput("没有给出要加入的文件", "no files given to add", hint_zh="casekit add 案件文件夹 文件或文件夹…", hint_en="casekit add CASE FILE_OR_FOLDER...")
    outcomes: list[AddOutcome] = []

    def report(outcome: AddOutcome) -> None:
        outcomes.append(outcome)
        if on_outcome:
            on_outcome(outcome)

    for source, shown, outcome in plan(case, paths):
        if outcome is not None:
            report(outcome)
            continue
        assert source is not None
        report(add_file(case, source, shown, on_bytes))
    return outcomes


def add_file(case: Case, source: Path, shown: str, on_bytes: Callable[[int], None] | None = None) -> AddOutcome:
    """Copy, hash and register one regular file; `shown` is the path the user knows it by
    (its last part becomes the item's name). The web page's uploads come in here too."""
    try:
        tmp, sha256, size = copy_and_hash(source, case.tmp_dir, on_bytes)
    except PermissionError:
        return AddOutcome("refused", shown, reason=bilingual("没有读取权限", "permission denied"))
    except IsADirectoryError:
        return AddOutcome("refused", shown, reason=bilingual("不是普通文件", "not a regular file"))
    with open(tmp, "rb") as handle:
        head = handle.read(64 * 1024)
    metadata = describe(tmp, Path(shown).name, head)
    metadata["mtime"] = _source_mtime(source) or metadata["mtime"]
    status, item = case.register(tmp, sha256, size, Path(shown).name, metadata, shown)
    reason = None if status == "added" else bilingual(f"与 {item.id} 内容相同，未重复复制", f"same bytes as {item.id}; not copied again")
    return AddOutcome(status, shown, item.id, sha256, reason)


def _source_mtime(source: Path) -> str | None:
    from datetime import datetime, timezone

    try:
        return datetime.fromtimestamp(source.stat().st_mtime, timezone.utc).isoformat()
    except OSError:
        return None
