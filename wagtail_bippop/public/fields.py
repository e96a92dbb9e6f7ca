"""Date and time fields, and the form base, of the forms people fill in on the public site.

Server-side checks only (no browser validation), so that every message is the same for all,
in French, next to its field.
"""

import datetime
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]


def plain_text(value):
    """``value`` without invisible characters, in composed (NFC) form.

    Removes the format characters (Unicode category Cf: right-to-left and other direction
    overrides and isolates, zero-width spaces and joiners, soft hyphens...). A name such as
    "\u202eenaJ" would otherwise show as "Jane" in one place and be stored, searched and
    exported as something else. Control characters are left to the fields' own checks (a
    null character is refused there).
    """
    text = unicodedata.normalize("NFC", value)
    return "".join(char for char in text if unicodedata.category(char) != "Cf")


def clean_text_data(form):
    """Apply ``plain_text`` to what was typed in every text field of a bound ``form``.

    Done on the submitted data, before the fields' own checks: a name made of invisible
    characters only is then a missing name.
    """
    data = None
    for name, field in form.fields.items():
        if not isinstance(field, forms.CharField) or name not in form.data:
            continue
        if data is None:
            data = form.data = form.data.copy()
        if hasattr(data, "getlist"):
            data.setlist(name, [plain_text(str(value)) for value in data.getlist(name)])
        else:
            data[name] = plain_text(str(data[name]))


MAX_DAYS_AHEAD = 366


def date_field(label, *, required=True, message=None):
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=DATE_FORMATS,
        help_text=_("For example 15/06/2027."),
        error_messages={
            "required": message or _("Enter a date."),
            "invalid": _("Enter a date such as 15/06/2027."),
        },
    )


def time_field(label, *, required=True, message=None):
    return forms.TimeField(
        label=label,
        required=required,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        input_formats=["%H:%M", "%Hh%M", "%H h %M", "%Hh"],
        help_text=_("For example 14:30."),
        error_messages={
            "required": message or _("Enter a time."),
            "invalid": _("Enter a time such as 14:30."),
        },
    )


def check_in_the_coming_year(value):
    today = timezone.localdate()
    if value < today:
        raise ValidationError(_("This date is in the past. Choose today or a later date."))
    if value > today + datetime.timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError(_("Choose a date within the next year."))


class SpaceForm(forms.Form):
    use_required_attribute = False
    required_css_class = "bippop-field--required"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            clean_text_data(self)
