"""The read-only role never sees a figure of a small group, nor one that lets it be recomputed,
and cannot narrow the period down to a few people."""

import csv
import datetime
import io

import pytest

from tests.test_dashboard import END, START, _get, dataset, groups  # noqa: F401
from wagtail_bippop.roles import COORDINATOR_GROUP, READ_ONLY_GROUP

pytestmark = pytest.mark.django_db


@pytest.fixture
def elected(make_staff, groups, territory):  # noqa: F811
    return make_staff("elu", territories=[territory], group=READ_ONLY_GROUP)


def _table(response, slug):
    return next(t for t in response.context["tables"] if t["slug"] == slug)


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_every_figure_of_a_small_group_is_masked(client, elected, dataset):  # noqa: F811
    """Three people helped (< 5): their visits, hours and the hours' value are hidden too."""
    client.force_login(elected)
    response = _get(client, start=START, end=END)
    key = [row["cells"][1] for row in _table(response, "key-figures")["rows"]]
    # people helped, visits done, hours given, value of these hours
    assert [key[0], key[4], key[5], key[6]] == ["< 5"] * 4, key
    for slug in ("by-month", "by-service", "by-area", "by-channel"):
        for row in _table(response, slug)["rows"]:
            if row["cells"][1] != "0":
                assert row["cells"][1:] == ["< 5"] * 3, (slug, row["cells"])
                assert row["bar"] is None
    exported = _csv(_get(client, start=START, end=END, export="csv", table="by-area"))
    assert all(row[1:] == ["< 5"] * 3 for row in exported[1:]), exported


def test_one_hidden_row_hides_another_so_totals_do_not_give_it_away(
    client,
    elected,
    dataset,  # noqa: F811
    settings,
):
    """Threshold 2: the web (1 person) is hidden; phone (2) too, else 3 − 2 = 1 tells it."""
    settings.BIPPOP_SMALL_CELL_THRESHOLD = 2
    client.force_login(elected)
    response = _get(client, start=START, end=END)
    key = _table(response, "key-figures")["rows"][0]["cells"]
    assert key[1] == "3"  # the total people helped is shown
    for slug in ("by-channel", "by-area", "by-month"):
        rows = [row["cells"] for row in _table(response, slug)["rows"] if row["cells"][1] != "0"]
        hidden = [cells for cells in rows if cells[1:] == ["< 2"] * 3]
        assert len(hidden) >= 2 or len(hidden) == len(rows) == 0, (slug, rows)
        exported = _csv(_get(client, start=START, end=END, export="csv", table=slug))
        shown = [row for row in exported[1:] if row[1] not in ("< 2", "0")]
        assert len(shown) <= len(exported[1:]) - 2, (slug, exported)


def test_coordinators_still_see_every_figure(client, make_staff, groups, dataset, territory):  # noqa: F811
    client.force_login(make_staff("coord", territories=[territory], group=COORDINATOR_GROUP))
    response = _get(client, start=START, end=END)
    assert _table(response, "key-figures")["rows"][0]["cells"][1] == "3"
    one_day = _get(client, start=END, end=END)
    assert one_day.context["period"].start == END


def test_read_only_role_cannot_choose_a_short_period(client, elected, dataset, settings):  # noqa: F811
    settings.BIPPOP_READ_ONLY_MIN_PERIOD_DAYS = 28
    client.force_login(elected)
    start = END - datetime.timedelta(days=6)
    response = _get(client, start=start, end=END)
    assert response.status_code == 200
    period = response.context["period"]
    assert (period.end - period.start).days + 1 >= 28
    html = response.content.decode()
    assert "au moins 28 jours" in html
    export = _get(client, start=start, end=END, export="csv", table="key-figures")
    assert export.status_code == 200
    # The export of a refused period is not the short period's figures.
    assert "au moins" not in export.content.decode("utf-8-sig")
    long_enough = _get(client, start=END - datetime.timedelta(days=27), end=END)
    assert long_enough.context["period"].start == END - datetime.timedelta(days=27)
