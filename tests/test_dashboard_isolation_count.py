"""The dashboard's isolation count (two anti-joins) agrees with the isolation watch's list."""

import pytest

from tests.test_isolation import NOW, people  # noqa: F401  (fixture)
from wagtail_bippop.dashboard.metrics import isolated_people, isolation_count
from wagtail_bippop.models import Beneficiary, BeneficiaryStatus


@pytest.mark.parametrize("days", [1, 4, 6, 29, 31, 39, 41, 199, 201])
def test_count_equals_the_list_at_every_limit(people, territory, days):  # noqa: F811
    listed = isolated_people([territory.pk], days, now=NOW).count()
    assert isolation_count([territory.pk], days, now=NOW) == listed


def test_expected_counts_and_people_no_longer_followed(people, territory):  # noqa: F811
    assert isolation_count([territory.pk], 21, now=NOW) == 3  # Daniel, Bernard, Claire
    assert isolation_count([territory.pk], 35, now=NOW) == 2  # Daniel, Bernard
    assert isolation_count([territory.pk], 201, now=NOW) == 0  # registered 200 days ago
    Beneficiary.objects.filter(first_name="Daniel").update(status=BeneficiaryStatus.INACTIVE)
    assert isolation_count([territory.pk], 21, now=NOW) == 2
