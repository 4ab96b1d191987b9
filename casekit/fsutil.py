"""Small file-system primitives: atomic writes, fsync, deferred Ctrl-C, the case lock."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import BadInput, CaseError


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in `path` durable."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ENOSPC/EDQUOT: the disk or quota is full. EFBIG: the file is bigger than the file system
# (FAT32 holds at most 4 GiB per file) or than the process's RLIMIT_FSIZE allows.
SPACE_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def disk_full_error(exc: OSError, path: Path) -> BadInput:
    if exc.errno == errno.EFBIG:
        return BadInput(
            f"文件太大，此磁盘写不下 {path.name}（FAT32 单个文件最大 4 GiB），案件未改动",
            f"{path.name} is too large for this disk (FAT32 holds at most 4 GiB per file); the case was left unchanged",
            hint_zh="把案件文件夹放到 exFAT/NTFS/APFS/ext4 格式的磁盘上再试",
            hint_en="keep the case folder on an exFAT, NTFS, APFS or ext4 disk and try again",
        )
    return BadInput(
        f"磁盘空间不足，写入 {path.name} 失败，案件未改动",
        f"disk full while writing {path.name}; the case was left unchanged",
        hint_zh="腾出磁盘空间后重试",
        hint_en="free some disk space and run the command again",
    )


def atomic_write_bytes(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write `data` to `path` via a temp file in the same folder, fsync and rename."""
    atomic_write_with(path, lambda handle: handle.write(data), mode)


def atomic_write_with(path: Path, write: Callable[[BinaryIO], object], mode: int = 0o600) -> None:
    """`write(handle)` into a temp file in `path`'s folder, fsync and rename (a large output, such
    as a packet PDF, goes to its file without being held in memory first)."""
    path = Path(path)
    # Ctrl-C is held for these few milliseconds: an interrupt landing between mkstemp and the
    # try below would otherwise leave a stray temp file (seen in records/ after Ctrl-C).
    with deferred_interrupts():
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                write(handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            if exc.errno in SPACE_ERRNOS:
                raise disk_full_error(exc, path) from exc
            raise
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str, mode: int = 0o600) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), mode)


_deferring: list[bool] = []  # non-empty while a block holding the signals runs (main thread)
# A forked child runs no such block, even when forked inside one (a pool's worker).
os.register_at_fork(after_in_child=_deferring.clear)


_TEMP_OWNER = re.compile(r"^(?:add-|\..+\.)(\d+)-[^/]*\.(?:part|tmp)$")


def remove_orphaned_temps(folders: list[Path]) -> list[Path]:
    """Delete temp files whose writing process is gone (left by SIGKILL or power loss).

    Temp names carry the writer's pid; a file whose pid still runs is left alone, so an `add`
    copying beside us is never disturbed.
    """
    removed = []
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            match = _TEMP_OWNER.match(entry.name)
            if not match or not entry.is_file(follow_symlinks=False):
                continue
            pid = int(match.group(1))
            if pid == os.getpid() or _alive(pid):
                continue
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def deferred_interrupts() -> Iterator[None]:
    """Hold SIGINT/SIGTERM until the block ends, so a critical section is never cut in half."""
    with interrupts_at_checkpoints():
        yield


def _no_checkpoint() -> None:
    """The checkpoint of a nested block: the outermost block takes the signals."""


@contextlib.contextmanager
def interrupts_at_checkpoints() -> Iterator[Callable[[], None]]:
    """Hold SIGINT/SIGTERM inside the block; they take effect when the block calls the
    `checkpoint()` it is given (KeyboardInterrupt) or at the block's end, never anywhere else.

    For code that waits inside a library that must not be interrupted at an arbitrary line.
    `concurrent.futures` is one: `wait()` takes every future's lock in a plain loop, and a
    KeyboardInterrupt halfway leaves some held, so the pool's manager thread blocks on them for
    good and the pool's shutdown waits for it; and the pool forks its workers one by one, so an
    interrupt between two forks leaves a worker nobody stops, waiting for work forever.

    A process forked inside the block inherits the handler: there Ctrl-C is ignored (it is the
    parent's to handle) and any other signal has its default effect. Nested blocks (and
    `deferred_interrupts` inside this one) leave the signals to the outermost block.
    """
    if threading.current_thread() is not threading.main_thread() or _deferring:
        yield _no_checkpoint  # nested: the outermost block holds the signals and re-raises them
        return
    owner = os.getpid()
    received: list[int] = []

    def remember(signum: int, _frame: object) -> None:
        if os.getpid() != owner:  # a child forked inside the block, e.g. a pool worker
            if signum != signal.SIGINT:
                signal.signal(signum, signal.SIG_DFL)
                os.kill(os.getpid(), signum)
            return
        received.append(signum)

    def checkpoint() -> None:
        if received:
            raise KeyboardInterrupt  # a SIGTERM is sent again, unheld, at the block's end

    previous = {sig: signal.signal(sig, remember) for sig in (signal.SIGINT, signal.SIGTERM)}
    _deferring.append(True)
    try:
        yield checkpoint
    finally:
        _deferring.pop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if received:
            if received[0] != signal.SIGINT:
                os.kill(os.getpid(), received[0])
            elif not isinstance(sys.exc_info()[1], KeyboardInterrupt):  # not yet raised by checkpoint()
                raise KeyboardInterrupt


@contextlib.contextmanager
def file_lock(lock_path: Path, timeout: float = 120.0) -> Iterator[None]:
    """An exclusive advisory lock on `lock_path`; waits up to `timeout` seconds for another command."""
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise CaseError(
                        "案件正被另一个 casekit 命令使用",
                        "the case is busy with another casekit command",
                        hint_zh="等它结束后重试",
                        hint_en="wait for it to finish, then try again",
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing releases the flock
