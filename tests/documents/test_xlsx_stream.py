"""The streaming XLSX writer (reports/xlsx_stream.py), read back with openpyxl: values and
their types, the header, escaping, formula injection, an empty export, a large export in
bounded memory, and the overview sent while it is written. No database."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from datetime import date, datetime
from typing import Any

import pytest
from openpyxl import load_workbook

from reports.office import DocumentInfo
from reports.overview_render import COLUMNS, header, iter_csv, iter_xlsx, to_xlsx
from reports.xlsx_stream import Bold, XlsxBook, column_letter, fit_widths, stream_book

INFO = DocumentInfo("Prov", "Polisregion Stockholm", datetime(2026, 3, 1, 12), "sv")


def _book(fill: Any) -> Any:
    out = io.BytesIO()
    with XlsxBook(out, INFO) as book:
        fill(book)
    return load_workbook(io.BytesIO(out.getvalue())), out.getvalue()


def _overview(rows: int, text: str = "Område") -> dict[str, Any]:
    """An overview's data (the shape ``reports.overview.build_overview`` returns) with
    ``rows`` promises, one overdue item each."""
    person = {"name": "Åsa Öberg", "email": "asa@example.se"}

    def row(n: int) -> dict[str, Any]:
        return {
            "promise_id": n,
            "region": "stockholm",
            "area": f"{text} {n}",
            "municipality": f"Kommun {n % 50}",
            "police_area": f"LPO {n % 50}",
            "stage": "goals",
            "stage_name": "Mål",
            "cycle_year": 1,
            "stage_due": "2026-03-01",
            "next_deadline": {"due": "2026-04-01", "what": "Uppföljning 1"},
            "overdue": [
                {
                    "kind": "stage",
                    "what": f"{text} sent",
                    "due": "2026-02-01",
                    "working_days_late": 3 + n % 7,
                    "responsible": [person],
                }
            ],
            "overdue_rounds": 0,
            "worst_working_days_late": 3 + n % 7,
            "responsible": [person],
            "activities_not_done": [],
            "last_moved": "2026-01-01T09:00:00",
        }

    return {
        "date": "2026-03-02",
        "language": "sv",
        "region": "stockholm",
        "region_name": "Polisregion Stockholm",
        "rows": [row(n) for n in range(1, rows + 1)],
        "summary": {
            "promises": rows,
            "late": rows,
            "on_track": 0,
            "late_evaluations": 0,
            "overdue_items": rows,
            "closed": 0,
            "by_stage": {"goals": rows},
            "municipalities_most_overdue": [
                {
                    "municipality": "Kommun 1",
                    "overdue_items": 1,
                    "overdue_rounds": 0,
                    "worst_working_days_late": 3,
                }
            ],
        },
    }


def test_values_come_back_with_their_types_and_the_header_in_bold() -> None:
    def fill(book: XlsxBook) -> None:
        with book.sheet("Data", [10, 12, 12, 12, 12, 12], autofilter=True) as sheet:
            sheet.header(["Text", "Heltal", "Decimal", "Datum", "Tid", "Ja/nej"])
            sheet.row(
                ["Åsa & <Öberg>", 42, 2.5, date(2026, 3, 1), datetime(2026, 3, 1, 9, 30), True]
            )
            sheet.row([None, "", -7, date(1900, 3, 1), None, False])

    book, content = _book(fill)
    sheet = book["Data"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Text", "Heltal", "Decimal", "Datum", "Tid", "Ja/nej")
    assert rows[1] == (
        "Åsa & <Öberg>",
        42,
        2.5,
        datetime(2026, 3, 1),
        datetime(2026, 3, 1, 9, 30),
        True,
    )
    assert rows[2] == (None, None, -7, datetime(1900, 3, 1), None, False)
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet["D2"].number_format == "yyyy-mm-dd" and sheet["D2"].is_date
    assert sheet["B2"].data_type == "n" and sheet["A2"].data_type == "s"
    assert sheet.auto_filter.ref == "A1:F3"
    assert sheet.column_dimensions["B"].width == 12
    # A real package: every part a reader looks for is there.
    names = set(zipfile.ZipFile(io.BytesIO(content)).namelist())
    assert {"[Content_Types].xml", "xl/workbook.xml", "xl/styles.xml", "docProps/core.xml"} <= names
    assert book.properties.title == "Prov" and book.properties.language == "sv-SE"


def test_text_is_escaped_and_never_a_formula() -> None:
    hostile = [
        '=HYPERLINK("http://evil","klicka")',
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\x00=1+1",  # a control character in front must not hide the formula
        "Rån\x1b[31m i rött\x07",
        "]]></t></is></c><c><f>1+1</f></c>",
        "Ogiltigt \ufffe och \uffff",
        "  mellanslag kvar  ",
        "rad ett\nrad två",
    ]

    def fill(book: XlsxBook) -> None:
        with book.sheet("Farligt: [1]*?/\\", [30]) as sheet:
            for text in hostile:
                sheet.row([text])

    book, content = _book(fill)
    assert book.sheetnames == ["Farligt 1"]  # what Excel refuses in a name is left out
    values = [row[0] for row in book.active.iter_rows(values_only=True)]
    assert values[:5] == [
        "'" + '=HYPERLINK("http://evil","klicka")',
        "'+1+1",
        "'-2+3",
        "'@SUM(A1)",
        "'=1+1",
    ]
    assert values[5] == "Rån[31m i rött"  # ESC and BEL removed, the visible text kept
    assert values[6] == "]]></t></is></c><c><f>1+1</f></c>"  # text, not markup
    assert values[7] == "Ogiltigt  och "
    assert values[8] == "  mellanslag kvar  " and values[9] == "rad ett\nrad två"
    sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml.replace(b"&lt;f&gt;", b"")  # no formula element at all


def test_an_empty_export_is_a_workbook_that_opens() -> None:
    book, _ = _book(lambda book: None)
    assert book.sheetnames == ["Blad1"] and book.active.max_row == 1

    out = io.BytesIO()
    to_xlsx(_overview(0), out)
    book = load_workbook(io.BytesIO(out.getvalue()))
    assert book.sheetnames == ["Översikt", "Försenat", "Sammanfattning"]
    overview = list(book["Översikt"].iter_rows(values_only=True))
    assert overview == [tuple(sv for _, sv in COLUMNS)]
    assert book["Översikt"].auto_filter.ref is None  # nothing to filter
    assert list(book["Sammanfattning"].iter_rows(values_only=True))[2][:2] == ("löften", 0)


def test_the_overview_round_trips_with_dates_numbers_and_the_late_fill() -> None:
    data = _overview(3, text="=Farsta")
    out = io.BytesIO()
    to_xlsx(data, out, "en")
    book = load_workbook(io.BytesIO(out.getvalue()))
    assert book.sheetnames == ["Overview", "Overdue", "Summary"]
    sheet = book["Overview"]
    rows = list(sheet.iter_rows(values_only=True))
    keys = [key for key, _ in COLUMNS]
    assert rows[0] == tuple(header(key, "en") for key in keys)
    first = dict(zip(keys, rows[1], strict=True))
    assert first["promise_id"] == 1 and first["area"] == "'=Farsta 1"
    assert first["stage_due"] == datetime(2026, 3, 1) and first["last_moved"] == datetime(
        2026, 1, 1
    )
    assert first["overdue_count"] == 1 and first["worst_working_days_late"] == 4
    assert first["activities_not_done"] is None  # nothing: no cell
    assert sheet.freeze_panes == "D2" and sheet.auto_filter.ref == "A1:R4"
    rule = sheet.conditional_formatting._cf_rules  # the late rows' fill: one rule, all rows
    (cf,) = rule.keys()
    assert str(cf.sqref) == "A2:R4"
    assert rule[cf][0].formula == ["$K2>0"]
    overdue = list(book["Overdue"].iter_rows(values_only=True))
    assert len(overdue) == 4 and overdue[1][5] == datetime(2026, 2, 1) and overdue[1][6] == 4
    summary = list(book["Summary"].iter_rows(values_only=True))
    assert summary[0][:2] == ("Regional overview: Polisregion Stockholm", datetime(2026, 3, 2))


def test_the_overview_is_sent_while_it_is_written() -> None:
    data = _overview(2000)
    chunks = list(iter_xlsx(data))
    assert len(chunks) > 2  # handed on as the zip writes, not as one file at the end
    book = load_workbook(io.BytesIO(b"".join(chunks)), read_only=True)
    assert sum(1 for _ in book["Översikt"].iter_rows()) == 2001
    streamed = list(stream_book(lambda book: iter(()), INFO))
    assert load_workbook(io.BytesIO(b"".join(streamed))).sheetnames == ["Blad1"]


def test_csv_is_sent_in_batches_of_rows() -> None:
    data = _overview(1200, text="@Farsta")
    pieces = list(iter_csv(data))
    assert len(pieces) == 3  # batches of 500 rows
    text = "".join(pieces)
    assert text.count("\r\n") == 1201 and "'@Farsta 7" in text


@pytest.mark.parametrize("rows", [20_000])
def test_a_large_export_is_written_in_bounded_memory(rows: int) -> None:
    """The writing allocates a few MiB whatever the size: an in-memory workbook of 20,000
    rows (openpyxl's default mode, a cell object per value) takes hundreds of MiB."""
    data = _overview(rows)
    sink = 0
    tracemalloc.start()
    try:
        for chunk in iter_xlsx(data):
            sink += len(chunk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert sink > 100_000
    assert peak < 16 * (1 << 20), f"peak {peak / (1 << 20):.1f} MiB"


def test_widths_and_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    widths, wrapped = fit_widths(["Löfte", "Text"], [[1, "x" * 60], [22, None]])
    assert widths == [8.0, 40.0] and wrapped == {1}


def test_bold_cells_inside_a_sheet() -> None:
    def fill(book: XlsxBook) -> None:
        with book.sheet("Sammanfattning", [40], freeze=None, title_rows=0) as sheet:
            sheet.row([Bold("Per steg"), "Antal"])

    book, content = _book(fill)
    assert book.active["A1"].font.b and not book.active["B1"].font.b
    assert b"Print_Titles" not in zipfile.ZipFile(io.BytesIO(content)).read("xl/workbook.xml")


def test_a_large_json_answer_is_sent_in_pieces_with_the_same_bytes() -> None:
    from starlette.responses import JSONResponse

    from web.json_stream import is_large, json_chunks

    data = _overview(3000, text='Citat " och \\ och ü')
    assert is_large(data) and not is_large(_overview(10)) and not is_large([1, 2])
    pieces = list(json_chunks(data))
    assert len(pieces) > 3  # about 64 KiB each, never the whole answer
    assert b"".join(pieces) == JSONResponse(data).body
    assert b"".join(json_chunks([{"a": 1}] * 600)) == JSONResponse([{"a": 1}] * 600).body


def test_the_api_streams_a_large_json_answer_and_not_a_small_one(monkeypatch) -> None:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient
    from pydantic import BaseModel

    from web.api import _endpoint
    from wiring.usecases import UseCase

    class Size(BaseModel):
        rows: int = 1

    def listing(principal: object, request: Size) -> dict[str, Any]:
        return {"region": "stockholm", "rows": [{"n": n} for n in range(request.rows)]}

    # Anyone may ask this test's use case: no credentials, no database.
    monkeypatch.setattr("web.api.authenticate", lambda request, key: None)
    app = FastAPI()
    app.add_api_route("/rows", _endpoint(UseCase("test.rows", "GET", "/rows", listing, Size), None))
    client = TestClient(app)
    small, large = client.get("/rows?rows=3"), client.get("/rows?rows=5000")
    assert small.status_code == large.status_code == 200
    assert small.headers["content-length"] == str(len(small.content))
    assert "content-length" not in large.headers  # sent in pieces (chunked)
    assert large.json() == listing(None, Size(rows=5000))
    assert large.headers["content-type"] == "application/json"


def test_a_failing_export_raises_its_own_error_and_bold_takes_any_value() -> None:
    def fill(book: XlsxBook) -> None:
        with book.sheet("Data", [10]) as sheet:
            sheet.row([Bold(date(2026, 3, 1)), Bold(3)])
            raise RuntimeError("databasen försvann")

    with pytest.raises(RuntimeError, match="databasen försvann"):
        _book(fill)

    book, _ = _book(lambda b: b.sheet("Data").row([Bold(date(2026, 3, 1)), Bold(3)]))
    cell = book.active["A1"]
    assert cell.font.b and cell.value == datetime(2026, 3, 1) and cell.is_date

    from decimal import Decimal

    odd = [Decimal("2.50"), float("nan"), Decimal("NaN"), float("inf"), 10**12]
    book, _ = _book(lambda b: b.sheet("Tal").row(odd))
    assert next(book.active.iter_rows(values_only=True)) == (2.5, "nan", "NaN", "inf", 10**12)


def test_every_spreadsheet_is_written_by_the_one_writer() -> None:
    """openpyxl reads files back in the tests; no product code writes a workbook with it
    (or with anything but reports/xlsx_stream.py)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    product = [
        path
        for folder in ("application", "reports", "web", "cli", "flows", "views", "jobs", "effects")
        for path in (root / folder).rglob("*.py")
    ]
    assert len(product) > 50
    writers = [
        str(path.relative_to(root))
        for path in product
        if path.name != "xlsx_stream.py"
        and any(mark in path.read_text(encoding="utf-8") for mark in ("openpyxl", "xl/worksheets"))
    ]
    assert writers == []
