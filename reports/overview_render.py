"""The regional overview for people and spreadsheets: terminal table, JSON, CSV and XLSX.

Every format is made from the data of ``reports.overview.build_overview``. CSV and XLSX share
one flat row per promise (``flat_rows``, columns ``COLUMNS``) so a region's spreadsheet gets
exactly the rows of the JSON form; the XLSX file adds a sheet with one line per overdue item
and a summary sheet. Labels are Swedish, or English with ``language="en"``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

from lifecycle.i18n import in_context
from lifecycle.safe_text import clean, neutralise_formula
from lifecycle.words import counted
from reports.office import DocumentInfo
from reports.xlsx_stream import Bold, XlsxBook, column_letter, fit_widths, stream_book, write_book

FORMATS = ("table", "json", "csv", "xlsx")

# (key, Swedish header): the flat columns of CSV and the XLSX overview sheet; the English in
# the catalogue (msgctxt ``overview.column.<key>``).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("promise_id", "Löfte"),
    ("region", "Region"),
    ("area", "Område"),
    ("municipality", "Kommun / stadsdel"),
    ("police_area", "Lokalpolisområde"),
    ("stage", "Steg (id)"),
    ("stage_name", "Steg"),
    ("stage_due", "Stegets tidsfrist"),
    ("next_deadline", "Nästa tidsfrist"),
    ("next_deadline_what", "Nästa: vad"),
    ("overdue_count", "Försenade tidsfrister"),
    ("overdue_rounds", "Försenade uppföljningar"),
    ("worst_working_days_late", "Mest försenad (arbetsdagar)"),
    ("overdue", "Försenat"),
    ("responsible", "Ansvariga"),
    ("activities_not_done_count", "Ej genomförda aktiviteter"),
    ("activities_not_done", "Ej genomförda: vilka"),
    ("last_moved", "Senast flyttad"),
)
DATE_COLUMNS = {"stage_due", "next_deadline", "last_moved"}
# The terminal table's headings (short, to fit; the English in the catalogue).
TABLE_HEAD = (
    "Löfte",
    "Område",
    "Steg",
    "Stegets frist",
    "Nästa frist",
    "Försenat",
    "Ej genomförda",
    "Flyttad",
)

WORDS: dict[str, str] = {
    "title": "Regional översikt",
    "all_regions": "alla regioner",
    "no_promises": "Inga pågående löften.",
    "wdays": "arbetsdagar",
    "days_late_long": "arbetsdagar sent",
    "overdue_rounds": "Försenade uppföljningar",
    "responsible": "ansvariga",
    "not_done": "Aktiviteter som inte genomförts",
    "summary": "Sammanfattning",
    "promises": "löften",
    "late": "försenade",
    "on_track": "i fas",
    "late_evaluations": "med försenad uppföljning",
    "closed": "avslutade",
    "per_stage": "Per steg",
    "most_overdue": "Flest försenade tidsfrister",
    "nobody": "ingen samordnare registrerad",
    "sheet_overview": "Översikt",
    "sheet_overdue": "Försenat",
    "sheet_summary": "Sammanfattning",
    "what": "Vad",
    "due": "Senast",
    "days_late": "Arbetsdagar sent",
    "kind": "Typ",
    "count": "Antal",
    "reason": "Orsak",
    "round": "uppföljning",
}


def word(key: str, language: str) -> str:
    """A label in Swedish (default) or English."""
    return in_context(f"overview.{key}", WORDS[key], language)


def header(key: str, language: str) -> str:
    """The header of flat column ``key`` in ``language``."""
    for name, sv in COLUMNS:
        if name == key:
            return in_context(f"overview.column.{key}", sv, language)
    raise KeyError(key)


def _person(p: dict[str, str]) -> str:
    return f"{p['name']} <{p['email']}>"


def flat_rows(data: dict[str, Any], language: str | None = None) -> list[dict[str, Any]]:
    """One flat row per promise (the keys of ``COLUMNS``), as in the JSON rows, same order."""
    return list(iter_flat_rows(data, language))


def iter_flat_rows(data: dict[str, Any], language: str | None = None) -> Iterator[dict[str, Any]]:
    """``flat_rows`` one at a time (the exports write each and let it go)."""
    lang = language or data.get("language", "sv")
    unit = word("wdays", lang)
    for row in data["rows"]:
        nxt = row["next_deadline"]
        yield (
            {
                "promise_id": row["promise_id"],
                "region": row["region"],
                "area": row["area"],
                "municipality": row["municipality"],
                "police_area": row["police_area"],
                "stage": row["stage"],
                "stage_name": row["stage_name"],
                "stage_due": row["stage_due"] or "",
                "next_deadline": nxt["due"] if nxt else "",
                "next_deadline_what": nxt["what"] if nxt else "",
                "overdue_count": len(row["overdue"]),
                "overdue_rounds": row["overdue_rounds"],
                "worst_working_days_late": row["worst_working_days_late"],
                "overdue": "; ".join(
                    f"{o['what']} ({o['due']}, {o['working_days_late']} {unit})"
                    for o in row["overdue"]
                ),
                "responsible": "; ".join(_person(p) for p in row["responsible"]),
                "activities_not_done_count": len(row["activities_not_done"]),
                "activities_not_done": "; ".join(
                    a["title"] + (f" ({a['reason']})" if a["reason"] else "")
                    for a in row["activities_not_done"]
                ),
                "last_moved": row["last_moved"][:10],
            }
        )


# --- JSON and CSV ---------------------------------------------------------------------------


def to_json(data: dict[str, Any]) -> str:
    """The overview as indented JSON (the data as it is: ``rows`` and ``summary``)."""
    return json.dumps(data, ensure_ascii=False, indent=2)


def to_csv(data: dict[str, Any], language: str | None = None) -> str:
    """The flat rows as CSV with a header row (UTF-8 text; comma separated, RFC 4180 quoting)."""
    return "".join(iter_csv(data, language))


def iter_csv(data: dict[str, Any], language: str | None = None, batch: int = 500) -> Iterator[str]:
    """``to_csv`` in pieces of ``batch`` rows, to be sent as they are made."""
    lang = language or data.get("language", "sv")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([header(key, lang) for key, _ in COLUMNS])
    for number, row in enumerate(iter_flat_rows(data, lang), start=1):
        writer.writerow([neutralise_formula(row[key]) for key, _ in COLUMNS])
        if number % batch == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# --- XLSX -----------------------------------------------------------------------------------


def _cell_value(key: str, value: Any) -> Any:
    # Dates as real date cells, so the region can sort and filter on them in its spreadsheet.
    if key in DATE_COLUMNS and value:
        return date.fromisoformat(value)
    return value


def _info(data: dict[str, Any], lang: str) -> DocumentInfo:
    """The workbook's properties: the overview's title, the region, the overview's day."""
    title = word("title", lang) + ": " + (data.get("region_name") or word("all_regions", lang))
    created = datetime.combine(date.fromisoformat(str(data["date"])[:10]), time(12, 0))
    return DocumentInfo(title, data.get("region_name") or "Löfte", created, lang)


