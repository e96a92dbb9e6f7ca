"""Steering as it is lived: every export opens in a spreadsheet program, campaigns reach
people who may call, and staff are given access to their territories from the admin."""

import csv
import datetime
import html
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from tests.conftest import audit_log
from wagtail_bippop.dashboard import campaigns
from wagtail_bippop.models import (
    Area,
    CallStatus,
    Campaign,
    RegisterEntry,
    TerritoryAccess,
    VettingStage,
)
from wagtail_bippop.models.register import EligibilityCategory
from wagtail_bippop.roles import COORDINATOR_GROUP, READ_ONLY_GROUP

pytestmark = pytest.mark.django_db

DECIMAL_WITH_POINT = re.compile(r"^-?\d+\.\d+$")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def register_entry(territory, last_name, **fields):
    fields.setdefault("first_name", "Odette")
    fields.setdefault("category", EligibilityCategory.AGED_65)
    fields.setdefault("address", f"3 rue {last_name}")
    fields.setdefault("phone", "+33344123456")
    fields.setdefault("requested_by", "self")
    fields.setdefault("channel", "phone")
    return RegisterEntry.objects.create(territory=territory, last_name=last_name, **fields)


def export_links(page_html, pattern):
    return [html.unescape(link) for link in re.findall(pattern, page_html)]


def read_csv(response):
    """The rows of a CSV export as a French spreadsheet program reads them."""
    assert response.status_code == 200, response
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith("\ufeff".encode()), "no BOM: accents are garbled in Excel"
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows and all(len(row) == len(rows[0]) for row in rows), rows
    for row in rows[1:]:
        for value in row:
            assert not DECIMAL_WITH_POINT.match(value), f"{value!r}: read as text in French"
    return rows


def read_xlsx(response):
    assert response.status_code == 200, response
    assert response["Content-Type"] == XLSX_TYPE
    body = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(body)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


# --- Exports open in a spreadsheet program ------------------------------------------------


@pytest.fixture
def activity(territory, make_beneficiary, make_mission, make_visit, make_request):
    """One person of "Nord / Sud" helped for an hour and a half a few days ago."""
    north = Area.objects.create(territory=territory, name="Nord / Sud [gare]")
    person = make_beneficiary(first_name="Alice", area=north, is_online=False)
    service = territory.services.get(slug="visite-de-convivialite")
    request = make_request(beneficiary=person, services=[service])
    request.save()
    mission = make_mission(request=request)
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(days=3)
    make_visit(mission=mission, starts_at=start, minutes=90, status="done", duration_minutes=90)
    return north


def test_sheet_titles_are_what_spreadsheet_programs_accept():
    from wagtail_bippop.dashboard.tables import sheet_title

    assert sheet_title("Par quartier / secteur") == "Par quartier - secteur"
    assert sheet_title("a\\b?c*d[e]f:g") == "a-b-c-d-e-f-g"
    long = sheet_title("Solitude (échelle UCLA en 3 questions, 3 = moins seul)")
    assert len(long) <= 31
    used = {"Canicule juillet"}
    assert sheet_title("Canicule juillet", used=used) not in used
    assert len(sheet_title("x" * 40, used={"x" * 31})) <= 31
    assert sheet_title("") and sheet_title("'quoted'")[0] != "'"


@pytest.mark.parametrize("role", ["superuser", "read_only"])
def test_every_dashboard_export_opens(client, superuser, make_staff, territory, activity, role):
    user = superuser
    if role == "read_only":
        user = make_staff("elu", territories=[territory], group=READ_ONLY_GROUP)
    client.force_login(user)
    url = reverse("wagtail_bippop_steering:dashboard")
    page = client.get(url)
    assert page.status_code == 200
    tables = {table["slug"]: table for table in page.context["tables"]}
    links = export_links(page.content.decode(), r'href="(\?[^"]*export=(?:csv|xlsx)[^"]*)"')
    assert len(links) == 2 * len(tables) == 14
    opened = set()
    for link in links:
        response = client.get(url + link)
        slug = re.search(r"table=([\w-]+)", link).group(1)
        columns = tables[slug]["columns"]
        rows = read_csv(response) if "export=csv" in link else read_xlsx(response)
        assert rows[0] == columns, link
        opened.add((slug, "csv" if "export=csv" in link else "xlsx"))
        if slug == "by-area":
            area_row = next(row for row in rows if row[0] == activity.name)
            if "export=csv" in link:
                # People helped, visits, hours: counts as integers, hours with a comma; the
                # read-only role sees no figure of a group of fewer than 5 people.
                expected = ["< 5"] * 3 if role == "read_only" else ["1", "1", "1,5"]
                assert area_row[1:] == expected
            else:
                assert area_row[2:] == (["< 5"] * 2 if role == "read_only" else [1, 1.5])
        if slug == "key-figures" and "export=xlsx" in link:
            visits = next(row for row in rows if row[0] == "Interventions réalisées")
            if role == "read_only":
                assert visits[1] == "< 5"
            else:
                assert visits[1] == 1 and isinstance(visits[1], int)
    assert len(opened) == 14


