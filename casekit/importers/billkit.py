"""Shared machinery for bill importers (DESIGN §4, research/bill-formats.md).

Everything a bill importer needs that is not specific to one source lives here:

- encoding sniffing (BOM → strict UTF-8 → GB18030), never guessed from the file name;
- cell cleaning (padding, tabs, U+3000, ``="…"`` wrappers, stray quotes);
- `Decimal` amounts (¥/￥, thousands separators, signs, separate 存入/取出 columns);
- Asia/Shanghai-aware times, including seconds-less times left by an Excel re-save;
- one table reader over CSV / XLSX (openpyxl, read-only) / XLS (xlrd) yielding
  ``(physical_row, cells)`` with 1-based row numbers;
- header-row search by column names (never a fixed skip count).

On top of these sit the declarative `Layout` (which header names mean which field) and
`TableImporter`, the row → `Transaction` engine every bill importer is an instance or small
subclass of.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from ..errors import bilingual

if TYPE_CHECKING:  # for the annotations only (the methods import it where they use it)
    from ..records import Extraction

try:
    from zoneinfo import ZoneInfo

    TZ = ZoneInfo("Asia/Shanghai")
except Exception:  # pragma: no cover - system without tzdata: China has used +08:00 since 1991
    TZ = timezone(timedelta(hours=8), "Asia/Shanghai")

# How many rows above the data we search for the header row.
HEADER_SEARCH_ROWS = 80

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Padding seen in real exports: spaces, tabs (after order ids), U+3000 (CCB labels), NBSP, BOM.
_PAD = " \t\r\n\u3000\xa0\ufeff"


# ---------------------------------------------------------------- encoding


def sniff_encoding(data: bytes) -> str:
    """The encoding of a bill's bytes: a BOM if there is one, else strict UTF-8, else GB18030.

    `data` may be just the head of a file: a UTF-8 sequence cut off at the very end does not
    count against UTF-8.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            return "utf-8"
        return "gb18030"


def encoding_label(encoding: str) -> str:
    """A human name for an encoding as sniffed ("GBK/GB18030", "UTF-8", "UTF-8 带 BOM")."""
    return {"gb18030": "GBK/GB18030", "utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)", "utf-16": "UTF-16"}.get(
        encoding, encoding
    )


# ---------------------------------------------------------------- cells


def clean_cell(value: str) -> str:
    """Trim padding (spaces, tabs, U+3000) and unwrap ``="…"`` or a leftover pair of quotes."""
    text = value.strip(_PAD)
    if text.startswith('="') and text.endswith('"') and len(text) >= 3:
        text = text[2:-1].strip(_PAD)
    elif len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        text = text[1:-1].strip(_PAD)
    return text


def norm_header(value: Any) -> str:
    """A header cell in comparable form: cleaned, no inner spaces, half-width parentheses/colon."""
    if value is None:
        return ""
    text = clean_cell(str(value))
    text = text.replace("（", "(").replace("）", ")").replace("：", ":")
    return re.sub(r"[\s\u3000]+", "", text)


