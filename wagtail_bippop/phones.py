"""French phone numbers: validated and normalised with ``phonenumbers``.

Numbers are stored in E.164 (``+33612345678``) so that duplicates are found whatever
way they were typed ("06 12 34 56 78", "0612345678", "+33 6 12 34 56 78").
"""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .conf import bippop_settings

INVALID_PHONE = _("Enter a valid phone number, for example 06 12 34 56 78.")


def normalise_phone(value):
    """Return ``value`` in E.164, or raise ``ValidationError`` with a French message."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, bippop_settings.PHONE_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_phone(value):
    normalise_phone(value)


def display_phone(value):
    """National format for the home region ("06 12 34 56 78"), international otherwise."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, bippop_settings.PHONE_REGION)
    except phonenumbers.NumberParseException:
        return value
    region = phonenumbers.region_code_for_number(number)
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if region == bippop_settings.PHONE_REGION
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)
