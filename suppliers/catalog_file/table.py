"""From the uploaded bytes to a table of numbered rows, whatever the spreadsheet wrote.

The file's content decides how it is read, never its name: a PDF renamed `.csv` is refused
as a PDF, an XLSX renamed `.csv` is read as a workbook.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from suppliers.catalog_file.size import SizeProblem, check_workbook, limited
from suppliers.catalog_file.values import Cell, is_blank

DELIMITERS = (";", ",", "\t", "|")
SNIFF_ROWS = 12
"""The header must be among the first rows; these are also the rows the delimiter is judged on."""

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "un document PDF"),
    (b"\x89PNG\r\n\x1a\n", "une image PNG"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"GIF87a", "une image GIF"),
    (b"GIF89a", "une image GIF"),
    (b"II*\x00", "une image TIFF"),
    (b"MM\x00*", "une image TIFF"),
    (b"\x1f\x8b", "une archive gzip"),
    (b"Rar!\x1a\x07", "une archive RAR"),
    (b"7z\xbc\xaf\x27\x1c", "une archive 7-Zip"),
    (b"{\\rtf", "un document RTF"),
)
# « é » written in UTF-8 then read as Windows-1252 shows as « Ã© »: a file mixing both encodings.
_UTF8_READ_AS_1252 = re.compile(
    "[\u00c2\u00c3\u00c5][" + re.escape(bytes(range(0x80, 0xC0)).decode("cp1252", "ignore")) + "]"
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_ODS = b"application/vnd.oasis.opendocument.spreadsheet"


class FileProblem(Exception):
    """The whole file is unusable; `code` is stable, `message` is for people (French)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(slots=True)
class Table:
    """The non-blank rows of a file, each with its line (CSV) or row (XLSX) number.

    Only the first `kept` rows are stored; `row_count` counts them all, so an oversized file
    is measured without being held in memory.
    """

    format: str
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)
    row_count: int = 0
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None


def read_table(
    data: bytes, filename: str, *, keep: int, header_score: Callable[[list[Cell]], int]
) -> Table:
    """Read CSV or XLSX bytes into a table, or raise `FileProblem`.

    `header_score` tells how many cells of a row are known column names; it picks the
    delimiter of a CSV file and the sheet of a workbook.
    """
    if not data.strip(b" \t\r\n\x00" + codecs.BOM_UTF8):
        raise FileProblem("empty", f"le fichier « {filename} » est vide")
    if data.startswith(_ZIP):
        return _read_workbook(data, filename, keep=keep, header_score=header_score)
    if data.startswith(_OLE2):
        raise FileProblem(
            "unsupported_format",
            f"« {filename} » est au format Excel 97-2003 (.xls) : ouvrez-le dans votre tableur "
            "et enregistrez-le en .xlsx ou en CSV",
        )
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            raise FileProblem("not_a_spreadsheet", _not_a_spreadsheet(filename, kind))
    text, encoding = _decode(data, filename)
    return _read_csv(text, encoding, filename, keep=keep, header_score=header_score)


def _not_a_spreadsheet(filename: str, kind: str) -> str:
    return (
        f"« {filename} » est {kind}, pas un tableau de prix : "
        "envoyez un fichier CSV ou Excel (.xlsx)"
    )


def _decode(data: bytes, filename: str) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (with or without BOM), UTF-16 (Excel « Texte Unicode »),
    else Windows-1252 as French Excel writes CSV files."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", filename), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", filename), "utf-16"
    head = data[:4096]
    if b"\x00" in head:
        nul_odd, nul_even = head[1::2].count(0), head[0::2].count(0)
        if nul_odd > len(head) * 0.4 and nul_even == 0:
            return _strict(data, "utf-16-le", filename), "utf-16-le"
        if nul_even > len(head) * 0.4 and nul_odd == 0:
            return _strict(data, "utf-16-be", filename), "utf-16-be"
        raise FileProblem("not_a_spreadsheet", _not_a_spreadsheet(filename, "un fichier binaire"))
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text = _strict(data, "windows-1252", filename)
    if mixed := _UTF8_READ_AS_1252.search(text):
        line = text[: mixed.start()].count("\n") + 1
        raise FileProblem(
            "encoding",
            f"encodage de « {filename} » mélangé (UTF-8 et Windows-1252, ligne {line}) : "
            "enregistrez-le depuis votre tableur en « CSV UTF-8 » ou en .xlsx",
        )
    controls = sum(1 for char in text[:4096] if ord(char) < 32 and char not in "\t\r\n\f")
    if controls > 8:
        raise FileProblem("not_a_spreadsheet", _not_a_spreadsheet(filename, "un fichier binaire"))
    return text, "windows-1252"


def _strict(data: bytes, encoding: str, filename: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start]
        raise FileProblem(
            "encoding",
            f"encodage de « {filename} » non reconnu (octet 0x{byte:02X} ligne {line}) : "
            "enregistrez-le depuis votre tableur en « CSV UTF-8 » ou en .xlsx",
        ) from None


def _read_csv(
    text: str,
    encoding: str,
    filename: str,
    *,
    keep: int,
    header_score: Callable[[list[Cell]], int],
) -> Table:
    delimiter = _sniff_delimiter(text, header_score)
    if delimiter is None:
        raise FileProblem(
            "not_a_spreadsheet",
            f"« {filename} » ne ressemble pas à un tableau : aucune ligne n’a plusieurs colonnes "
            "séparées par « ; », « , » ou une tabulation",
        )
    table = Table(format="csv", encoding=encoding, delimiter=delimiter)
    try:
        _fill(table, limited(_csv_records(text, delimiter), filename), keep)
    except SizeProblem as problem:
        raise FileProblem(problem.code, problem.message) from None
    except csv.Error as error:
        raise FileProblem("unreadable", f"« {filename} » est un CSV illisible : {error}") from None
    return table


