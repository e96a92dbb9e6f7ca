"""Dashboard figures checked against values worked out by hand on a small known dataset."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from wagtail_bippop.dashboard import metrics
from wagtail_bippop.dashboard.tables import build_tables
from wagtail_bippop.models import (
    Area,
    Beneficiary,
    ContactKind,
    ContactLog,
    LonelinessAssessment,
    Mission,
    MissionStatus,
    RequestStatus,
    VisitStatus,
)
from wagtail_bippop.roles import COORDINATOR_GROUP, READ_ONLY_GROUP

TZ = timezone.get_fixed_timezone(60)  # Paris in winter and spring is close enough: noon visits
START, END = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)


def at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def groups(db):
    for name in (COORDINATOR_GROUP, READ_ONLY_GROUP):
        Group.objects.get_or_create(name=name)


@pytest.fixture
def dataset(territory, other_territory, make_beneficiary, make_request, make_volunteer, make_visit):
    """Four people, three helped in the first half of 2026; see each test for the sums."""
    centre = Area.objects.create(territory=territory, name="Centre")
    services = {s.slug: s for s in territory.services.all()}
    visite = services["visite-de-convivialite"]
    courses = services["accompagnement-aux-courses"]
    balade = services["balade"]
    a = make_beneficiary(first_name="Alice", area=centre, is_online=False)
    b = make_beneficiary(first_name="Bruno", area=centre, is_online=True, email="b@example.org")
    c = make_beneficiary(first_name="Chantal", is_online=False)
    d = make_beneficiary(first_name="Denis", is_online=False)
    v1, v2, v3 = make_volunteer(), make_volunteer(), make_volunteer()

    def request(person, created, contact, services, status, channel="phone"):
        made = make_request(
            beneficiary=person,
            services=services,
            created_at=created,
            first_contact_at=contact,
            status=status,
            channel=channel,
        )
        made.save()  # the services of a cluster are stored on save
        return made

    ra = request(a, at(2026, 2, 1), at(2026, 2, 2), [visite], RequestStatus.MATCHED)
    rb = request(b, at(2026, 3, 1), at(2026, 3, 1, 14), [balade], RequestStatus.CLOSED, "web")
    rc = request(c, at(2026, 3, 10), at(2026, 3, 13), [visite, courses], RequestStatus.MATCHED)
    request(d, at(2026, 4, 1), None, [visite], RequestStatus.NEW, "web")
    old = request(a, at(2025, 6, 1), at(2025, 6, 2), [visite], RequestStatus.CLOSED)

    def mission(req, volunteer, status=MissionStatus.ACTIVE):
        return Mission.objects.create(request=req, volunteer=volunteer, status=status)

    ma, mb, mc = mission(ra, v1), mission(rb, v2), mission(rc, v1)
    make_visit(mission=ma, starts_at=at(2026, 2, 5), minutes=60, status="done", duration_minutes=60)
    make_visit(
        mission=ma,
        starts_at=at(2026, 3, 5),
        minutes=90,
        status="done",
        duration_minutes=90,
        worry=True,
    )
    make_visit(mission=ma, starts_at=at(2026, 3, 12), status=VisitStatus.CANCELLED)
    make_visit(mission=mb, starts_at=at(2026, 3, 3), minutes=30, status="done", duration_minutes=30)
    make_visit(
        mission=mc, starts_at=at(2026, 3, 20), minutes=120, status="done", duration_minutes=120
    )
    make_visit(mission=mc, starts_at=at(2026, 7, 5), status="done", duration_minutes=60)
    # The previous half-year: v2 and v3 gave time; only v2 came back.
    make_visit(
        mission=mission(old, v2, MissionStatus.ENDED),
        starts_at=at(2025, 12, 10),
        status="done",
        duration_minutes=60,
    )
    make_visit(
        mission=mission(old, v3, MissionStatus.ENDED),
        starts_at=at(2025, 11, 1),
        status="done",
        duration_minutes=45,
    )
    # Another territory's activity never counts.
    elsewhere = Beneficiary.objects.create(
        territory=other_territory, first_name="Zoé", last_name="Ailleurs"
    )
    other_request = make_request(
        beneficiary=elsewhere, territory=other_territory, created_at=at(2026, 3, 1)
    )
    make_visit(
        mission=mission(other_request, make_volunteer(territory=other_territory)),
        starts_at=at(2026, 3, 2),
        status="done",
        duration_minutes=60,
    )
    # Loneliness: A 9→6, B 5→6, D 8→6→4; C measured once before the end of the period.
    for person, day, items, satisfaction in [
        (a, datetime.date(2026, 1, 10), (3, 3, 3), None),
        (a, datetime.date(2026, 5, 1), (2, 2, 2), 4),
        (b, datetime.date(2026, 2, 1), (2, 2, 1), None),
        (b, datetime.date(2026, 6, 1), (2, 2, 2), 2),
        (c, datetime.date(2026, 2, 1), (1, 1, 1), None),
        (c, datetime.date(2026, 8, 1), (1, 1, 2), None),
        (d, datetime.date(2026, 2, 1), (3, 3, 2), None),
        (d, datetime.date(2026, 4, 1), (2, 2, 2), None),
        (d, datetime.date(2026, 6, 15), (2, 1, 1), 3),
    ]:
        LonelinessAssessment.objects.create(
            beneficiary=person,
            taken_on=day,
            lacks_companionship=items[0],
            feels_left_out=items[1],
            feels_isolated=items[2],
            satisfaction=satisfaction,
        )
    # Everybody was registered long ago; Bruno was called two days ago.
    Beneficiary.objects.update(created_at=at(2025, 1, 1))
    ContactLog.objects.create(
        beneficiary=b, kind=ContactKind.CALL_OUT, occurred_at=timezone.now() - datetime.timedelta(2)
    )
    return {"a": a, "b": b, "c": c, "d": d, "visite": visite, "courses": courses, "balade": balade}


@pytest.fixture
def period(territory):
    return metrics.Period((territory.pk,), START, END)


def test_visit_totals(dataset, period):
    totals = metrics.visit_totals(period)
    assert totals["visits"] == 4  # 60 + 90 + 30 + 120 minutes
    assert totals["hours"] == Decimal(5)
    assert totals["hours_value"] == Decimal("60.10")  # 5 h at 12.02 €
    assert totals["people"] == 3
    assert totals["people_offline"] == 2
    assert totals["coverage"] == pytest.approx(2 / 3)
    assert totals["volunteers"] == 2
    assert totals["worries"] == 1


def test_hour_value_is_a_setting(dataset, period, settings):
    settings.BIPPOP_VOLUNTEER_HOUR_VALUE = "20"
    assert metrics.visit_totals(period)["hours_value"] == Decimal(100)


def test_requests(dataset, period):
    figures = metrics.request_figures(period)
    assert figures["new_requests"] == 4
    by_status = dict(figures["by_status"])
    assert by_status[RequestStatus.NEW.label] == 1
    assert by_status[RequestStatus.MATCHED.label] == 2
    assert by_status[RequestStatus.CLOSED.label] == 1
    assert by_status[RequestStatus.CANCELLED.label] == 0
    # Call-backs after 24 h, 4 h and 72 h; D is not called back yet.
    assert figures["median_to_contact"] == datetime.timedelta(hours=24)
    # First visits after 4, 2 and 10 days.
    assert figures["median_to_first_visit"] == datetime.timedelta(days=4)


def test_median_of_an_even_count_is_the_mean_of_the_middle_two(dataset, period):
    people = Beneficiary.objects.filter(first_name__in=["Alice", "Bruno"]).order_by()
    from django.db.models import F

    assert metrics.median(people.annotate(x=F("pk")), F("x")) == pytest.approx(
        sum(people.values_list("pk", flat=True)) / 2
    )
    assert metrics.median(people.none(), F("pk")) is None


def test_retention(dataset, period):
    assert metrics.volunteer_retention(period) == {"before": 2, "kept": 1, "rate": 0.5}


def test_breakdowns(dataset, period):
    months = [
        (r["month"].month, r["people"], r["visits"], r["hours"]) for r in metrics.by_month(period)
    ]
    assert months == [(2, 1, 1, Decimal(1)), (3, 3, 3, Decimal(4))]
    services = [
        (r["mission__request__services__name"], r["people"], r["visits"], r["hours"])
        for r in metrics.by_service(period)
    ]
    assert services == sorted(
        [
            (dataset["visite"].name, 2, 3, Decimal("4.5")),
            (dataset["courses"].name, 1, 1, Decimal(2)),
            (dataset["balade"].name, 1, 1, Decimal("0.5")),
        ],
        key=lambda row: (-row[1], -row[2], row[0]),
    )
    areas = [
        (r["mission__request__beneficiary__area__name"], r["people"], r["hours"])
        for r in metrics.by_area(period)
    ]
    assert areas == [("Centre", 2, Decimal(3)), (None, 1, Decimal(2))]
    channels = [
        (r["mission__request__channel"], r["people"], r["visits"])
        for r in metrics.by_channel(period)
    ]
    assert channels == [("phone", 2, 3), ("web", 1, 1)]


def test_loneliness_change(dataset, period):
    change = metrics.loneliness_change(period)
    assert change["people"] == 3
    assert change["improved"] == 2
    assert change["median_before"] == 8  # 9, 5, 8
    assert change["median_after"] == 6  # 6, 6, 4
    assert change["satisfaction_answers"] == 3
    assert change["satisfied_share"] == pytest.approx(2 / 3)


def test_loneliness_due(dataset, period, settings):
    # Measured up to the end of June: Alice in May, Bruno in June, Chantal in February,
    # Denis in June.
    assert metrics.loneliness_due(period, months=6) == 0
    assert metrics.loneliness_due(period, months=3) == 1  # Chantal
    settings.BIPPOP_LONELINESS_EVERY_MONTHS = 3
    assert metrics.dashboard_figures(period, isolation_days=21)["loneliness_due"] == 1
    assert metrics.months_before(datetime.date(2026, 3, 31), 4) == datetime.date(2025, 11, 30)
    assert metrics.months_before(datetime.date(2028, 2, 29), 12) == datetime.date(2027, 2, 28)
    assert metrics.months_before(datetime.date(2026, 1, 15), 1) == datetime.date(2025, 12, 15)


def test_isolation_count(dataset, territory):
    # Alice (last visit in March), Chantal (July) and Denis (never) are without contact.
    assert metrics.isolation_count([territory.pk], 21) == 3
    names = list(metrics.isolated_people([territory.pk], 21).values_list("first_name", flat=True))
    assert names == ["Denis", "Alice", "Chantal"]  # the longest without contact first


def test_other_territory_is_counted_on_its_own(dataset, other_territory):
    totals = metrics.visit_totals(metrics.Period((other_territory.pk,), START, END))
    assert (totals["visits"], totals["people"]) == (1, 1)


def _get(client, **params):
    return client.get(reverse("wagtail_bippop_steering:dashboard"), params)


def test_dashboard_page_shows_figures_and_charts(client, superuser, dataset, territory):
    client.force_login(superuser)
    response = _get(client, start=START, end=END, territory=territory.pk)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and "<table" in html
    key = response.context["tables"][0]
    cells = {row["cells"][0]: row["cells"][1] for row in key["rows"]}
    values = list(cells.values())
    assert values[0] == "3" and values[4] == "4"


def test_read_only_role_sees_small_counts_masked(client, make_staff, groups, dataset, territory):
    user = make_staff("elu", territories=[territory], group=READ_ONLY_GROUP)
    client.force_login(user)
    response = _get(client, start=START, end=END)
    assert response.status_code == 200
    key, *_rest, impact = response.context["tables"]
    assert key["rows"][0]["cells"][1] == "< 5"  # 3 people helped
    # The visits of these 3 people would describe them: hidden with them.
    assert key["rows"][4]["cells"][1] == "< 5"
    # Three people measured: no median, no share, nothing that could single one out.
    assert [row["cells"][1] for row in impact["rows"]] == ["< 5"] * 5 + ["0"]
    service = response.context["tables"][3]
    assert all(row["bar"] is None for row in service["rows"])
    export = _get(client, start=START, end=END, export="csv", table="key-figures")
    assert "< 5" in export.content.decode("utf-8-sig")


def test_threshold_is_a_setting(client, make_staff, groups, dataset, territory, settings):
    settings.BIPPOP_SMALL_CELL_THRESHOLD = 3
    client.force_login(make_staff("elu", territories=[territory], group=READ_ONLY_GROUP))
    key = _get(client, start=START, end=END).context["tables"][0]
    assert key["rows"][0]["cells"][1] == "3"


def test_exports(client, superuser, dataset, territory):
    client.force_login(superuser)
    response = _get(
        client, start=START, end=END, territory=territory.pk, export="csv", table="by-area"
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    # Numbers as a French spreadsheet program reads them: 3 hours, never "3.0" (text in French).
    assert rows[1] == ["Centre", "2", "3", "3"]
    response = _get(
        client, start=START, end=END, territory=territory.pk, export="xlsx", table="by-month"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[3]][1:] == [3, 3, 4.0]
    assert _get(client, export="csv", table="nope").status_code == 404


def test_coordinator_sees_only_own_territories(
    client, make_staff, groups, dataset, territory, other_territory
):
    user = make_staff("coord", territories=[other_territory], group=COORDINATOR_GROUP)
    client.force_login(user)
    response = _get(client, start=START, end=END, territory=territory.pk)
    # The other territory is not a choice: the form falls back to the user's own.
    assert response.context["period"].territory_ids == (other_territory.pk,)
    assert response.context["tables"][0]["rows"][0]["cells"][1] == "1"


def test_staff_without_territory_is_refused(client, make_staff):
    client.force_login(make_staff("nobody"))
    response = _get(client)
    # Wagtail turns the refusal into a redirect to the admin home with a message.
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")


def test_query_count_does_not_grow_with_data(
    client, superuser, dataset, territory, make_beneficiary, make_mission, make_visit
):
    client.force_login(superuser)
    _get(client, start=START, end=END)  # warm the per-process caches (site, content types)
    with CaptureQueriesContext(connection) as small:
        assert _get(client, start=START, end=END).status_code == 200
    for i in range(5):
        mission = make_mission(request=None)
        mission.request.created_at = at(2026, 2, 1 + i)
        mission.request.save()
        for day in range(3):
            make_visit(
                mission=mission,
                starts_at=at(2026, 4, 1 + day + 5 * i),
                status="done",
                duration_minutes=45,
            )
    with CaptureQueriesContext(connection) as large:
        assert _get(client, start=START, end=END).status_code == 200
    assert [q["sql"][:60] for q in large] == [q["sql"][:60] for q in small]
    assert len(large) == len(small)
    assert len(small) < 40


def test_build_tables_on_an_empty_period(territory):
    period = metrics.Period((territory.pk,), START, END)
    figures = metrics.dashboard_figures(period, isolation_days=21)
    tables = build_tables(figures, hour_value="12.02")
    key = tables[0].present()
    assert key["rows"][0]["cells"][1] == "0"
    assert key["rows"][2]["cells"][1] == "—"  # no median without data


def test_home_panel_and_menu(client, make_staff, groups, dataset, territory):
    user = make_staff("elu", territories=[territory], group=READ_ONLY_GROUP)
    client.force_login(user)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "bippop-steering-heading" in html
    assert reverse("wagtail_bippop_steering:dashboard") in html
    # The read-only role gets the dashboard, never the lists of people.
    assert reverse("wagtail_bippop_steering:isolation") not in html


def test_coordinator_menu_shows_the_isolation_watch(client, superuser, territory):
    client.force_login(superuser)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("wagtail_bippop_steering:isolation") in html
