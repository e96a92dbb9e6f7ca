"""Realistic, deterministic demo data for one territory.

``size`` is the number of inhabitants: a commune of 10,000 gets about 120 people helped,
60 volunteers and 2,000 visits over the last twelve months; 600,000 gives 100,000+ visits.
Everything is bulk-inserted, so large sizes stay practical for benchmarks.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from ..models import (
    AvailabilitySlot,
    Beneficiary,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    ContactChannel,
    ContactKind,
    ContactLog,
    DayPeriod,
    HelpRequest,
    IntakeChannel,
    Mission,
    MissionRecurrence,
    MissionStatus,
    Organisation,
    Recurrence,
    RequesterKind,
    RequestStatus,
    ServiceType,
    Solicitation,
    SolicitationStatus,
    TrainingAttendance,
    TrainingSession,
    VettingStage,
    Visit,
    VisitStatus,
    Volunteer,
    WantedSlot,
    Worry,
)
from ..models.people import name_key
from ..models.requests import REFERENCE_ALPHABET
from ..models.territory import Area
from . import names
from .steering import generate_steering

BATCH = 2000
TRAINING_TITLE = "Formation d'accueil des bénévoles"
TRAINING_PLACE = "Salle du conseil, mairie"
PERIOD_HOURS = {DayPeriod.MORNING: 10, DayPeriod.AFTERNOON: 14, DayPeriod.EVENING: 18}
RECURRENCE_DAYS = {
    MissionRecurrence.WEEKLY: 7,
    MissionRecurrence.FORTNIGHTLY: 14,
    MissionRecurrence.MONTHLY: 28,
}


def training_day(joined):
    """The welcome session a volunteer who joined on ``joined`` attends: the first Tuesday a
    week or more later (sessions are held on Tuesdays), before their co-optation."""
    day = joined + datetime.timedelta(days=7)
    return day + datetime.timedelta(days=(1 - day.weekday()) % 7)


@dataclass
class DemoCounts:
    areas: int = 0
    organisations: int = 0
    beneficiaries: int = 0
    volunteers: int = 0
    requests: int = 0
    missions: int = 0
    visits: int = 0
    contacts: int = 0
    extra: dict = field(default_factory=dict)


class DemoGenerator:
    def __init__(self, territory, *, size=10_000, seed=42, today=None, progress=None):
        self.territory = territory
        self.size = size
        self.rng = random.Random(seed)
        # References are unique across territories: draw them from their own stream.
        self.reference_rng = random.Random(f"{seed}-{territory.slug}")
        self.today = today or timezone.localdate()
        self.tz = timezone.get_current_timezone()
        self.progress = progress or (lambda message: None)
        self.counts = DemoCounts()

    # -- small helpers ---------------------------------------------------------------
    def at(self, day, hour, minute=0):
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.tz)

    def mobile(self):
        return "+33" + self.rng.choice("67") + "".join(self.rng.choices("0123456789", k=8))

    def landline(self):
        return "+333" + "44" + "".join(self.rng.choices("0123456789", k=6))

    def address(self):
        kind = self.rng.choice(names.STREET_KINDS)
        return f"{self.rng.randint(1, 120)} {kind} {self.rng.choice(names.STREET_NAMES)}"

    def email(self, first, last):
        clean = name_key(first, last).replace(" ", ".")
        return f"{clean}{self.rng.randint(1, 99)}@example.org"

    def reference(self, day):
        code = "".join(self.reference_rng.choices(REFERENCE_ALPHABET, k=6))
        return f"DA-{day:%Y}-{code}"

    # -- generation -----------------------------------------------------------------
    @transaction.atomic
    def run(self):
        territory = self.territory
        self.services = list(ServiceType.objects.filter(territory=territory, is_active=True))
        if not self.services:
            raise ValueError("The territory has no service type.")
        self.make_areas()
        self.make_organisations()
        self.make_volunteers()
        self.make_beneficiaries()
        self.make_requests_missions_visits()
        generate_steering(self)
        return self.counts

    def make_areas(self):
        existing = list(Area.objects.filter(territory=self.territory))
        if not existing:
            blocks = max(1, self.size // 50_000)
            created = []
            for block in range(blocks):
                for i, (name, lat, lon) in enumerate(names.AREAS):
                    label = name if block == 0 else f"{name} {block + 1}"
                    created.append(
                        Area(
                            territory=self.territory,
                            name=label,
                            latitude=round(lat + block * 0.01, 5),
                            longitude=round(lon + block * 0.01, 5),
                            sort_order=block * 10 + i,
                        )
                    )
            Area.objects.bulk_create(created)
            existing = list(Area.objects.filter(territory=self.territory))
        self.areas = existing
        self.counts.areas = len(existing)

    def make_organisations(self):
        town = self.territory.name
        organisations = [
            Organisation(
                territory=self.territory,
                name=name.format(town=town),
                kind=kind,
                description=description,
                contact_name=f"{self.rng.choice(names.ADULT_FIRST_NAMES)} "
                f"{self.rng.choice(names.LAST_NAMES)}",
                phone="03 44 " + " ".join(f"{self.rng.randint(0, 99):02d}" for _ in range(3)),
            )
            for name, kind, description in names.ORGANISATIONS
        ]
        Organisation.objects.bulk_create(organisations, ignore_conflicts=True)
        self.organisations = list(Organisation.objects.filter(territory=self.territory))
        self.counts.organisations = len(self.organisations)

    def make_volunteers(self):
        count = max(8, self.size * 6 // 1000)
        stages = (
            [VettingStage.ACTIVE] * 80
            + [VettingStage.TO_VET] * 6
            + [VettingStage.INTERVIEWED] * 4
            + [VettingStage.CHARTER_SIGNED] * 3
            + [VettingStage.TRAINED] * 3
            + [VettingStage.SUSPENDED] * 1
            + [VettingStage.LEFT] * 3
        )
        volunteers = []
        for _ in range(count):
            first = self.rng.choice(names.ADULT_FIRST_NAMES)
            last = self.rng.choice(names.LAST_NAMES)
            stage = self.rng.choice(stages)
            joined = self.today - datetime.timedelta(days=self.rng.randint(20, 900))
            checked = stage in (
                VettingStage.CHECKED,
                VettingStage.TRAINED,
                VettingStage.ACTIVE,
                VettingStage.SUSPENDED,
                VettingStage.LEFT,
            )
            volunteers.append(
                Volunteer(
                    territory=self.territory,
                    first_name=first,
                    last_name=last,
                    name_key=name_key(first, last),
                    phone=self.mobile(),
                    email=self.email(first, last),
                    address=self.address(),
                    area=self.rng.choice(self.areas),
                    stage=stage,
                    load_cap=self.rng.choice([1, 2, 2, 3, 3, 3, 4]),
                    has_car=self.rng.random() < 0.5,
                    mobility_radius_km=self.rng.choice([1, 2, 3, 5, 10]),
                    directory_opt_in=self.rng.random() < 0.4,
                    organisation=self.rng.choice(self.organisations)
                    if self.rng.random() < 0.3
                    else None,
                    interviewed_at=joined if stage != VettingStage.TO_VET else None,
                    charter_signed_at=self.at(joined, 10) if checked else None,
                    honourability_checked_on=joined if checked else None,
                    honourability_compatible=True if checked else None,
                    trained_at=training_day(joined) if checked else None,
                    activated_at=self.at(joined + datetime.timedelta(days=14), 9)
                    if stage == VettingStage.ACTIVE
                    else None,
                    left_reason="Déménagement" if stage == VettingStage.LEFT else "",
                )
            )
        Volunteer.objects.bulk_create(volunteers, batch_size=BATCH)
        self.volunteers = list(Volunteer.objects.filter(territory=self.territory))
        self.active_volunteers = [v for v in self.volunteers if v.stage == VettingStage.ACTIVE]
        through = Volunteer.services.through
        links, slots = [], []
        for volunteer in self.volunteers:
            for service in self.rng.sample(self.services, k=self.rng.randint(1, 4)):
                links.append(through(volunteer_id=volunteer.pk, servicetype_id=service.pk))
            for weekday in self.rng.sample(range(7), k=self.rng.randint(1, 4)):
                period = self.rng.choice(list(DayPeriod))
                slots.append(AvailabilitySlot(volunteer=volunteer, weekday=weekday, period=period))
        through.objects.bulk_create(links, batch_size=BATCH)
        AvailabilitySlot.objects.bulk_create(slots, batch_size=BATCH, ignore_conflicts=True)
        self.counts.volunteers = len(self.volunteers)
        self.make_training_sessions()
        self.progress(f"{len(self.volunteers)} volunteers")

    def make_training_sessions(self):
        """The welcome sessions held so far, each attended by the volunteers trained that day."""
        trained = [volunteer for volunteer in self.volunteers if volunteer.trained_at]
        days = sorted({volunteer.trained_at for volunteer in trained})
        sessions = TrainingSession.objects.bulk_create(
            [
                TrainingSession(
                    territory=self.territory,
                    title=TRAINING_TITLE,
                    date=day,
                    place=TRAINING_PLACE,
                    description="Le rôle de la personne bénévole, la charte, l'écoute, "
                    "les signes qui doivent alerter et qui prévenir.",
                )
                for day in days
            ]
        )
        by_day = {session.date: session for session in sessions}
        TrainingAttendance.objects.bulk_create(
            [
                TrainingAttendance(
                    session=by_day[volunteer.trained_at], volunteer=volunteer, attended=True
                )
                for volunteer in trained
            ],
            batch_size=BATCH,
        )
        self.counts.extra["training_sessions"] = len(sessions)

    def make_beneficiaries(self):
        count = max(10, self.size * 12 // 1000)
        beneficiaries = []
        for _ in range(count):
            first = self.rng.choice(names.SENIOR_FIRST_NAMES)
            last = self.rng.choice(names.LAST_NAMES)
            online = self.rng.random() < 0.25
            channel = (
                ContactChannel.EMAIL
                if online
                else self.rng.choice([ContactChannel.PHONE] * 4 + [ContactChannel.LETTER])
            )
            beneficiaries.append(
                Beneficiary(
                    territory=self.territory,
                    first_name=first,
                    last_name=last,
                    name_key=name_key(first, last),
                    phone=self.landline() if self.rng.random() < 0.7 else self.mobile(),
                    email=self.email(first, last) if online else "",
                    address=self.address(),
                    postcode="60999",
                    city=self.territory.name,
                    area=self.rng.choice(self.areas),
                    birth_year=self.today.year - self.rng.randint(62, 98),
                    is_online=online,
                    preferred_channel=channel,
                    lives_alone=self.rng.random() < 0.7,
                )
            )
        Beneficiary.objects.bulk_create(beneficiaries, batch_size=BATCH)
        self.beneficiaries = list(Beneficiary.objects.filter(territory=self.territory))
        ConsentRecord.objects.bulk_create(
            [
                ConsentRecord(
                    beneficiary=b,
                    purpose=ConsentPurpose.PROCESSING,
                    method=ConsentMethod.WEB_FORM if b.is_online else ConsentMethod.ORAL,
                    notice_version="demo",
                )
                for b in self.beneficiaries
            ],
            batch_size=BATCH,
        )
        self.counts.beneficiaries = len(self.beneficiaries)
        self.progress(f"{len(self.beneficiaries)} beneficiaries")

    def make_requests_missions_visits(self):
        rng = self.rng
        now = timezone.now()
        RequestServices = HelpRequest.services.through
        requests, wanted, services_links = [], [], []
        plans = []  # (request, beneficiary, created day, fate)
        for beneficiary in self.beneficiaries:
            for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
                day = self.today - datetime.timedelta(days=rng.randint(0, 364))
                # Today's requests arrived earlier today, even when the demo is built at dawn.
                created = min(
                    self.at(day, rng.randint(8, 17), rng.randint(0, 59)),
                    now - datetime.timedelta(minutes=30),
                )
                age = (self.today - day).days
                if age < 4:
                    fate = rng.choice(["new", "contacted", "searching"])
                else:
                    fate = rng.choices(
                        ["matched", "closed", "cancelled", "searching"], weights=[70, 12, 8, 10]
                    )[0]
                channel = (
                    IntakeChannel.WEB
                    if beneficiary.is_online and rng.random() < 0.7
                    else rng.choice(
                        [IntakeChannel.PHONE] * 5 + [IntakeChannel.IN_PERSON, IntakeChannel.PARTNER]
                    )
                )
                requester = rng.choice(
                    [RequesterKind.SELF] * 5
                    + [RequesterKind.RELATIVE] * 3
                    + [RequesterKind.PROFESSIONAL]
                )
                first_contact = created + datetime.timedelta(hours=rng.randint(2, 72))
                status = {
                    "new": RequestStatus.NEW,
                    "contacted": RequestStatus.CONTACTED,
                    "searching": RequestStatus.SEARCHING,
                    "matched": RequestStatus.MATCHED,
                    "closed": RequestStatus.CLOSED,
                    "cancelled": RequestStatus.CANCELLED,
                }[fate]
                request = HelpRequest(
                    territory=self.territory,
                    reference=self.reference(day),
                    beneficiary=beneficiary,
                    requester_kind=requester,
                    requester_name=""
                    if requester == RequesterKind.SELF
                    else f"{rng.choice(names.ADULT_FIRST_NAMES)} {beneficiary.last_name}",
                    channel=channel,
                    recurrence=Recurrence.RECURRING if rng.random() < 0.6 else Recurrence.ONE_OFF,
                    description=rng.choice(names.REQUEST_TEXTS),
                    status=status,
                    created_at=created,
                    first_contact_at=None if fate == "new" else min(first_contact, now),
                    matched_at=min(first_contact + datetime.timedelta(days=rng.randint(1, 10)), now)
                    if fate == "matched"
                    else None,
                    closed_at=min(created + datetime.timedelta(days=rng.randint(5, 30)), now)
                    if fate in ("closed", "cancelled")
                    else None,
                    close_reason="Plus de besoin" if fate == "cancelled" else "",
                )
                requests.append(request)
                plans.append((request, beneficiary, day, fate))
        HelpRequest.objects.bulk_create(requests, batch_size=BATCH)
        for request, _, _, _ in plans:
            for service in rng.sample(self.services, k=rng.choice([1, 1, 2])):
                services_links.append(
                    HelpRequest.services.through(
                        helprequest_id=request.pk, servicetype_id=service.pk
                    )
                )
            for weekday in rng.sample(range(7), k=rng.randint(1, 3)):
                wanted.append(
                    WantedSlot(request=request, weekday=weekday, period=rng.choice(list(DayPeriod)))
                )
        RequestServices.objects.bulk_create(services_links, batch_size=BATCH)
        WantedSlot.objects.bulk_create(wanted, batch_size=BATCH, ignore_conflicts=True)
        self.counts.requests = len(requests)
        self.progress(f"{len(requests)} requests")

        missions, solicitations = [], []
        for request, _beneficiary, day, fate in plans:
            if fate != "matched" or not self.active_volunteers:
                continue
            volunteer = rng.choice(self.active_volunteers)
            start = request.matched_at.date() if request.matched_at else day
            recurring = request.recurrence == Recurrence.RECURRING
            recurrence = (
                rng.choice(
                    [MissionRecurrence.WEEKLY] * 3
                    + [MissionRecurrence.FORTNIGHTLY, MissionRecurrence.MONTHLY]
                )
                if recurring
                else MissionRecurrence.ONE_OFF
            )
            ended = (not recurring and start < self.today) or (recurring and rng.random() < 0.2)
            missions.append(
                Mission(
                    request=request,
                    volunteer=volunteer,
                    status=MissionStatus.ENDED if ended else MissionStatus.ACTIVE,
                    recurrence=recurrence,
                    start_date=start,
                    end_date=None,
                    usual_time=datetime.time(rng.choice([10, 14, 15, 16]), 0),
                    usual_duration_minutes=rng.choice([45, 60, 60, 90, 120]),
                    created_at=request.matched_at or request.created_at,
                    ended_at=now if ended else None,
                )
            )
            solicitations.append(
                Solicitation(
                    request=request,
                    volunteer=volunteer,
                    status=SolicitationStatus.ACCEPTED,
                    sent_at=request.first_contact_at or request.created_at,
                    responded_at=request.matched_at,
                )
            )
        Mission.objects.bulk_create(missions, batch_size=BATCH)
        Solicitation.objects.bulk_create(solicitations, batch_size=BATCH)
        self.counts.missions = len(missions)

        visits, contacts = [], []
        horizon = self.today + datetime.timedelta(days=14)
        for mission in missions:
            step = RECURRENCE_DAYS.get(mission.recurrence)
            last = self.today if mission.status == MissionStatus.ENDED else horizon
            if mission.status == MissionStatus.ENDED and step:
                last = min(
                    self.today, mission.start_date + datetime.timedelta(days=rng.randint(30, 180))
                )
            day = mission.start_date
            while day <= last:
                starts = self.at(day, mission.usual_time.hour)
                future = day >= self.today
                if future:
                    status = VisitStatus.PLANNED
                else:
                    status = rng.choices(
                        [VisitStatus.DONE, VisitStatus.CANCELLED, VisitStatus.MISSED],
                        weights=[88, 8, 4],
                    )[0]
                done = status == VisitStatus.DONE
                visits.append(
                    Visit(
                        mission=mission,
                        starts_at=starts,
                        ends_at=starts + datetime.timedelta(minutes=mission.usual_duration_minutes),
                        status=status,
                        duration_minutes=mission.usual_duration_minutes
                        + rng.choice([-15, 0, 0, 15])
                        if done
                        else None,
                        report=rng.choice(names.VISIT_REPORTS) if done else "",
                        worry=done and rng.random() < 0.02,
                        reported_at=starts + datetime.timedelta(hours=3) if not future else None,
                    )
                )
                if len(visits) >= BATCH * 5:
                    self._flush_visits(visits)
                if not step:
                    break
                day += datetime.timedelta(days=step)
        self._flush_visits(visits)
        self.make_worries()
        for beneficiary in self.beneficiaries:
            for _ in range(rng.randint(0, 3)):
                day = self.today - datetime.timedelta(days=rng.randint(0, 364))
                contacts.append(
                    ContactLog(
                        beneficiary=beneficiary,
                        kind=rng.choice(
                            [ContactKind.CALL_OUT] * 3 + [ContactKind.CALL_IN, ContactKind.NOTE]
                        ),
                        occurred_at=self.at(day, rng.randint(9, 17), rng.randint(0, 59)),
                        reached=rng.random() < 0.85,
                        summary="Appel de courtoisie, tout va bien.",
                    )
                )
        ContactLog.objects.bulk_create(contacts, batch_size=BATCH)
        self.counts.contacts = len(contacts)

    def make_worries(self):
        """The worries raised in visit reports; those older than ten days were handled."""
        worried = Visit.objects.filter(
            worry=True, mission__request__territory=self.territory, worry_record__isnull=True
        ).select_related("mission__request")
        handled_before = self.at(self.today - datetime.timedelta(days=10), 0)
        worries = []
        for visit in worried.iterator(chunk_size=BATCH):
            raised = visit.reported_at or visit.starts_at
            handled = raised < handled_before
            worries.append(
                Worry(
                    beneficiary_id=visit.mission.request.beneficiary_id,
                    mission_id=visit.mission_id,
                    visit=visit,
                    raised_by_id=visit.mission.volunteer_id,
                    text=visit.report,
                    raised_at=raised,
                    handled_at=raised + datetime.timedelta(days=1) if handled else None,
                    handled_note="Personne appelée, médecin traitant prévenu." if handled else "",
                )
            )
        Worry.objects.bulk_create(worries, batch_size=BATCH)
        self.counts.extra["worries"] = len(worries)

    def _flush_visits(self, visits):
        Visit.objects.bulk_create(visits, batch_size=BATCH)
        self.counts.visits += len(visits)
        self.progress(f"{self.counts.visits} visits")
        visits.clear()
