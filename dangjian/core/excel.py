"""Excel (.xlsx) helpers that know nothing of any domain: check an upload, read a sheet whose header row may
sit below a title, map header variants to field keys, and write a workbook safely (formula neutralisation).

Reading uses openpyxl's read-only mode (streams rows, low memory); writing uses write-only mode.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook as WorkbookType
from openpyxl.worksheet.datavalidation import DataValidation

from dangjian.core.errors import BusinessError

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# A zip that inflates beyond this is refused before openpyxl parses it (zip bombs).
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024
HEADER_SCAN_ROWS = 10

# A text cell starting with one of these is run as a formula by Excel, LibreOffice and WPS (CSV/formula
# injection). Exports put an apostrophe in front; imports take it off again so an export re-imports.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

Source = str | Path | IO[bytes]


@dataclass(frozen=True)
class Column:
    """One column a reader accepts: its field key, the header it writes, and the variants people type."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False


@dataclass
class Table:
    """A sheet read against a list of columns.

    ``header_row`` is the Excel row number of the header (1-based, as the user sees it); ``positions`` maps
    each found key to its 0-based column index; ``rows`` holds (Excel row number, {key: raw value}) for every
    non-blank row below the header.
    """

    header_row: int
    positions: dict[str, int]
    headers: dict[str, str]  # key → the header text as found in the file
    unknown_headers: list[str]
    missing: list[Column]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def normalise_header(text: object) -> str:
    """Header text compared loosely: no spaces or line breaks, no required-marks (*), no notes in brackets,
    full-width letters folded (``"公民身份号码*（18位）"`` → ``"公民身份号码"``)."""
    value = str(text or "")
    value = re.sub(r"[（(【\[].*?[）)】\]]", "", value)
    value = re.sub(r"[\s\u3000*＊:：]", "", value)
    return value.casefold()


