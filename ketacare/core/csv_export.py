"""Writing CSV exports a clinic will open in a spreadsheet."""

import csv
from collections.abc import Iterable, Iterator, Sequence
from typing import Any


def spreadsheet_safe(cell: Any) -> Any:
    """The cell, with a leading quote when a spreadsheet would run it as a formula.

    Names, notes, emails and user agents are typed by people or sent by clients; a leading
    = + - @ (or a tab / carriage return) would run as a formula when the export is opened
    (CSV injection)."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return cell


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The header and every row as CSV text lines, each cell spreadsheet-safe; lazy, so a
    streaming response never holds the whole export."""
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([spreadsheet_safe(cell) for cell in row])