def test_campaign_exports_open(client, superuser, territory):
    register_entry(territory, "Arnaud", birth_date=datetime.date(1940, 5, 2))
    register_entry(territory, "Blanc")
    campaign = campaigns.start_campaign(
        territory=territory,
        kind="heatwave",
        title="Canicule 07/2026 : quartiers [Nord] et Sud ?",
        callers=[superuser],
        user=superuser,
    )
    call = campaign.calls.get(entry__last_name="Arnaud")
    campaigns.record_call(call, status=CallStatus.NOT_REACHED, note="", user=superuser)
    campaigns.record_call(call, status=CallStatus.FINE, note="Va bien", user=superuser)
    client.force_login(superuser)
    page = client.get(reverse("wagtail_bippop_steering:campaign", args=[campaign.pk]))
    links = export_links(page.content.decode(), r'href="([^"]*/export/\?format=(?:csv|xlsx))"')
    assert len(links) == 2
    for link in links:
        response = client.get(link)
        rows = read_csv(response) if link.endswith("csv") else read_xlsx(response)
        assert rows[0][:3] == ["Nom", "Prénom", "Date de naissance"]
        arnaud = next(row for row in rows if row[0] == "Arnaud")
        assert arnaud[2] == "02/05/1940"
        assert arnaud[9] == ("2" if link.endswith("csv") else 2)  # attempts: a count


def test_register_exports_open(client, superuser, territory):
    register_entry(territory, "Arnaud", birth_date=datetime.date(1940, 5, 2), lives_alone=True)
    client.force_login(superuser)
    index = client.get(reverse("bippop_register:index"))
    assert index.status_code == 200
    links = export_links(index.content.decode(), r'href="([^"]*[?&]export=(?:csv|xlsx)[^"]*)"')
    assert {link.rsplit("export=", 1)[1][:4] for link in links} == {"csv", "xlsx"}
    with translation.override("fr"):
        category = str(EligibilityCategory.AGED_65.label)
    for link in set(links):
        response = client.get(link)
        rows = read_csv(response) if "export=csv" in link else read_xlsx(response)
        assert rows[0][:2] == ["Nom", "Prénom"]
        arnaud = next(row for row in rows if row[0] == "Arnaud")
        assert category in arnaud
        if "export=csv" in link:
            assert arnaud[2] == "02/05/1940" and "Oui" in arnaud
        else:
            assert (
                isinstance(arnaud[2], datetime.date) and arnaud[2].isoformat()[:10] == "1940-05-02"
            )
            assert True in arnaud


# --- Call campaigns go to people who may call, and the launcher sees them all -------------


@pytest.fixture
def staff_of_territory(territory, make_staff, make_volunteer, django_user_model):
    coordinator = make_staff("coord", territories=[territory], group=COORDINATOR_GROUP)
    elected = make_staff("elu", territories=[territory], group=READ_ONLY_GROUP)
    # Staff of the territory without the register's permission cannot open a campaign either.
    clerk = make_staff("accueil", territories=[territory])
    gone = make_staff("parti", territories=[territory], group=COORDINATOR_GROUP)
    gone.is_active = False
    gone.save()
    volunteer_user = django_user_model.objects.create_user("vol", password="pw")
    make_volunteer(user=volunteer_user, first_name="Vera")
    to_vet = django_user_model.objects.create_user("avetter", password="pw")
    make_volunteer(user=to_vet, stage=VettingStage.TO_VET)
    return {"coordinator": coordinator, "elected": elected, "clerk": clerk, "vol": volunteer_user}


