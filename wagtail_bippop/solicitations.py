"""Asking volunteers to take a request, and their answers.

Each solicited volunteer receives a personal link carrying a signed token
(``django.core.signing``, salted, time-stamped). The link expires after
``BIPPOP_SOLICITATION_VALID_HOURS`` and works once: the answer is recorded on the
``Solicitation`` row, and a row that is no longer pending takes no second answer.

The first acceptance creates the mission. Two volunteers accepting at the same instant
are serialised by a row lock on the request, and the partial unique constraint
``bippop_one_active_mission_per_request`` is the last word: the loser of the race is
told the request is already taken, and so is the coordinator.
"""

import dataclasses
import datetime

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import get_page_models

from . import notifications
from .conf import bippop_settings
from .models import (
    HelpRequest,
    Mission,
    MissionRecurrence,
    MissionStatus,
    Recurrence,
    RequestStatus,
    ServiceType,
    Solicitation,
    SolicitationStatus,
    SolidaritySettings,
    VettingStage,
    Volunteer,
    WantedSlot,
)
from .notifications.rendering import site_values
from .pages import SolidarityIndexPageMixin

TOKEN_SALT = "wagtail_bippop.solicitation"
# Wagtail serves page paths made of letters, digits, "-" and "_" only: the token's parts
# are separated by "/" so that it stays a plain page path.
TOKEN_SEPARATOR = "/"
SOLICITABLE_STATUSES = (RequestStatus.NEW, RequestStatus.CONTACTED, RequestStatus.SEARCHING)
# Logged on a solicitation closed, unanswered, because another volunteer said yes first.
TAKEN_BY_ANOTHER = "wagtail_bippop.solicitation_taken_by_another"


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", _("Thank you! The mission is yours.")
    DECLINED = "declined", _("Your answer is recorded. Thank you for letting us know.")
    FILLED = "filled", _("This request has already been taken by another volunteer.")
    EXPIRED = "expired", _("This link has expired.")
    ALREADY_ANSWERED = "answered", _("You have already answered.")
    CLOSED = "closed", _("This request no longer needs a volunteer.")
    NOT_ACTIVE = (
        "not_active",
        _(
            "This acceptance is refused: the volunteer is not active at the moment (suspended, "
            "left or not vetted yet). Please contact the coordination team."
        ),
    )


@dataclasses.dataclass
class Response:
    outcome: str
    solicitation: Solicitation
    mission: Mission | None = None

    @property
    def message(self):
        return Outcome(self.outcome).label


