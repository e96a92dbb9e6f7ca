"""The call-back promised to people who ask for help, and when it falls due.

The public pages promise a call-back within ``SolidaritySettings.callback_delay_days``
working days. A working day is a weekday that is not a French public holiday (the
``holidays`` library; Alsace-Moselle's two extra days for territories there).
"""

import datetime
import functools

import holidays
from django.utils import formats, timezone

from ..models import RequestStatus, SolidaritySettings

# Départements keeping the local law's extra holidays (Good Friday, 26 December).
ALSACE_MOSELLE = ("57", "67", "68")


@functools.lru_cache(maxsize=32)
def _public_holidays(subdivision, year):
    return holidays.country_holidays("FR", subdiv=subdivision, years=year)


def subdivision_of(territory):
    """The holiday subdivision of a territory, from its postcodes ("57000, 57050" → "57")."""
    codes = [code.strip()[:2] for code in (territory.postcodes or "").split(",") if code.strip()]
    for code in codes:
        if code in ALSACE_MOSELLE:
            return code
    return None


def is_working_day(day, subdivision=None):
    return day.weekday() < 5 and day not in _public_holidays(subdivision, day.year)


def add_working_days(day, count, subdivision=None):
    """The ``count``-th working day after ``day`` (``day`` itself never counts)."""
    while count > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day, subdivision):
            count -= 1
    return day


def callback_due(received_at, delay_days, subdivision=None):
    """Last day on which the promised call-back is on time."""
    return add_working_days(timezone.localtime(received_at).date(), delay_days, subdivision)


def awaits_callback(help_request):
    return help_request.status == RequestStatus.NEW and help_request.first_contact_at is None


class CallbackPromises:
    """Delays and holiday rules per territory, read once for a list of requests."""

    def __init__(self):
        self._by_territory = {}
        self._by_site = {}

    def _rules(self, territory):
        if territory.pk not in self._by_territory:
            if territory.site_id not in self._by_site:
                settings = SolidaritySettings.for_site(territory.site)
                self._by_site[territory.site_id] = settings.callback_delay_days
            self._by_territory[territory.pk] = (
                self._by_site[territory.site_id],
                subdivision_of(territory),
            )
        return self._by_territory[territory.pk]

    def decorate(self, help_request, today=None):
        """Set ``callback_due`` and ``callback_late`` on a request waiting for its call."""
        help_request.callback_due = help_request.callback_late = None
        if not awaits_callback(help_request):
            return help_request
        delay, subdivision = self._rules(help_request.territory)
        due = callback_due(help_request.created_at, delay, subdivision)
        help_request.callback_due = due
        help_request.callback_late = (today or timezone.localdate()) > due
        return help_request


def short_day(day):
    """e.g. « jeudi 3 décembre »: the weekday in lower case, as mid-sentence."""
    from ..scheduling import WEEKDAYS_IN_A_SENTENCE

    return f"{WEEKDAYS_IN_A_SENTENCE[day.weekday()]} {formats.date_format(day, 'j F')}"