def test_only_people_allowed_to_call_receive_calls(territory, staff_of_territory):
    callers = campaigns.possible_callers(territory)
    assert sorted(user.username for user in callers) == ["coord", "vol"]


def test_a_launched_campaign_hands_no_call_to_the_read_only_role(
    client, superuser, territory, staff_of_territory
):
    for n in range(30):
        register_entry(territory, f"Personne{n:02d}")
    client.force_login(superuser)
    response = client.post(
        reverse("wagtail_bippop_steering:campaigns"),
        {"territory": territory.pk, "kind": "heatwave", "title": "Canicule juillet"},
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    callers = set(campaign.calls.values_list("caller__username", flat=True))
    assert callers == {"coord", "vol"}
    # Each caller can reach every call given to them.
    coordinator = staff_of_territory["coordinator"]
    client.force_login(coordinator)
    page = client.get(reverse("wagtail_bippop_steering:campaign", args=[campaign.pk]))
    assert page.status_code == 200
    for call in campaign.calls.filter(caller=coordinator):
        assert call.entry.last_name in page.content.decode()


def test_the_launcher_sees_every_call_by_caller(client, superuser, territory, staff_of_territory):
    for n in range(6):
        register_entry(territory, f"Personne{n:02d}")
    client.force_login(superuser)
    response = client.post(
        reverse("wagtail_bippop_steering:campaigns"),
        {"territory": territory.pk, "kind": "heatwave", "title": "Canicule juillet"},
        follow=True,
    )
    text = response.content.decode()
    assert "Plus aucun appel" not in text
    for n in range(6):
        assert f"Personne{n:02d}" in text
    by_caller = response.context["by_caller"]
    assert [(row["caller"].username, row["total"], row["to_make"]) for row in by_caller] == [
        ("coord", 3, 3),
        ("vol", 3, 3),
    ]
    # Every call, grouped under its caller's name.
    groups = response.context["call_groups"]
    assert [len(group["calls"]) for group in groups] == [3, 3]
    assert all(call.caller == group["caller"] for group in groups for call in group["calls"])
    # A coordinator of the territory with calls of their own can open the whole list too.
    client.force_login(staff_of_territory["coordinator"])
    campaign = Campaign.objects.get()
    url = reverse("wagtail_bippop_steering:campaign", args=[campaign.pk])
    mine = client.get(url)
    assert len(mine.context["calls"]) == 3 and len(mine.context["by_caller"]) == 2
    everything = client.get(url, {"show": "all"})
    assert sum(len(group["calls"]) for group in everything.context["call_groups"]) == 6


def test_the_launch_form_says_who_will_be_called(client, superuser, territory, staff_of_territory):
    client.force_login(superuser)
    page = client.get(reverse("wagtail_bippop_steering:campaigns")).content.decode()
    assert "Vera" in page and "coord" in page
    assert "elu" not in re.sub(r"<[^>]+>", " ", page).split()


# --- Staff access to territories, from the admin ------------------------------------------


def access_url(name="index", *args):
    return reverse(f"wagtail_bippop_access:{name}", args=args)


@pytest.fixture
def new_elected(make_staff):
    return make_staff("mairesse", group=READ_ONLY_GROUP)


def test_superuser_gives_and_removes_access_with_the_role(
    client, superuser, territory, new_elected
):
    client.force_login(new_elected)
    assert client.get(reverse("wagtail_bippop_steering:dashboard")).status_code in (302, 403)
    client.force_login(superuser)
    page = client.get(access_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "Accès aux territoires" in text and "Élu·e — lecture" in text
    assert "aucune donnée personnelle" in text.lower()  # the roles are explained
    assert "mairesse" in text  # listed among accounts without territory
    response = client.post(
        access_url(),
        {"user": new_elected.pk, "territory": territory.pk, "role": "read_only"},
    )
    assert response.status_code == 302
    access = TerritoryAccess.objects.get(user=new_elected, territory=territory)
    entry = audit_log().get(action="wagtail_bippop.access_give")
    assert entry.user_id == superuser.pk and entry.data["role"] == "read_only"
    listing = client.get(access_url()).content.decode()
    assert "mairesse" in listing and access_url("remove", access.pk) in listing
    client.force_login(new_elected)
    assert client.get(reverse("wagtail_bippop_steering:dashboard")).status_code == 200
    client.force_login(superuser)
    confirm = client.get(access_url("remove", access.pk))
    assert confirm.status_code == 200 and "mairesse" in confirm.content.decode()
    assert client.post(access_url("remove", access.pk)).status_code == 302
    assert not TerritoryAccess.objects.filter(pk=access.pk).exists()
    assert audit_log().filter(action="wagtail_bippop.access_remove").count() == 1
    client.force_login(new_elected)
    assert client.get(reverse("wagtail_bippop_steering:dashboard")).status_code in (302, 403)


def test_giving_access_can_set_the_role(client, superuser, territory, make_staff):
    user = make_staff("nouvelle", group=READ_ONLY_GROUP)
    client.force_login(superuser)
    client.post(access_url(), {"user": user.pk, "territory": territory.pk, "role": "coordinator"})
    names = set(user.groups.values_list("name", flat=True))
    assert names == {COORDINATOR_GROUP}
    assert audit_log().get(action="wagtail_bippop.access_give").data["role"] == "coordinator"
    client.force_login(user)
    assert client.get(reverse("wagtail_bippop_steering:isolation")).status_code == 200


def test_a_second_access_to_the_same_territory_is_refused_politely(
    client, superuser, territory, new_elected
):
    TerritoryAccess.objects.create(user=new_elected, territory=territory)
    client.force_login(superuser)
    response = client.post(
        access_url(), {"user": new_elected.pk, "territory": territory.pk, "role": "read_only"}
    )
    assert response.status_code == 200
    assert "a déjà accès" in response.content.decode()
    assert TerritoryAccess.objects.filter(user=new_elected).count() == 1


def test_coordinators_without_the_permission_are_refused(client, coordinator, territory):
    client.force_login(coordinator)
    assert client.get(access_url()).status_code in (302, 403)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert access_url() not in home


def test_permission_holders_manage_their_own_territories_only(
    client, make_staff, territory, other_territory, new_elected
):
    manager = make_staff("dgs", territories=[territory], group=COORDINATOR_GROUP)
    manager.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["add_territoryaccess", "delete_territoryaccess", "view_territoryaccess"]
        )
    )
    elsewhere = TerritoryAccess.objects.create(
        user=make_staff("autre", group=COORDINATOR_GROUP), territory=other_territory
    )
    client.force_login(manager)
    page = client.get(access_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert territory.name in text and other_territory.name not in text
    assert access_url() in client.get(reverse("wagtailadmin_home")).content.decode()
    # Another territory: not offered, and its accesses cannot be removed.
    response = client.post(
        access_url(), {"user": new_elected.pk, "territory": other_territory.pk, "role": "read_only"}
    )
    assert response.status_code == 200
    assert not TerritoryAccess.objects.filter(user=new_elected).exists()
    assert client.post(access_url("remove", elsewhere.pk)).status_code == 404
    # Without the right to change accounts, the role stays what it is.
    response = client.post(
        access_url(), {"user": new_elected.pk, "territory": territory.pk, "role": "coordinator"}
    )
    assert response.status_code == 200
    assert not TerritoryAccess.objects.filter(user=new_elected).exists()
    client.post(
        access_url(), {"user": new_elected.pk, "territory": territory.pk, "role": "read_only"}
    )
    assert TerritoryAccess.objects.filter(user=new_elected, territory=territory).exists()


@pytest.mark.parametrize(
    "group_name, may_see_people", [(READ_ONLY_GROUP, False), (COORDINATOR_GROUP, True)]
)
def test_superuser_creates_staff_through_wagtail_users_then_gives_access(
    client, superuser, territory, group_name, may_see_people
):
    client.force_login(superuser)
    group = Group.objects.get(name=group_name)
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "nouveau",
            "email": "nouveau@example.org",
            "first_name": "Camille",
            "last_name": "Roux",
            "password1": "Un-mot-de-passe-long-1",
            "password2": "Un-mot-de-passe-long-1",
            "groups": [group.pk],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    user = get_user_model().objects.get(username="nouveau")
    assert list(user.groups.all()) == [group]
    role = "read_only" if group_name == READ_ONLY_GROUP else "coordinator"
    client.post(access_url(), {"user": user.pk, "territory": territory.pk, "role": role})
    assert TerritoryAccess.objects.filter(user=user, territory=territory).exists()
    client.logout()
    # The admin sign-in lockout (django-axes) needs the request the credentials came with.
    signin_request = RequestFactory().post("/admin/login/")
    assert client.login(
        request=signin_request, username="nouveau", password="Un-mot-de-passe-long-1"
    )
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    assert client.get(reverse("wagtail_bippop_steering:dashboard")).status_code == 200
    isolation = client.get(reverse("wagtail_bippop_steering:isolation"))
    assert (isolation.status_code == 200) is may_see_people


# --- The dashboard reads as French ---------------------------------------------------------


def test_dashboard_figures_read_as_french(client, superuser, territory, activity, settings):
    settings.BIPPOP_VOLUNTEER_HOUR_VALUE = "12.02"
    client.force_login(superuser)
    page = client.get(reverse("wagtail_bippop_steering:dashboard"))
    key = {row["cells"][0]: row["cells"][1] for row in page.context["tables"][0]["rows"]}
    assert "Valeur de ces heures (à 12,02\u00a0€ de l’heure)" in key
    assert key["Personnes aidées qui n'utilisent pas internet (couverture)"] == "100\u00a0%"
    text = page.content.decode()
    assert "Télécharger ce tableau\u00a0:" in text
    # Each table scrolls sideways in its own labelled, focusable region on a narrow screen.
    regions = re.findall(r'<div class="bippop-dash__table"[^>]*>', text)
    assert len(regions) == 7
    for region in regions:
        assert 'tabindex="0"' in region and 'role="region"' in region
        hint = re.search(r'aria-describedby="([^"]+)"', region).group(1)
        assert f'id="{hint}"' in text and "aria-labelledby=" in region


def test_a_campaign_page_updates_itself_only_when_asked(client, superuser, territory):
    register_entry(territory, "Arnaud")
    campaign = campaigns.start_campaign(
        territory=territory, kind="heatwave", title="Canicule", callers=[superuser], user=superuser
    )
    client.force_login(superuser)
    url = reverse("wagtail_bippop_steering:campaign", args=[campaign.pk])
    page = client.get(url).content.decode()
    assert 'http-equiv="refresh"' not in page  # WCAG 2.2.1: no reload nobody asked for
    assert 'href="?show=mine&amp;follow=1"' in page
    followed = client.get(url, {"show": "mine", "follow": "1"}).content.decode()
    assert 'http-equiv="refresh" content="60"' in followed
    assert 'href="?show=mine"' in followed  # the way to stop it
    # Recording a call keeps the page following.
    call = campaign.calls.get()
    response = client.post(
        reverse("wagtail_bippop_steering:campaign_call", args=[call.pk]),
        {"status": "fine", "show": "all", "follow": "1"},
    )
    assert response.url == f"{url}?show=all&follow=1"


def test_a_call_is_never_recorded_with_a_result_nobody_chose(client, superuser, territory):
    register_entry(territory, "Arnaud")
    campaign = campaigns.start_campaign(
        territory=territory, kind="heatwave", title="Canicule", callers=[superuser], user=superuser
    )
    client.force_login(superuser)
    page = client.get(reverse("wagtail_bippop_steering:campaign", args=[campaign.pk]))
    select = re.search(r"<select name=\"status\"[^>]*>(.*?)</select>", page.content.decode(), re.S)
    first_option = re.search(r"<option value=\"([^\"]*)\"", select.group(1)).group(1)
    assert first_option == ""  # « Save » alone records nothing, never « reached, all is well »
    call = campaign.calls.get()
    client.post(reverse("wagtail_bippop_steering:campaign_call", args=[call.pk]), {"status": ""})
    call.refresh_from_db()
    assert (call.status, call.attempts) == (CallStatus.TO_CALL, 0)
