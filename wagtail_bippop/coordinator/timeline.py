"""One person's story in date order: requests, missions, visits, calls and notes.

Answers "who saw this person last, when, and how was it?". A fixed number of queries,
whatever the length of the story.
"""

from dataclasses import dataclass, field

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from .. import scheduling
from ..models import (
    ContactKind,
    ContactLog,
    HelpRequest,
    Mission,
    MissionStatus,
    OutboxMessage,
    Visit,
    VisitStatus,
    Worry,
)


@dataclass
class Entry:
    when: object
    kind: str
    title: str
    who: str = ""
    detail: str = ""
    outcome: str = ""
    worry: bool = False
    tags: list = field(default_factory=list)


@dataclass
class Timeline:
    entries: list
    last_seen: Entry | None


def _user_name(user):
    return (user.get_full_name() or user.get_username()) if user else ""


def build_timeline(beneficiary):
    entries = []
    requests = HelpRequest.objects.filter(beneficiary=beneficiary).prefetch_related("services")
    for request in requests:
        entries.append(
            Entry(
                when=request.created_at,
                kind="request",
                title=_("Request %(reference)s") % {"reference": request.reference},
                who=request.requester_name,
                detail=", ".join(service.name for service in request.services.all()),
                outcome=request.get_status_display(),
            )
        )
    missions = Mission.objects.filter(request__beneficiary=beneficiary).select_related("volunteer")
    for mission in missions:
        entries.append(
            Entry(
                when=mission.created_at,
                kind="mission",
                title=_("Mission started with %(volunteer)s")
                % {"volunteer": mission.volunteer.full_name},
                who=mission.volunteer.full_name,
                detail=mission.get_recurrence_display(),
            )
        )
        if mission.is_scheduled:
            entries.append(
                Entry(
                    when=mission.schedule_agreed_at,
                    kind="mission",
                    title=_("First visit agreed"),
                    who=mission.volunteer.full_name,
                    detail=scheduling.describe_schedule(mission),
                )
            )
        if mission.status == MissionStatus.ENDED and mission.ended_at:
            entries.append(
                Entry(
                    when=mission.ended_at,
                    kind="mission",
                    title=_("Mission ended"),
                    who=mission.volunteer.full_name,
                    detail=mission.end_reason,
                )
            )
    visits = (
        Visit.objects.filter(mission__request__beneficiary=beneficiary)
        .exclude(status=VisitStatus.PLANNED)
        .select_related("mission__volunteer")
    )
    last_seen = None
    for visit in visits:
        entry = Entry(
            when=visit.starts_at,
            kind="visit",
            title=_("Visit: %(status)s") % {"status": visit.get_status_display()},
            who=visit.mission.volunteer.full_name,
            detail=visit.report,
            outcome=(
                _("%(minutes)s minutes") % {"minutes": visit.duration_minutes}
                if visit.duration_minutes
                else ""
            ),
            worry=visit.worry,
        )
        entries.append(entry)
        if visit.status == VisitStatus.DONE and (last_seen is None or entry.when > last_seen.when):
            last_seen = entry
    contacts = ContactLog.objects.filter(beneficiary=beneficiary).select_related(
        "author", "volunteer"
    )
    for contact in contacts:
        entry = Entry(
            when=contact.occurred_at,
            kind="contact",
            title=contact.get_kind_display(),
            who=contact.volunteer.full_name if contact.volunteer else _user_name(contact.author),
            detail=contact.summary,
            outcome="" if contact.reached else _("Not reached"),
        )
        entries.append(entry)
        if (
            contact.reached
            and contact.kind == ContactKind.HOME_VISIT
            and (last_seen is None or entry.when > last_seen.when)
        ):
            last_seen = entry
    worries = Worry.objects.filter(beneficiary=beneficiary).select_related(
        "raised_by", "handled_by"
    )
    for worry in worries:
        if worry.handled_at:
            outcome = _("Handled by %(name)s on %(date)s") % {
                "name": _user_name(worry.handled_by),
                "date": formats.date_format(
                    timezone.localtime(worry.handled_at), "SHORT_DATE_FORMAT"
                ),
            }
            if worry.handled_note:
                outcome = f"{outcome} – {worry.handled_note}"
        else:
            outcome = _("Not handled yet")
        entries.append(
            Entry(
                when=worry.raised_at,
                kind="worry",
                title=_("Worry raised"),
                who=worry.raised_by.full_name if worry.raised_by else "",
                detail=worry.text,
                outcome=outcome,
                worry=True,
            )
        )
    # What the person was told, and how: a message is a promise made to them.
    messages = OutboxMessage.objects.filter(beneficiary=beneficiary).order_by("-created_at")[:50]
    for message in messages:
        entries.append(
            Entry(
                when=message.created_at,
                kind="message",
                title=_("Message to the person: %(subject)s")
                % {"subject": message.subject or message.kind},
                who=message.get_channel_display(),
                detail=message.body,
                outcome=message.get_status_display(),
            )
        )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return Timeline(entries=entries, last_seen=last_seen)
