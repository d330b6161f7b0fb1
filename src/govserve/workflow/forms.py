"""The forms of a task page. They check the shape of the input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govserve.cases.models import SuspensionReason
from govserve.core.forms import choice_field

from .models import Outcome, Task


class CompleteForm(forms.Form):
    outcome = forms.ChoiceField(label=_("办理结论"), widget=forms.RadioSelect)
    reasons = forms.CharField(
        label=_("意见或理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("不同意（不予）和退回须写明理由；不予许可的理由将写入决定书并告知申请人。"),
    )

    def __init__(self, *args, task: Task, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "outcome").choices = [
            (o, Outcome(o).label) for o in task.outcome_list if o in Outcome.values
        ]

    def clean(self):
        data = super().clean()
        if (
            data.get("outcome") in (Outcome.DENY, Outcome.RETURN)
            and not (data.get("reasons") or "").strip()
        ):
            self.add_error("reasons", _("不同意（不予）和退回须写明理由"))
        return data


class SuspendForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("法定事由"),
        choices=[("", _("请选择"))] + list(SuspensionReason.choices),
        help_text=_(
            "行政许可法第四十五条：听证、招标、拍卖、检验、检测、检疫、鉴定和专家评审所需时间不计入期限。"
        ),
    )
    explanation = forms.CharField(
        label=_("情况说明（将书面告知申请人）"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    expected_end = forms.DateField(
        label=_("预计结束日期"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_expected_end(self):
        value = self.cleaned_data["expected_end"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("预计结束日期不能早于今天"))
        return value


class ExtensionForm(forms.Form):
    days = forms.IntegerField(label=_("延长工作日"), min_value=1, max_value=60)
    reasons = forms.CharField(
        label=_("延期理由（将告知申请人）"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        # On the task page beside CompleteForm, which has a `reasons` field too: ids of its
        # own (extension_reasons), so each label names its own textarea.
        kwargs.setdefault("auto_id", "extension_%s")
        super().__init__(*args, **kwargs)
