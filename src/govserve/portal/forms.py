"""Forms of the public pages (GET forms: search filters, ledger dates)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govserve.catalog.codetables import ServiceObject
from govserve.catalog.selectors import SearchFilterOptions
from govserve.core.forms import choice_field
from govserve.regions.models import AdministrativeLevel, Department, Region

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _region_label(region: Region) -> str:
    indent = "\u3000" * (region.level - 1)  # full-width spaces show the tree in a <select>
    return f"{indent}{region.name}"


def region_choices(regions: list[Region], empty: StrOrPromise) -> list[tuple[str, StrOrPromise]]:
    return [("", empty)] + [(r.code, _region_label(r)) for r in regions]


class SearchForm(forms.Form):
    """检索: words plus filters; every filter is optional and an unknown value is an error."""

    q = forms.CharField(
        label=_("搜索办事事项"), required=False, max_length=100, widget=forms.SearchInput
    )
    region = forms.ChoiceField(label=_("区划"), required=False)
    department = forms.ChoiceField(label=_("部门"), required=False)
    level = forms.ChoiceField(label=_("行使层级"), required=False)
    item_type = forms.ChoiceField(label=_("事项类型"), required=False)
    service_object = forms.ChoiceField(label=_("服务对象"), required=False)
    fully_online = forms.BooleanField(label=_("只看全程网办"), required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, options: SearchFilterOptions | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        options = options or SearchFilterOptions(
            regions=[], departments=[], levels=[], item_types=[]
        )
        self.options = options
        self.fields["q"].widget.attrs.update(
            {
                "placeholder": _("例如：营业执照、开饭店、yyzz"),
                "autocomplete": "off",
            }
        )
        choice_field(self, "region").choices = region_choices(options.regions, _("全部区划"))
        choice_field(self, "department").choices = [("", _("全部部门"))] + [
            (str(d.pk), d.name) for d in options.departments
        ]
        choice_field(self, "level").choices = [("", _("全部层级"))] + [
            (str(v), label) for v, label in options.levels
        ]
        choice_field(self, "item_type").choices = [("", _("全部类型"))] + list(options.item_types)
        choice_field(self, "service_object").choices = [("", _("全部对象"))] + list(
            ServiceObject.choices
        )

    def filters(self) -> dict:
        """Keyword arguments for `search_items` (only the filters that are set)."""
        data = self.cleaned_data
        out: dict = {}
        if data.get("region"):
            out["region"] = next(r for r in self.options.regions if r.code == data["region"])
        if data.get("department"):
            out["department"] = next(
                d for d in self.options.departments if str(d.pk) == data["department"]
            )
        if data.get("level"):
            out["level"] = int(data["level"])
        if data.get("item_type"):
            out["item_type"] = data["item_type"]
        if data.get("service_object"):
            out["service_object"] = data["service_object"]
        if data.get("fully_online"):
            out["fully_online"] = True
        return out


class LedgerForm(forms.Form):
    """改革台账 window: two dates, optionally one region and one 行使层级."""

    start = forms.DateField(label=_("起始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))
    region = forms.ChoiceField(label=_("区划"), required=False)
    level = forms.TypedChoiceField(
        label=_("行使层级"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, regions: list[Region], **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = regions
        choice_field(self, "region").choices = region_choices(regions, _("全部区划"))
        choice_field(self, "level").choices = [("", _("全部层级"))] + list(
            AdministrativeLevel.choices
        )

    @staticmethod
    def default_window(
        span: tuple[dt.date, dt.date] | None, today: dt.date | None = None
    ) -> dict[str, dt.date]:
        """The whole reform history (from January 1 of its first year) up to today.

        Without any history yet: this calendar year.
        """
        today = today or timezone.localdate()
        if span is None:
            return {"start": today.replace(month=1, day=1), "end": today}
        first, last = span
        return {"start": first.replace(month=1, day=1), "end": max(today, last)}

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("截止日期不能早于起始日期"))
        return data

    def selected_region(self) -> Region | None:
        code = self.cleaned_data.get("region")
        return next((r for r in self.regions if r.code == code), None) if code else None


class RegionFilterForm(forms.Form):
    """One optional region (lists and statistics)."""

    region = forms.ChoiceField(label=_("区划"), required=False)

    def __init__(
        self, *args, regions: list[Region], departments: list[Department] | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.regions = regions
        choice_field(self, "region").choices = region_choices(regions, _("全部区划"))
        self.departments = departments
        if departments is not None:
            self.fields["department"] = forms.ChoiceField(
                label=_("部门"),
                required=False,
                choices=[("", _("全部部门"))] + [(str(d.pk), d.name) for d in departments],
            )

    def selected_region(self) -> Region | None:
        if not self.is_valid():
            return None
        code = self.cleaned_data.get("region")
        return next((r for r in self.regions if r.code == code), None) if code else None

    def selected_department(self) -> Department | None:
        if not self.is_valid() or not self.departments:
            return None
        pk = self.cleaned_data.get("department")
        return next((d for d in self.departments if str(d.pk) == pk), None) if pk else None
