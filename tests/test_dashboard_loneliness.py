"""Loneliness change read in one query: medians from the counts of (first, latest) scores."""

import datetime

from wagtail_bippop.dashboard import metrics
from wagtail_bippop.models import Beneficiary, LonelinessAssessment


def measure(person, day, items):
    LonelinessAssessment.objects.create(
        beneficiary=person,
        taken_on=day,
        lacks_companionship=items[0],
        feels_left_out=items[1],
        feels_isolated=items[2],
    )


def test_medians_of_an_even_count_and_people_of_other_territories(
    territory, other_territory, make_beneficiary
):
    a, b = make_beneficiary(first_name="A"), make_beneficiary(first_name="B")
    once = make_beneficiary(first_name="C")
    elsewhere = Beneficiary.objects.create(territory=other_territory, first_name="Z")
    jan, mar, may = (datetime.date(2026, m, 1) for m in (1, 3, 5))
    measure(a, jan, (3, 3, 3))  # 9 → 5 → 6: first 9, latest 6
    measure(a, mar, (2, 2, 1))
    measure(a, may, (2, 2, 2))
    measure(b, jan, (2, 2, 2))  # 6 → 7: worse
    measure(b, mar, (3, 2, 2))
    measure(once, jan, (1, 1, 1))
    measure(elsewhere, jan, (3, 3, 3))
    measure(elsewhere, mar, (1, 1, 1))
    period = metrics.Period((territory.pk,), jan, datetime.date(2026, 6, 30))
    change = metrics.loneliness_change(period)
    assert (change["people"], change["improved"]) == (2, 1)
    assert change["median_before"] == 7.5  # 9 and 6
    assert change["median_after"] == 6.5  # 6 and 7
    # Up to the end of March only: A's latest is 5.
    march = metrics.Period((territory.pk,), jan, datetime.date(2026, 3, 31))
    assert metrics.loneliness_change(march)["median_after"] == 6  # 5 and 7
    assert (
        metrics.loneliness_change(metrics.Period((territory.pk, other_territory.pk), jan, may))[
            "people"
        ]
        == 3
    )


def test_median_of_counts():
    assert metrics._median_of_counts([(4, 1)]) == 4
    assert metrics._median_of_counts([(3, 2), (9, 1)]) == 3
    assert metrics._median_of_counts([(3, 1), (8, 1), (9, 2)]) == 8.5