class InvalidLink(Exception):
    """The link is not one we signed, or it is too old."""

    def __init__(self, expired=False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def valid_for():
    return datetime.timedelta(hours=bippop_settings.SOLICITATION_VALID_HOURS)


def make_token(solicitation):
    signer = signing.TimestampSigner(salt=TOKEN_SALT, sep=TOKEN_SEPARATOR)
    return signer.sign_object({"s": solicitation.pk, "v": solicitation.volunteer_id})


def read_token(token):
    """The solicitation a token was made for; raises ``InvalidLink``."""
    signer = signing.TimestampSigner(salt=TOKEN_SALT, sep=TOKEN_SEPARATOR)
    try:
        data = signer.unsign_object(token, max_age=valid_for())
    except signing.SignatureExpired:
        raise InvalidLink(expired=True)
    except (signing.BadSignature, ValueError, TypeError):
        raise InvalidLink()
    if not isinstance(data, dict):
        raise InvalidLink()
    solicitation = (
        Solicitation.objects.select_related("request__territory", "volunteer")
        .filter(pk=data.get("s"), volunteer_id=data.get("v"))
        .first()
    )
    if solicitation is None:
        raise InvalidLink()
    return solicitation


def answer_url(solicitation):
    """Absolute address of the volunteer's answer page, or "" when the site has none."""
    for model in get_page_models():
        if not issubclass(model, SolidarityIndexPageMixin) or model._meta.abstract:
            continue
        page = model.objects.live().filter(territory_id=solicitation.request.territory_id).first()
        if page and page.full_url:
            route = page.reverse_subpage(
                "solicitation_answer", kwargs={"token": make_token(solicitation)}
            )
            return page.full_url + route
    return ""


def request_summary(help_request):
    """What a volunteer may know before taking a request: never a name or an address."""
    area = help_request.beneficiary.area
    return {
        "reference": help_request.reference,
        "services": list(
            ServiceType.objects.filter(help_requests=help_request).values_list("name", flat=True)
        ),
        "area": area.name if area else "",
        "times": [str(slot) for slot in WantedSlot.objects.filter(request=help_request)],
        "regular": help_request.recurrence == Recurrence.RECURRING,
        "wanted_from": help_request.wanted_from,
    }


def message_values(solicitation):
    """Flat values of the messages about ``solicitation``: plain text, no object.

    The volunteer's messages go through ``notifications.notify`` (their own channel, and
    the wording a site may have rewritten), which takes flat values only; the
    coordinators' e-mails use the same values.
    """
    help_request, volunteer = solicitation.request, solicitation.volunteer
    summary = request_summary(help_request)
    with translation.override(settings.LANGUAGE_CODE):
        wanted_from = summary["wanted_from"]
        expires_at = solicitation.expires_at
        return {
            "first_name": volunteer.first_name,
            "volunteer_full_name": volunteer.full_name,
            "territory": help_request.territory.name,
            "reference": summary["reference"],
            "services": ", ".join(summary["services"]),
            "area": summary["area"],
            "times": ", ".join(summary["times"]),
            "wanted_from": formats.date_format(wanted_from, "SHORT_DATE_FORMAT")
            if wanted_from
            else "",
            "regular": "yes" if summary["regular"] else "",
            "expires_at": formats.date_format(timezone.localtime(expires_at), "DATETIME_FORMAT")
            if expires_at
            else "",
        }


def _tell_volunteer(kind, solicitation, **values):
    """One message to the solicited volunteer, through the channel they chose."""
    return notifications.notify(
        kind,
        person=solicitation.volunteer,
        values={**message_values(solicitation), **values},
        site=solicitation.request.territory.site,
        dedupe_key=f"{kind}:{solicitation.pk}",
    )


def _coordinator_emails(solicitation):
    sender = solicitation.sent_by
    if sender and sender.email:
        return [sender.email]
    site_settings = SolidaritySettings.for_site(solicitation.request.territory.site)
    return [site_settings.coordinator_email]


def solicit(help_request, volunteers, *, user):
    """Ask ``volunteers`` whether they can take ``help_request``; returns the new rows.

    Volunteers of another territory, not active, or already asked are skipped. The
    request moves to "looking for a volunteer"; the e-mails leave once committed.
    """
    now = timezone.now()
    with transaction.atomic():
        locked = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
        if locked.status not in SOLICITABLE_STATUSES:
            raise ValidationError(
                _("This request is not looking for a volunteer."), code="not_searching"
            )
        if locked.status != RequestStatus.SEARCHING:
            locked.move_to(RequestStatus.SEARCHING)
            locked.save(update_fields=["status", "first_contact_at"])
            log(locked, "wagtail_bippop.request_searching", user=user)
        asked = set(
            Solicitation.objects.filter(request=locked).values_list("volunteer_id", flat=True)
        )
        eligible = Volunteer.objects.filter(
            pk__in=[volunteer.pk for volunteer in volunteers],
            territory_id=locked.territory_id,
            stage=VettingStage.ACTIVE,
        ).exclude(pk__in=asked)
        created = [
            Solicitation.objects.create(
                request=locked,
                volunteer=volunteer,
                sent_at=now,
                expires_at=now + valid_for(),
                sent_by=user,
            )
            for volunteer in eligible.order_by("pk")
        ]
        Volunteer.objects.filter(pk__in=[s.volunteer_id for s in created]).update(
            last_solicited_at=now
        )
        for solicitation in created:
            log(
                solicitation,
                "wagtail_bippop.solicitation_sent",
                user=user,
                data={"request": locked.reference, "volunteer": solicitation.volunteer_id},
            )
        # Written with the solicitations (outbox), delivered once they have committed.
        send_solicitations(created)
    help_request.status = locked.status
    return created


def send_solicitations(solicitations):
    """Send each volunteer their personal link, by e-mail or SMS as they chose.

    Returns how many messages were queued (a volunteer reachable by neither goes onto the
    coordinators' call list, as every message of the app does).
    """
    sent = 0
    for solicitation in solicitations:
        message = _tell_volunteer(
            "solicitation_request", solicitation, answer_url=answer_url(solicitation)
        )
        sent += message is not None
    return sent


_FINAL_OUTCOMES = {
    SolicitationStatus.ACCEPTED: Outcome.ALREADY_ANSWERED,
    SolicitationStatus.DECLINED: Outcome.ALREADY_ANSWERED,
    SolicitationStatus.FILLED: Outcome.FILLED,
    SolicitationStatus.EXPIRED: Outcome.EXPIRED,
    SolicitationStatus.WITHDRAWN: Outcome.CLOSED,
}


def respond(solicitation, accept, *, user=None, now=None):
    """Record a volunteer's answer; returns a ``Response`` saying what happened.

    Safe to call from two requests at once: the request row is locked while its
    mission is created, and the unique constraint backs the lock.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # The request is locked first, as ``solicit`` does: answers to one request are
        # serialised, and the winner can close the others' rows without waiting on them.
        help_request = HelpRequest.objects.select_for_update().get(pk=solicitation.request_id)
        locked = Solicitation.objects.select_for_update().get(pk=solicitation.pk)
        if locked.status != SolicitationStatus.PENDING:
            return Response(_FINAL_OUTCOMES[locked.status], locked)
        if locked.expires_at and locked.expires_at <= now:
            _close(
                locked,
                SolicitationStatus.EXPIRED,
                None,
                user,
                "wagtail_bippop.solicitation_expired",
            )
            return Response(Outcome.EXPIRED, locked)
        if not accept:
            _close(
                locked,
                SolicitationStatus.DECLINED,
                now,
                user,
                "wagtail_bippop.solicitation_declined",
            )
            _after_commit("solicitation_declined_coordinator", locked, coordinator=True)
            return Response(Outcome.DECLINED, locked)
        # The volunteer's standing is read again under lock: a link sent before a suspension
        # (or a coordinator recording a yes by phone) must not create a mission.
        stage = (
            Volunteer.objects.select_for_update()
            .filter(pk=locked.volunteer_id)
            .values_list("stage", flat=True)
            .first()
        )
        if stage != VettingStage.ACTIVE:
            _close(
                locked,
                SolicitationStatus.WITHDRAWN,
                now,
                user,
                "wagtail_bippop.solicitation_refused_not_active",
            )
            return Response(Outcome.NOT_ACTIVE, locked)
        if help_request.status not in SOLICITABLE_STATUSES + (RequestStatus.MATCHED,):
            _close(
                locked,
                SolicitationStatus.WITHDRAWN,
                now,
                user,
                "wagtail_bippop.solicitation_withdrawn",
            )
            return Response(Outcome.CLOSED, locked)
        mission = _create_mission(help_request, locked, user, now)
        if mission is None:
            _close(
                locked, SolicitationStatus.FILLED, now, user, "wagtail_bippop.solicitation_filled"
            )
            _after_commit("solicitation_filled", locked)
            _after_commit("solicitation_filled_coordinator", locked, coordinator=True)
            return Response(Outcome.FILLED, locked)
        if help_request.status != RequestStatus.MATCHED:
            if help_request.status != RequestStatus.SEARCHING:
                help_request.move_to(RequestStatus.SEARCHING)
            help_request.move_to(RequestStatus.MATCHED)
            help_request.save(update_fields=["status", "matched_at", "first_contact_at"])
            log(help_request, "wagtail_bippop.request_matched", user=user)
        _close(
            locked, SolicitationStatus.ACCEPTED, now, user, "wagtail_bippop.solicitation_accepted"
        )
        log(mission, "wagtail_bippop.mission_created", user=user)
        _close_the_others(locked, user)
        _after_commit("mission_confirmed_volunteer", locked)
        # The person is told nothing yet: the coordinator first agrees the day and hour
        # with them, then records it on the mission (``scheduling.agree_schedule``).
        _after_commit("mission_confirmed_coordinator", locked, coordinator=True)
        return Response(Outcome.ACCEPTED, locked, mission)


def _create_mission(help_request, solicitation, user, now):
    """The new mission, or None when the request already has one in progress."""
    if Mission.objects.filter(request=help_request, status=MissionStatus.ACTIVE).exists():
        return None
    today = timezone.localdate(now)
    recurring = help_request.recurrence == Recurrence.RECURRING
    try:
        with transaction.atomic():
            return Mission.objects.create(
                request=help_request,
                volunteer_id=solicitation.volunteer_id,
                recurrence=MissionRecurrence.WEEKLY if recurring else MissionRecurrence.ONE_OFF,
                start_date=max(help_request.wanted_from or today, today),
                # To schedule: no day or hour is agreed with the person yet.
                schedule_agreed_at=None,
                created_at=now,
                created_by=user,
            )
    except IntegrityError:
        # Another acceptance won between our check and our insert.
        return None


def _close_the_others(accepted, user):
    """The request is taken: every volunteer still asked is told so, and needs not answer.

    Whoever recorded the yes (the volunteer online, or a coordinator who took it by
    phone), the others hear it at once through their own channel.
    """
    others = Solicitation.objects.filter(
        request_id=accepted.request_id, status=SolicitationStatus.PENDING
    ).exclude(pk=accepted.pk)
    for other in others:
        _close(other, SolicitationStatus.FILLED, None, user, TAKEN_BY_ANOTHER)
        _after_commit("solicitation_filled", other)


def _close(solicitation, status, when, user, action):
    solicitation.status = status
    solicitation.responded_at = when
    solicitation.save(update_fields=["status", "responded_at"])
    log(solicitation, action, user=user, data={"request_id": solicitation.request_id})


def _after_commit(kind, solicitation, *, coordinator=False):
    """Write the message in the answer's transaction (outbox); it leaves after the commit."""

    def send():
        fresh = Solicitation.objects.select_related(
            "request__territory__site", "request__beneficiary__area", "volunteer", "sent_by"
        ).get(pk=solicitation.pk)
        if not coordinator:
            _tell_volunteer(kind, fresh)
            return
        site = fresh.request.territory.site
        notifications.send(
            kind,
            to=_coordinator_emails(fresh),
            context={
                **site_values(site),
                **message_values(fresh),
                "mission_url": _mission_url(fresh),
            },
            territory=fresh.request.territory,
        )

    with transaction.atomic():
        send()


def _mission_url(solicitation):
    """The admin screen where the coordinator records the first visit agreed, if any."""
    mission = (
        Mission.objects.filter(
            request_id=solicitation.request_id,
            volunteer_id=solicitation.volunteer_id,
            status=MissionStatus.ACTIVE,
        )
        .only("pk")
        .first()
    )
    if mission is None:
        return ""
    path = reverse("wagtail_bippop_coordinator:mission_schedule", args=[mission.pk])
    return f"{getattr(settings, 'WAGTAILADMIN_BASE_URL', '').rstrip('/')}{path}"
