"""Metadata recorded at `add`: media type, image size, capture time (EXIF, PNG, file name), mtime."""

from __future__ import annotations

import re
import warnings
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")

_MAGIC: list[tuple[bytes, int, str]] = [
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"BM", 0, "image/bmp"),
    (b"II*\x00", 0, "image/tiff"),
    (b"MM\x00*", 0, "image/tiff"),
    (b"%PDF-", 0, "application/pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "application/vnd.ms-excel"),
    (b"PK\x03\x04", 0, "application/zip"),
]


def sniff_media_type(head: bytes) -> str:
    """A MIME type from the first bytes (never from the file name)."""
    for magic, offset, mime in _MAGIC:
        if head[offset : offset + len(magic)] == magic:
            if mime == "application/zip" and b"xl/" in head[:4096]:
                return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis"):
            return "image/heic"
        return "video/mp4"
    if not head:
        return "application/x-empty"
    if b"\x00" not in head[:4096]:
        for encoding in ("utf-8", "gb18030"):
            try:
                head[:4096].decode(encoding)
            except UnicodeDecodeError as exc:
                # A multi-byte character cut at the end of the sample is still text.
                if exc.start < len(head[:4096]) - 4:
                    continue
            text = head[:4096].decode(encoding, errors="ignore")
            return "text/csv" if ("," in text or "\t" in text) else "text/plain"
    return "application/octet-stream"


# Common phone screenshot / photo names, e.g. Screenshot_20260306-101500.png,
# IMG_20260306_101500.jpg, 微信图片_20260306101500.jpg, Screenshot 2026-03-06 at 10.15.00.png,
# Screenshot_2026-03-06-10-15-00-123_com.tencent.mm.jpg, 屏幕截图 2026-03-06 101500.png
_NAME_PATTERNS = [
    re.compile(r"(?<!\d)(20\d\d)(\d\d)(\d\d)[-_ T]?(\d\d)(\d\d)(\d\d)(?!\d)"),
    re.compile(r"(?<!\d)(20\d\d)-(\d\d)-(\d\d)[-_ ](?:at )?(\d\d)[-.:_]?(\d\d)[-.:_]?(\d\d)(?!\d)"),
]


def capture_time_from_name(name: str) -> datetime | None:
    """The capture time encoded in a screenshot's file name, in China time, or None."""
    for pattern in _NAME_PATTERNS:
        match = pattern.search(name)
        if not match:
            continue
        try:
            parts = [int(g) for g in match.groups()]
            return datetime(*parts, tzinfo=SHANGHAI)  # type: ignore[misc]
        except ValueError:
            continue
    return None


def _parse_exif_time(value: Any, offset: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        naive = datetime.strptime(value.strip().rstrip("\x00"), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    tz = SHANGHAI
    if isinstance(offset, str):
        match = re.fullmatch(r"([+-])(\d\d):(\d\d)", offset.strip().rstrip("\x00"))
        if match:
            sign = 1 if match.group(1) == "+" else -1
            tz = timezone(sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3))))
    return naive.replace(tzinfo=tz)


def _parse_png_time(value: str) -> datetime | None:
    value = value.strip()
    for fmt in ("%Y:%m:%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=SHANGHAI)
    return None


def image_metadata(path: Path) -> dict[str, Any]:
    """Image size and embedded capture time, without decoding pixels. Never raises."""
    from PIL import Image

    from .ocr.images import register_heif

    register_heif()  # iPhone HEIC carries its capture time in EXIF like a JPEG

    info: dict[str, Any] = {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(path) as image:
                info["image_width"], info["image_height"] = image.size
                exif = image.getexif()
                sub = exif.get_ifd(0x8769) if exif else {}
                when = _parse_exif_time(sub.get(36867), sub.get(36881)) or _parse_exif_time(exif.get(306), sub.get(36880))
                if when:
                    info["capture_time"], info["capture_time_source"] = when.isoformat(), "exif"
                elif image.format == "PNG":
                    for key in ("Creation Time", "date:create", "CreationTime"):
                        raw = image.info.get(key)
                        if isinstance(raw, str) and (when := _parse_png_time(raw)):
                            info["capture_time"], info["capture_time_source"] = when.isoformat(), "png"
                            break
    except Exception as exc:  # any unreadable image is still evidence; note why
        info["image_error"] = type(exc).__name__
    return info


def describe(path: Path, original_name: str, head: bytes) -> dict[str, Any]:
    """All metadata worth keeping for a newly added original."""
    media_type = sniff_media_type(head)
    stat = path.stat()
    meta: dict[str, Any] = {
        "media_type": media_type,
        "mtime": datetime.fromtimestamp(stat.st_mtime, timezone.utc).isoformat(),
    }
    if media_type.startswith("image/"):
        meta.update(image_metadata(path))
    if "capture_time" not in meta:
        when = capture_time_from_name(original_name)
        if when:
            meta["capture_time"], meta["capture_time_source"] = when.isoformat(), "filename"
    return meta