def cell_text(value: Any) -> str:
    """Any cell (str, number, datetime, None) as cleaned text; whole floats lose their `.0`."""
    if value is None:
        return ""
    if isinstance(value, str):
        return clean_cell(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return clean_cell(str(value))


# ---------------------------------------------------------------- amounts


@dataclass(frozen=True)
class Amount:
    """A parsed money cell: the signed value and whether it carried thousands separators."""

    value: Decimal
    thousands: bool = False


_CURRENCY_PREFIX = re.compile(r"^(?:[¥￥$]|CNY|RMB)\s*", re.IGNORECASE)
_CURRENCY_SUFFIX = re.compile(r"\s*(?:元|\([A-Z]{2,3}\)|CNY|RMB)$", re.IGNORECASE)
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$|^\.\d+$")
_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


def parse_amount(value: Any) -> Amount | None:
    """A money cell as a signed `Decimal`, or None when it holds no amount.

    Accepts ``¥28.16``, ``￥-12.00``, ``-¥12``, ``"1,280.00"``, ``+10000.00``, ``(12.00)``,
    ``3.90(CN)``, Excel numbers. Placeholders (empty, ``-``, ``/``) and junk give None.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return Amount(Decimal(repr(round(float(value), 2))) if isinstance(value, float) else Decimal(value))
    if isinstance(value, Decimal):
        return Amount(value)
    text = clean_cell(str(value)).replace(" ", "")
    if not text:
        return None
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    for _ in range(2):  # sign and currency come in either order: -¥12 / ¥-12
        if text[:1] in "+-−":
            negative = negative or text[0] in "-−"
            text = text[1:]
        text = _CURRENCY_PREFIX.sub("", text)
    text = _CURRENCY_SUFFIX.sub("", text)
    thousands = False
    if "," in text:
        if not _GROUPED.match(text):
            return None
        thousands, text = True, text.replace(",", "")
    if not _NUMBER.match(text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex already rules this out
        return None
    return Amount(-number if negative else number, thousands)


# ---------------------------------------------------------------- times


@dataclass(frozen=True)
class When:
    """A parsed time: aware datetime plus how precise the source was ("second"/"minute"/"day")."""

    value: datetime
    precision: str


_DATETIME = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:(?:\s+|T)(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?(?:\.\d+)?)?$"
)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$|^(\d{2})(\d{2})(\d{2})$")


def localize(value: datetime) -> datetime:
    """Attach Asia/Shanghai to a naive datetime (bills never carry an offset)."""
    return value.replace(tzinfo=TZ) if value.tzinfo is None else value


def parse_clock(value: Any) -> tuple[time, str] | None:
    """A time-of-day cell (``18:53:19``, ``18:53``, ``185319``) and its precision."""
    if isinstance(value, datetime):
        return value.time(), "second"
    if isinstance(value, time):
        return value, "second"
    match = _CLOCK.match(cell_text(value))
    if not match:
        return None
    if match.group(4):
        h, m, s = int(match.group(4)), int(match.group(5)), int(match.group(6))
        precision = "second"
    else:
        h, m = int(match.group(1)), int(match.group(2))
        s = int(match.group(3)) if match.group(3) else 0
        precision = "second" if match.group(3) else "minute"
    try:
        return time(h, m, s), precision
    except ValueError:
        return None


def parse_when(value: Any, clock: Any = None) -> When | None:
    """A date/time cell (optionally with a separate time-of-day cell) as an aware `When`.

    Accepts ``2023-02-12 21:32:14``, ``2025/12/03  14:06:51``, ``2023/2/12 21:32`` (Excel),
    ``2023-04-22``, ``20250101`` and Excel datetimes. None when the cell is not a date.
    """
    if isinstance(value, datetime):
        base, precision = value.replace(tzinfo=None), "second"
        if base.time() == time(0) and clock is None:
            precision = "day" if base.second == 0 and base.minute == 0 and base.hour == 0 else precision
    elif isinstance(value, date):
        base, precision = datetime.combine(value, time(0)), "day"
    else:
        text = cell_text(value)
        match = _DATETIME.match(text) or _COMPACT_DATE.match(text)
        if not match:
            return None
        groups = match.groups()
        try:
            base = datetime(int(groups[0]), int(groups[1]), int(groups[2]))
            if len(groups) > 3 and groups[3] is not None:
                base = base.replace(hour=int(groups[3]), minute=int(groups[4]), second=int(groups[5] or 0))
                precision = "second" if groups[5] is not None else "minute"
            else:
                precision = "day"
        except ValueError:
            return None
    if clock is not None and precision == "day":
        parsed = parse_clock(clock)
        if parsed is not None:
            base = datetime.combine(base.date(), parsed[0])
            precision = parsed[1]
    return When(localize(base), precision)


# ---------------------------------------------------------------- tables


def file_type(head: bytes) -> str | None:
    """"xls", "xlsx", "pdf", "csv" (any text) or None (binary we do not read), from the first bytes."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if not head:
        return None
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"
    if b"\x00" in head[:4096]:
        return None
    return "csv"


class TableError(Exception):
    """A workbook or text file that cannot be opened as a table at all."""


@dataclass
class Sheet:
    """One table: a CSV file or one worksheet. `rows` yields (1-based physical row, cells)."""

    name: str | None
    rows: Iterator[tuple[int, list[Any]]]
    active: bool = False


def _csv_rows(stream: io.TextIOBase, problems: list[str]) -> Iterator[tuple[int, list[Any]]]:
    reader = csv.reader(stream)
    line = 0
    try:
        for cells in reader:
            start = line + 1
            line = reader.line_num
            yield start, cells
    except csv.Error as exc:
        problems.append(f"row {line + 1}: {exc}")


def read_csv(path: Path, encoding: str | None = None, problems: list[str] | None = None) -> Sheet:
    """Stream a text bill as CSV rows in the sniffed encoding (undecodable bytes → U+FFFD)."""
    problems = problems if problems is not None else []
    with open(path, "rb") as handle:
        head = handle.read(64 * 1024)
    encoding = encoding or sniff_encoding(head)
    raw = open(path, "rb")

    def rows() -> Iterator[tuple[int, list[Any]]]:
        with io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="") as text:
            yield from _csv_rows(text, problems)

    return Sheet(None, rows(), True)


