"""Journey: an elected official is given an account and a territory through the admin screens,
reads the dashboard, downloads every table it offers, and reaches nobody's personal data.
Then a coordinator launches a heatwave campaign and follows every call, by caller."""

import csv
import datetime
import io
import json
import os
import re
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from tests.browser.conftest import format_violations
from tests.e2e.conftest import AXE_TAGS
from wagtail_bippop.models import (
    Area,
    Beneficiary,
    CallStatus,
    Campaign,
    HelpRequest,
    Mission,
    RegisterEntry,
    TerritoryAccess,
    Visit,
    Volunteer,
)
from wagtail_bippop.roles import COORDINATOR_GROUP, READ_ONLY_GROUP

SCREENSHOTS = Path(os.environ.get("BIPPOP_SCREENSHOTS", tempfile.gettempdir())) / "bippop-e2e"
PEOPLE = ("Germaine", "Lucienne", "Odette", "Marcel")  # names no official may ever read


def territory_activity(territory):
    """Three people helped in « Nord / Sud », with four and a half hours of visits each."""
    north = Area.objects.create(territory=territory, name="Nord / Sud")
    volunteer = Volunteer.objects.create(
        territory=territory,
        first_name="Anne",
        last_name="Bénévole",
        stage="active",
        honourability_checked_on=datetime.date(2026, 1, 5),
        honourability_compatible=True,
    )
    now = timezone.now().replace(microsecond=0)
    people = []
    for first_name in ("Germaine", "Lucienne", "Marcel"):
        person = Beneficiary.objects.create(
            territory=territory, first_name=first_name, last_name="Roux", area=north
        )
        request = HelpRequest.objects.create(
            territory=territory,
            beneficiary=person,
            channel="phone",
            created_at=now - datetime.timedelta(days=60),
        )
        request.services.set([territory.services.get(slug="visite-de-convivialite")])
        request.save()
        mission = Mission.objects.create(request=request, volunteer=volunteer)
        for days in (3, 10, 40):
            start = now - datetime.timedelta(days=days)
            Visit.objects.create(
                mission=mission,
                starts_at=start,
                ends_at=start + datetime.timedelta(minutes=90),
                status="done",
                duration_minutes=90,
            )
        people.append(person)
    entries = [
        RegisterEntry.objects.create(
            territory=territory,
            first_name="Odette",
            last_name=name,
            category="aged_65",
            address=f"3 rue {name}",
            phone="+33344123456",
            requested_by="self",
            channel="phone",
        )
        for name in ("Arnaud", "Blanc", "Colin", "Dupont", "Estève", "Fabre")
    ]
    return people, entries


