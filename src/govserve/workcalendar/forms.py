"""The working-day calculator form: acceptance date, working days, suspension rows."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from govserve.accounts.forms import AccessibleFormMixin

from . import calendar

MAX_DAYS = 1000
SUSPENSION_ROWS = 3


def _check_year(value):
    if value and not calendar.MIN_YEAR <= value.year <= calendar.MAX_YEAR:
        raise forms.ValidationError(
            _("日期应在 %(min)s 至 %(max)s 年之间"),
            params={"min": calendar.MIN_YEAR, "max": calendar.MAX_YEAR},
        )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class CalculatorForm(AccessibleFormMixin, forms.Form):
    start = forms.DateField(
        label=_("受理日期"),
        widget=DateInput,
        input_formats=["%Y-%m-%d"],
        validators=[_check_year],
        help_text=_("受理当日不计入时限"),
        error_messages={"invalid": _("日期格式应为 YYYY-MM-DD")},
    )
    days = forms.IntegerField(
        label=_("时限（工作日）"),
        min_value=0,
        max_value=MAX_DAYS,
        help_text=_("法定或承诺时限，含延长的天数；0 为即办件"),
        error_messages={
            "min_value": _("工作日天数不能为负数"),
            "max_value": _("工作日天数不能超过 %(limit_value)s"),
            "invalid": _("工作日天数应为整数"),
        },
    )


class SuspensionForm(AccessibleFormMixin, forms.Form):
    start = forms.DateField(
        label=_("中止开始日期"),
        required=False,
        widget=DateInput,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("日期格式应为 YYYY-MM-DD")},
    )
    end = forms.DateField(
        label=_("恢复计时日期"),
        required=False,
        widget=DateInput,
        input_formats=["%Y-%m-%d"],
        help_text=_("恢复当日起重新计算；空表示仍在中止中（按今天恢复估算）"),
        error_messages={"invalid": _("日期格式应为 YYYY-MM-DD")},
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if end and not start:
            self.add_error("start", _("请填写中止开始日期"))
        if start and end and end < start:
            self.add_error("end", _("恢复计时日期不能早于中止开始日期"))
        return data


SuspensionFormSet = forms.formset_factory(
    SuspensionForm, extra=SUSPENSION_ROWS, max_num=20, absolute_max=20
)
