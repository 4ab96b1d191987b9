"""Uploads: stream a multipart body into the case's own temp folder, then add it as `casekit add` adds a file.

Nothing is written outside the case folder (no system temp files): each part goes straight to
`.casekit/tmp/upload-*/N/NAME`. Limits are checked while the bytes arrive. When any limit is
broken the whole batch is dropped before anything is registered, so a batch is added whole or
not at all; the files that pass go through `adding.add_file`, the same path `casekit add` takes.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import AsyncIterator

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from ..adding import AddOutcome, add_file
from ..errors import BadInput
from ..store import Case

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_FILES = 200
MAX_BATCH_BYTES = 512 * 1024 * 1024
MAX_NAME_CHARS = 120
UPLOADED = "(网页上传 web upload)"  # what custody records as the source path of an uploaded file


@dataclass
class Limits:
    file_bytes: int = MAX_FILE_BYTES
    files: int = MAX_FILES
    batch_bytes: int = MAX_BATCH_BYTES


def safe_name(name: str) -> str:
    """A file name that is one path component: no folders, no control characters, not hidden."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    name = re.sub(r"\s+", " ", name).strip().lstrip(".")
    if len(name) > MAX_NAME_CHARS:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: MAX_NAME_CHARS - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:MAX_NAME_CHARS]
    return name or "unnamed"


def too_big(limit: int) -> BadInput:
    mib = limit / (1024 * 1024)
    return BadInput(f"文件太大：单个文件不能超过 {mib:g} MB，这一批未加入任何文件",
                    f"file too large: at most {mib:g} MB per file; nothing from this batch was added",
                    hint_zh="把过大的文件（如长录屏）单独用 casekit add 加入", hint_en="add very large files with `casekit add`")


@dataclass
class _Part:
    headers: dict[str, bytes] = field(default_factory=dict)
    name: str | None = None  # the form field
    filename: str | None = None
    path: Path | None = None
    handle: object | None = None
    size: int = 0


class _Receiver:
    """python-multipart callbacks writing each file part into its own folder under `staging`."""

    def __init__(self, staging: Path, limits: Limits) -> None:
        self.staging, self.limits = staging, limits
        self.files: list[Path] = []
        self.fields: dict[str, str] = {}
        self.mtimes: list[str] = []  # the browser's File.lastModified (ms), one per file, sent before it
        self.total = 0
        self.error: BadInput | None = None
        self.part = _Part()
        self._field, self._value = b"", b""

    def callbacks(self) -> dict:
        return {"on_part_begin": self.begin, "on_part_data": self.data, "on_part_end": self.end,
                "on_header_field": self.header_field, "on_header_value": self.header_value,
                "on_header_end": self.header_end, "on_headers_finished": self.headers_done}

    def begin(self) -> None:
        self.part = _Part()

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def header_end(self) -> None:
        self.part.headers[self._field.decode("latin-1").lower()] = self._value
        self._field, self._value = b"", b""

    def headers_done(self) -> None:
        _, options = parse_options_header(self.part.headers.get("content-disposition", b""))  # bytes: UTF-8 names
        self.part.name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        if filename is None:
            return
        if len(self.files) >= self.limits.files:
            self.error = BadInput(f"一次最多上传 {self.limits.files} 个文件，这一批未加入任何文件",
                                  f"at most {self.limits.files} files at once; nothing from this batch was added",
                                  hint_zh="分几批上传", hint_en="upload them in several batches")
            return
        folder = self.staging / str(len(self.files) + 1)
        folder.mkdir(mode=0o700)
        self.part.filename = safe_name(filename.decode("utf-8", "replace"))
        self.part.path = folder / self.part.filename
        self.part.handle = open(self.part.path, "xb")
        self.files.append(self.part.path)

    def data(self, data: bytes, start: int, end: int) -> None:
        if self.error is not None:
            return
        chunk = data[start:end]
        self.total += len(chunk)
        if self.part.handle is None:
            self.fields[self.part.name or ""] = self.fields.get(self.part.name or "", "") + chunk.decode("utf-8", "replace")
            if len(self.fields[self.part.name or ""]) > 4096:
                self.error = BadInput("表单字段过长", "form field too long", hint_zh="重新上传", hint_en="upload again")
            return
        self.part.size += len(chunk)
        if self.part.size > self.limits.file_bytes:
            self.error = too_big(self.limits.file_bytes)
            return
        if self.total > self.limits.batch_bytes:
            self.error = too_big(self.limits.batch_bytes)
            return
        self.part.handle.write(chunk)  # type: ignore[attr-defined]

    def end(self) -> None:
        if self.part.handle is None and self.part.name == "mtime":
            self.mtimes.append(self.fields.pop("mtime", ""))
        if self.part.handle is not None:
            self.part.handle.close()  # type: ignore[attr-defined]
            self.part.handle = None


def boundary_of(content_type: str) -> bytes:
    kind, options = parse_options_header(content_type)
    if kind != b"multipart/form-data" or b"boundary" not in options:
        raise BadInput("上传格式不对", "not a multipart/form-data upload", hint_zh="用页面上的上传框", hint_en="use the page's upload box")
    return options[b"boundary"]


async def receive_files(case: Case, content_type: str, length: int | None, body: AsyncIterator[bytes],
                        limits: Limits) -> tuple[Path, list[Path], dict[str, str]]:
    """Stream the upload into a fresh staging folder. Returns (staging, files, other fields).
    On any problem the staging folder is removed and BadInput raised."""
    if length is not None and length > limits.batch_bytes + 1024 * 1024:
        raise too_big(limits.batch_bytes)
    boundary = boundary_of(content_type)
    staging = Path(tempfile.mkdtemp(prefix="upload-", dir=case.tmp_dir))
    receiver = _Receiver(staging, limits)
    parser = MultipartParser(boundary, receiver.callbacks())
    try:
        async for chunk in body:  # read to the end even after an error, so the browser gets the reply
            if receiver.error is None:
                parser.write(chunk)
        if receiver.error is not None:
            raise receiver.error
        parser.finalize()
        receiver.end()
        if receiver.error is not None:
            raise receiver.error
        if not receiver.files:
            raise BadInput("没有收到文件", "no files received", hint_zh="选择或拖入要加入的截图和账单", hint_en="choose or drop the screenshots and bills to add")
    except (MultipartParseError, ValueError) as exc:
        receiver.end()
        shutil.rmtree(staging, ignore_errors=True)
        raise BadInput("上传的数据不完整或格式不对，这一批未加入任何文件", f"the upload was cut short or malformed ({exc}); nothing was added",
                       hint_zh="重新上传", hint_en="upload again") from None
    except BaseException:
        receiver.end()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    keep_file_times(receiver.files, receiver.mtimes)
    return staging, receiver.files, receiver.fields


def keep_file_times(files: list[Path], mtimes: list[str]) -> None:
    """Give each staged copy the file time the browser reported, so the item records the
    original's time as `casekit add` would, not the moment of the upload."""
    for path, value in zip(files, mtimes):
        try:
            seconds = int(value) / 1000
        except ValueError:
            continue
        if 0 < seconds < 32503680000:  # before the year 3000: anything else is not a time
            os.utime(path, (seconds, seconds))


def add_staged(case: Case, staging: Path, files: list[Path]) -> list[AddOutcome]:
    """Register staged files through `casekit add`'s own path, then drop the staging folder."""
    try:
        return [add_file(case, path, f"{UPLOADED}/{path.name}") for path in files]
    finally:
        shutil.rmtree(staging, ignore_errors=True)
