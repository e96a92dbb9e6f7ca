"""Ranking the active volunteers of a territory for one help request.

The database does the ranking. Each criterion is an annotation built from an
*uncorrelated* ``IN (subquery)``: PostgreSQL and SQLite compute such a set once and probe
it per volunteer, instead of running a subquery for every row. The score is a weighted
sum of the criteria; ties go to the volunteer asked least recently (fairness). Only the
top suggestions are fetched, then their details (distance, load, matching times,
absences) are read in a few constant queries to explain the order in plain words.

Hard rules are filters, not weights: only active (co-opted) volunteers of the request's
territory, never one at their load cap, never one away on the first wanted day, never
one already asked for this request.
"""

import dataclasses
import datetime
import math

from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils import formats, timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .conf import bippop_settings
from .models import (
    Absence,
    AvailabilitySlot,
    Mission,
    MissionStatus,
    ServiceType,
    Solicitation,
    VettingStage,
    Visit,
    VisitStatus,
    Volunteer,
    WantedSlot,
)

# Points per criterion. Offering the service matters most, then knowing the person,
# then being close, then being free at the wanted times.
WEIGHTS = {
    "service": 40,
    "continuity": 25,
    "same_area": 30,
    "within_reach": 20,
    "available": 20,
    "not_away": 10,
    "free_hands": 10,
}

KM_PER_DEGREE = 111.2


@dataclasses.dataclass(frozen=True)
class Reason:
    """One line of explanation next to a suggestion."""

    GOOD = "good"
    BAD = "bad"
    INFO = "info"

    kind: str
    text: str

    @property
    def is_good(self):
        return self.kind == self.GOOD

    @property
    def is_bad(self):
        return self.kind == self.BAD


@dataclasses.dataclass
class Suggestion:
    volunteer: Volunteer
    score: int
    rank: int
    active_missions: int = 0
    distance_km: float | None = None
    reasons: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class Criteria:
    """What the request asks for, read once (a few small queries)."""

    request_id: int
    territory_id: int
    beneficiary_id: int
    service_ids: tuple
    area_id: int | None
    area_name: str
    latitude: float | None
    longitude: float | None
    slots: tuple  # (weekday, period) pairs
    window_start: datetime.date
    window_end: datetime.date

    @classmethod
    def for_request(cls, help_request, *, today=None):
        today = today or timezone.localdate()
        start = max(help_request.wanted_from or today, today)
        area = help_request.beneficiary.area
        has_point = area is not None and area.latitude is not None and area.longitude is not None
        return cls(
            request_id=help_request.pk,
            territory_id=help_request.territory_id,
            beneficiary_id=help_request.beneficiary_id,
            service_ids=tuple(
                ServiceType.objects.filter(help_requests=help_request).values_list("pk", flat=True)
            ),
            area_id=area.pk if area else None,
            area_name=area.name if area else "",
            latitude=float(area.latitude) if has_point else None,
            longitude=float(area.longitude) if has_point else None,
            slots=tuple(
                WantedSlot.objects.filter(request=help_request).values_list("weekday", "period")
            ),
            window_start=start,
            window_end=start + datetime.timedelta(days=bippop_settings.MATCHING_WINDOW_DAYS - 1),
        )


def _flag(condition):
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _slots_q(slots):
    query = Q()
    for weekday, period in slots:
        query |= Q(weekday=weekday, period=period)
    return query


def _busy_volunteers():
    return Mission.objects.filter(status=MissionStatus.ACTIVE).values("volunteer_id")


def _full_volunteers():
    """Volunteers whose active missions reached their own cap."""
    return (
        Mission.objects.filter(status=MissionStatus.ACTIVE)
        .values("volunteer_id", "volunteer__load_cap")
        .annotate(load=Count("pk"))
        .filter(load__gte=F("volunteer__load_cap"))
        .values("volunteer_id")
    )


def _absences(start, end):
    return Absence.objects.filter(start_date__lte=end, end_date__gte=start).values("volunteer_id")


