"""A multi-valued code-table field stored as ",1,2," so one code is a portable LIKE filter."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MultiChoiceField(models.CharField):
    """Several codes of one code table (e.g. 服务对象 1 and 2)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 60)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        return self.to_python(value)

    def to_python(self, value):
        if value is None or value == "":
            return []
        if isinstance(value, list | tuple):
            return [str(v) for v in value]
        return [v for v in str(value).split(",") if v]

    def get_prep_value(self, value):
        if isinstance(value, str):  # already a lookup pattern such as ",1,"
            return value
        codes = sorted(set(self.to_python(value)), key=lambda c: (len(c), c))
        return f",{','.join(codes)}," if codes else ""

    def value_to_string(self, obj):
        return ",".join(self.value_from_object(obj))

    def validate(self, value, model_instance):
        valid = {str(k) for k, _label in self.choices or []}
        bad = [v for v in value if v not in valid]
        if bad:
            raise ValidationError(
                _("未知的代码值：%(codes)s"),
                code="invalid_choice",
                params={"codes": "、".join(bad)},
            )
        if not self.blank and not value:
            raise ValidationError(self.error_messages["blank"], code="blank")

    def run_validators(self, value):
        """Length validators apply to the stored text, not the list."""

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=self.choices,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
        )

    def get_choices(self, *args, **kwargs):
        return list(self.choices or [])

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        return name, path, args, kwargs


def has_code(field: str, code: str) -> Q:
    """Filter rows whose multi-valued `field` contains `code`."""
    return Q(**{f"{field}__contains": f",{code},"})
