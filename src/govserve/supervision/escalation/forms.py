"""Page forms of 督办 (the services check the rules; these only parse the input)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .services import MAX_REPLY_DAYS


class IssueForm(forms.Form):
    case = forms.CharField(
        label=_("办件编号"),
        required=False,
        max_length=48,
        help_text=_("督办某个办件时填写（办件编号或系统编号），与事项二选一"),
    )
    item = forms.CharField(
        label=_("事项编码"),
        required=False,
        max_length=60,
        help_text=_("督办某个事项时填写（实施编码或系统编号）"),
    )
    subject = forms.CharField(label=_("督办事由"), max_length=200)
    body = forms.CharField(
        label=_("督办内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    reply_days = forms.IntegerField(
        label=_("回复时限（工作日）"),
        min_value=1,
        max_value=MAX_REPLY_DAYS,
        required=False,
        help_text=_("不填按默认时限"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reply_days"].widget.attrs["placeholder"] = str(
            settings.GOVSERVE["SUPERVISION_NOTICE_REPLY_WORKING_DAYS"]
        )

    def clean(self):
        data = super().clean()
        if not (data.get("case") or "").strip() and not (data.get("item") or "").strip():
            raise forms.ValidationError(_("请指定一个办件或一个事项（二者选一）"))
        return data


class ReplyForm(forms.Form):
    reply_text = forms.CharField(
        label=_("回复内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )


class AcceptForm(forms.Form):
    comment = forms.CharField(
        label=_("审核意见"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("退回理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    reply_days = forms.IntegerField(
        label=_("重新回复时限（工作日）"), min_value=1, max_value=MAX_REPLY_DAYS, required=False
    )
