"""No export gives a spreadsheet program a formula typed by someone (CSV and XLSX).

Every text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is made
plain text; numbers, negative ones too, stay numbers.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.admin.viewsets import viewsets as admin_viewsets
from wagtail.admin.viewsets.base import ViewSet

from tests.offers_support import make_offer
from wagtail_bippop import models as m
from wagtail_bippop.dashboard import campaigns
from wagtail_bippop.dashboard.tables import COUNT, TEXT, Cell, Table, export_response
from wagtail_bippop.exports import neutralise

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://x","y")'
DDE = "=cmd|' /C calc'!A0"
HOSTILE = [HYPERLINK, DDE, "+1+cmd", "-2+3+cmd", "@SUM(A1)", "\t=1+1", "\r=1+1"]
DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


def test_neutralise_leaves_numbers_and_plain_text_alone():
    assert neutralise(-3) == -3
    assert neutralise(Decimal("-1.5")) == Decimal("-1.5")
    assert neutralise("Odette") == "Odette"
    for text in HOSTILE:
        assert not neutralise(text).startswith(DANGEROUS_STARTS)
        assert text in neutralise(text)  # what was typed stays readable


def assert_csv_safe(content):
    text = content.decode("utf-8-sig")
    delimiter = ";" if text.splitlines()[0].count(";") else ","
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]
    bad = [cell for cell in cells if cell.startswith(DANGEROUS_STARTS) and not _number(cell)]
    assert not bad, bad
    return cells


def _number(text):
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def assert_xlsx_safe(content):
    workbook = load_workbook(io.BytesIO(content))
    values = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(DANGEROUS_STARTS), cell.value
                values.append(cell.value)
    return values


@pytest.fixture
def hostile_records(site, territory, make_beneficiary, make_volunteer, make_request, make_mission):
    person = make_beneficiary(first_name=HYPERLINK, last_name=DDE)
    volunteer = make_volunteer(first_name="@SUM(A1)", last_name="+1+cmd")
    request = make_request(beneficiary=person)
    mission = make_mission(request=request, volunteer=volunteer)
    now = timezone.now()
    m.Visit.objects.create(
        mission=mission,
        starts_at=now - datetime.timedelta(days=1),
        ends_at=now - datetime.timedelta(days=1, hours=-1),
        report=DDE,
    )
    organisation = m.Organisation.objects.create(
        territory=territory, name=HYPERLINK, kind="association", contact_name="-2+3+cmd"
    )
    m.Area.objects.create(
        territory=territory, name="\t=1+1", latitude=Decimal("49.1"), longitude=Decimal("-1.5")
    )
    m.ServiceType.objects.create(territory=territory, name="\r=1+1", slug="hostile")
    m.TrainingSession.objects.create(
        territory=territory, title=DDE, date=timezone.localdate(), place=HYPERLINK
    )
    make_offer(territory, volunteer=volunteer, title=HYPERLINK, organisation=organisation)
    m.RegisterEntry.objects.create(
        territory=territory,
        first_name=HYPERLINK,
        last_name=DDE,
        category="aged_65",
        address="@SUM(A1)",
        phone="+33344123456",
        emergency_contact="-2+3+cmd",
        requested_by="self",
        channel="phone",
    )
    m.MessageTemplate.objects.create(
        site=site, kind="mission_confirmed", subject=HYPERLINK, body="Bonjour {{ first_name }}"
    )
    return person


def exporting_viewsets():
    """Every admin viewset of the app's models whose listing can be exported."""
    admin_viewsets.populate()
    found = []
    for viewset in admin_viewsets.viewsets:
        for item in [viewset, *getattr(viewset, "viewsets", [])]:
            model = getattr(item, "model", None)
            if isinstance(model, str):
                model = apps.get_model(model)
            if (
                model is not None
                and model._meta.app_label == "wagtail_bippop"
                and getattr(item, "list_export", None)
                and item.list_export is not ViewSet.UNDEFINED
            ):
                found.append(item)
    return found


def test_every_listing_export_of_the_app_is_free_of_formulas(client, superuser, hostile_records):
    viewsets = exporting_viewsets()
    names = {viewset.name for viewset in viewsets}
    assert {"bippop_beneficiaries", "bippop_register", "bippop_areas"} <= names
    client.force_login(superuser)
    for viewset in viewsets:
        url = viewset.menu_url
        csv_response = client.get(url, {"export": "csv"})
        assert csv_response.status_code == 200, url
        cells = assert_csv_safe(b"".join(csv_response.streaming_content))
        xlsx_response = client.get(url, {"export": "xlsx"})
        assert xlsx_response.status_code == 200, url
        values = assert_xlsx_safe(b"".join(xlsx_response.streaming_content))
        assert len(values) > 1 and len(cells) > 1, url
        if viewset.name == "bippop_areas":
            # A negative number is a number, not a formula to neutralise.
            assert any(isinstance(v, int | float) and v == -1.5 for v in values), values
            assert any(_number(c) and float(c.replace(",", ".")) == -1.5 for c in cells), cells
        if viewset.name == "bippop_beneficiaries":
            assert any(isinstance(v, str) and HYPERLINK in v for v in values)


def test_campaign_export_for_the_prefecture_is_free_of_formulas(
    client, superuser, territory, hostile_records
):
    campaign = campaigns.start_campaign(
        territory=territory, kind="heatwave", title="Canicule", callers=[], user=None
    )
    campaign.calls.update(note=DDE)
    client.force_login(superuser)
    url = reverse("wagtail_bippop_steering:campaign_export", args=[campaign.pk])
    values = assert_xlsx_safe(client.get(url, {"format": "xlsx"}).content)
    assert any(isinstance(v, str) and HYPERLINK in v for v in values)
    assert 0 in values  # the attempts stay a number
    cells = assert_csv_safe(client.get(url).content)
    assert any(DDE in cell for cell in cells)


def test_dashboard_table_exports_are_free_of_formulas_and_keep_negative_numbers():
    table = Table(
        "by-area",
        "Par quartier",
        ["Quartier", "Écart"],
        [[Cell(HYPERLINK, TEXT), Cell(-3, COUNT)], [Cell(DDE, TEXT), Cell(-1.5, COUNT)]],
    )
    values = assert_xlsx_safe(export_response(table, "xlsx").content)
    assert -3 in values and -1.5 in values
    cells = assert_csv_safe(export_response(table, "csv").content)
    assert "-3" in cells and "-1,5" in cells


def test_withdrawn_register_entries_leave_every_export_at_once(client, superuser, territory):
    from tests.test_register_campaigns import entry

    staying = entry(territory, "Reste")
    leaving = entry(territory, "Retire")
    campaign = campaigns.start_campaign(
        territory=territory, kind="heatwave", title="Canicule", callers=[], user=None
    )
    leaving.withdrawn_at = timezone.now()
    leaving.save()
    client.force_login(superuser)
    register_url = reverse("bippop_register:index")
    campaign_url = reverse("wagtail_bippop_steering:campaign_export", args=[campaign.pk])
    downloads = [
        b"".join(client.get(register_url, {"export": "csv"}).streaming_content).decode("utf-8-sig"),
        " ".join(
            str(v)
            for v in assert_xlsx_safe(
                b"".join(client.get(register_url, {"export": "xlsx"}).streaming_content)
            )
        ),
        client.get(campaign_url).content.decode("utf-8-sig"),
        " ".join(
            str(v) for v in assert_xlsx_safe(client.get(campaign_url, {"format": "xlsx"}).content)
        ),
    ]
    for text in downloads:
        assert staying.last_name in text
        assert leaving.last_name not in text
