from django import template

from ..phones import display_phone, normalise_phone

register = template.Library()


@register.filter
def phone_href(value):
    """A ``tel:`` target in E.164, or nothing usable when the number is invalid."""
    try:
        return normalise_phone(value)
    except Exception:
        return ""


@register.filter
def phone_display(value):
    return display_phone(value)
