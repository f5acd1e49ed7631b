"""The streaming XLSX writer: what it writes, openpyxl reads back exactly."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import openpyxl
import pytest

from dialog.results import xlsx


def saved(workbook: xlsx.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_values_of_every_kind_come_back_unchanged() -> None:
    book = xlsx.Workbook()
    sheet = book.add_sheet("comments", (10, 40))
    sheet.frozen_header = sheet.filter_header = True
    sheet.append_header(["id", "text", "when", "share", "open"])
    when = datetime(2026, 11, 23, 14, 35, 12)
    sheet.extend(
        [
            [1, "Bäume & <Bänke> > Parkplätze", when, 0.25, True],
            [2, "", None, -3, False],
            [3, "Zeile eins\nZeile zwei", None, 10**12, None],
            [4, "  führende Leerzeichen", None, None, None],
        ]
    )
    read = openpyxl.load_workbook(io.BytesIO(saved(book)))
    ws = read["comments"]
    values = [[cell.value for cell in row] for row in ws.iter_rows()]
    assert values[0] == ["id", "text", "when", "share", "open"]
    assert values[1] == [1, "Bäume & <Bänke> > Parkplätze", when, 0.25, True]
    assert values[2] == [2, None, None, -3, False]  # "" and None write no cell
    assert values[3][:2] == [3, "Zeile eins\nZeile zwei"] and values[3][3] == 10**12
    assert values[4][1] == "  führende Leerzeichen"
    assert all(cell.font.b for cell in ws[1]) and not ws["A2"].font.b
    assert ws["C2"].number_format == "yyyy-mm-dd hh:mm" and ws["C2"].is_date
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:E5"
    assert ws.column_dimensions["A"].width == 10 and ws.column_dimensions["B"].width == 40


def test_sheets_keep_their_order_and_only_filtered_ones_get_a_filter() -> None:
    book = xlsx.Workbook()
    for name in ("comments", "threads", "columns"):
        sheet = book.add_sheet(name)
        sheet.append_header(["a", "b"])
        sheet.append([name, 1])
    book.sheets[0].filter_header = True
    content = saved(book)
    read = openpyxl.load_workbook(io.BytesIO(content))
    assert read.sheetnames == ["comments", "threads", "columns"]
    assert read["comments"].auto_filter.ref == "A1:B2"
    assert read["threads"].auto_filter.ref is None
    assert read["threads"].freeze_panes is None
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        workbook_xml = archive.read("xl/workbook.xml").decode()
        assert archive.testzip() is None
    assert "'comments'!$A$1:$B$2" in workbook_xml


def test_control_characters_are_dropped_instead_of_breaking_the_file() -> None:
    book = xlsx.Workbook()
    sheet = book.add_sheet("comments")
    sheet.append(["Text mit \x00Null\x08 und \x1fSteuerzeichen\r\n"])
    ws = openpyxl.load_workbook(io.BytesIO(saved(book)))["comments"]
    assert ws["A1"].value == "Text mit Null und Steuerzeichen\r\n"


def test_column_letters_go_past_z() -> None:
    assert [xlsx.column_letter(n) for n in (1, 26, 27, 52, 53, 702, 703)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]


def test_wrong_input_is_refused_with_a_clear_error() -> None:
    book = xlsx.Workbook()
    with pytest.raises(ValueError, match="sheet name"):
        book.add_sheet("a/b")
    with pytest.raises(ValueError, match="sheet name"):
        book.add_sheet("x" * 32)
    book.add_sheet("comments")
    with pytest.raises(ValueError, match="two sheets"):
        book.add_sheet("comments")
    sheet = book.sheets[0]
    with pytest.raises(ValueError, match="naive UTC"):
        sheet.append([datetime(2026, 1, 1, tzinfo=UTC)])
    with pytest.raises(TypeError, match="cannot hold bytes"):
        sheet.append([b"raw"])  # type: ignore[list-item]
    book.close()
