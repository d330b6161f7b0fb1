"""The workbench list as a file: CSV (UTF-8 with BOM, opens in Excel) or XLSX (openpyxl).

Rows are read with an iterator and written as they come (XLSX in openpyxl's write-only mode),
so memory stays flat; at most `EXPORT_MAX` rows (the file says when it was cut)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from govserve.accounts.masking import mask_name

from .scope import Scope
from .selectors import CATEGORY_LABELS, Filters, filtered_cases, row_for, yellow_until

EXPORT_MAX = 100_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def headers() -> list[str]:
    return [
        _("办件编号"),
        _("申请事项"),
        _("牵头部门"),
        _("办理区划"),
        _("办理阶段"),
        _("申请渠道"),
        _("申请人"),
        _("提交时间"),
        _("当前期限"),
        _("剩余工作日"),
        _("预警"),
    ]


COLOUR_LABELS = {"red": "超期", "yellow": "预警", "stopped": "暂停计时", "": ""}


def rows(scope: Scope, filters: Filters, today: dt.date | None = None) -> Iterator[list]:
    """The export's rows (values, not text: dates stay dates for XLSX)."""
    today = today or timezone.localdate()
    soon = yellow_until(today)
    qs = filtered_cases(scope, filters, today)[:EXPORT_MAX]
    for case in qs.iterator(chunk_size=2000):
        row = row_for(case, today, soon)
        submitted = (
            timezone.localtime(case.submitted_at).replace(tzinfo=None)
            if case.submitted_at
            else None
        )
        yield [
            case.number or "",
            case.title,
            case.department.name,
            case.region.full_name,
            case.get_state_display(),
            case.get_channel_display(),
            mask_name(case.applicant_name) if not case.organisation_id else case.applicant_name,
            submitted,
            case.current_due,
            row.remaining,
            _(COLOUR_LABELS[row.colour]) if row.colour else "",
        ]


def filename(filters: Filters, ext: str, today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    return f"supervision-{filters.category}-{today:%Y%m%d}.{ext}"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def csv_chunks(scope: Scope, filters: Filters) -> Iterator[bytes]:
    """The CSV file in pieces (for a streaming answer), with a BOM so Excel reads UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(headers())
    for n, row in enumerate(rows(scope, filters), 1):
        writer.writerow([_text(v) for v in row])
        if n % 500 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def xlsx_bytes(scope: Scope, filters: Filters) -> bytes:
    """The XLSX workbook: one sheet, headers in Chinese, the filter in the sheet title row."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(CATEGORY_LABELS[filters.category])[:31])
    sheet.append(headers())
    for row in rows(scope, filters):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
