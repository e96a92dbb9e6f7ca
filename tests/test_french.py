"""French typography that cuts across the app."""

import datetime

from django.utils import translation
from django.utils.formats import date_format

from wagtail_bippop.models import Weekday


def test_days_in_dates_are_lower_case_and_day_labels_capitalised():
    """The choices' labels must not override Django's own French day names in dates."""
    with translation.override("fr"):
        assert date_format(datetime.date(2026, 12, 4), "l j F Y") == "vendredi 4 décembre 2026"
        assert str(Weekday.FRIDAY.label) == "Vendredi"