def sidebar_labels(page):
    """Every label of the admin menu, submenus included (read from the sidebar's data)."""
    props = json.loads(page.locator("#wagtail-sidebar-props").text_content())
    labels = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("label"), str):
                labels.append(node["label"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(props)
    return labels


def open_menu(page, *path):
    """Open the admin menu by clicking, as a person would."""
    for label in path[:-1]:
        page.locator("#wagtail-sidebar").get_by_role("button", name=label, exact=True).click()
    link = page.locator("#wagtail-sidebar").get_by_role("link", name=path[-1], exact=True)
    with page.expect_navigation():
        # The open submenu's item (a closed one may hold a link of the same name).
        link.filter(visible=True).first.click()


def read_download(download):
    body = Path(download.path()).read_bytes()
    name = download.suggested_filename
    if name.endswith(".xlsx"):
        sheet = load_workbook(io.BytesIO(body)).active
        return [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert name.endswith(".csv"), name
    assert body.startswith("\ufeff".encode()), f"{name}: no BOM"
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    for row in rows[1:]:
        for value in row:
            assert not re.fullmatch(r"-?\d+\.\d+", value), f"{name}: {value!r} is text in French"
    return rows


def assert_tables_readable(page):
    """At this width no table hides a column; a table wider than the screen scrolls in a
    focusable region with a name."""
    for region in page.locator(".bippop-dash__table").all():
        scroll, client = region.evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert region.get_attribute("tabindex") == "0"
        assert region.get_attribute("role") == "region" and region.get_attribute("aria-labelledby")
        yield region, scroll > client + 1


def after_message(page):
    """Wagtail's messages fade in: axe reads their colours once they are shown."""
    page.wait_for_load_state("load")
    page.wait_for_function(
        """() => {
            const opaque = li => {
                for (let e = li; e; e = e.parentElement) {
                    if (getComputedStyle(e).opacity !== '1') return false;
                }
                return true;
            };
            const messages = document.querySelector('.messages');
            const moving = document.getAnimations().filter(
                a => a.playState === 'running' && a.effect && a.effect.target
                    && (a.effect.target.contains(messages) || messages.contains(a.effect.target))
            );
            return [...document.querySelectorAll('.messages li')].every(opaque) && !moving.length;
        }"""
    )
    return page


def check_wagtail_user_form(page):
    """axe on Wagtail's own user form, but for one rule its markup breaks (Wagtail 8): the
    « Rôles » button below the account fields has role="tab" outside any tablist."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("load")
    results = Axe().run(
        page,
        context={"exclude": [['a.button[href="#tab-roles"][role="tab"]']]},
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    violations = results.response["violations"]
    assert not violations, format_violations(violations)


@pytest.fixture
def superuser(e2e_site):
    return get_user_model().objects.create_superuser(
        "dgs", "dgs@bellerive.example", "mot-de-passe-solide", first_name="Hélène"
    )


def test_elected_official_reads_the_dashboard_and_no_one_s_data(
    e2e_site, superuser, person_page, visit, admin_login
):
    SCREENSHOTS.mkdir(exist_ok=True)
    people, entries = territory_activity(e2e_site.territory)
    base = e2e_site.base_url

    # --- The superuser creates the official's account through Wagtail's own user screens.
    admin = person_page()
    admin_login(admin, "dgs", "mot-de-passe-solide")
    visit(admin)
    open_menu(admin, "Paramètres", "Utilisateurs")
    visit(admin)
    with admin.expect_navigation():
        admin.get_by_role("link", name=re.compile("Ajouter un utilisateur")).click()
    check_wagtail_user_form(admin)
    admin.fill("#id_username", "c.lemaire")
    admin.fill("#id_email", "claire.lemaire@bellerive.example")
    admin.fill("#id_first_name", "Claire")
    admin.fill("#id_last_name", "Lemaire")
    admin.fill("#id_password1", "Conseil-municipal-2026")
    admin.fill("#id_password2", "Conseil-municipal-2026")
    admin.get_by_role("tab", name="Rôles").first.click()
    admin.get_by_label(READ_ONLY_GROUP).check()
    with admin.expect_navigation():
        admin.get_by_role("button", name="Créer", exact=True).click()
    visit(after_message(admin))
    official = get_user_model().objects.get(username="c.lemaire")
    assert list(official.groups.values_list("name", flat=True)) == [READ_ONLY_GROUP]

    # --- … and gives her the territory with the new screen, reached from the menu.
    open_menu(admin, "Paramètres", "Accès aux territoires")
    visit(admin)
    main = admin.locator("main")
    assert "Claire Lemaire (c.lemaire)" in main.inner_text()  # listed as seeing nothing yet
    admin.select_option("#id_user", str(official.pk))
    admin.select_option("#id_territory", str(e2e_site.territory.pk))
    admin.get_by_label("Élu·e — lecture", exact=True).check()
    with admin.expect_navigation():
        admin.get_by_role("button", name="Donner l’accès").click()
    visit(after_message(admin))
    assert TerritoryAccess.objects.filter(user=official, territory=e2e_site.territory).exists()
    territory_block = admin.locator(f"section[aria-labelledby=territory-{e2e_site.territory.pk}]")
    assert "Claire Lemaire (c.lemaire)" in territory_block.inner_text()
    for _region, scrolls in assert_tables_readable(admin):
        assert not scrolls
    admin.screenshot(path=str(SCREENSHOTS / "territory-access.png"), full_page=True)

    # --- The official signs in and opens the dashboard from the admin's home.
    reader = person_page()
    admin_login(reader, "c.lemaire", "Conseil-municipal-2026")
    visit(reader)
    with reader.expect_navigation():
        reader.get_by_role("link", name="Ouvrir le tableau de bord").click()
    visit(reader)
    text = reader.locator("main").inner_text()
    assert "Personnes aidées" in text and "< 5" in text  # three people: masked
    for name in PEOPLE:
        assert name not in text
    for _region, scrolls in assert_tables_readable(reader):
        assert not scrolls, "a table hides some of its columns at 1280 px"
    reader.locator("section[aria-labelledby=table-by-area]").screenshot(
        path=str(SCREENSHOTS / "dashboard-by-area-1280.png")
    )

    # Every export offered, downloaded in the browser and opened as a spreadsheet.
    blocks = reader.locator("section.bippop-dash__block")
    downloads = 0
    for block in blocks.all():
        headers = [th.inner_text().strip() for th in block.locator("thead th").all()]
        first_row = block.locator("tbody tr").first.locator("th").inner_text().strip()
        slug = block.get_attribute("aria-labelledby").removeprefix("table-")
        for link in block.locator("a[href*='export=']").all():
            with reader.expect_download() as info:
                link.click()
            rows = read_download(info.value)
            downloads += 1
            assert rows[0] == headers, (slug, rows[0], headers)
            assert rows[1][0] == first_row, (slug, rows[1])
            if slug == "by-area":
                area = next(row for row in rows if row[0] == "Nord / Sud")
                # Fewer than 5 people: their visits and hours (9 of 90 minutes) are masked too.
                assert area[1:] == ["< 5", "< 5", "< 5"], area
            if slug == "key-figures":
                values = {row[0]: row[1] for row in rows[1:]}
                assert values["Personnes aidées"] == "< 5"
                assert values["Interventions réalisées"] == "< 5"
    assert downloads == 14

    # Nobody's personal data: absent from the menu, refused at its address.
    labels = sidebar_labels(reader)
    assert "Tableau de bord" in labels
    for absent in (
        "Veille isolement",
        "Registre des personnes vulnérables",
        "Campagnes d'appels",
        "Mesures de la solitude",
        "Accès aux territoires",
        "Solidarité",
    ):
        assert absent not in labels, absent
    campaign = Campaign.objects.create(territory=e2e_site.territory, kind="heatwave", title="C")
    person = people[0]
    refused = [
        reverse("bippop_beneficiaries:index"),
        reverse("bippop_beneficiaries:edit", args=[person.pk]),
        reverse("bippop_requests:index"),
        reverse("bippop_volunteers:index"),
        reverse("bippop_visits:index"),
        reverse("wagtail_bippop_coordinator:timeline", args=[person.pk]),
        reverse("wagtail_bippop_coordinator:subject_access", args=[person.pk]),
        reverse("bippop_register:index"),
        reverse("bippop_register:index") + "?export=csv",
        reverse("bippop_register:edit", args=[entries[0].pk]),
        reverse("bippop_loneliness:index"),
        reverse("wagtail_bippop_steering:isolation"),
        reverse("wagtail_bippop_steering:campaigns"),
        reverse("wagtail_bippop_steering:campaign", args=[campaign.pk]),
        reverse("wagtail_bippop_steering:campaign_export", args=[campaign.pk]) + "?format=csv",
        reverse("wagtail_bippop_access:index"),
    ]
    for url in refused:
        response = reader.request.get(base + url)
        landed = response.url.removeprefix(base)
        assert response.status in (403, 404) or (response.ok and landed == "/admin/"), (
            url,
            response.status,
            landed,
        )
        body = response.text()
        for name in PEOPLE:
            assert name not in body, (url, name)
    # Refused pages, as the browser shows them.
    for url in (reverse("bippop_register:index"), reverse("wagtail_bippop_steering:isolation")):
        response = reader.goto(base + url)
        assert response.status == 404 or reader.url.removeprefix(base) == "/admin/"
        visit(reader)
        for name in PEOPLE:
            assert name not in reader.content()

    # --- On a phone, the wide tables scroll in a region reached with the keyboard.
    phone = person_page(width=360, height=740)
    admin_login(phone, "c.lemaire", "Conseil-municipal-2026")
    with phone.expect_navigation():
        phone.get_by_role("link", name="Ouvrir le tableau de bord").click()
    visit(phone)
    wide = [region for region, scrolls in assert_tables_readable(phone) if scrolls]
    assert wide, "no table is wider than a phone: the check below proves nothing"
    region = wide[0]
    name = phone.locator("#" + region.get_attribute("aria-labelledby")).inner_text()
    assert name
    region.focus()
    assert region.evaluate("e => e === document.activeElement")
    outline = region.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline != "none"
    phone.keyboard.press("ArrowRight")
    phone.keyboard.press("ArrowRight")
    phone.wait_for_function("e => e.scrollLeft > 0", arg=region.element_handle())
    region.screenshot(path=str(SCREENSHOTS / "dashboard-table-360.png"))


def test_coordinator_launches_a_campaign_and_sees_every_call(
    e2e_site, person_page, visit, admin_login
):
    territory = e2e_site.territory
    _people, entries = territory_activity(territory)
    User = get_user_model()

    def staff(username, group, **names):
        user = User.objects.create_user(username, f"{username}@bellerive.example", "Mdp-2026-x")
        user.first_name, user.last_name = names["first"], names["last"]
        user.save()
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
        user.groups.add(Group.objects.get(name=group))
        TerritoryAccess.objects.create(user=user, territory=territory)
        return user

    coordinator = staff("sophie", COORDINATOR_GROUP, first="Sophie", last="Marchand")
    staff("c.lemaire", READ_ONLY_GROUP, first="Claire", last="Lemaire")
    volunteer_user = User.objects.create_user("v.dumas", first_name="Vincent", last_name="Dumas")
    Volunteer.objects.create(
        territory=territory,
        user=volunteer_user,
        first_name="Vincent",
        last_name="Dumas",
        stage="active",
        honourability_checked_on=datetime.date(2026, 1, 5),
        honourability_compatible=True,
    )

    page = person_page()
    admin_login(page, "sophie", "Mdp-2026-x")
    visit(page)
    open_menu(page, "Pilotage", "Campagnes d'appels")
    visit(page)
    who = page.locator("main dl").inner_text()
    assert "Sophie Marchand" in who and "Vincent Dumas" in who and "Lemaire" not in who
    page.select_option("#id_territory", str(territory.pk))
    page.fill("#id_title", "Canicule juillet 2026")
    page.select_option("#id_kind", "heatwave")
    with page.expect_navigation():
        page.get_by_role("button", name="Lancer la campagne").click()
    visit(after_message(page))
    campaign = Campaign.objects.get()
    callers = set(campaign.calls.values_list("caller__username", flat=True))
    assert callers == {"sophie", "v.dumas"}

    # Her own calls first, and every caller's progress.
    by_caller = page.locator("section[aria-labelledby=callers-heading] tbody").inner_text()
    assert "Sophie Marchand" in by_caller and "Vincent Dumas" in by_caller
    assert "Lemaire" not in by_caller
    mine = campaign.calls.filter(caller=coordinator).count()
    assert page.locator("section[aria-labelledby=calls-heading] tbody tr").count() == mine

    # Every call, by caller.
    with page.expect_navigation():
        page.get_by_role("link", name="Tous les appels, par appelant·e").click()
    visit(page)
    calls = page.locator("section[aria-labelledby=calls-heading]")
    assert calls.locator("h3").count() == 2
    for _region, scrolls in assert_tables_readable(page):
        assert not scrolls, "a table of the campaign hides some of its columns at 1280 px"
    SCREENSHOTS.mkdir(exist_ok=True)
    page.locator("section[aria-labelledby=calls-heading]").screenshot(
        path=str(SCREENSHOTS / "campaign-by-caller.png")
    )
    text = calls.inner_text()
    for entry in entries:
        assert entry.last_name in text

    # One call recorded from that list, for a person given to the volunteer.
    theirs = campaign.calls.filter(caller=volunteer_user).select_related("entry").first()
    row = calls.locator("tr", has_text=theirs.entry.last_name)
    row.locator("select").select_option("fine")
    with page.expect_navigation():
        row.get_by_role("button").click()
    visit(after_message(page))
    theirs.refresh_from_db()
    assert (theirs.status, theirs.attempts) == ("fine", 1)

    # The prefecture's export, both formats, opened as spreadsheets.
    with translation.override("fr"):
        fine_label = str(CallStatus.FINE.label)
    for label in ("CSV", "Excel (XLSX)"):
        with page.expect_download() as info:
            page.locator("main").get_by_role("link", name=label, exact=True).click()
        rows = read_download(info.value)
        assert rows[0][:2] == ["Nom", "Prénom"]
        assert len(rows) == 1 + len(entries)
        settled = next(row for row in rows if row[0] == theirs.entry.last_name)
        is_csv = info.value.suggested_filename.endswith(".csv")
        assert settled[8] == fine_label and settled[9] == ("1" if is_csv else 1)