def _write_overview(book: XlsxBook, data: dict[str, Any], lang: str) -> Iterator[None]:
    """The three sheets (overview, overdue items, summary), yielding after each row so a
    caller can send what is written (``stream_book``)."""
    # The overview: one flat row per promise. Late rows are filled by a rule on the overdue
    # count, not cell by cell: it costs nothing per row, and the colour follows a row the
    # region sorts or filters. Widths come from the first rows (a streamed sheet sets them
    # before its first row).
    keys = [key for key, _ in COLUMNS]
    head = [header(key, lang) for key in keys]
    sample = [[row[k] for k in keys] for row in iter_flat_rows({"rows": data["rows"][:200]}, lang)]
    widths, wrapped = fit_widths(head, sample)
    late = f"${column_letter(keys.index('overdue_count'))}2>0"
    with book.sheet(
        word("sheet_overview", lang),
        widths,
        wrapped=wrapped,
        freeze="D2",
        autofilter=True,
        highlight=late,
    ) as sheet:
        sheet.header(head)
        for row in iter_flat_rows(data, lang):
            sheet.row([_cell_value(key, row[key]) for key in keys])
            yield None

    # One line per overdue item.
    item_head = [
        header("promise_id", lang),
        header("area", lang),
        header("municipality", lang),
        word("kind", lang),
        word("what", lang),
        word("due", lang),
        word("days_late", lang),
        header("responsible", lang),
    ]

    def item_rows(limit: int | None = None) -> Iterator[list[Any]]:
        count = 0
        for row in data["rows"]:
            for o in row["overdue"]:
                if limit is not None and count >= limit:
                    return
                count += 1
                yield [
                    row["promise_id"],
                    row["area"],
                    row["municipality"],
                    o["kind"],
                    o["what"],
                    date.fromisoformat(o["due"]),
                    o["working_days_late"],
                    "; ".join(_person(p) for p in o["responsible"]),
                ]

    widths, wrapped = fit_widths(item_head, item_rows(200))
    with book.sheet(
        word("sheet_overdue", lang), widths, wrapped=wrapped, freeze="C2", autofilter=True
    ) as items:
        items.header(item_head)
        for line in item_rows():
            items.row(line)
            yield None

    # The summary.
    summary = data["summary"]
    with book.sheet(word("sheet_summary", lang), [40], freeze="A2") as sums:
        title = word("title", lang) + ": " + (data.get("region_name") or word("all_regions", lang))
        sums.row([Bold(title), date.fromisoformat(str(data["date"])[:10])])
        sums.row([])
        for key in ("promises", "late", "on_track", "late_evaluations", "closed"):
            sums.row([word(key, lang), summary[key]])
        sums.row([])
        sums.row([Bold(word("per_stage", lang)), word("count", lang)])
        from lifecycle.stages import Stage

        for stage, count in summary["by_stage"].items():
            sums.row([Stage(stage).name_in(lang), count])
        sums.row([])
        sums.row(
            [
                Bold(word("most_overdue", lang)),
                word("count", lang),
                word("overdue_rounds", lang),
                word("days_late", lang),
            ]
        )
        for m in summary["municipalities_most_overdue"]:
            sums.row(
                [
                    m["municipality"],
                    m["overdue_items"],
                    m["overdue_rounds"],
                    m["worst_working_days_late"],
                ]
            )
            yield None


