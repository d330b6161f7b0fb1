from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Department, Region, ServiceHall, ServiceWindow
from .services import region_full_name
from .validators import validate_uscc


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "full_name", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name", "full_name")
    autocomplete_fields = ("parent",)
    readonly_fields = ("prefix",)
    fields = ("code", "name", "level", "parent", "full_name", "prefix")
    list_select_related = ("parent",)
    show_full_result_count = False  # the table has ~42k rows; skip the extra COUNT(*)

    def save_model(self, request, obj, form, change):
        if not obj.full_name or "name" in form.changed_data or "parent" in form.changed_data:
            obj.full_name = region_full_name(obj.parent, obj.name)
        super().save_model(request, obj, form, change)


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "short_name", "uscc", "region", "level", "consult_phone", "address"]

    def clean_uscc(self):
        """Store the compact, upper-case form (the model validator reports bad codes in Chinese)."""
        value = self.cleaned_data["uscc"]
        if not value:
            return None  # no code published: NULL, so several such bodies do not collide
        try:
            return validate_uscc(value)
        except ValidationError:
            return value  # the field's own validator has already reported it


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    form = DepartmentForm
    list_display = ("name", "uscc", "region", "level", "consult_phone")
    list_filter = ("level",)
    search_fields = ("name", "short_name", "uscc", "region__full_name")
    autocomplete_fields = ("region",)
    list_select_related = ("region",)


class ServiceWindowInline(admin.TabularInline):
    model = ServiceWindow
    extra = 1
    autocomplete_fields = ("departments",)
    fields = ("number", "name", "kind", "departments")


@admin.register(ServiceHall)
class ServiceHallAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "address", "phone", "window_count")
    list_filter = ("kind",)
    search_fields = ("name", "address", "region__full_name")
    autocomplete_fields = ("region",)
    list_select_related = ("region",)
    inlines = [ServiceWindowInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_window_count=Count("windows"))

    @admin.display(description=_("窗口数"), ordering="_window_count")
    def window_count(self, obj):
        return obj._window_count
