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

# Points per criterion. Offering a requested service outweighs all the others together,
# so volunteers who offer it always come first; the rest only fills a short list.
WEIGHTS = {
    "service": 100,
    "continuity": 25,
    "same_area": 30,
    "within_reach": 20,
    "available": 20,
    "not_away": 10,
    "free_hands": 10,
}
assert WEIGHTS["service"] > sum(WEIGHTS.values()) - WEIGHTS["service"] - WEIGHTS["within_reach"]

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
    """A ranked volunteer, what the database ranked them on, and why in plain words."""

    volunteer: Volunteer
    rank: int
    active_missions: int = 0
    distance_km: float | None = None
    offers_service: bool = False
    same_area: bool = False
    within_reach: bool = False
    available: bool = False
    away: bool = False
    continuity: bool = False
    reasons: list = dataclasses.field(default_factory=list)

    @property
    def busy(self):
        return self.active_missions > 0

    @property
    def score(self):
        """The points the database sorted on, recomputed from the same criteria."""
        near = 0
        if self.same_area:
            near = WEIGHTS["same_area"]
        elif self.within_reach:
            near = WEIGHTS["within_reach"]
        return (
            self.offers_service * WEIGHTS["service"]
            + self.continuity * WEIGHTS["continuity"]
            + near
            + self.available * WEIGHTS["available"]
            + (not self.away) * WEIGHTS["not_away"]
            + (not self.busy) * WEIGHTS["free_hands"]
        )


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
    evaluate, accurate to well under 1 % at the scale of a commune. ``squared_km`` below
    is the same formula, for the few volunteers shown.
    """
    lon_scale = KM_PER_DEGREE * math.cos(math.radians(criteria.latitude))
    dlat = (Cast("area__latitude", FloatField()) - Value(criteria.latitude)) * Value(KM_PER_DEGREE)
    dlon = (Cast("area__longitude", FloatField()) - Value(criteria.longitude)) * Value(lon_scale)
    return ExpressionWrapper(dlat * dlat + dlon * dlon, output_field=FloatField())


def squared_km(criteria, area):
    if criteria.latitude is None or area is None or area.latitude is None:
        return None
    lon_scale = KM_PER_DEGREE * math.cos(math.radians(criteria.latitude))
    dlat = (float(area.latitude) - criteria.latitude) * KM_PER_DEGREE
    dlon = (float(area.longitude) - criteria.longitude) * lon_scale
    return dlat * dlat + dlon * dlon


def _offers(criteria):
    offers = Volunteer.services.through.objects.filter(servicetype_id__in=criteria.service_ids)
    return offers.values("volunteer_id")


def _fit(criteria):
    """Points of every criterion but the service, as one database expression."""
    near = [When(Q(area_id=criteria.area_id), then=Value(WEIGHTS["same_area"]))]
    if criteria.latitude is not None:
        radius2 = F("mobility_radius_km") * F("mobility_radius_km")
        near.append(When(Q(distance2__lte=radius2), then=Value(WEIGHTS["within_reach"])))
    fit = Case(*near, default=Value(0)) if criteria.area_id else Value(0)
    if criteria.slots:
        free = AvailabilitySlot.objects.filter(_slots_q(criteria.slots)).values("volunteer_id")
        fit += _flag(Q(pk__in=free)) * WEIGHTS["available"]
    else:
        fit += Value(WEIGHTS["available"])
    visited = Visit.objects.filter(
        status=VisitStatus.DONE, mission__request__beneficiary_id=criteria.beneficiary_id
    ).values("mission__volunteer_id")
    fit += _flag(Q(pk__in=visited)) * WEIGHTS["continuity"]
    fit += (
        _flag(~Q(pk__in=_absences(criteria.window_start, criteria.window_end)))
        * WEIGHTS["not_away"]
    )
    fit += _flag(~Q(pk__in=_busy_volunteers())) * WEIGHTS["free_hands"]
    return ExpressionWrapper(fit, output_field=IntegerField())


def ranking_queryset(criteria, *, offering=True):
    """Eligible volunteers, best first: those who offer a requested service, or the others.

    The score is only used to sort (``alias``), so the database evaluates each criterion
    once per volunteer; the few volunteers shown get their reasons from ``_Details``.
    """
    volunteers = Volunteer.objects.filter(
        territory_id=criteria.territory_id, stage=VettingStage.ACTIVE
    ).exclude(
        Q(pk__in=_full_volunteers())
        | Q(pk__in=_absences(criteria.window_start, criteria.window_start))
        | Q(pk__in=Solicitation.objects.filter(request_id=criteria.request_id).values("volunteer"))
    )
    if criteria.service_ids:
        offers = Q(pk__in=_offers(criteria))
        volunteers = volunteers.filter(offers if offering else ~offers)
    elif not offering:
        return volunteers.none()
    if criteria.latitude is not None:
        volunteers = volunteers.alias(distance2=_squared_distance(criteria))
    return volunteers.alias(fit=_fit(criteria)).order_by(
        "-fit",
        F("last_solicited_at").asc(nulls_first=True),
        "pk",
    )


def suggest_volunteers(help_request, *, limit=None, today=None):
    """The best volunteers for ``help_request``, each with the reasons of its rank."""
    criteria = Criteria.for_request(help_request, today=today)
    limit = limit or bippop_settings.MATCHING_SUGGESTIONS
    top = list(ranking_queryset(criteria).select_related("area")[:limit])
    if len(top) < limit and criteria.service_ids:
        # Too few offer the service: complete the list with the best of the others.
        others = ranking_queryset(criteria, offering=False).select_related("area")
        top += list(others[: limit - len(top)])
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
        self.visited = set(
            Visit.objects.filter(
                status=VisitStatus.DONE,
                mission__volunteer_id__in=ids,
                mission__request__beneficiary_id=criteria.beneficiary_id,
            ).values_list("mission__volunteer_id", flat=True)
        )
        self.absences = {}
        for absence in Absence.objects.filter(
            volunteer_id__in=ids,
            start_date__lte=criteria.window_end,
            end_date__gte=criteria.window_start,
        ).order_by("start_date"):
            self.absences.setdefault(absence.volunteer_id, absence)

    def suggestion(self, volunteer, rank):
        criteria = self.criteria
        distance2 = squared_km(criteria, volunteer.area)
        suggestion = Suggestion(
            volunteer=volunteer,
            rank=rank,
            active_missions=self.loads.get(volunteer.pk, 0),
            distance_km=None if distance2 is None else round(math.sqrt(distance2), 1),
            offers_service=not criteria.service_ids or volunteer.pk in self.services,
            same_area=bool(criteria.area_id) and volunteer.area_id == criteria.area_id,
            within_reach=distance2 is not None
            and distance2 <= volunteer.mobility_radius_km * volunteer.mobility_radius_km,
            available=not criteria.slots or volunteer.pk in self.slots,
            away=volunteer.pk in self.absences,
            continuity=volunteer.pk in self.visited,
        )
        suggestion.reasons = [
            self._service(suggestion),
            self._place(suggestion),
            self._availability(suggestion),
            self._absence(volunteer),
            self._load(volunteer, suggestion.active_missions),
        ]
        if suggestion.continuity:
            suggestion.reasons.append(Reason(Reason.GOOD, _("Has already visited this person")))
        suggestion.reasons.append(self._fairness(volunteer))
        return suggestion

    def _service(self, suggestion):
        if not self.criteria.service_ids:
            return Reason(Reason.INFO, _("No particular service asked"))
        if suggestion.offers_service:
            names = ", ".join(self.services.get(suggestion.volunteer.pk, []))
            return Reason(Reason.GOOD, format_lazy(_("Offers: {}"), names))
        return Reason(Reason.BAD, _("Does not offer the service asked for"))

    def _place(self, suggestion):
        volunteer, distance = suggestion.volunteer, suggestion.distance_km
        if suggestion.same_area:
            return Reason(
                Reason.GOOD, format_lazy(_("Lives in the same area ({})"), self.criteria.area_name)
            )
        if suggestion.within_reach:
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

    def _availability(self, suggestion):
        if not self.criteria.slots:
            return Reason(Reason.INFO, _("No particular time asked"))
        if suggestion.available:
            times = ", ".join(self.slots.get(suggestion.volunteer.pk, []))
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
