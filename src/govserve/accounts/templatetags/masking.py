"""`{% load masking %}` then `{{ user.id_number|mask_id }}` and `{{ user.mobile|mask_mobile }}`."""

from django import template

from govserve.accounts import masking

register = template.Library()


@register.filter(name="mask_id")
def mask_id(value) -> str:
    return masking.mask_id_number(value)


@register.filter(name="mask_mobile")
def mask_mobile(value) -> str:
    return masking.mask_mobile(value)


@register.filter(name="mask_name")
def mask_name(value) -> str:
    return masking.mask_name(value)
