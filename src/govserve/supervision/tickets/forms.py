"""Forms of the ticket pages: they collect input; the services decide (TicketError → field)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from govserve.accounts.forms import AccessibleFormMixin
from govserve.regions.models import Department, Region, ServiceHall

from .models import CONTENT_MAX_LENGTH, TEXT_MAX_LENGTH, TicketKind


class RefusalMixin(AccessibleFormMixin):
    def refuse(self, field: str, message: str) -> None:
        self.add_error(field if field in self.fields else None, message)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.ofd"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class TicketForm(RefusalMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=TicketKind.choices)
    title = forms.CharField(label=_("标题"), max_length=100)
    content = forms.CharField(
        label=_("内容"),
        max_length=CONTENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("请写明时间、地点、经过和诉求，不超过 2000 字。"),
    )
    region = forms.ModelChoiceField(
        label=_("所属区划"),
        queryset=Region.objects.filter(level__lte=3).order_by("code"),
        required=False,
        help_text=_("与办件、事项或大厅有关时可不选，按其区划办理。"),
    )
    about_department = forms.ModelChoiceField(
        label=_("反映的部门"),
        queryset=Department.objects.order_by("region__code", "name"),
        required=False,
    )
    hall = forms.ModelChoiceField(
        label=_("反映的大厅"), queryset=ServiceHall.objects.order_by("name"), required=False
    )
    name = forms.CharField(label=_("姓名（可不填）"), max_length=50, required=False)
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        required=False,
        help_text=_("匿名反映必须填写，用于查询进度和回访；不会公开。"),
    )
    public = forms.BooleanField(
        label=_("同意办结后在网站匿名公开（不含姓名和电话）"), required=False, initial=True
    )
    attachments = MultipleFileField(
        label=_("附件"),
        required=False,
        help_text=_("可选，最多 5 个，PDF、JPG、PNG 或 OFD，每个不超过 20 MB。"),
    )
    case = forms.IntegerField(widget=forms.HiddenInput, required=False)
    item = forms.IntegerField(widget=forms.HiddenInput, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)


class FollowForm(RefusalMixin, forms.Form):
    number = forms.CharField(label=_("工单编号"), max_length=24)
    phone = forms.CharField(label=_("提交时填写的手机号码"), max_length=20)


class ReasonForm(RefusalMixin, forms.Form):
    reason = forms.CharField(
        label=_("理由"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )


class NoteForm(RefusalMixin, forms.Form):
    note = forms.CharField(
        label=_("说明（可不填）"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


SATISFACTION_CHOICES = [
    (5, _("5 非常满意")),
    (4, _("4 满意")),
    (3, _("3 基本满意")),
    (2, _("2 不满意")),
    (1, _("1 非常不满意")),
]


class RateForm(RefusalMixin, forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("满意度"), choices=SATISFACTION_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("评价意见（可不填）"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DepartmentForm(RefusalMixin, forms.Form):
    department = forms.ModelChoiceField(label=_("承办部门"), queryset=Department.objects.none())
    reason = forms.CharField(
        label=_("理由"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, departments=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if departments is not None:
            self.fields["department"].queryset = departments  # type: ignore[attr-defined]


class ReplyForm(RefusalMixin, forms.Form):
    reply = forms.CharField(
        label=_("答复内容"),
        max_length=CONTENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
