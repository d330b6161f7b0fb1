"""The working-day calculator page (/workcalendar/calculator/), for signed-in staff."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from govserve.core.pages import page, staff_required

from . import calendar, deadlines
from .forms import CalculatorForm, SuspensionFormSet


@staff_required
def calculator_view(request: HttpRequest) -> HttpResponse:
    """工作日计算器: the due date, the provisional mark and every counted working day."""
    submitted = "start" in request.GET or "days" in request.GET
    form = CalculatorForm(request.GET if submitted else None)
    # A link with only start and days (no suspension rows) is a calculation too.
    rows = submitted and "s-TOTAL_FORMS" in request.GET
    suspension_forms = SuspensionFormSet(request.GET if rows else None, prefix="s")
    context: dict[str, Any] = {"form": form, "suspension_forms": suspension_forms, "result": None}
    if submitted and form.is_valid() and (not rows or suspension_forms.is_valid()):
        start, days = form.cleaned_data["start"], form.cleaned_data["days"]
        suspensions = [
            (f.cleaned_data["start"], f.cleaned_data.get("end"))
            for f in suspension_forms
            if rows and f.cleaned_data.get("start")
        ]
        today = dt.date.today()
        try:
            due = deadlines.add_working_days(start, days, suspensions, as_of=today)
            counted = deadlines.counted_working_days(start, days, suspensions, as_of=today)
            suspended = deadlines.suspended_working_days(start, due.due, suspensions, as_of=today)
        except ValueError:
            form.add_error(
                "days",
                _("到期日超出工作日历支持的年份范围（%(min)s–%(max)s 年）")
                % {"min": calendar.MIN_YEAR, "max": calendar.MAX_YEAR},
            )
        else:
            remaining = deadlines.remaining_working_days(due.due, today)
            context["result"] = {
                "due": due.due,
                "provisional": due.provisional,
                "counted": counted,
                "suspended": suspended,
                "open_suspension": any(end is None for _start, end in suspensions),
                "today": today,
                "remaining": max(remaining, 0),
                "overdue": max(-remaining, 0),
                "provisional_years": [
                    y
                    for y in range((start + dt.timedelta(days=1)).year, due.due.year + 1)
                    if calendar.is_provisional_year(y)
                ]
                if due.provisional
                else [],
            }
    return page(request, "workcalendar/calculator.html", context)
