"""Asking volunteers, their signed answer links, first acceptance wins, admin page."""

import datetime
import threading
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from tests import test_matching
from tests.conftest import audit_log
from wagtail_bippop.models import (
    Channel,
    HelpRequest,
    Mission,
    MissionStatus,
    OutboxMessage,
    RequestStatus,
    Solicitation,
    SolicitationStatus,
    SolidarityIndexPage,
    VettingStage,
    VolunteerPreferences,
    WantedSlot,
)
from wagtail_bippop.notifications.sms import LocmemBackend
from wagtail_bippop.roles import COORDINATOR_GROUP, READ_ONLY_GROUP
from wagtail_bippop.solicitations import (
    InvalidLink,
    Outcome,
    make_token,
    read_token,
    respond,
    solicit,
)

# Factories that save parental many-to-many services (see test_matching).
make_volunteer = test_matching.make_volunteer
make_request = test_matching.make_request


@pytest.fixture
def index_page(home_page, territory):
    page = SolidarityIndexPage(title="Bellerive Solidaire", slug="solidaire", territory=territory)
    home_page.add_child(instance=page)
    return page


@pytest.fixture
def help_request(make_request, service):
    return make_request(services=[service])


@pytest.fixture
def coordinator(make_staff, territory):
    return make_staff("coord", territories=[territory], group=COORDINATOR_GROUP)


@pytest.fixture
def two_asked(
    help_request, make_volunteer, service, coordinator, django_capture_on_commit_callbacks
):
    first = make_volunteer(first_name="Paul", email="paul@example.org", services=[service])
    second = make_volunteer(first_name="Lina", email="lina@example.org", services=[service])
    with django_capture_on_commit_callbacks(execute=True):
        created = solicit(help_request, [first, second], user=coordinator)
    return created


def answer_path(index_page, solicitation):
    return index_page.url + index_page.reverse_subpage(
        "solicitation_answer", kwargs={"token": make_token(solicitation)}
    )


# --- asking ------------------------------------------------------------------------