def _squared_distance(criteria):
    """Squared distance in km² between the volunteer's area and the person's area.

    An equirectangular approximation: plain arithmetic that SQLite and PostgreSQL both
    evaluate, accurate to well under 1 % at the scale of a commune.
    """
    lon_scale = KM_PER_DEGREE * math.cos(math.radians(criteria.latitude))
    dlat = (Cast("area__latitude", FloatField()) - Value(criteria.latitude)) * Value(KM_PER_DEGREE)
    dlon = (Cast("area__longitude", FloatField()) - Value(criteria.longitude)) * Value(lon_scale)
    return ExpressionWrapper(dlat * dlat + dlon * dlon, output_field=FloatField())


def ranking_queryset(criteria):
    """Eligible volunteers, annotated with each criterion and a score, best first."""
    volunteers = Volunteer.objects.filter(
        territory_id=criteria.territory_id, stage=VettingStage.ACTIVE
    ).exclude(
        Q(pk__in=_full_volunteers())
        | Q(pk__in=_absences(criteria.window_start, criteria.window_start))
        | Q(pk__in=Solicitation.objects.filter(request_id=criteria.request_id).values("volunteer"))
    )

    if criteria.service_ids:
        offers = Volunteer.services.through.objects.filter(servicetype_id__in=criteria.service_ids)
        service = _flag(Q(pk__in=offers.values("volunteer_id")))
    else:
        service = Value(1)
    if criteria.slots:
        free = AvailabilitySlot.objects.filter(_slots_q(criteria.slots)).values("volunteer_id")
        available = _flag(Q(pk__in=free))
    else:
        available = Value(1)
    same_area = _flag(Q(area_id=criteria.area_id)) if criteria.area_id else Value(0)
    if criteria.latitude is not None:
        volunteers = volunteers.annotate(distance2=_squared_distance(criteria))
        within_reach = _flag(Q(distance2__lte=F("mobility_radius_km") * F("mobility_radius_km")))
    else:
        volunteers = volunteers.annotate(distance2=Value(None, output_field=FloatField()))
        within_reach = Value(0)
    visited = Visit.objects.filter(
        status=VisitStatus.DONE, mission__request__beneficiary_id=criteria.beneficiary_id
    ).values("mission__volunteer_id")

    volunteers = volunteers.annotate(
        offers_service=service,
        same_area=same_area,
        within_reach=within_reach,
        available=available,
        away=_flag(Q(pk__in=_absences(criteria.window_start, criteria.window_end))),
        busy=_flag(Q(pk__in=_busy_volunteers())),
        continuity=_flag(Q(pk__in=visited)),
    )
    score = (
        F("offers_service") * WEIGHTS["service"]
        + F("continuity") * WEIGHTS["continuity"]
        # Same area counts as close; a nearby area within the radius a bit less.
        + Case(
            When(same_area=1, then=Value(WEIGHTS["same_area"])),
            When(within_reach=1, then=Value(WEIGHTS["within_reach"])),
            default=Value(0),
        )
        + F("available") * WEIGHTS["available"]
        + (1 - F("away")) * WEIGHTS["not_away"]
        + (1 - F("busy")) * WEIGHTS["free_hands"]
    )
    return volunteers.annotate(
        score=ExpressionWrapper(score, output_field=IntegerField())
    ).order_by(
        "-score",
        F("last_solicited_at").asc(nulls_first=True),
        "pk",
    )


def suggest_volunteers(help_request, *, limit=None, today=None):
    """The best volunteers for ``help_request``, each with the reasons of its rank."""
    criteria = Criteria.for_request(help_request, today=today)
    limit = limit or bippop_settings.MATCHING_SUGGESTIONS
    top = list(ranking_queryset(criteria).select_related("area")[:limit])
    if not top:
        return []
    details = _Details(criteria, [volunteer.pk for volunteer in top])
    return [details.suggestion(volunteer, rank) for rank, volunteer in enumerate(top, start=1)]