def check_upload(upload: Any, *, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse anything that is not a real .xlsx within the size limit (checked by name, size and content).

    Raises BusinessError ``excel.*`` with a Chinese message; reads the file but leaves it rewound.
    """
    name = str(getattr(upload, "name", "") or "")
    if not name.lower().endswith(".xlsx"):
        if name.lower().endswith((".xls", ".et", ".csv")):
            raise BusinessError(
                "excel.bad_type",
                "仅支持 .xlsx 格式：请在 Excel 或 WPS 中“另存为” Excel 工作簿（*.xlsx）后再上传",
            )
        raise BusinessError("excel.bad_type", "请上传 Excel 工作簿（.xlsx 文件）")
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise BusinessError("excel.too_large", f"文件超过 {max_bytes // (1024 * 1024)} MB，请拆分后分批导入")
    if size == 0:
        raise BusinessError("excel.empty", "文件是空的")
    open_workbook(upload).close()
    _rewind(upload)


def _rewind(source: Any) -> None:
    seek = getattr(source, "seek", None)
    if callable(seek):
        seek(0)


def open_workbook(source: Source) -> WorkbookType:
    """Open an .xlsx read-only (values, not formulas). Raises BusinessError ``excel.unreadable`` when the
    content is not an .xlsx workbook (an .xls renamed, a damaged or encrypted file, a zip bomb)."""
    _rewind(source)
    unreadable = BusinessError(
        "excel.unreadable",
        "无法读取该文件：请确认是 Excel 2007 及以上版本保存的 .xlsx 工作簿，未加密码，且文件未损坏",
    )
    try:
        if not zipfile.is_zipfile(source):
            raise unreadable
        _rewind(source)
        with zipfile.ZipFile(source) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED_BYTES:
                raise BusinessError("excel.too_large", "文件解压后过大，请拆分后分批导入")
        _rewind(source)
        return load_workbook(source, read_only=True, data_only=True)
    except BusinessError:
        raise
    except Exception as exc:  # openpyxl raises many kinds (KeyError, InvalidFileException, zip errors …)
        raise unreadable from exc
    finally:
        _rewind(source)


def estimate_rows(source: Source) -> int:
    """The number of rows the first sheet declares (cheap: read from the sheet's dimension); counted when the
    file does not declare it."""
    wb = open_workbook(source)
    try:
        ws = wb.worksheets[0]
        declared = ws.max_row
        if declared:
            return int(declared)
        ws.reset_dimensions()
        return sum(1 for _ in ws.iter_rows(values_only=True))
    finally:
        wb.close()
        _rewind(source)


def cell_text(value: object) -> str:
    """A cell as text, the way the user sees it: integers without ``.0``, dates as YYYY-MM-DD, text trimmed,
    and the apostrophe an export put before a formula trigger removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).replace("\u3000", " ").strip()
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    return text


def find_header(
    rows: Sequence[Sequence[object]],
    columns: Sequence[Column],
    *,
    scan: int = HEADER_SCAN_ROWS,
) -> tuple[int, dict[str, int], dict[str, str], list[str]] | None:
    """The header among the first ``scan`` rows: the row matching the most known columns (at least two, so a
    one-cell title such as “党员信息采集表” is never taken for it). Returns (0-based row index, key → column
    index, key → header text, unknown header texts) or None."""
    lookup: dict[str, str] = {}
    for col in columns:
        for text in (col.header, *col.aliases):
            lookup.setdefault(normalise_header(text), col.key)
    best: tuple[int, dict[str, int], dict[str, str], list[str]] | None = None
    for index, row in enumerate(rows[:scan]):
        positions: dict[str, int] = {}
        found: dict[str, str] = {}
        unknown: list[str] = []
        for pos, cell in enumerate(row):
            text = cell_text(cell)
            if not text:
                continue
            key = lookup.get(normalise_header(text))
            if key is None:
                unknown.append(text)
            elif key not in positions:  # the first of two columns with the same meaning wins
                positions[key] = pos
                found[key] = text
        if len(positions) >= 2 and (best is None or len(positions) > len(best[1])):
            best = (index, positions, found, unknown)
    return best


def read_table(source: Source, columns: Sequence[Column], *, scan: int = HEADER_SCAN_ROWS) -> Table:
    """Read the first sheet of ``source`` against ``columns``, in any column order, with title rows allowed
    above the header. Blank rows are skipped; row numbers are the ones Excel shows.

    Raises BusinessError ``excel.no_header`` when no header row is found and ``excel.missing_columns`` when
    a required column is absent.
    """
    wb = open_workbook(source)
    try:
        ws = wb.worksheets[0]
        ws.reset_dimensions()  # some writers declare a wrong size
        raw = [tuple(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
        _rewind(source)
    header = find_header(raw, columns, scan=scan)
    if header is None:
        named = [c for c in columns if c.required] or list(columns[:4])
        expected = "、".join(c.header for c in named)
        raise BusinessError("excel.no_header", f"未找到表头行：请在前 {scan} 行内放置表头（如 {expected}）")
    index, positions, found, unknown = header
    missing = [c for c in columns if c.key not in positions]
    lacking = [c.header for c in missing if c.required]
    if lacking:
        raise BusinessError(
            "excel.missing_columns", f"缺少必需的列：{'、'.join(lacking)}（表头在第 {index + 1} 行）"
        )
    table = Table(
        header_row=index + 1, positions=positions, headers=found, unknown_headers=unknown, missing=missing
    )
    for offset, row in enumerate(raw[index + 1 :], start=index + 2):
        values = {key: (row[pos] if pos < len(row) else None) for key, pos in positions.items()}
        if all(cell_text(v) == "" for v in values.values()):
            continue
        table.rows.append((offset, values))
    return table


def neutralise(value: object) -> object:
    """A value safe to put in a cell: text that a spreadsheet would run as a formula gets an apostrophe in
    front (``=HYPERLINK(…)`` → ``'=HYPERLINK(…)``). Numbers, dates and None pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
_DATE_FORMAT = "yyyy-mm-dd"


def _cell(ws: Any, value: object, *, header: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=neutralise(value))
    if header:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    elif isinstance(value, dt.date):
        cell.number_format = _DATE_FORMAT
    return cell


def write_workbook(
    *,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    sheet_title: str = "Sheet1",
    title: str = "",
    widths: Mapping[int, float] | None = None,
    text_columns: Iterable[int] = (),
    on_row: Callable[[int], None] | None = None,
) -> bytes:
    """An .xlsx (bytes) with an optional title row, one bold header row and the rows, streamed (write-only).

    Every text cell is neutralised (see ``neutralise``); dates get a YYYY-MM-DD format; ``text_columns``
    (0-based) are written as text (e.g. identity numbers, so Excel does not turn them into numbers).
    ``on_row`` is called with the running count, for progress.
    """
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title[:31])
    for pos, header in enumerate(headers):
        width = (widths or {}).get(pos) or max(10.0, len(header) * 2.2 + 2)
        ws.column_dimensions[get_column_letter(pos + 1)].width = width
    ws.freeze_panes = "A3" if title else "A2"
    if title:
        cell = WriteOnlyCell(ws, value=neutralise(title))
        cell.font = Font(bold=True, size=14)
        ws.append([cell])
    ws.append([_cell(ws, h, header=True) for h in headers])
    text_cols = set(text_columns)
    for count, row in enumerate(rows, start=1):
        cells = []
        for pos, value in enumerate(row):
            cell = _cell(ws, value)
            if pos in text_cols:
                cell.number_format = "@"
            cells.append(cell)
        ws.append(cells)
        if on_row is not None:
            on_row(count)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def add_choice_lists(ws: Any, choices: Mapping[int, Sequence[str]], *, first_row: int, last_row: int) -> None:
    """Drop-down lists (data validation) on the given 0-based columns of a normal (not write-only) sheet."""
    for pos, options in choices.items():
        letter = get_column_letter(pos + 1)
        formula = '"' + ",".join(options) + '"'
        if len(formula) > 255:  # Excel's limit for an inline list
            continue
        dv = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False)
        dv.error = "请从下拉列表中选择"
        dv.add(f"{letter}{first_row}:{letter}{last_row}")
        ws.add_data_validation(dv)


def workbook_response(content: bytes, *, filename: str) -> HttpResponse:
    """An attachment download of ``content`` (Chinese file names encoded per RFC 6266)."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def iter_chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """``items`` in consecutive slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
