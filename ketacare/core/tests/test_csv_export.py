"""CSV exports are safe to open in a spreadsheet."""

from ketacare.core.csv_export import csv_lines, spreadsheet_safe


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_quoted() -> None:
    for cell in ("=HYPERLINK(1)", "+1", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert spreadsheet_safe(cell) == "'" + cell


def test_ordinary_cells_and_numbers_pass_unchanged() -> None:
    assert spreadsheet_safe("Rivera") == "Rivera"
    assert spreadsheet_safe(-3) == -3
    assert spreadsheet_safe("") == ""


def test_lines_start_with_the_header_and_quote_every_row() -> None:
    lines = list(csv_lines(("name", "note"), [("Ann", "=1+1"), ("Bo", "fine")]))
    assert lines == ["name,note\r\n", "Ann,'=1+1\r\n", "Bo,fine\r\n"]
