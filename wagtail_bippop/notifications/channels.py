"""Which channel reaches a person, and at which address.

Beneficiaries say how they want to be reached (preferred channel, then fallback);
volunteers choose between e-mail and SMS in their space. A person who cannot be reached
by e-mail, SMS or letter goes onto the coordinators' call list.
"""

import phonenumbers

from ..models import ContactChannel
from ..models.outbox import Channel, VolunteerPreferences

# A beneficiary's contact channel → the channel a message goes through.
CONTACT_TO_CHANNEL = {
    ContactChannel.EMAIL: Channel.EMAIL,
    ContactChannel.SMS: Channel.SMS,
    ContactChannel.LETTER: Channel.LETTER,
    ContactChannel.PHONE: Channel.CALL,
    ContactChannel.IN_PERSON: Channel.CALL,
}


def is_mobile(phone):
    if not phone:
        return False
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def postal_address(person):
    lines = [person.full_name, person.address, f"{person.postcode} {person.city}".strip()]
    return "\n".join(line for line in lines if line) if person.address else ""


def address_for(person, channel):
    """The address of ``person`` on ``channel``; empty when they cannot be reached there."""
    if channel == Channel.EMAIL:
        return person.email or ""
    if channel == Channel.SMS:
        return person.phone if is_mobile(person.phone) else ""
    if channel == Channel.LETTER:
        return postal_address(person)
    if channel == Channel.CALL:
        return person.phone or ""
    return ""


def wished_channels(person):
    """Channels in the person's order of preference, without repeats."""
    if hasattr(person, "birth_year"):  # a beneficiary
        wished = [
            CONTACT_TO_CHANNEL[ContactChannel(person.preferred_channel)],
            CONTACT_TO_CHANNEL[ContactChannel(person.fallback_channel)],
        ]
    else:
        preferences = VolunteerPreferences.objects.filter(volunteer=person).first()
        first = preferences.preferred_channel if preferences else Channel.EMAIL
        second = preferences.fallback_channel if preferences else Channel.SMS
        wished = [Channel(first), Channel(second), Channel.EMAIL, Channel.SMS]
    return list(dict.fromkeys(wished))


def route(person):
    """Usable channels for ``person``, best first; the call list when nothing else works."""
    usable = [channel for channel in wished_channels(person) if address_for(person, channel)]
    if Channel.CALL not in usable:
        usable.append(Channel.CALL)
    return usable
