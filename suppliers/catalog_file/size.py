"""How wide and how big a price list may be, measured before it is read whole.

A 2 MB CSV can hold a million columns, and a 38 KB XLSX a row of 300,000 cells (or one cell
in its last column, which a reader fills up to with empty ones): read whole, either takes
gigabytes. A price list has a few dozen columns, so a file wider than `MAX_COLUMNS` or with
more than `MAX_CELLS` cells is refused as soon as the first such row is seen.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from xml.etree.ElementTree import iterparse

from suppliers.catalog_file.values import Cell, french

MAX_COLUMNS = 200
MAX_CELLS = 2_000_000
_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml")
_COLUMN = re.compile(r"([A-Z]{1,3})")


class SizeProblem(Exception):
    """The file is too wide or too big; `code` and `message` as `table.FileProblem` has."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _too_wide(filename: str, columns: int, line: int) -> SizeProblem:
    return SizeProblem(
        "too_wide",
        f"« {filename} » a {columns} colonnes ou plus (ligne {line}) : un tableau de prix en "
        f"compte au plus {MAX_COLUMNS}",
    )


def _too_many_cells(filename: str) -> SizeProblem:
    return SizeProblem(
        "too_many_cells",
        f"« {filename} » a plus de {french(MAX_CELLS)} cellules : un tableau de prix en compte "
        "moins",
    )


def limited(
    records: Iterable[tuple[int, list[Cell]]], filename: str
) -> Iterator[tuple[int, list[Cell]]]:
    """The records of a CSV file, until one is too wide or the cells are too many."""
    cells = 0
    for line, row in records:
        if len(row) > MAX_COLUMNS:
            raise _too_wide(filename, len(row), line)
        cells += len(row)
        if cells > MAX_CELLS:
            raise _too_many_cells(filename)
        yield line, row


def check_workbook(archive: zipfile.ZipFile, filename: str) -> None:
    """Reads each worksheet's XML as a stream, keeping nothing, and refuses the workbook at the
    first row reaching past `MAX_COLUMNS` (by its cells' own column letters, not the sheet's
    stated dimension, which the file may get wrong) or past `MAX_CELLS` cells in all."""
    cells = 0
    for name in archive.namelist():
        if not _SHEET.fullmatch(name):
            continue
        with archive.open(name) as stream:
            row_number, row_width, position = 0, 0, 0
            for _event, element in iterparse(stream, events=("end",)):
                tag = element.tag.rsplit("}", 1)[-1]
                if tag == "c":
                    position += 1
                    found = _COLUMN.match(element.get("r") or "")
                    if found:
                        position = _column_number(found.group(1))
                    row_width = max(row_width, position)
                    if row_width > MAX_COLUMNS:
                        raise _too_wide(filename, row_width, row_number + 1)
                elif tag == "row":
                    cells += row_width
                    if cells > MAX_CELLS:
                        raise _too_many_cells(filename)
                    row_number += 1
                    row_width = position = 0
                element.clear()


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number