@pytest.mark.django_db
def test_solicit_asks_eligible_volunteers_once_and_mails_personal_links(
    help_request,
    make_volunteer,
    other_territory,
    service,
    coordinator,
    index_page,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    asked = make_volunteer(email="a@example.org", services=[service])
    not_active = make_volunteer(email="b@example.org", stage=VettingStage.TO_VET)
    elsewhere = make_volunteer(email="c@example.org", territory=other_territory)
    with django_capture_on_commit_callbacks(execute=True):
        created = solicit(help_request, [asked, not_active, elsewhere], user=coordinator)
    assert [s.volunteer_id for s in created] == [asked.pk]
    help_request.refresh_from_db()
    assert help_request.status == RequestStatus.SEARCHING
    asked.refresh_from_db()
    assert asked.last_solicited_at is not None
    solicitation = created[0]
    assert solicitation.sent_by == coordinator
    assert solicitation.expires_at - solicitation.sent_at == datetime.timedelta(hours=72)
    assert audit_log().filter(action="wagtail_bippop.solicitation_sent").count() == 1
    (mail,) = [m for m in mailoutbox if m.to == ["a@example.org"]]
    link_path = index_page.reverse_subpage(
        "solicitation_answer", kwargs={"token": "X"}
    ).removesuffix("X/")
    assert link_path in mail.body
    token = mail.body.split(link_path, 1)[1].split()[0].removesuffix("/")
    assert read_token(token) == solicitation
    # Asking the same volunteer again creates nothing.
    assert solicit(help_request, [asked], user=coordinator) == []


@pytest.mark.django_db
def test_closed_request_cannot_be_solicited(help_request, make_volunteer, coordinator):
    help_request.move_to(RequestStatus.CANCELLED)
    help_request.save()
    with pytest.raises(ValidationError) as error:
        solicit(help_request, [make_volunteer()], user=coordinator)
    assert error.value.code == "not_searching"
    assert not Solicitation.objects.exists()


@pytest.mark.django_db
def test_volunteer_who_prefers_sms_is_asked_by_sms(
    help_request,
    make_volunteer,
    service,
    coordinator,
    index_page,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    LocmemBackend.outbox = []
    texter = make_volunteer(first_name="Sami", email="sami@example.org", services=[service])
    VolunteerPreferences.objects.create(volunteer=texter, preferred_channel=Channel.SMS)
    mailer = make_volunteer(first_name="Odile", email="odile@example.org", services=[service])
    with django_capture_on_commit_callbacks(execute=True):
        texted, mailed = solicit(help_request, [texter, mailer], user=coordinator)
    (sms,) = LocmemBackend.outbox
    assert sms.to == texter.phone
    assert "Sami" in sms.body and help_request.reference in sms.body
    token = sms.body.split("/solicitation/", 1)[1].split()[0].removesuffix("/")
    assert read_token(token) == texted
    # The other volunteer keeps e-mail, and nobody gets both.
    assert [m.to for m in mailoutbox] == [["odile@example.org"]]
    assert "Odile" in mailoutbox[0].body
    rows = OutboxMessage.objects.filter(kind="solicitation_request").order_by("channel")
    assert [(row.channel, row.volunteer_id) for row in rows] == [
        (Channel.EMAIL, mailer.pk),
        (Channel.SMS, texter.pk),
    ]
    LocmemBackend.outbox = []


@pytest.mark.django_db
def test_volunteer_without_e_mail_is_asked_by_sms_and_told_by_sms(
    help_request,
    make_volunteer,
    service,
    coordinator,
    index_page,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    LocmemBackend.outbox = []
    volunteer = make_volunteer(first_name="Nina", email="", services=[service])
    with django_capture_on_commit_callbacks(execute=True):
        (solicitation,) = solicit(help_request, [volunteer], user=coordinator)
    assert [sms.to for sms in LocmemBackend.outbox] == [volunteer.phone]
    LocmemBackend.outbox = []
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert respond(solicitation, True).outcome == Outcome.ACCEPTED
    # The volunteer hears by SMS, the coordinator by e-mail with the same details.
    (sms,) = LocmemBackend.outbox
    assert sms.to == volunteer.phone and help_request.reference in sms.body
    coordinator_mail = [m for m in mailoutbox if m.to == [coordinator.email]]
    assert len(coordinator_mail) == 1
    assert "Nina" in coordinator_mail[0].body
    assert help_request.reference in coordinator_mail[0].subject
    LocmemBackend.outbox = []


@pytest.mark.django_db
def test_solicitation_text_spells_out_the_request_without_the_person(
    help_request,
    make_volunteer,
    service,
    coordinator,
    index_page,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    WantedSlot.objects.create(request=help_request, weekday=1, period="afternoon")
    volunteer = make_volunteer(email="v@example.org", services=[service])
    with django_capture_on_commit_callbacks(execute=True):
        solicit(help_request, [volunteer], user=coordinator)
    (mail,) = mailoutbox
    beneficiary = help_request.beneficiary
    assert service.name in mail.body and help_request.reference in mail.body
    assert str(WantedSlot.objects.get(request=help_request)) in mail.body
    assert beneficiary.last_name not in mail.body and beneficiary.phone not in mail.body
    # The expiry date is written out, not left blank.
    assert str(timezone.localdate().year) in mail.body.split("/solicitation/", 1)[1]


# --- tokens ------------------------------------------------------------------------


@pytest.mark.django_db
def test_tampered_token_is_refused(two_asked):
    token = make_token(two_asked[0])
    value, _, signature = token.rpartition("/")
    with pytest.raises(InvalidLink) as error:
        read_token(value + "/" + signature[::-1])
    assert not error.value.expired
    forged = signing.TimestampSigner(salt="another-salt").sign_object(
        {"s": two_asked[0].pk, "v": two_asked[0].volunteer_id}
    )
    with pytest.raises(InvalidLink):
        read_token(forged)
    with pytest.raises(InvalidLink):
        read_token("not-a-token")


@pytest.mark.django_db
def test_token_of_another_volunteer_does_not_open_this_solicitation(two_asked):
    first, second = two_asked
    signer = signing.TimestampSigner(salt="wagtail_bippop.solicitation", sep="/")
    with pytest.raises(InvalidLink):
        read_token(signer.sign_object({"s": first.pk, "v": second.volunteer_id}))


@pytest.mark.django_db
def test_expired_token_is_refused(two_asked):
    long_ago = timezone.now().timestamp() - 73 * 3600
    with mock.patch("django.core.signing.time.time", return_value=long_ago):
        token = make_token(two_asked[0])
    with pytest.raises(InvalidLink) as error:
        read_token(token)
    assert error.value.expired


# --- answers -----------------------------------------------------------------------


@pytest.mark.django_db
def test_first_acceptance_creates_the_mission_later_ones_see_already_taken(
    two_asked, help_request, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    first, second = two_asked
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        won = respond(first, True)
    assert won.outcome == Outcome.ACCEPTED
    assert won.mission.volunteer_id == first.volunteer_id
    help_request.refresh_from_db()
    assert help_request.status == RequestStatus.MATCHED and help_request.matched_at
    assert {m.to[0] for m in mailoutbox} >= {"paul@example.org", coordinator.email}
    # The other volunteer still asked is told at once that the request is taken.
    assert "lina@example.org" in {m.to[0] for m in mailoutbox}
    second.refresh_from_db()
    assert second.status == SolicitationStatus.FILLED
    taken = "wagtail_bippop.solicitation_taken_by_another"
    assert audit_log().filter(action=taken).count() == 1

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        late = respond(second, True)
    assert late.outcome == Outcome.FILLED
    assert late.mission is None
    second.refresh_from_db()
    assert second.status == SolicitationStatus.FILLED
    assert Mission.objects.filter(request=help_request).count() == 1
    # Her late yes changes nothing and tells nobody twice.
    assert mailoutbox == []


@pytest.mark.django_db
def test_an_answer_is_taken_once(two_asked):
    first, _ = two_asked
    assert respond(first, False).outcome == Outcome.DECLINED
    assert respond(first, True).outcome == Outcome.ALREADY_ANSWERED
    first.refresh_from_db()
    assert first.status == SolicitationStatus.DECLINED
    assert not Mission.objects.exists()


@pytest.mark.django_db
def test_answer_after_the_expiry_date_is_refused(two_asked):
    first, _ = two_asked
    later = first.expires_at + datetime.timedelta(minutes=1)
    assert respond(first, True, now=later).outcome == Outcome.EXPIRED
    first.refresh_from_db()
    assert first.status == SolicitationStatus.EXPIRED
    assert not Mission.objects.exists()


@pytest.mark.django_db
def test_acceptance_after_the_request_was_cancelled(two_asked, help_request):
    help_request.move_to(RequestStatus.CANCELLED)
    help_request.save()
    assert respond(two_asked[0], True).outcome == Outcome.CLOSED
    assert not Mission.objects.exists()


# --- public answer pages -----------------------------------------------------------


@pytest.mark.django_db
def test_get_only_shows_the_question_post_answers(client, two_asked, index_page):
    first, _ = two_asked
    url = answer_path(index_page, first)
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="answer"' in page.content
    assert "no-cache" in page["Cache-Control"] and page["Referrer-Policy"] == "same-origin"
    first.refresh_from_db()
    assert first.status == SolicitationStatus.PENDING  # a prefetching scanner changes nothing
    assert client.post(url, {"answer": "maybe"}).status_code == 400
    answered = client.post(url, {"answer": "accept"})
    assert answered.status_code == 200
    assert answered.context["outcome"] == Outcome.ACCEPTED
    assert Mission.objects.get().volunteer_id == first.volunteer_id
    # The link is single-use: no form any more, and a replayed POST changes nothing.
    again = client.get(url)
    assert b'name="answer"' not in again.content
    assert client.post(url, {"answer": "decline"}).context["outcome"] == Outcome.ALREADY_ANSWERED
    first.refresh_from_db()
    assert first.status == SolicitationStatus.ACCEPTED


@pytest.mark.django_db
def test_second_volunteer_sees_already_taken_page(client, two_asked, index_page):
    first, second = two_asked
    respond(first, True)
    response = client.post(answer_path(index_page, second), {"answer": "accept"})
    assert response.context["outcome"] == Outcome.FILLED
    assert escape(str(Outcome.FILLED.label)) in response.content.decode()


@pytest.mark.django_db
def test_bad_and_expired_links_get_an_error_page(client, two_asked, index_page):
    url = answer_path(index_page, two_asked[0])
    assert client.get(url[:-3] + "xx/").status_code == 404
    long_ago = timezone.now().timestamp() - 100 * 3600
    with mock.patch("django.core.signing.time.time", return_value=long_ago):
        expired = answer_path(index_page, two_asked[0])
    response = client.post(expired, {"answer": "accept"})
    assert response.status_code == 410
    assert not Mission.objects.exists()


# --- admin suggestions page --------------------------------------------------------


@pytest.mark.django_db
def test_suggestions_page_lists_ranked_volunteers_and_asks_them(
    client, coordinator, help_request, make_volunteer, service, django_assert_max_num_queries
):
    volunteers = [make_volunteer(services=[service]) for _ in range(3)]
    client.force_login(coordinator)
    url = reverse("wagtail_bippop_matching:suggestions", args=[help_request.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert [s.volunteer for s in response.context["suggestions"]] == volunteers
    assert volunteers[0].full_name in response.content.decode()

    response = client.post(url, {"volunteer": [volunteers[0].pk, volunteers[2].pk]})
    assert response.status_code == 302
    assert set(Solicitation.objects.values_list("volunteer_id", flat=True)) == {
        volunteers[0].pk,
        volunteers[2].pk,
    }
    page = client.get(url)
    assert [s.volunteer for s in page.context["suggestions"]] == [volunteers[1]]

    # A phone answer recorded by the coordinator goes through the same rule.
    asked = Solicitation.objects.get(volunteer=volunteers[2])
    client.post(url, {"solicitation": asked.pk, "answer": "yes"})
    assert Mission.objects.get(status=MissionStatus.ACTIVE).volunteer == volunteers[2]
    entry = audit_log().get(action="wagtail_bippop.solicitation_accepted")
    assert entry.user_id == coordinator.pk


@pytest.mark.django_db
def test_suggestions_page_query_count_does_not_grow_with_volunteers(
    client, coordinator, help_request, make_volunteer, service, django_assert_max_num_queries
):
    client.force_login(coordinator)
    url = reverse("wagtail_bippop_matching:suggestions", args=[help_request.pk])
    make_volunteer(services=[service])
    client.get(url)
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    for _ in range(15):
        make_volunteer(services=[service])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(url).context["suggestions"]) == 16


@pytest.mark.django_db
def test_suggestions_page_is_scoped(
    client, make_staff, other_territory, help_request, make_request, make_beneficiary
):
    outsider = make_staff("outsider", territories=[other_territory], group=COORDINATOR_GROUP)
    client.force_login(outsider)
    url = reverse("wagtail_bippop_matching:suggestions", args=[help_request.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"volunteer": []}).status_code == 404
    reader = make_staff("elu", territories=[help_request.territory], group=READ_ONLY_GROUP)
    client.force_login(reader)
    refused = client.get(url)
    # Wagtail turns a refusal into a redirect to the dashboard with a message.
    assert refused.status_code in (302, 403)
    assert help_request.reference not in refused.content.decode()
    assert Group.objects.filter(name=COORDINATOR_GROUP).exists()


# --- concurrency -------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_acceptances_make_exactly_one_mission(
    make_request, make_volunteer, service
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): SQLite serialises every write")
    volunteers = [make_volunteer(services=[service]) for _ in range(2)]
    for round_number in range(20):
        request = make_request(services=[service])
        asked = solicit(request, volunteers, user=None)
        barrier = threading.Barrier(2)
        outcomes = []

        def accept(solicitation, barrier=barrier, outcomes=outcomes):
            try:
                barrier.wait(timeout=10)
                outcomes.append(respond(solicitation, True).outcome)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=accept, args=(s,)) for s in asked]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(outcomes) == sorted([Outcome.ACCEPTED, Outcome.FILLED]), round_number
        assert Mission.objects.filter(request=request).count() == 1, round_number
        assert HelpRequest.objects.get(pk=request.pk).status == RequestStatus.MATCHED
        statuses = sorted(
            Solicitation.objects.filter(request=request).values_list("status", flat=True)
        )
        assert statuses == [SolicitationStatus.ACCEPTED, SolicitationStatus.FILLED]
