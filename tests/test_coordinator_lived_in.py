"""The coordinator's admin as a social worker lives in it: search, queue, words, messages."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.french import DAYS, MONTHS, day_in_words
from wagtail_bippop.roles import COORDINATOR_GROUP

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(make_staff, territory):
    return make_staff("coord", territories=[territory], group=COORDINATOR_GROUP)


# --- 8. Full-name search ------------------------------------------------------------------


@pytest.fixture
def germaine(make_visit, make_beneficiary, make_request, make_volunteer):
    person = make_beneficiary(first_name="Germaine", last_name="Roux")
    volunteer = make_volunteer(first_name="Hélène", last_name="Lefèvre-Dubois")
    request = make_request(beneficiary=person)
    from wagtail_bippop.models import Mission

    mission = Mission.objects.create(request=request, volunteer=volunteer)
    visit = make_visit(mission=mission, starts_at=timezone.now() + datetime.timedelta(days=1))
    # Someone else, who must not come up.
    other = make_beneficiary(first_name="Marcel", last_name="Germain")
    make_request(beneficiary=other)
    return {
        "bippop_requests": request,
        "bippop_beneficiaries": person,
        "bippop_volunteers": volunteer,
        "bippop_missions": mission,
        "bippop_visits": visit,
    }


PERSON_QUERIES = ["Germaine Roux", "roux germaine", "GERMAINE  roux", "Germaine"]
VOLUNTEER_QUERIES = ["Hélène Lefèvre-Dubois", "helene lefevre dubois", "Dubois Hélène"]


@pytest.mark.parametrize(
    "namespace",
    ["bippop_requests", "bippop_beneficiaries", "bippop_missions", "bippop_visits"],
)
@pytest.mark.parametrize("query", PERSON_QUERIES)
def test_full_name_search_finds_the_person_in_every_listing(
    client, coordinator, germaine, namespace, query
):
    client.force_login(coordinator)
    response = client.get(reverse(f"{namespace}:index"), {"q": query})
    assert response.status_code == 200
    assert [obj.pk for obj in response.context["object_list"]] == [germaine[namespace].pk]


@pytest.mark.parametrize("namespace", ["bippop_volunteers", "bippop_missions", "bippop_visits"])
@pytest.mark.parametrize("query", VOLUNTEER_QUERIES)
def test_full_name_search_finds_the_volunteer(client, coordinator, germaine, namespace, query):
    client.force_login(coordinator)
    response = client.get(reverse(f"{namespace}:index"), {"q": query})
    assert [obj.pk for obj in response.context["object_list"]] == [germaine[namespace].pk]


def test_search_by_reference_and_phone_still_works(client, coordinator, germaine):
    client.force_login(coordinator)
    request = germaine["bippop_requests"]
    response = client.get(reverse("bippop_requests:index"), {"q": request.reference})
    assert [obj.pk for obj in response.context["object_list"]] == [request.pk]
    person = germaine["bippop_beneficiaries"]
    national = "0" + person.phone.removeprefix("+33")
    response = client.get(reverse("bippop_beneficiaries:index"), {"q": national})
    assert [obj.pk for obj in response.context["object_list"]] == [person.pk]


def test_intake_search_finds_a_full_name(client, coordinator, germaine):
    client.force_login(coordinator)
    response = client.get(reverse("bippop_intake:index"), {"q": "Germaine Roux"})
    assert [p.pk for p in response.context["found"]] == [germaine["bippop_beneficiaries"].pk]


def test_search_stays_in_the_coordinators_territories(
    client, coordinator, germaine, other_territory
):
    from wagtail_bippop.models import Beneficiary

    elsewhere = Beneficiary(territory=other_territory, first_name="Germaine", last_name="Roux")
    elsewhere.save()
    client.force_login(coordinator)
    response = client.get(reverse("bippop_beneficiaries:index"), {"q": "Germaine Roux"})
    assert [obj.pk for obj in response.context["object_list"]] == [
        germaine["bippop_beneficiaries"].pk
    ]


# --- 16. A yes recorded by phone closes the other solicitations ---------------------------


@pytest.fixture
def asked_two(
    make_request, make_volunteer, service, coordinator, django_capture_on_commit_callbacks
):
    from wagtail_bippop.solicitations import solicit

    help_request = make_request(services=[service])
    help_request.save()
    first = make_volunteer(first_name="Paul", email="paul@example.org", services=[service])
    second = make_volunteer(first_name="Lina", email="lina@example.org", services=[service])
    first.save()
    second.save()
    with django_capture_on_commit_callbacks(execute=True):
        created = solicit(help_request, [first, second], user=coordinator)
    return help_request, created


def _taken_messages(volunteer):
    from wagtail_bippop.models import OutboxMessage

    return OutboxMessage.objects.filter(volunteer=volunteer, kind="solicitation_filled")


def test_yes_recorded_by_phone_tells_the_other_volunteer_the_request_is_taken(
    client, coordinator, asked_two, mailoutbox, django_capture_on_commit_callbacks
):
    from wagtail_bippop.models import SolicitationStatus

    help_request, (first, second) = asked_two
    client.force_login(coordinator)
    url = reverse("wagtail_bippop_matching:suggestions", args=[help_request.pk])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"solicitation": first.pk, "answer": "yes"})
    second.refresh_from_db()
    assert second.status == SolicitationStatus.FILLED
    assert second.responded_at is None  # Lina never answered
    (message,) = _taken_messages(second.volunteer)
    assert "déjà prise" in message.subject
    assert help_request.reference in message.body
    assert [m for m in mailoutbox if m.to == ["lina@example.org"]]
    # Her link now says the request is taken; a late yes changes nothing.
    from wagtail_bippop.solicitations import Outcome, respond

    assert respond(second, True).outcome == Outcome.FILLED
    assert _taken_messages(second.volunteer).count() == 1


def test_yes_online_closes_the_others_the_same_way(asked_two, django_capture_on_commit_callbacks):
    from wagtail_bippop.models import SolicitationStatus
    from wagtail_bippop.solicitations import respond

    help_request, (first, second) = asked_two
    with django_capture_on_commit_callbacks(execute=True):
        respond(first, True)
    second.refresh_from_db()
    assert second.status == SolicitationStatus.FILLED
    assert _taken_messages(second.volunteer).count() == 1
    assert not _taken_messages(first.volunteer).exists()


def test_declined_solicitations_are_left_alone(asked_two, django_capture_on_commit_callbacks):
    from wagtail_bippop.models import SolicitationStatus
    from wagtail_bippop.solicitations import respond

    help_request, (first, second) = asked_two
    respond(second, False)
    with django_capture_on_commit_callbacks(execute=True):
        respond(first, True)
    second.refresh_from_db()
    assert second.status == SolicitationStatus.DECLINED
    assert not _taken_messages(second.volunteer).exists()


def test_the_other_volunteers_link_then_says_the_request_is_taken(
    client, asked_two, home_page, territory, django_capture_on_commit_callbacks
):
    from wagtail_bippop.models import SolidarityIndexPage
    from wagtail_bippop.solicitations import make_token, respond

    page = SolidarityIndexPage(title="Solidaire", slug="solidaire", territory=territory)
    home_page.add_child(instance=page)
    help_request, (first, second) = asked_two
    with django_capture_on_commit_callbacks(execute=True):
        respond(first, True)
    url = page.url + page.reverse_subpage(
        "solicitation_answer", kwargs={"token": make_token(second)}
    )
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    text = response.content.decode()
    assert "déjà été prise" in text
    assert 'name="answer"' not in text


# --- The first visit is agreed with the person before anyone is told a date ----------------


def french_day(day):
    return day_in_words(day)


def _messages_to(person):
    from wagtail_bippop.models import OutboxMessage

    field = "beneficiary" if hasattr(person, "birth_year") else "volunteer"
    return OutboxMessage.objects.filter(**{field: person}).order_by("pk")


@pytest.fixture
def accepted(asked_two, django_capture_on_commit_callbacks):
    from wagtail_bippop.solicitations import respond

    help_request, (first, _second) = asked_two
    beneficiary = help_request.beneficiary
    beneficiary.preferred_channel = "sms"
    beneficiary.save()
    with django_capture_on_commit_callbacks(execute=True):
        mission = respond(first, True).mission
    return mission


def test_a_yes_leaves_the_mission_to_schedule_and_tells_the_person_no_date(accepted):
    import re

    from wagtail_bippop import scheduling

    mission = accepted
    assert not mission.is_scheduled
    assert not mission.visits.exists()
    # The daily planning job leaves it alone too.
    scheduling.plan_upcoming_visits()
    assert not mission.visits.exists()
    months = "|".join(MONTHS)
    date_like = re.compile(rf"\d{{1,2}}\s?[:h]|\d{{1,2}} ({months})")
    for message in _messages_to(mission.request.beneficiary):
        assert not date_like.search(message.subject + message.body), message.body
    volunteer_texts = [
        m.subject + m.body
        for m in _messages_to(mission.volunteer).filter(kind="mission_confirmed_volunteer")
    ]
    assert volunteer_texts and not any(date_like.search(text) for text in volunteer_texts)


def test_recording_the_agreed_first_visit_plans_and_tells_both(
    client, coordinator, accepted, django_capture_on_commit_callbacks
):
    from wagtail_bippop.models import Mission, VisitStatus

    mission = accepted
    day = timezone.localdate() + datetime.timedelta(days=9)
    client.force_login(coordinator)
    url = reverse("wagtail_bippop_coordinator:mission_schedule", args=[mission.pk])
    page = client.get(url)
    assert page.status_code == 200
    # Nothing is proposed that nobody agreed: no day or hour filled in beforehand.
    assert page.context["form"].initial.get("start_date") is None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "start_date": day.isoformat(),
                "usual_time": "15:30",
                "usual_duration_minutes": "90",
                "recurrence": "weekly",
            },
        )
    assert response.status_code == 302
    mission = Mission.objects.get(pk=mission.pk)
    assert mission.is_scheduled
    first = mission.visits.order_by("starts_at").first()
    assert timezone.localtime(first.starts_at).date() == day
    assert timezone.localtime(first.starts_at).strftime("%H:%M") == "15:30"
    assert first.status == VisitStatus.PLANNED
    assert mission.visits.count() >= 2  # planned ahead at once
    (told,) = _messages_to(mission.request.beneficiary).filter(kind="mission_confirmed")
    assert told.channel == "sms"
    assert french_day(day) in told.body and "15\u00a0h\u00a030" in told.body
    assert "chaque semaine, à partir du" in told.body
    volunteer_told = _messages_to(mission.volunteer).filter(body__contains=french_day(day))
    assert volunteer_told.count() == 1
    from tests.conftest import audit_log

    assert audit_log().filter(action="wagtail_bippop.mission_scheduled").count() == 1


def test_a_new_day_or_hour_sends_a_change_of_schedule(
    client, coordinator, accepted, django_capture_on_commit_callbacks
):
    mission = accepted
    first_day = timezone.localdate() + datetime.timedelta(days=5)
    new_day = timezone.localdate() + datetime.timedelta(days=6)
    client.force_login(coordinator)
    url = reverse("wagtail_bippop_coordinator:mission_schedule", args=[mission.pk])
    data = {
        "start_date": first_day.isoformat(),
        "usual_time": "10:00",
        "usual_duration_minutes": "60",
        "recurrence": "weekly",
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data)
    assert client.get(url).context["form"].initial["start_date"] == first_day
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "start_date": new_day.isoformat(), "usual_time": "16:00"})
    starts = [timezone.localtime(v.starts_at) for v in mission.visits.order_by("starts_at")]
    assert starts[0].date() == new_day and starts[0].strftime("%H:%M") == "16:00"
    assert all(s.strftime("%H:%M") == "16:00" for s in starts)
    person = mission.request.beneficiary
    (change,) = _messages_to(person).filter(kind="mission_confirmed_schedule_changed")
    assert "horaire" in change.subject.lower()
    assert french_day(new_day) in change.body and "16\u00a0h" in change.body
    assert _messages_to(mission.volunteer).filter(body__contains=french_day(new_day)).exists()
    # Saving the same schedule again sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "start_date": new_day.isoformat(), "usual_time": "16:00"})
    assert _messages_to(person).filter(kind="mission_confirmed_schedule_changed").count() == 1


def test_a_first_visit_in_the_past_is_refused(client, coordinator, accepted):
    client.force_login(coordinator)
    url = reverse("wagtail_bippop_coordinator:mission_schedule", args=[accepted.pk])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        url,
        {
            "start_date": yesterday.isoformat(),
            "usual_time": "10:00",
            "usual_duration_minutes": "60",
            "recurrence": "one_off",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors
    accepted.refresh_from_db()
    assert not accepted.is_scheduled


def test_schedule_screen_is_scoped(client, other_coordinator, accepted):
    client.force_login(other_coordinator)
    url = reverse("wagtail_bippop_coordinator:mission_schedule", args=[accepted.pk])
    assert client.get(url).status_code == 404


def test_mission_list_says_to_schedule_and_offers_it_first(client, coordinator, accepted):
    client.force_login(coordinator)
    page = client.get(reverse("bippop_missions:index")).content.decode()
    assert "À planifier" in page
    assert reverse("wagtail_bippop_coordinator:mission_schedule", args=[accepted.pk]) in page


# --- 9. The phone intake records the wanted days and times --------------------------------


def test_phone_intake_records_wanted_times_and_matching_uses_them(
    client, coordinator, territory, service, make_volunteer
):
    from tests.test_coordinator_workflows import _intake_data
    from wagtail_bippop.models import AvailabilitySlot, HelpRequest

    client.force_login(coordinator)
    page = client.get(reverse("bippop_intake:index")).content.decode()
    assert 'name="wanted_slots" value="1-afternoon"' in page
    data = _intake_data(territory, service, wanted_slots=["1-afternoon", "3-morning"])
    response = client.post(reverse("bippop_intake:index"), data)
    assert response.status_code == 302
    request = HelpRequest.objects.get()
    assert sorted(request.wanted_slots.values_list("weekday", "period")) == [
        (1, "afternoon"),
        (3, "morning"),
    ]
    free = make_volunteer(first_name="Libre", services=[service])
    free.save()
    AvailabilitySlot.objects.create(volunteer=free, weekday=1, period="afternoon")
    busy = make_volunteer(first_name="Occupée", services=[service])
    busy.save()
    AvailabilitySlot.objects.create(volunteer=busy, weekday=5, period="morning")
    suggestions = client.get(
        reverse("wagtail_bippop_matching:suggestions", args=[request.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    )
    ranked = suggestions.context["suggestions"]
    assert [s.volunteer for s in ranked] == [free, busy]
    assert ranked[0].available and not ranked[1].available
    assert "N’importe quand" not in suggestions.content.decode()
    assert "N'importe quand" not in suggestions.content.decode()


def test_intake_refuses_a_made_up_slot(client, coordinator, territory, service):
    from tests.test_coordinator_workflows import _intake_data
    from wagtail_bippop.models import HelpRequest

    client.force_login(coordinator)
    data = _intake_data(territory, service, wanted_slots=["9-night"])
    response = client.post(reverse("bippop_intake:index"), data)
    assert response.status_code == 200 and "wanted_slots" in response.context["form"].errors
    assert not HelpRequest.objects.exists()


# --- 10. The promised call-back: queue first, due day, late flag ---------------------------


def test_working_days_skip_weekends_and_french_public_holidays():
    from wagtail_bippop.coordinator.callback import add_working_days

    D = datetime.date
    assert add_working_days(D(2026, 12, 18), 2) == D(2026, 12, 22)  # Fri → Tue
    assert add_working_days(D(2026, 12, 24), 2) == D(2026, 12, 29)  # Christmas skipped
    assert add_working_days(D(2026, 12, 19), 1) == D(2026, 12, 21)  # Saturday → Monday
    assert add_working_days(D(2027, 5, 5), 1) == D(2027, 5, 7)  # Ascension Day (6 May)
    # Alsace-Moselle: 26 December is a holiday there too.
    assert add_working_days(D(2027, 12, 24), 1) == D(2027, 12, 27)
    assert add_working_days(D(2026, 12, 24), 2, "57") == D(2026, 12, 29)
    assert add_working_days(D(2026, 12, 23), 2, "57") == D(2026, 12, 28)
    assert add_working_days(D(2026, 12, 23), 2) == D(2026, 12, 28)
    assert add_working_days(D(2026, 4, 2), 1, "57") == D(2026, 4, 7)  # Good Friday, Easter


def _received(make_request, days_ago, **fields):
    return make_request(created_at=timezone.now() - datetime.timedelta(days=days_ago), **fields)


def test_requests_waiting_for_their_call_back_come_first_oldest_promise_first(
    client, coordinator, make_request
):
    for index in range(25):
        _received(make_request, 60 + index, status="searching")
    older = _received(make_request, 3)
    newer = _received(make_request, 0)
    called = _received(make_request, 40, status="contacted")
    client.force_login(coordinator)
    response = client.get(reverse("bippop_requests:index"))
    rows = list(response.context["object_list"])
    assert rows[:2] == [older, newer]
    assert called not in rows[:2]


def test_call_back_due_day_and_late_flag(client, coordinator, make_request, site):
    from wagtail_bippop.coordinator.callback import add_working_days
    from wagtail_bippop.models import SolidaritySettings

    settings = SolidaritySettings.for_site(site)
    settings.callback_delay_days = 3
    settings.save()
    late = _received(make_request, 12)
    fresh = _received(make_request, 0)
    client.force_login(coordinator)
    response = client.get(reverse("bippop_requests:index"), HTTP_ACCEPT_LANGUAGE="fr")
    page = response.content.decode()
    assert page.count("Rappel en retard") == 1
    rows = {row.pk: row for row in response.context["object_list"]}
    assert rows[late.pk].callback_late and not rows[fresh.pk].callback_late
    due = add_working_days(timezone.localdate(fresh.created_at), 3)
    assert rows[fresh.pk].callback_due == due
    assert f"{DAYS[due.weekday()]} {due.day} {MONTHS[due.month - 1]}" in page


def test_a_request_called_back_has_no_call_back_due(client, coordinator, make_request):
    request = _received(make_request, 12)
    request.move_to("contacted")
    request.save()
    client.force_login(coordinator)
    response = client.get(reverse("bippop_requests:index"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Rappel en retard" not in response.content.decode()
    (row,) = response.context["object_list"]
    assert row.callback_due is None


# --- 13b. One display format for phones -----------------------------------------------------


def test_display_phone_national_for_french_numbers_international_otherwise():
    from wagtail_bippop.phones import display_phone

    assert display_phone("+33322456789") == "03 22 45 67 89"
    assert display_phone("0322456789") == "03 22 45 67 89"
    assert display_phone("+3222345678") == "+32 2 234 56 78"
    assert display_phone("") == ""
    assert display_phone("not a number") == "not a number"


def test_admin_screens_show_phones_in_one_format(client, coordinator, make_request, territory):
    from wagtail_bippop.models import Organisation

    request = make_request(requester_phone="+33322456789", requester_name="Marc Roux")
    person = request.beneficiary
    person.phone = "+33611223344"
    person.save()
    organisation = Organisation.objects.create(
        territory=territory, name="Club", kind="club", phone="0322456789"
    )
    client.force_login(coordinator)
    pages = {
        "person": client.get(reverse("bippop_beneficiaries:inspect", args=[person.pk])),
        "person edit": client.get(reverse("bippop_beneficiaries:edit", args=[person.pk])),
        "request": client.get(reverse("bippop_requests:inspect", args=[request.pk])),
        "organisation": client.get(reverse("bippop_organisations:inspect", args=[organisation.pk])),
    }
    for name, response in pages.items():
        text = response.content.decode()
        assert "+33" not in text, name
    assert "06 11 22 33 44" in pages["person"].content.decode()
    assert "06 11 22 33 44" in pages["person edit"].content.decode()
    assert "03 22 45 67 89" in pages["request"].content.decode()
    assert "03 22 45 67 89" in pages["organisation"].content.decode()


def test_beneficiary_export_shows_the_national_format(client, coordinator, make_beneficiary):
    make_beneficiary(phone="+33611223344")
    client.force_login(coordinator)
    response = client.get(reverse("bippop_beneficiaries:index") + "?export=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "06 11 22 33 44" in text and "+33611223344" not in text


def test_messages_give_the_coordinators_phone_in_the_national_format(
    client, coordinator, accepted, site, django_capture_on_commit_callbacks
):
    from wagtail_bippop.models import SolidaritySettings

    settings = SolidaritySettings.for_site(site)
    settings.coordinator_phone = "+33322456789"
    settings.save()
    client.force_login(coordinator)
    url = reverse("wagtail_bippop_coordinator:mission_schedule", args=[accepted.pk])
    day = timezone.localdate() + datetime.timedelta(days=8)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {
                "start_date": day.isoformat(),
                "usual_time": "10:00",
                "usual_duration_minutes": "60",
                "recurrence": "one_off",
            },
        )
    (told,) = _messages_to(accepted.request.beneficiary).filter(kind="mission_confirmed")
    assert "03 22 45 67 89" in told.body and "+33" not in told.body


# --- 14. No raw values: empty, booleans, matching in words ---------------------------------


def _cells(html):
    import re

    return [
        re.sub(r"<[^>]+>|\s+", " ", cell).strip()
        for cell in re.findall(r"<(?:td|dd)[^>]*>(.*?)</(?:td|dd)>", html, re.S)
    ]


def test_record_pages_show_a_dash_for_empty_values(client, coordinator, make_request):
    request = make_request()
    client.force_login(coordinator)
    html = client.get(
        reverse("bippop_requests:inspect", args=[request.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    cells = _cells(html)
    assert "None" not in cells and "" not in cells, cells
    assert "—" in cells


@pytest.mark.parametrize("namespace", ["bippop_services", "bippop_territories"])
def test_active_columns_say_yes_or_no(client, coordinator, namespace, service, territory):
    client.force_login(coordinator)
    html = client.get(reverse(f"{namespace}:index"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    cells = _cells(html)
    assert "True" not in html and "False" not in html
    assert "Oui" in cells


def test_volunteer_inspect_says_yes_or_no(client, coordinator, make_volunteer):
    volunteer = make_volunteer(has_car=False)
    client.force_login(coordinator)
    html = client.get(
        reverse("bippop_volunteers:inspect", args=[volunteer.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    cells = _cells(html)
    assert "True" not in cells and "False" not in cells and "None" not in cells
    assert "Oui" in cells and "Non" in cells


def test_suggestions_show_rank_and_words_not_a_score(
    client, coordinator, make_request, make_volunteer, service, area
):
    from wagtail_bippop.models import AvailabilitySlot, WantedSlot

    help_request = make_request(services=[service])
    help_request.beneficiary.area = area
    help_request.beneficiary.save()
    WantedSlot.objects.create(request=help_request, weekday=1, period="afternoon")
    best = make_volunteer(first_name="Alice", services=[service], area=area)
    best.save()
    AvailabilitySlot.objects.create(volunteer=best, weekday=1, period="afternoon")
    other = make_volunteer(first_name="Bruno")
    other.save()
    client.force_login(coordinator)
    response = client.get(
        reverse("wagtail_bippop_matching:suggestions", args=[help_request.pk]),
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    html = response.content.decode()
    assert "Score" not in html
    first, second = response.context["suggestions"]
    assert first.volunteer == best and second.volunteer == other
    assert str(first.fit_label) == "Très adapté"
    assert str(second.fit_label) == "Peu adapté"
    assert "Très adapté" in html and "Peu adapté" in html
    assert str(first.score) not in _cells(html)
    assert "Propose : Visite de convivialité" in html.replace("\u00a0", " ")


# --- 17. French wording of the app's own screens and messages -------------------------------

LABELS = {
    "bippop_requests": ("Ajouter une demande", "Nouvelle demande", "Modifier la demande"),
    "bippop_beneficiaries": ("Ajouter une personne", "Nouvelle personne", "Modifier la fiche"),
    "bippop_volunteers": (
        "Ajouter une personne bénévole",
        "Nouvelle personne bénévole",
        "Modifier la fiche bénévole",
    ),
    "bippop_trainings": ("Ajouter une formation", "Nouvelle formation", "Modifier la formation"),
    "bippop_missions": ("Ajouter une mission", "Nouvelle mission", "Modifier la mission"),
    "bippop_visits": (
        "Ajouter une intervention",
        "Nouvelle intervention",
        "Modifier l’intervention",
    ),
    "bippop_organisations": (
        "Ajouter une structure partenaire",
        "Nouvelle structure partenaire",
        "Modifier la structure partenaire",
    ),
    "bippop_services": (
        "Ajouter un type de service",
        "Nouveau type de service",
        "Modifier le type de service",
    ),
    "bippop_areas": ("Ajouter un quartier", "Nouveau quartier", "Modifier le quartier"),
    "bippop_territories": ("Ajouter un territoire", "Nouveau territoire", "Modifier le territoire"),
}


@pytest.mark.parametrize("namespace", LABELS)
def test_each_screen_has_its_own_add_and_edit_labels(
    client, superuser, make_visit, territory, area, service, namespace
):
    from wagtail_bippop.models import Organisation, TrainingSession

    visit = make_visit()
    mission = visit.mission
    records = {
        "bippop_requests": mission.request,
        "bippop_beneficiaries": mission.request.beneficiary,
        "bippop_volunteers": mission.volunteer,
        "bippop_missions": mission,
        "bippop_visits": visit,
        "bippop_organisations": Organisation.objects.create(
            territory=territory, name="Club", kind="club"
        ),
        "bippop_services": service,
        "bippop_areas": area,
        "bippop_territories": territory,
        "bippop_trainings": TrainingSession.objects.create(
            territory=territory, title="Accueil", date=datetime.date(2026, 3, 2)
        ),
    }
    add, new, edit = LABELS[namespace]
    client.force_login(superuser)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    pages = {
        "index": client.get(reverse(f"{namespace}:index")).content.decode(),
        "add": client.get(reverse(f"{namespace}:add")).content.decode(),
        "edit": client.get(
            reverse(f"{namespace}:edit", args=[records[namespace].pk])
        ).content.decode(),
    }
    for text in pages.values():
        assert "un(e)" not in text and "Nouvel(le)" not in text
    assert add in pages["index"]
    assert new in pages["add"]
    assert edit in pages["edit"]


def test_solicitation_summary_keeps_french_typography(
    asked_two, mailoutbox, django_capture_on_commit_callbacks
):
    help_request, (first, _second) = asked_two
    (mail,) = [m for m in mailoutbox if m.to == ["paul@example.org"]]
    assert f"Référence\u00a0: {help_request.reference}" in mail.body
    assert "Référence:" not in mail.body and " :" not in mail.body.replace("\u00a0:", "")


# --- The person's timeline tells it all ---------------------------------------------------


def test_timeline_shows_the_agreed_visit_the_messages_and_the_worries(
    client, coordinator, accepted, django_capture_on_commit_callbacks
):
    from wagtail_bippop import scheduling
    from wagtail_bippop.models import Worry

    mission = accepted
    day = timezone.localdate() + datetime.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.agree_schedule(
            mission,
            user=coordinator,
            start_date=day,
            usual_time=datetime.time(14, 30),
            recurrence="weekly",
        )
    person = mission.request.beneficiary
    Worry.objects.create(
        beneficiary=person,
        mission=mission,
        raised_by=mission.volunteer,
        text="Elle ne mange plus beaucoup.",
    )
    client.force_login(coordinator)
    response = client.get(
        reverse("wagtail_bippop_coordinator:timeline", args=[person.pk]),
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    text = response.content.decode().replace("\u00a0", " ")
    assert "Première visite fixée" in text
    assert f"{DAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}" in text
    assert "Votre première visite est fixée" in text  # the message the person was sent
    assert "SMS" in text
    assert "Elle ne mange plus beaucoup." in text
    assert "Inquiétude" in text


def test_a_letter_would_come_too_late_so_a_near_first_visit_goes_to_the_call_list(
    client, coordinator, accepted, django_capture_on_commit_callbacks
):
    person = accepted.request.beneficiary
    person.preferred_channel = "letter"
    person.fallback_channel = "letter"
    person.address = "3 rue des Lilas"
    person.phone = "+33322456789"  # a landline: no SMS
    person.save()
    client.force_login(coordinator)
    url = reverse("wagtail_bippop_coordinator:mission_schedule", args=[accepted.pk])
    day = timezone.localdate() + datetime.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {
                "start_date": day.isoformat(),
                "usual_time": "10:00",
                "usual_duration_minutes": "60",
                "recurrence": "one_off",
            },
        )
    (told,) = _messages_to(person).filter(kind="mission_confirmed")
    assert told.channel == "call" and french_day(day) in told.body


def test_worries_list_shows_phones_in_the_national_format(client, coordinator, accepted):
    from wagtail_bippop.models import Worry

    person = accepted.request.beneficiary
    Worry.objects.create(beneficiary=person, mission=accepted, raised_by=accepted.volunteer)
    client.force_login(coordinator)
    text = client.get(reverse("bippop_worries")).content.decode()
    assert display(person.phone) in text and person.phone not in text
    assert display(accepted.volunteer.phone) in text


def display(phone):
    from wagtail_bippop.phones import display_phone

    return display_phone(phone)