def to_xlsx(data: dict[str, Any], target: Path | IO[bytes], language: str | None = None) -> None:
    """Write the overview as an .xlsx workbook: overview, overdue items, summary.

    Written by ``reports.xlsx_stream``: each row goes into the file as it is made, never kept,
    so memory stays flat as the region grows (bench/overview.py measures it)."""
    lang = language or data.get("language", "sv")
    write_book(lambda book: _write_overview(book, data, lang), target, _info(data, lang))


def iter_xlsx(data: dict[str, Any], language: str | None = None) -> Iterator[bytes]:
    """``to_xlsx`` as bytes to send while the workbook is written (no file, no whole copy)."""
    lang = language or data.get("language", "sv")
    return stream_book(lambda book: _write_overview(book, data, lang), _info(data, lang))


# --- terminal table -------------------------------------------------------------------------


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def to_table(data: dict[str, Any], language: str | None = None) -> str:
    """A readable table for the terminal: one line per promise, worst first, then details."""
    data = clean(data)  # nothing that moves a terminal's cursor or rings its bell
    lang = language or data.get("language", "sv")
    unit = word("wdays", lang)
    region = data.get("region_name") or word("all_regions", lang)
    lines = [f"{word('title', lang)}: {region}, {data['date']}", ""]
    rows = data["rows"]
    if not rows:
        lines.append(word("no_promises", lang))
    else:
        head = [in_context("overview.table", text, lang) for text in TABLE_HEAD]
        # words written out ("arbetsdagar", "Ej genomförda"), not abbreviated to fit narrower
        fmt = "{:>6}  {:<22} {:<20} {:<13} {:<28} {:<34} {:>13}  {:<10}"
        lines.append(fmt.format(*head).rstrip())
        lines.append("-" * 157)
        for row in rows:
            nxt = row["next_deadline"]
            next_text = f"{nxt['due']} {_fit(nxt['what'], 17)}" if nxt else "–"
            if row["overdue"]:
                worst = row["overdue"][0]
                days = f"{worst['working_days_late']} {unit}"
                late = f"{len(row['overdue'])}: {days}, {_fit(worst['what'], 29 - len(days))}"
            else:
                late = "–"
            lines.append(
                fmt.format(
                    row["promise_id"],
                    _fit(row["area"], 22),
                    _fit(row["stage_name"], 20),
                    row["stage_due"] or "–",
                    next_text,
                    _fit(late, 34),
                    len(row["activities_not_done"]) or "–",
                    row["last_moved"][:10],
                )
            )
        late_rounds = [
            (row, o) for row in rows for o in row["overdue"] if o["kind"] == "evaluation_round"
        ]
        if late_rounds:
            lines += ["", word("overdue_rounds", lang) + ":"]
            for row, o in late_rounds:
                who = ", ".join(_person(p) for p in o["responsible"]) or word("nobody", lang)
                lines.append(
                    f"  {row['area']} ({row['promise_id']}): {o['what']}, {o['due']}, "
                    f"{o['working_days_late']} {word('days_late_long', lang)}; {word('responsible', lang)}: {who}"
                )
        not_done = [(row, a) for row in rows for a in row["activities_not_done"]]
        if not_done:
            lines += ["", word("not_done", lang) + ":"]
            for row, a in not_done:
                reason = f": {a['reason']}" if a["reason"] else ""
                lines.append(
                    f"  {row['area']} ({row['promise_id']}): {a['title']} ({word('round', lang)} {a['round']}){reason}"
                )
    s = data["summary"]
    lines += [
        "",
        f"{word('summary', lang)}: {counted(s['promises'], 'promise', lang)}, "
        f"{counted(s['late'], 'late', lang)}, "
        f"{s['on_track']} {word('on_track', lang)}, {s['late_evaluations']} {word('late_evaluations', lang)}"
        + (f", {counted(s['closed'], 'closed', lang)}" if s["closed"] else "")
        + ".",
    ]
    from lifecycle.stages import Stage

    per_stage = ", ".join(f"{Stage(k).name_in(lang)} {v}" for k, v in s["by_stage"].items() if v)
    lines.append(f"{word('per_stage', lang)}: {per_stage or '–'}")
    if s["municipalities_most_overdue"]:
        top = ", ".join(
            f"{m['municipality']} ({m['overdue_items']})"
            for m in s["municipalities_most_overdue"][:5]
        )
        lines.append(f"{word('most_overdue', lang)}: {top}")
    return "\n".join(lines) + "\n"


def render(data: dict[str, Any], fmt: str, language: str | None = None) -> str:
    """Text formats (table, json, csv); XLSX is binary: use ``to_xlsx``."""
    if fmt == "table":
        return to_table(data, language)
    if fmt == "json":
        return to_json(data)
    if fmt == "csv":
        return to_csv(data, language)
    raise ValueError(f"unknown text format {fmt!r}; known: table, json, csv (xlsx: to_xlsx)")