def _csv_records(text: str, delimiter: str) -> Iterator[tuple[int, list[Cell]]]:
    """Records with the file line each starts on (a quoted cell may span several lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    for record in reader:
        yield start, list(record)
        start = reader.line_num + 1


def _sniff_delimiter(text: str, header_score: Callable[[list[Cell]], int]) -> str | None:
    """The delimiter that reveals the most known column names, then the most regular rows."""
    sample = text[:65536]
    best: tuple[int, float, int] | None = None
    chosen = None
    for delimiter in DELIMITERS:
        try:
            rows = [row for _, row in _first(_csv_records(sample, delimiter), SNIFF_ROWS)]
        except csv.Error:
            continue
        widths = [len(row) for row in rows]
        widest = max(widths, default=0)
        if widest < 2:
            continue
        known = max((header_score(list(row)) for row in rows), default=0)
        regular = widths.count(widest) / len(widths)
        score = (known, regular, widest)
        if best is None or score > best:
            best, chosen = score, delimiter
    return chosen


def _first(records: Iterable[tuple[int, list[Cell]]], count: int) -> list[tuple[int, list[Cell]]]:
    result = []
    for line, row in records:
        if not all(is_blank(cell) for cell in row):
            result.append((line, row))
            if len(result) == count:
                break
    return result


def _fill(table: Table, records: Iterable[tuple[int, list[Cell]]], keep: int) -> None:
    """Keeps the first `keep` non-blank rows and stops reading at the one after: a file over
    the limit is refused anyway, and a small XLSX can unpack to hundreds of thousands of rows,
    so `row_count` is exact up to `keep` and says only "more" beyond it."""
    for line, row in records:
        if all(is_blank(cell) for cell in row):
            continue
        table.row_count += 1
        if table.row_count > keep:
            return
        table.rows.append((line, row))


def _read_workbook(
    data: bytes, filename: str, *, keep: int, header_score: Callable[[list[Cell]], int]
) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        mimetype = archive.read("mimetype") if "mimetype" in names else b""
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, KeyError):
        raise FileProblem("unreadable", f"« {filename} » est une archive ZIP abîmée") from None
    if mimetype.startswith(_ODS):
        raise FileProblem(
            "unsupported_format",
            f"« {filename} » est un classeur OpenDocument (.ods) : enregistrez-le en .xlsx ou CSV",
        )
    if "xl/workbook.xml" not in names:
        kind = "un document Word" if "word/document.xml" in names else "une archive ZIP"
        raise FileProblem("not_a_spreadsheet", _not_a_spreadsheet(filename, kind))
    # A few megabytes of XLSX can unpack to gigabytes of XML; refuse before parsing.
    if unpacked > 40 * len(data) + 50_000_000:
        raise FileProblem("too_large", f"« {filename} » est trop volumineux une fois décompressé")
    try:
        check_workbook(archive, filename)
    except SizeProblem as problem:
        raise FileProblem(problem.code, problem.message) from None
    except Exception as error:  # a damaged sheet: openpyxl would not read it either
        raise FileProblem(
            "unreadable", f"« {filename} » est un classeur Excel illisible ({error})"
        ) from None
    import openpyxl  # imported here: CSV-only imports do not pay for it

    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it ignores; they do not matter here.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                return _read_sheets(workbook, keep, header_score)
            finally:
                workbook.close()
    except FileProblem:
        raise
    except Exception as error:  # openpyxl raises many kinds on damaged files
        raise FileProblem(
            "unreadable", f"« {filename} » est un classeur Excel illisible ({error})"
        ) from None


def _read_sheets(workbook: Any, keep: int, header_score: Callable[[list[Cell]], int]) -> Table:
    """The first worksheet whose first rows name known columns (a cover sheet is skipped)."""
    sheets = [sheet for sheet in workbook.worksheets if hasattr(sheet, "iter_rows")]
    if not sheets:
        raise FileProblem("empty", "le classeur ne contient aucune feuille")
    chosen = sheets[0]
    for sheet in sheets:
        sheet.reset_dimensions()  # the stored dimension is sometimes wrong; read every row
        rows = _first(_sheet_records(sheet), SNIFF_ROWS)
        if max((header_score(row) for _, row in rows), default=0) >= 2:
            chosen = sheet
            break
    table = Table(format="xlsx", sheet=chosen.title)
    _fill(table, _sheet_records(chosen), keep)
    return table


def _sheet_records(sheet: Any) -> Iterator[tuple[int, list[Cell]]]:
    for number, row in enumerate(sheet.iter_rows(), start=1):
        yield number, [_cell_value(cell) for cell in row]


def _cell_value(cell: Any) -> Cell:
    value = getattr(cell, "value", None)
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float) and "%" in (getattr(cell, "number_format", "") or ""):
        # A cell shown as « 85 % » holds 0.85; keep what the supplier sees.
        percent = Decimal(format(value, ".15g")) * 100
        return f"{format(percent.normalize(), 'f')} %"
    if isinstance(value, int | float | str | Decimal | datetime | date) or value is None:
        return value
    return str(value)  # times of day and durations are shown as written
