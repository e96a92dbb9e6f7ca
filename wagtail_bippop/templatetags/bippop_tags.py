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


def described_by(field):
    """Ids of the help text and error message of a bound field, for ``aria-describedby``."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_help")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    return " ".join(ids)


@register.simple_tag
def bippop_widget(field):
    """Render a field's input tied to its help text and error message."""
    attrs = {}
    ids = described_by(field)
    if ids:
        attrs["aria-describedby"] = ids
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def bippop_described_by(field):
    return described_by(field)


@register.filter
def bippop_anchor(field):
    """The id to jump to from the error summary: the input, or a group's first option."""
    return field.id_for_label or f"{field.auto_id}_0"
