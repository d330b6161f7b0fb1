"""Form helpers every app's forms share."""

from __future__ import annotations

from django import forms


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's own copy of its declared ChoiceField `name`, to set its choices per form."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField), f"{name} is not a ChoiceField"
    return field
