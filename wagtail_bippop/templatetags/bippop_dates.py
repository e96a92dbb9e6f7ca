"""Days and hours written as in a sentence (« vendredi 11 décembre 2026 », « 14 h 30 »)."""

from django import template

from .. import scheduling

register = template.Library()


@register.filter
def day_in_a_sentence(value):
    """A date with its weekday, not capitalised mid-sentence in French."""
    return scheduling.day_in_a_sentence(value) if value else ""


@register.filter
def hour_in_a_sentence(value):
    """A time of day, « 14 h 30 » in French and "14:30" in English."""
    return scheduling.hour_in_a_sentence(value) if value else ""