def csv_rows_from_text(text: str) -> list[tuple[int, list[Any]]]:
    """Parse already-decoded text (a file's head) into numbered CSV rows, tolerating a cut end."""
    problems: list[str] = []
    return list(_csv_rows(io.StringIO(text, newline=""), problems))


def read_xlsx(path: Path, max_rows: int | None = None) -> list[Sheet]:
    """Every worksheet of an XLSX workbook (read-only; values, not formulas)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, XML errors…
        raise TableError(f"{type(exc).__name__}: {exc}") from exc
    try:
        active = book.active.title if book.active is not None else None
    except Exception:
        active = None
    sheets = []
    for ws in book.worksheets:

        def rows(ws=ws) -> Iterator[tuple[int, list[Any]]]:
            for number, values in enumerate(ws.iter_rows(min_row=1, max_row=max_rows, values_only=True), 1):
                yield number, list(values)

        sheets.append(Sheet(ws.title, rows(), ws.title == active))
    # read-only workbooks hold the zip open; materialise what the caller needs, then close
    out = [Sheet(s.name, iter(list(s.rows)), s.active) for s in sheets]
    book.close()
    return out


def read_xls(path: Path, max_rows: int | None = None, problems: list[str] | None = None) -> list[Sheet]:
    """Every sheet of a legacy BIFF `.xls` workbook; date cells become datetimes.

    xlrd writes its complaints about damaged files to a log (stdout by default, which would
    corrupt `--json`); they are captured and reported once as a warning instead.
    """
    import xlrd

    log = io.StringIO()
    try:
        book = xlrd.open_workbook(str(path), on_demand=True, logfile=log)
    except Exception as exc:  # XLRDError, struct.error, AssertionError… on damaged files
        raise TableError(f"{type(exc).__name__}: {exc}") from exc
    sheets = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            rows = []
            for r in range(sheet.nrows if max_rows is None else min(sheet.nrows, max_rows)):
                cells: list[Any] = []
                for cell in sheet.row(r):
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        try:
                            cells.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                        except Exception:
                            cells.append(cell.value)
                    elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        cells.append("")
                    else:
                        cells.append(cell.value)
                rows.append((r + 1, cells))
            sheets.append(Sheet(sheet.name, iter(rows), index == 0))
    except Exception as exc:
        raise TableError(f"{type(exc).__name__}: {exc}") from exc
    finally:
        book.release_resources()
        noise = log.getvalue().strip()
        if noise and problems is not None:
            first = noise.splitlines()[0].strip("* ").strip()
            problems.append(bilingual(f"XLS 文件结构异常，可能已损坏：{first}", f"the XLS file looks damaged: {first}"))
    return sheets


def read_tables(path: Path, head: bytes, max_rows: int | None = None, problems: list[str] | None = None) -> list[Sheet]:
    """All tables in a bill file, whatever its type: one for CSV, one per worksheet otherwise."""
    kind = file_type(head)
    if kind == "xls":
        return read_xls(path, max_rows, problems)
    if kind == "xlsx":
        return read_xlsx(path, max_rows)
    if kind == "csv":
        return [read_csv(path, sniff_encoding(head), problems)]
    if kind == "pdf":
        from .pdftables import pdf_rows

        return [Sheet(None, iter(pdf_rows(path, max_rows)), True)]
    raise TableError("not a table")


@lru_cache(maxsize=64)
def _peek_cached(path: str, mtime_ns: int, size: int, head: bytes) -> tuple[tuple[str | None, bool, tuple], ...]:
    kind = file_type(head)
    if kind == "csv":
        text = head.decode(sniff_encoding(head), errors="replace")
        rows = csv_rows_from_text(text)[:HEADER_SEARCH_ROWS]
        return ((None, True, tuple((n, tuple(c)) for n, c in rows)),)
    sheets = read_tables(Path(path), head, max_rows=HEADER_SEARCH_ROWS)
    return tuple((s.name, s.active, tuple((n, tuple(c)) for n, c in s.rows)) for s in sheets)


def peek_tables(path: Path, head: bytes) -> list[tuple[str | None, bool, list[tuple[int, list[Any]]]]]:
    """The first rows of every table in the file, cached so several `identify` calls share one read.

    Raises `TableError` (or OSError) when the file cannot be read as a table.
    """
    try:
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = (str(path), 0, len(head))
    head = head[: 64 * 1024]
    return [(name, active, [(n, list(c)) for n, c in rows]) for name, active, rows in _peek_cached(*key, head)]


@dataclass
class Header:
    """Where the header row is and which column holds each field."""

    row: int
    names: list[str]  # normalised header cells
    columns: dict[str, list[int]]  # field -> column indexes, in preference order
    preamble: list[list[Any]]  # the rows above the header


def find_header(
    rows: list[tuple[int, list[Any]]] | Iterator[tuple[int, list[Any]]],
    required: tuple[str, ...],
    columns: dict[str, tuple[str, ...]],
    forbidden: tuple[str, ...] = (),
    limit: int = HEADER_SEARCH_ROWS,
) -> Header | None:
    """Find the header row by its column names (all of `required`, none of `forbidden`).

    Consumes `rows` up to and including the header when given an iterator, so the caller can
    continue with the data rows.
    """
    want = [norm_header(r) for r in required]
    banned = {norm_header(f) for f in forbidden}
    preamble: list[list[Any]] = []
    for count, (number, cells) in enumerate(rows):
        if count >= limit:
            return None
        names = [norm_header(c) for c in cells]
        present = set(names)
        if all(w in present for w in want) and not (banned & present):
            index: dict[str, list[int]] = {}
            for field, candidates in columns.items():
                found = [names.index(norm_header(c)) for c in candidates if norm_header(c) in present]
                if found:
                    index[field] = found
            return Header(number, names, index, preamble)
        preamble.append(cells)
    return None


def rows_text(rows: list[list[Any]]) -> str:
    """Rows joined into plain text (cells by spaces, rows by newlines) for marker search."""
    return "\n".join(" ".join(cell_text(c) for c in cells if cell_text(c)) for cells in rows)


# ---------------------------------------------------------------- declarative layouts

# Fields a layout may map. `memo` joins every non-empty mapped column; the others take the
# first non-empty one among their candidate columns (e.g. 付款时间, else 交易创建时间).
FIELDS = (
    "time", "clock", "amount", "amount_in", "amount_out", "direction", "fund_status", "status",
    "counterparty", "counterparty_account", "method", "order_id", "merchant_order_id", "memo",
    "category", "currency", "card", "refunded",
)
_RAW_FIELDS = frozenset({"time", "clock", "amount", "amount_in", "amount_out"})
_JOINED_FIELDS = frozenset({"memo"})
_PLACEHOLDERS = frozenset({"", "/", "-", "--", "—"})

DIRECTION_WORDS = {
    "支出": "out", "已支出": "out", "待支出": "out", "出": "out", "转出": "out", "付款": "out",
    "收入": "in", "已收入": "in", "待收入": "in", "入": "in", "转入": "in", "收款": "in",
    "不计收支": "none", "其他": "none", "/": "none", "中性交易": "none", "资金转移": "none",
}
CURRENCY_WORDS = {"人民币": "CNY", "CNY": "CNY", "RMB": "CNY", "美元": "USD", "USD": "USD", "港币": "HKD", "HKD": "HKD"}
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?E\+\d+$", re.IGNORECASE)
_CLAIMED_COUNT = re.compile(r"共\s*(\d+)\s*笔记录")
MAX_ROW_WARNINGS = 20


@dataclass(frozen=True)
class Layout:
    """One export layout, declared: the header names that identify it and which column is which field.

    `columns` maps a field of `FIELDS` to the header names that may hold it (compared after
    `norm_header`, so padding and full/half-width parentheses do not matter).
    """

    name: str
    required: tuple[str, ...]
    columns: dict[str, tuple[str, ...]]
    markers: tuple[str, ...] = ()  # one must appear in the rows above the header
    forbidden: tuple[str, ...] = ()  # header names that must not be present
    file_types: frozenset[str] = frozenset({"csv"})
    stop_prefixes: tuple[str, ...] = ("---",)  # a first cell starting so ends the data
    sign: str = "negative_out"  # signed single-amount layouts: "negative_out" | "positive_out"
    expect_encoding: str | None = None  # encoding of untouched originals ("gb18030" / "utf-8")
    seconds_expected: bool = False  # originals always carry seconds
    thousands_expected: bool = True  # False: originals never group digits (a sign of Excel)
    ids_end_with_tab: bool = False  # originals end order ids with a tab
    account_pattern: str | None = None  # regex over the preamble; group 1 = card/account number
    method_label: str | None = None  # "工商银行" → method "工商银行(1234****5678)"


@dataclass
class RowContext:
    """What one row's conversion may read beyond its own cells."""

    number: int
    layout: Layout
    preamble_text: str
    ctx: Any  # ExtractContext
    warn: Any  # callable(zh, en) adding a row warning