class _Details:
    """What explains the order, read for the shown volunteers only (constant queries)."""

    def __init__(self, criteria, ids):
        self.criteria = criteria
        self.loads = dict(
            Mission.objects.filter(volunteer_id__in=ids, status=MissionStatus.ACTIVE)
            .values("volunteer_id")
            .annotate(n=Count("pk"))
            .values_list("volunteer_id", "n")
        )
        self.services = _grouped(
            Volunteer.services.through.objects.filter(
                volunteer_id__in=ids, servicetype_id__in=criteria.service_ids
            )
            .order_by("servicetype__sort_order", "servicetype__name")
            .values_list("volunteer_id", "servicetype__name")
        )
        self.slots = {}
        if criteria.slots:
            for slot in AvailabilitySlot.objects.filter(
                _slots_q(criteria.slots), volunteer_id__in=ids
            ).order_by("weekday", "period"):
                self.slots.setdefault(slot.volunteer_id, []).append(str(slot))
        self.absences = {}
        for absence in Absence.objects.filter(
            volunteer_id__in=ids,
            start_date__lte=criteria.window_end,
            end_date__gte=criteria.window_start,
        ).order_by("start_date"):
            self.absences.setdefault(absence.volunteer_id, absence)

    def suggestion(self, volunteer, rank):
        distance = None
        if volunteer.distance2 is not None:
            distance = round(math.sqrt(volunteer.distance2), 1)
        suggestion = Suggestion(
            volunteer=volunteer,
            score=volunteer.score,
            rank=rank,
            active_missions=self.loads.get(volunteer.pk, 0),
            distance_km=distance,
        )
        suggestion.reasons = [
            self._service(volunteer),
            self._place(volunteer, distance),
            self._availability(volunteer),
            self._absence(volunteer),
            self._load(volunteer, suggestion.active_missions),
        ]
        if volunteer.continuity:
            suggestion.reasons.append(Reason(Reason.GOOD, _("Has already visited this person")))
        suggestion.reasons.append(self._fairness(volunteer))
        return suggestion

    def _service(self, volunteer):
        if not self.criteria.service_ids:
            return Reason(Reason.INFO, _("No particular service asked"))
        if volunteer.offers_service:
            names = ", ".join(self.services.get(volunteer.pk, []))
            return Reason(Reason.GOOD, format_lazy(_("Offers: {}"), names))
        return Reason(Reason.BAD, _("Does not offer the service asked for"))

    def _place(self, volunteer, distance):
        if volunteer.same_area:
            return Reason(
                Reason.GOOD, format_lazy(_("Lives in the same area ({})"), self.criteria.area_name)
            )
        if volunteer.within_reach:
            return Reason(
                Reason.GOOD,
                _("About %(km)s km away, within the %(radius)s km they travel")
                % {"km": formats.localize(distance), "radius": volunteer.mobility_radius_km},
            )
        if distance is not None:
            return Reason(
                Reason.BAD,
                _("About %(km)s km away, further than the %(radius)s km they travel")
                % {"km": formats.localize(distance), "radius": volunteer.mobility_radius_km},
            )
        return Reason(Reason.INFO, _("Distance unknown (area not given)"))

    def _availability(self, volunteer):
        if not self.criteria.slots:
            return Reason(Reason.INFO, _("No particular time asked"))
        if volunteer.available:
            times = ", ".join(self.slots.get(volunteer.pk, []))
            return Reason(Reason.GOOD, format_lazy(_("Free at a wanted time: {}"), times))
        return Reason(Reason.BAD, _("Not free at the wanted times"))

    def _absence(self, volunteer):
        absence = self.absences.get(volunteer.pk)
        if absence is None:
            return Reason(
                Reason.GOOD,
                _("Not away between %(start)s and %(end)s")
                % {
                    "start": formats.date_format(self.criteria.window_start, "SHORT_DATE_FORMAT"),
                    "end": formats.date_format(self.criteria.window_end, "SHORT_DATE_FORMAT"),
                },
            )
        return Reason(
            Reason.BAD,
            _("Away from %(start)s to %(end)s")
            % {
                "start": formats.date_format(absence.start_date, "SHORT_DATE_FORMAT"),
                "end": formats.date_format(absence.end_date, "SHORT_DATE_FORMAT"),
            },
        )

    def _load(self, volunteer, count):
        text = ngettext(
            "%(count)s mission in progress, up to %(cap)s at a time",
            "%(count)s missions in progress, up to %(cap)s at a time",
            count,
        ) % {"count": count, "cap": volunteer.load_cap}
        return Reason(Reason.GOOD if count == 0 else Reason.INFO, text)

    def _fairness(self, volunteer):
        if volunteer.last_solicited_at is None:
            return Reason(Reason.INFO, _("Never asked yet"))
        when = timezone.localtime(volunteer.last_solicited_at).date()
        return Reason(
            Reason.INFO,
            format_lazy(_("Last asked on {}"), formats.date_format(when, "SHORT_DATE_FORMAT")),
        )


def _grouped(pairs):
    grouped = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped
