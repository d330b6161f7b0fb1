"""Page forms: thin; the rules are in `services` (its RatingError lands on the named field)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import (
    COMMENT_MAX_LENGTH,
    ONLINE_DIMENSIONS,
    ONSITE_DIMENSIONS,
    AppealGround,
    Level,
)

LEVEL_CHOICES = [(str(v), label) for v, label in reversed(Level.choices)]
SCORE_CHOICES = [("", _("（不评）")), *LEVEL_CHOICES]


class RatingForm(forms.Form):
    """评价: the level, the dimensions of the mode (online or on site) and a comment."""

    level = forms.ChoiceField(
        label=_("总体评价等级"), choices=LEVEL_CHOICES, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("评价内容"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("最多 %(n)d 字；不满意（差评）请写明原因") % {"n": COMMENT_MAX_LENGTH},
    )

    def __init__(self, *args, onsite: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        dims = ONSITE_DIMENSIONS if onsite else ONLINE_DIMENSIONS
        for name, label in dims.items():
            if name == "score_overall":
                continue
            self.fields[name] = forms.ChoiceField(
                label=label, choices=SCORE_CHOICES, required=False
            )
        self.order_fields(["level", *dims, "comment"])

    def scores(self) -> dict[str, str]:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name.startswith("score_") and value
        }


class TextForm(forms.Form):
    text = forms.CharField(
        label=_("内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, label=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if label is not None:
            self.fields["text"].label = label


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("复核结论"),
        choices=[("accept", _("通过")), ("return", _("退回重新整改"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("复核意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("退回时必填"),
    )


class AppealForm(forms.Form):
    ground = forms.ChoiceField(label=_("申诉理由类别"), choices=AppealGround.choices)
    reasons = forms.CharField(
        label=_("申诉理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecideAppealForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("裁定结论"),
        choices=[("uphold", _("申诉成立（剔除该评价）")), ("reject", _("申诉不成立"))],
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label=_("裁定理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PublicFilterForm(forms.Form):
    group = forms.ChoiceField(
        label=_("统计维度"),
        required=False,
        choices=[
            ("department", _("按部门")),
            ("hall", _("按大厅")),
            ("item", _("按事项")),
            ("region", _("按区划")),
        ],
    )
    region = forms.CharField(label=_("区划代码"), required=False, max_length=12)
    since = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
