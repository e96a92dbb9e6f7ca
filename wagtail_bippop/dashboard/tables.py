"""The dashboard's tables: figures turned into labelled cells, small counts masked, exported.

Each table is shown as a bar chart with its data table beside it, and exported as is
(CSV or XLSX): the read-only role gets the same masked cells everywhere.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.http import HttpResponse
from django.utils import formats
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..conf import bippop_settings
from ..exports import neutralise
from . import outings

PEOPLE = "people"
COUNT = "count"
HOURS = "hours"
MONEY = "money"
SHARE = "share"
DURATION = "duration"
SCORE = "score"
TEXT = "text"


@dataclass
class Cell:
    value: object
    kind: str = TEXT
    # How many people stand behind the value: a small group is masked for the read-only role.
    base: int | None = None

    def masked(self, threshold):
        if not threshold:
            return False
        base = self.value if self.kind == PEOPLE and self.base is None else self.base
        return isinstance(base, int) and 0 < base < threshold

    def number(self):
        """The plain number behind the cell, for charts and spreadsheets."""
        value = self.value
        if value is None or self.kind == TEXT:
            return None
        if isinstance(value, datetime.timedelta):
            return round(value.total_seconds() / 86400, 1)
        if self.kind == SHARE:
            return round(float(value) * 100, 1)
        if isinstance(value, Decimal):
            return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
        return value

    def text(self):
        value = self.value
        if value is None:
            return "—"
        if self.kind == TEXT:
            return str(value)
        if self.kind == DURATION:
            return format_duration(value)
        if self.kind == SHARE:
            return _("%(n)s %%") % {"n": formats.number_format(round(value * 100))}
        if self.kind == MONEY:
            return _("%(n)s €") % {"n": formats.number_format(round(value), force_grouping=True)}
        if self.kind in (HOURS, SCORE):
            return formats.number_format(self.number(), 1, force_grouping=True)
        return formats.number_format(value, force_grouping=True)


def format_duration(delta):
    hours = delta.total_seconds() / 3600
    if hours < 48:
        return _("%(n)s hours") % {"n": formats.number_format(round(hours, 1), 1)}
    return _("%(n)s days") % {"n": formats.number_format(round(hours / 24, 1), 1)}


@dataclass
class Table:
    slug: str
    title: str
    columns: list
    rows: list = field(default_factory=list)
    # Index of the column drawn as bars, or None for a table without chart.
    chart_column: int | None = None
    caption: str = ""
    # Each row is a group of people (a month, a service, an area…) whose first PEOPLE cell
    # counts them: a small group is hidden whole, and when a single row is hidden, the next
    # smallest is hidden with it, so that the totals cannot give the hidden one away.
    grouped: bool = False

    def hidden_rows(self, threshold):
        if not threshold or not self.grouped:
            return set()
        sizes = [
            next((c.value for c in row if c.kind == PEOPLE and isinstance(c.value, int)), None)
            for row in self.rows
        ]
        hidden = {i for i, n in enumerate(sizes) if n is not None and 0 < n < threshold}
        if len(hidden) == 1:
            others = sorted((n, i) for i, n in enumerate(sizes) if i not in hidden and n)
            if others:
                hidden.add(others[0][1])
        return hidden

    def masked_row(self, index, row, threshold, hidden_rows):
        """Whether each cell of ``row`` is hidden (a grouped row's label stays)."""
        whole = index in hidden_rows
        return [
            cell.masked(threshold) or (whole and position > 0) for position, cell in enumerate(row)
        ]

    def present(self, threshold=None):
        """Rows of display texts, plus the bar length (0–100) of each row when charted."""
        hidden = _("< %(n)s") % {"n": threshold} if threshold else ""
        hidden_rows = self.hidden_rows(threshold)
        rows, masks = [], []
        for index, row in enumerate(self.rows):
            mask = self.masked_row(index, row, threshold, hidden_rows)
            masks.append(mask)
            texts = [
                hidden if masked else cell.text() for cell, masked in zip(row, mask, strict=True)
            ]
            rows.append({"cells": texts, "label": texts[0], "bar": None, "bar_text": None})
        if self.chart_column is not None:
            charted = [row[self.chart_column] for row in self.rows]
            values = [
                None if mask[self.chart_column] else c.number()
                for c, mask in zip(charted, masks, strict=True)
            ]
            top = max((v for v in values if v), default=0)
            for shown, value in zip(rows, values, strict=True):
                shown["bar_text"] = shown["cells"][self.chart_column]
                if value is not None and top:
                    shown["bar"] = round(100 * value / top, 1)
        return {
            "slug": self.slug,
            "title": self.title,
            "caption": self.caption,
            "columns": [str(c) for c in self.columns],
            "chart_label": str(self.columns[self.chart_column])
            if self.chart_column is not None
            else "",
            "rows": rows,
        }

    def export_rows(self, threshold=None):
        hidden = _("< %(n)s") % {"n": threshold} if threshold else ""
        yield [str(c) for c in self.columns]
        hidden_rows = self.hidden_rows(threshold)
        for index, row in enumerate(self.rows):
            out = []
            mask = self.masked_row(index, row, threshold, hidden_rows)
            for cell, masked in zip(row, mask, strict=True):
                if masked:
                    out.append(hidden)
                elif cell.kind in (TEXT, DURATION):
                    out.append(cell.text())
                else:
                    out.append(cell.number())
            yield out


# What spreadsheet programs refuse in a sheet's name, and its longest length.
SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")
SHEET_TITLE_MAX = 31


def sheet_title(title, used=()):
    """A sheet name Excel and LibreOffice accept: no ``\\ / ? * [ ] :``, no leading or
    trailing apostrophe, at most 31 characters, and none of the names in ``used``."""
    title = SHEET_TITLE_FORBIDDEN.sub("-", str(title)).strip().strip("'").strip()
    title = re.sub(r"\s+", " ", title)[:SHEET_TITLE_MAX].strip() or _("Sheet")
    taken = {name.casefold() for name in used}
    candidate, n = title, 1
    while candidate.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        candidate = title[: SHEET_TITLE_MAX - len(suffix)].rstrip() + suffix
    return candidate


def csv_value(value):
    """A value written so a spreadsheet program of the user's language reads it as a number:
    counts as integers, other numbers with the language's decimal separator (a comma in
    French), never a thousands separator; a text that would be read as a formula, as text."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return neutralise(value)
    if isinstance(value, int):
        return str(value)
    text = format(Decimal(str(value)).normalize(), "f")
    return text.replace(".", formats.get_format("DECIMAL_SEPARATOR"))


def csv_response(rows, name):
    """A CSV download that opens in French spreadsheet programs: UTF-8 with a BOM, ``;``
    between columns, French decimals."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.write("\ufeff")  # lets spreadsheet software read the accents correctly
    writer = csv.writer(response, delimiter=";")
    for row in rows:
        writer.writerow([csv_value(value) for value in row])
    return response


def export_response(table, file_format, threshold=None, *, filename_prefix="dashboard"):
    name = f"{filename_prefix}-{slugify(table.slug)}"
    if file_format == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=sheet_title(table.title))
        for row in table.export_rows(threshold):
            sheet.append([neutralise(value) for value in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    return csv_response(table.export_rows(threshold), name)


def _breakdown_rows(rows, key, empty_label):
    return [
        [
            Cell(row.get("label") or row[key] or empty_label),
            Cell(row["people"], PEOPLE),
            Cell(row["visits"], COUNT, base=row["people"]),
            Cell(row["hours"], HOURS, base=row["people"]),
        ]
        for row in rows
    ]


BREAKDOWN_COLUMNS = [
    gettext_lazy("People helped"),
    gettext_lazy("Visits done"),
    gettext_lazy("Hours given"),
]


def build_tables(figures, *, hour_value):
    visits, requests = figures["visits"], figures["requests"]
    retention, loneliness = figures["retention"], figures["loneliness"]
    people = visits["people"]
    key = Table(
        "key-figures",
        _("Key figures"),
        [_("Figure"), _("Value")],
        [
            [Cell(_("People helped")), Cell(people, PEOPLE)],
            [Cell(_("New requests")), Cell(requests["new_requests"], COUNT)],
            [
                Cell(_("Median time from request to first call back")),
                Cell(requests["median_to_contact"], DURATION),
            ],
            [
                Cell(_("Median time from request to first visit")),
                Cell(requests["median_to_first_visit"], DURATION),
            ],
            # Visits, hours and worries are figures of the people helped: hidden with them.
            [Cell(_("Visits done")), Cell(visits["visits"], COUNT, base=people)],
            [Cell(_("Volunteer hours given")), Cell(visits["hours"], HOURS, base=people)],
            [
                Cell(
                    _("Value of these hours (at %(rate)s € an hour)")
                    % {"rate": formats.number_format(Decimal(str(hour_value)), 2)}
                ),
                Cell(visits["hours_value"], MONEY, base=people),
            ],
            [Cell(_("Volunteers who gave time")), Cell(visits["volunteers"], PEOPLE)],
            [
                Cell(_("Volunteers of the previous period who came back")),
                Cell(retention["rate"], SHARE, base=retention["before"]),
            ],
            [
                Cell(_("People helped who are not online (coverage)")),
                Cell(visits["coverage"], SHARE, base=people),
            ],
            [
                Cell(_("Worries raised by volunteers")),
                Cell(visits["worries"], COUNT, base=people),
            ],
            [Cell(outings.LABEL), Cell(figures.get("outings"), PEOPLE)],
            [
                Cell(_("People without contact (isolation watch)")),
                Cell(figures["isolated"], PEOPLE),
            ],
        ],
    )
    status = Table(
        "requests-by-status",
        _("New requests by status"),
        [_("Status"), _("Requests")],
        [[Cell(str(label)), Cell(n, COUNT)] for label, n in requests["by_status"]],
        chart_column=1,
    )
    month = Table(
        "by-month",
        _("By month"),
        [_("Month"), *BREAKDOWN_COLUMNS],
        [
            [
                Cell(formats.date_format(row["month"], "F Y")),
                Cell(row["people"], PEOPLE),
                Cell(row["visits"], COUNT, base=row["people"]),
                Cell(row["hours"], HOURS, base=row["people"]),
            ]
            for row in figures["by_month"]
        ],
        chart_column=3,
        grouped=True,
    )
    service = Table(
        "by-service",
        _("By service"),
        [_("Service"), *BREAKDOWN_COLUMNS],
        _breakdown_rows(figures["by_service"], "mission__request__services__name", _("None")),
        chart_column=1,
        grouped=True,
        caption=_("A request for several services counts under each of them."),
    )
    area = Table(
        "by-area",
        _("By area"),
        [_("Area"), *BREAKDOWN_COLUMNS],
        _breakdown_rows(
            figures["by_area"], "mission__request__beneficiary__area__name", _("Area not given")
        ),
        chart_column=1,
        grouped=True,
    )
    channel = Table(
        "by-channel",
        _("By way of asking for help"),
        [_("Received through"), *BREAKDOWN_COLUMNS],
        _breakdown_rows(figures["by_channel"], "mission__request__channel", _("Unknown")),
        chart_column=1,
        grouped=True,
    )
    measured = loneliness["people"]
    impact = Table(
        "loneliness",
        _("Loneliness (3-item UCLA scale, 3 = least lonely, 9 = loneliest)"),
        [_("Figure"), _("Value")],
        [
            [Cell(_("People measured at least twice")), Cell(measured, PEOPLE)],
            [
                Cell(_("Median score at the first measure")),
                Cell(loneliness["median_before"], SCORE, base=measured),
            ],
            [
                Cell(_("Median score at the latest measure")),
                Cell(loneliness["median_after"], SCORE, base=measured),
            ],
            [
                Cell(_("Share of people who feel less lonely")),
                Cell(loneliness["improved_share"], SHARE, base=measured),
            ],
            [
                Cell(_("Share satisfied with the help received")),
                Cell(loneliness["satisfied_share"], SHARE, base=loneliness["satisfaction_answers"]),
            ],
            [
                Cell(
                    _("People due for a measure (none in the last %(n)s months)")
                    % {"n": bippop_settings.LONELINESS_EVERY_MONTHS}
                ),
                Cell(figures["loneliness_due"], PEOPLE),
            ],
        ],
    )
    return [key, status, month, service, area, channel, impact]
