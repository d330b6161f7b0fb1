"""Admin: the loaded notices and their days, read-only; "add" is the notice upload.

A notice is never edited field by field: the whole notice is loaded again (the upload form
takes the exchange JSON as a file or pasted text) through `services.load_notice`, which
replaces the year's days and sends `holiday_notice_loaded`.
"""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services
from .models import CalendarDay, HolidayNotice
from .policies import can_load_notice


class NoticeUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("通知 JSON 文件"), required=False)
    text = forms.CharField(
        label=gettext_lazy("或粘贴 JSON"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16, "cols": 100, "spellcheck": "false"}),
    )

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), (data.get("text") or "").strip()
        if not upload and not text:
            raise ValidationError(_("请上传通知 JSON 文件或粘贴 JSON 内容"))
        try:
            raw = upload.read().decode("utf-8-sig") if upload else text
            data["notice"] = services.parse_notice(json.loads(raw))
        except UnicodeDecodeError as exc:
            raise ValidationError(_("文件应为 UTF-8 编码的 JSON")) from exc
        except json.JSONDecodeError as exc:
            raise ValidationError(
                _("不是有效的 JSON（第 %(line)s 行第 %(col)s 列）：%(msg)s")
                % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}
            ) from exc
        except ValidationError as exc:
            raise ValidationError(
                [f"{field}：{msg}" for field, msgs in exc.message_dict.items() for msg in msgs]
            ) from exc
        return data


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    fields = ("date", "kind", "name")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None) -> bool:
        return can_load_notice(request.user)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(HolidayNotice)
class HolidayNoticeAdmin(admin.ModelAdmin):
    list_display = (
        "year",
        "title",
        "published",
        "holiday_count",
        "workday_count",
        "loaded_by",
        "loaded_at",
    )
    readonly_fields = ("year", "title", "published", "source", "loaded_by", "loaded_at")
    fields = readonly_fields
    inlines = [CalendarDayInline]
    list_select_related = ("loaded_by",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_holidays=Count("days", filter=Q(days__kind="holiday")),
                n_workdays=Count("days", filter=Q(days__kind="workday")),
            )
        )

    @admin.display(description=gettext_lazy("放假天数"), ordering="n_holidays")
    def holiday_count(self, obj) -> int:
        return obj.n_holidays

    @admin.display(description=gettext_lazy("调休上班天数"), ordering="n_workdays")
    def workday_count(self, obj) -> int:
        return obj.n_workdays

    def has_module_permission(self, request) -> bool:
        return can_load_notice(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return can_load_notice(request.user)

    def has_add_permission(self, request) -> bool:
        return can_load_notice(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # load the corrected notice again instead

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a year without its notice would silently fall back to the library

    def add_view(self, request, form_url="", extra_context=None):
        """导入放假安排通知: the upload form in place of the model form."""
        if not self.has_add_permission(request):
            return super().add_view(request, form_url, extra_context)  # Django's own refusal
        form = NoticeUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            notice = services.load_notice(form.cleaned_data["notice"], actor=request.user)
            self.message_user(
                request,
                _("已导入 %(year)s 年放假安排（%(n)s 个日期）")
                % {"year": notice.year, "n": notice.days.count()},
                messages.SUCCESS,
            )
            return redirect(reverse("admin:workcalendar_holidaynotice_change", args=[notice.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("导入放假安排通知"),
            "form": form,
            "example": EXAMPLE,
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, "admin/workcalendar/holidaynotice/load.html", context)


EXAMPLE = json.dumps(
    {
        "year": 2027,
        "title": "国务院办公厅关于2027年部分节假日安排的通知",
        "published": "2026-11-05",
        "source": "https://www.gov.cn/",
        "days": [
            {"date": "2027-02-05", "kind": "holiday", "name": "春节"},
            {"date": "2027-02-20", "kind": "workday", "name": "春节"},
        ],
    },
    ensure_ascii=False,
    indent=2,
)