class TableImporter:
    """A bill importer driven by `Layout`s; sources subclass it only for their quirks.

    Hooks: `direction_of` (a 收/支 cell → "out"/"in"/"none"), `mark_refund` (is this row a
    refund), `when_of` (time of a row), `finish` (after all rows: link refunds to payments).
    """

    kind = "bill"

    def __init__(self, name: str, layouts: tuple[Layout, ...] | list[Layout]) -> None:
        self.name = name
        self.layouts = tuple(layouts)
        self._types = frozenset().union(*(lay.file_types for lay in self.layouts))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"

    # ------------------------------------------------------------ identify

    def match(self, path: Path, head: bytes) -> tuple[Layout, str | None] | None:
        """The layout and sheet name this importer would read, or None if it does not claim the file."""
        kind = file_type(head)
        if kind not in self._types:
            return None
        tables = sorted(peek_tables(path, head), key=lambda table: not table[1])
        for sheet_name, _active, rows in tables:
            for layout in self.layouts:
                if kind not in layout.file_types:
                    continue
                header = find_header(rows, layout.required, layout.columns, layout.forbidden)
                if header is not None and (self._markers_ok(layout, header.preamble) or preamble_cut(layout, header)):
                    return layout, sheet_name
        return None

    def identify(self, path: Path, head: bytes) -> bool:
        """True when the file's first rows hold this source's header (and marker lines)."""
        try:
            return self.match(path, head) is not None
        except Exception:  # unreadable or odd bytes: simply not ours
            return False

    @staticmethod
    def _markers_ok(layout: Layout, preamble: list[list[Any]]) -> bool:
        """The marker lines above the header (支付宝, 微信支付) are there."""
        if not layout.markers:
            return True
        text = rows_text(preamble)
        return any(marker in text for marker in layout.markers)

    # ------------------------------------------------------------ extract

    def extract(self, path: Path, ctx: Any) -> "Extraction":
        """Read every transaction row; problems become warnings, never exceptions."""
        from ..records import Extraction

        extraction = Extraction(kind="bill", importer=self.name)
        try:
            self._extract(path, ctx, extraction)
        except Exception as exc:  # last resort: one bad file never stops a batch
            from ..errors import bilingual

            extraction.warnings.append(
                bilingual(f"读取账单时出错，已停止（{type(exc).__name__}: {exc}）",
                          f"error while reading the bill, stopped ({type(exc).__name__}: {exc})")
            )
        return extraction

    def _extract(self, path: Path, ctx: Any, extraction: "Extraction") -> None:
        from ..errors import bilingual

        warnings = extraction.warnings
        row_warnings: list[str] = []

        def warn_row(number: int, zh: str, en: str) -> None:
            row_warnings.append(bilingual(f"第{number}行：{zh}", f"row {number}: {en}"))

        with open(path, "rb") as handle:
            head = handle.read(64 * 1024)
        chosen = self.match(path, head)
        if chosen is None:
            names = "、".join(self.layouts[0].required)
            warnings.append(bilingual(f"找不到{self.name}账单的表头（需要列：{names}）",
                                      f"no {self.name} bill header found (needs columns: {names})"))
            return
        layout, sheet_name = chosen
        problems: list[str] = []
        kind = file_type(head)
        encoding = sniff_encoding(head) if kind == "csv" else None
        sheets = read_tables(path, head, problems=problems)
        sheet = next((s for s in sheets if s.name == sheet_name), sheets[0])
        others = [s.name for s in sheets if s is not sheet and s.name is not None and self._sheet_matches(s, layout)]
        if others:
            warnings.append(bilingual(f"工作簿中还有其他含账单的工作表（{'、'.join(others)}），只读取了「{sheet.name}」",
                                      f"other sheets also hold a bill ({', '.join(others)}); read only '{sheet.name}'"))
        rows = sheet.rows
        header = find_header(rows, layout.required, layout.columns, layout.forbidden, limit=10**9)
        if header is None:  # pragma: no cover - match() just found it
            return
        preamble_text = rows_text(header.preamble)
        if not self._markers_ok(layout, header.preamble):
            warnings.append(bilingual("账单开头的说明行（账号、起止时间等）不在文件中，可能被截取过；已按标准表头读取，"
                                      "请尽量提交平台导出的完整原件",
                                      "the lines above the header (account, period) are missing, the file may have been "
                                      "cut; read by its standard header — file the complete original export if you can"))
        method = self._account_method(layout, preamble_text)
        width = len(header.names)
        while width and not header.names[width - 1]:
            width -= 1
        plan = [(field, idxs) for field, idxs in header.columns.items()]
        needed = max(i for _f, idxs in plan for i in idxs) + 1
        repair_at = [header.columns[f][0] for f in ("counterparty", "memo") if f in header.columns]
        stats = {"minute": 0, "day": 0, "thousands": 0, "tabbed_ids": 0, "ids": 0, "undecodable": 0}
        transactions = []
        trailer: list[list[Any]] = []
        for number, cells in rows:
            if not any(c is not None and (not isinstance(c, str) or c.strip(_PAD)) for c in cells):
                continue
            first = cell_text(cells[0])
            if first.startswith(layout.stop_prefixes):
                trailer = [cells] + [c for _n, c in rows]
                break
            while len(cells) > width and (cells[-1] is None or cell_text(cells[-1]) == ""):
                cells = cells[:-1]
            if len(cells) > width and repair_at:
                fixed = self._repair(cells, width, repair_at, header, layout)
                if fixed is None:
                    warn_row(number, f"列数（{len(cells)}）多于表头（{width}），无法确定哪一列多出，已跳过",
                             f"{len(cells)} columns but the header has {width}; skipped")
                    continue
                warn_row(number, "有未加引号的逗号，已合并多出的列", "an unquoted comma split a cell; merged it back")
                cells = fixed
            if len(cells) < needed:
                warn_row(number, f"只有{len(cells)}列，少于表头（文件可能被截断或损坏），已跳过",
                         f"only {len(cells)} columns, fewer than the header (truncated or damaged file?); skipped")
                continue
            rec = self._record(cells, plan)
            if any("\ufffd" in v for v in rec.values() if isinstance(v, str)):
                stats["undecodable"] += 1
            try:
                tx = self._transaction(rec, RowContext(number, layout, preamble_text, ctx,
                                                        lambda zh, en, n=number: warn_row(n, zh, en)), stats)
            except Exception as exc:  # a bug or an odd cell: lose the row, not the file
                warn_row(number, f"无法读取（{type(exc).__name__}: {exc}）", f"unreadable ({type(exc).__name__}: {exc})")
                continue
            if tx is None:
                continue
            if tx.method is None and method:
                tx.method = method
            raw_id = self._first_raw(cells, header.columns.get("order_id"))
            if isinstance(raw_id, str) and raw_id.strip(" "):
                stats["ids"] += 1
                stats["tabbed_ids"] += raw_id.rstrip(" ").endswith("\t")
            transactions.append(tx)
            transactions.extend(self.companions(tx, rec, RowContext(number, layout, preamble_text, ctx, warn_row)))
        self.finish(layout, transactions, warnings)
        extraction.transactions.extend(transactions)
        warnings.extend(row_warnings[:MAX_ROW_WARNINGS])
        if len(row_warnings) > MAX_ROW_WARNINGS:
            extra = len(row_warnings) - MAX_ROW_WARNINGS
            warnings.append(bilingual(f"另有{extra}行有问题，未逐条列出", f"{extra} more rows had problems (not listed)"))
        for problem in problems:
            warnings.append(bilingual(f"CSV 格式错误，之后的内容未读取（{problem}）",
                                      f"malformed CSV, the rest was not read ({problem})"))
        self._file_warnings(layout, encoding, stats, transactions, preamble_text, rows_text(trailer), warnings)

    def _sheet_matches(self, sheet: Sheet, layout: Layout) -> bool:
        rows = list(sheet.rows)
        sheet.rows = iter(rows)
        return find_header(rows, layout.required, layout.columns, layout.forbidden) is not None

    @staticmethod
    def _first_raw(cells: list[Any], idxs: list[int] | None) -> Any:
        for i in idxs or ():
            if i < len(cells) and cell_text(cells[i]):
                return cells[i]
        return None

    @staticmethod
    def _record(cells: list[Any], plan: list[tuple[str, list[int]]]) -> dict[str, Any]:
        rec: dict[str, Any] = {}
        for field, idxs in plan:
            if field in _JOINED_FIELDS:
                parts: list[str] = []
                for i in idxs:
                    text = cell_text(cells[i]) if i < len(cells) else ""
                    if text not in _PLACEHOLDERS and text not in parts:
                        parts.append(text)
                rec[field] = "；".join(parts)
                continue
            value: Any = ""
            for i in idxs:
                if i >= len(cells):
                    continue
                raw = cells[i]
                if field in _RAW_FIELDS and not isinstance(raw, str) and raw is not None:
                    value = raw
                    break
                text = cell_text(raw)
                if text:
                    value = text
                    break
            rec[field] = value
        return rec

    def _repair(self, cells: list[Any], width: int, at: list[int], header: Header, layout: Layout) -> list[Any] | None:
        """Undo an unquoted ASCII comma in a text column (WeChat counterparties): merge cells back."""
        extra = len(cells) - width
        for index in at:
            merged = cells[:index] + [",".join(str(c) for c in cells[index : index + extra + 1])] + cells[index + extra + 1 :]
            rec = self._record(merged, list(header.columns.items()))
            amount_ok = any(parse_amount(rec.get(f)) is not None for f in ("amount", "amount_in", "amount_out"))
            time_ok = "time" not in rec or parse_when(rec.get("time"), rec.get("clock")) is not None
            if amount_ok and time_ok:
                return merged
        return None

    @staticmethod
    def _account_method(layout: Layout, preamble_text: str) -> str | None:
        if not layout.account_pattern:
            return None
        match = re.search(layout.account_pattern, preamble_text)
        if not match:
            return layout.method_label
        return f"{layout.method_label}({match.group(1)})" if layout.method_label else match.group(1)

    # ------------------------------------------------------------ one row

    def _transaction(self, rec: dict[str, Any], row: RowContext, stats: dict[str, int]) -> Any:
        from ..records import SourceRef, Transaction

        layout = row.layout
        direction: str | None = None
        direction_raw: str | None = None
        if "amount_in" in rec or "amount_out" in rec:
            got_in, got_out = parse_amount(rec.get("amount_in")), parse_amount(rec.get("amount_out"))
            if got_out is not None and got_out.value != 0 and got_in is not None and got_in.value != 0:
                row.warn("存入和取出两列都有金额，按取出记录", "both money-in and money-out hold an amount; read as out")
            if got_out is not None and (got_out.value != 0 or got_in is None or got_in.value == 0):
                amount, direction = got_out, "out"
                direction_raw = self._header_name(layout, "amount_out")
            elif got_in is not None:
                amount, direction = got_in, "in"
                direction_raw = self._header_name(layout, "amount_in")
            else:
                amount = None
            raw_amount = rec.get("amount_out") or rec.get("amount_in")
        else:
            raw_amount = rec.get("amount")
            amount = parse_amount(raw_amount)
        if amount is None:
            if cell_text(raw_amount):
                row.warn(f"金额无法读取（{cell_text(raw_amount)!r}），已跳过", f"unreadable amount ({cell_text(raw_amount)!r}); skipped")
            else:
                row.warn("没有金额，已跳过", "no amount; skipped")
            return None
        if amount.thousands:
            stats["thousands"] += 1
        if direction is None:
            if "direction" in layout.columns:
                direction, direction_raw = self.direction_of(rec, row)
            else:
                negative = amount.value < 0
                direction = ("out" if negative else "in") if layout.sign == "negative_out" else ("in" if negative else "out")
                direction_raw = cell_text(raw_amount)
        when = self.when_of(rec, row)
        if when is None and cell_text(rec.get("time")):
            row.warn(f"时间无法读取（{cell_text(rec.get('time'))!r}）", f"unreadable time ({cell_text(rec.get('time'))!r})")
        elif when is not None and when.precision in ("minute", "day"):
            stats[when.precision] += 1
        currency = CURRENCY_WORDS.get(rec.get("currency", ""), rec.get("currency") or "CNY")
        tx = Transaction(
            amount=abs(amount.value),
            direction=direction,  # type: ignore[arg-type]
            time=when.value if when else None,
            currency=currency,
            counterparty=_text_or_none(rec.get("counterparty")),
            counterparty_account=_text_or_none(rec.get("counterparty_account")),
            method=_text_or_none(rec.get("method")),
            status=rec.get("status") or None,
            order_id=_text_or_none(rec.get("order_id")),
            memo=_text_or_none(rec.get("memo")),
            direction_raw=direction_raw or None,
            merchant_order_id=_text_or_none(rec.get("merchant_order_id")),
            source=SourceRef(evidence_id=getattr(row.ctx, "evidence_id", None), row=row.number),
        )
        for value in (tx.order_id, tx.merchant_order_id):
            if value and _SCIENTIFIC.match(value):
                row.warn(f"订单号「{value}」被改成了科学计数法（Excel 另存），原号码已无法还原",
                         f"order id {value!r} was turned into scientific notation (Excel); the original is lost")
        self.mark_refund(tx, rec, row)
        return tx

    @staticmethod
    def _header_name(layout: Layout, field: str) -> str | None:
        names = layout.columns.get(field)
        return names[0] if names else None

    # ------------------------------------------------------------ hooks

    def direction_of(self, rec: dict[str, Any], row: RowContext) -> tuple[str, str | None]:
        """A 收/支 cell as ("out" | "in" | "none", raw text). Unknown words are "none" with a warning."""
        raw = rec.get("direction", "")
        found = DIRECTION_WORDS.get(raw)
        if found is None:
            if raw:
                row.warn(f"无法识别的收/支「{raw}」，记为不计收支", f"unknown direction {raw!r}; read as none")
            found = "none"
        return found, raw or None

    def when_of(self, rec: dict[str, Any], row: RowContext) -> When | None:
        """The row's time (a date/time cell, optionally with a separate time-of-day cell)."""
        return parse_when(rec.get("time"), rec.get("clock") or None)

    def mark_refund(self, tx: Any, rec: dict[str, Any], row: RowContext) -> None:
        """Set `is_refund` when the row returns money (default: money in and the text says 退款/退货)."""
        text = " ".join(str(rec.get(f, "")) for f in ("status", "category", "memo"))
        tx.is_refund = tx.direction == "in" and ("退款" in text or "退货" in text)

    def companions(self, tx: Any, rec: dict[str, Any], row: RowContext) -> list[Any]:
        """Further transactions one row stands for (a payment row that also says what was
        refunded on it); none by default."""
        return []

    def finish(self, layout: Layout, transactions: list[Any], warnings: list[str]) -> None:
        """After all rows: link refunds to the payments they return (per source)."""

    # ------------------------------------------------------------ file-level warnings

    def _file_warnings(self, layout: Layout, encoding: str | None, stats: dict[str, int], transactions: list[Any],
                       preamble_text: str, trailer_text: str, warnings: list[str]) -> None:
        from ..errors import bilingual

        count = len(transactions)
        if count == 0:
            warnings.append(bilingual("账单中没有读到任何交易记录", "no transactions were read from this bill"))
        claimed = _CLAIMED_COUNT.search(preamble_text) or _CLAIMED_COUNT.search(trailer_text)
        if claimed and int(claimed.group(1)) != count:
            warnings.append(bilingual(f"账单声明共{claimed.group(1)}笔记录，实际读到{count}笔（文件可能被删改或截断）",
                                      f"the bill says {claimed.group(1)} records but {count} were read (edited or truncated?)"))
        if layout.seconds_expected and stats["minute"]:
            warnings.append(bilingual(f"时间缺少秒（文件可能被 Excel 另存过）：{stats['minute']}行",
                                      f"times lack seconds (the file was probably re-saved by Excel): {stats['minute']} rows"))
        if stats["day"]:
            warnings.append(bilingual(f"只有日期没有时刻，时间按当天 00:00 记录：{stats['day']}行",
                                      f"dates without a time of day, recorded as 00:00: {stats['day']} rows"))
        if not layout.thousands_expected and encoding is not None and stats["thousands"]:
            warnings.append(bilingual(f"金额带千位分隔符（原始账单没有，文件可能被 Excel 另存过）：{stats['thousands']}行",
                                      f"amounts with thousands separators (originals have none; re-saved by Excel?): {stats['thousands']} rows"))
        if encoding is not None and layout.expect_encoding and encoding.split("-sig")[0] != layout.expect_encoding:
            if not (layout.expect_encoding == "utf-8" and encoding == "utf-8-sig"):
                warnings.append(bilingual(
                    f"文件编码为 {encoding_label(encoding)}，原始账单是 {encoding_label(layout.expect_encoding)}（文件可能被 Excel 或其他软件另存过）",
                    f"encoded as {encoding_label(encoding)} but originals are {encoding_label(layout.expect_encoding)} (re-saved by Excel or another program?)"))
        if layout.ids_end_with_tab and encoding is not None and stats["ids"] and not stats["tabbed_ids"]:
            warnings.append(bilingual("订单号后没有原始账单中的制表符（文件可能被另存过）",
                                      "order ids lack the tab originals carry (the file was probably re-saved)"))
        if stats["undecodable"]:
            warnings.append(bilingual(f"有无法解码的字节（已替换为 �）：{stats['undecodable']}行",
                                      f"undecodable bytes (replaced by �): {stats['undecodable']} rows"))


def preamble_cut(layout: Layout, header: Header) -> bool:
    """An export whose lines above the header were cut off (copied out, or opened and saved
    from the header row): nothing above the header, and every column the layout names is
    there — the standard header row itself identifies the source."""
    if rows_text(header.preamble).strip():
        return False
    names = set(header.names)
    return all(any(norm_header(c) in names for c in candidates) for candidates in layout.columns.values())


def _text_or_none(value: Any) -> str | None:
    text = cell_text(value) if not isinstance(value, str) else value
    return None if text in _PLACEHOLDERS else text
