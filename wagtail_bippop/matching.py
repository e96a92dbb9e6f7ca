"""Ranking the active volunteers of a territory for one help request.

The database does the ranking, in one query over the candidates only (active, this
territory, offering a requested service, not away on the first wanted day, not asked
yet). Their missions in progress are counted with one join, which enforces each
volunteer's own cap. The other criteria are *uncorrelated* ``IN (subquery)`` sets that
PostgreSQL and SQLite compute once and probe per candidate, instead of running a
subquery for every row; nearness compares the volunteer's radius with a number worked
out once per area of the territory. The score is a weighted sum of the criteria; ties go
to the volunteer asked least recently (fairness). Only the top ids are fetched, then the
shown volunteers and what explains their rank (load, absence, continuity, services,
matching times) are read in three queries.

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
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .conf import bippop_settings
from .models import (
    Absence,
    Area,
    AvailabilitySlot,
    Beneficiary,
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
    def fit_label(self):
        """The rank in words for the coordinator, from the same criteria as the score."""
        if not self.offers_service:
            return _("Less suitable")
        near = self.same_area or self.within_reach
        if self.available and near and not self.away:
            return _("Very suitable")
        if self.available or near:
            return _("Suitable")
        return _("Could suit")

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
    # The other areas of the territory by the radius it takes to reach the person from
    # them: ((km, (area ids…)), …). The database compares integers, not coordinates.
    reach: tuple = ()

    @classmethod
    def for_request(cls, help_request, *, today=None):
        today = today or timezone.localdate()
        start = max(help_request.wanted_from or today, today)
        # The territory's areas and the person's own, in one query.
        home = Beneficiary.objects.filter(pk=help_request.beneficiary_id, area=OuterRef("pk"))
        areas = list(
            Area.objects.annotate(is_home=Exists(home))
            .filter(Q(territory_id=help_request.territory_id) | Q(is_home=True))
            .only("name", "latitude", "longitude")
        )
        area = next((area for area in areas if area.is_home), None)
        has_point = area is not None and area.latitude is not None and area.longitude is not None
        criteria = cls(
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
        return dataclasses.replace(criteria, reach=_reach(criteria, areas))


def _reach(criteria, areas):
    """Group the areas by the smallest whole radius, in km, that reaches the person.

    A few dozen areas per territory, computed here once, so that the database only
    compares each volunteer's radius with a number instead of computing a distance.
    """
    by_km = {}
    for area in areas:
        distance2 = squared_km(criteria, area)
        if area.pk == criteria.area_id or distance2 is None:
            continue
        km = math.ceil(math.sqrt(distance2))
        while km > 0 and (km - 1) * (km - 1) >= distance2:
            km -= 1
        while km * km < distance2:
            km += 1
        by_km.setdefault(km, []).append(area.pk)
    return tuple((km, tuple(sorted(ids))) for km, ids in sorted(by_km.items()))


def _flag(condition):
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _slots_q(slots):
    query = Q()
    for weekday, period in slots:
        query |= Q(weekday=weekday, period=period)
    return query


def _busy_volunteers():
    return Mission.objects.filter(status=MissionStatus.ACTIVE).values("volunteer_id")


def _absences(start, end):
    return Absence.objects.filter(start_date__lte=end, end_date__gte=start).values("volunteer_id")


def squared_km(criteria, area):
    if criteria.latitude is None or criteria.longitude is None:
        return None
    # An area with half its coordinates typed in has no usable position.
    if area is None or area.latitude is None or area.longitude is None:
        return None
    lon_scale = KM_PER_DEGREE * math.cos(math.radians(criteria.latitude))
    dlat = (float(area.latitude) - criteria.latitude) * KM_PER_DEGREE
    dlon = (float(area.longitude) - criteria.longitude) * lon_scale
    return dlat * dlat + dlon * dlon


def _offers(criteria):
    offers = Volunteer.services.through.objects.filter(servicetype_id__in=criteria.service_ids)
    return offers.values("volunteer_id")


class _NearPoints(Func):
    """Points for living near the person: the same area, or an area within the radius.

    ``CASE WHEN area = … THEN 30 WHEN area IN (…) AND radius >= km THEN 20 … ELSE 0``,
    written directly: a few dozen areas would otherwise be as many ``When`` objects for
    the ORM to resolve on every request.
    """

    output_field = IntegerField()

    def __init__(self, criteria):
        super().__init__(F("area_id"), F("mobility_radius_km"))
        self.criteria = criteria

    def as_sql(self, compiler, connection, **extra_context):
        area, area_params = compiler.compile(self.source_expressions[0])
        radius, radius_params = compiler.compile(self.source_expressions[1])
        sql = [f"CASE WHEN {area} = %s THEN %s"]
        params = [*area_params, self.criteria.area_id, WEIGHTS["same_area"]]
        for km, area_ids in self.criteria.reach:
            places = ", ".join(["%s"] * len(area_ids))
            sql.append(f"WHEN {area} IN ({places}) AND {radius} >= %s THEN %s")
            params += [*area_params, *area_ids, *radius_params, km, WEIGHTS["within_reach"]]
        sql.append("ELSE 0 END")
        return f"({' '.join(sql)})", params


def _fit(criteria):
    """Points of every criterion but the service, as one database expression."""
    fit = _NearPoints(criteria) if criteria.area_id else Value(0)
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
        Q(pk__in=_absences(criteria.window_start, criteria.window_start))
        | Q(pk__in=Solicitation.objects.filter(request_id=criteria.request_id).values("volunteer"))
    )
    if criteria.service_ids:
        offers = Q(pk__in=_offers(criteria))
        volunteers = volunteers.filter(offers if offering else ~offers)
    elif not offering:
        return volunteers.none()
    # The load cap: one join on the missions in progress and a count per volunteer.
    volunteers = (
        volunteers.alias(
            in_progress=FilteredRelation(
                "missions", condition=Q(missions__status=MissionStatus.ACTIVE)
            )
        )
        .alias(load=Count("in_progress"))
        .filter(load__lt=F("load_cap"))
    )
    return volunteers.alias(fit=_fit(criteria)).order_by(
        "-fit",
        F("last_solicited_at").asc(nulls_first=True),
        "pk",
    )


def suggest_volunteers(help_request, *, limit=None, today=None):
    """The best volunteers for ``help_request``, each with the reasons of its rank."""
    criteria = Criteria.for_request(help_request, today=today)
    limit = limit or bippop_settings.MATCHING_SUGGESTIONS
    ids = list(ranking_queryset(criteria).values_list("pk", flat=True)[:limit])
    if len(ids) < limit and criteria.service_ids:
        # Too few offer the service: complete the list with the best of the others.
        others = ranking_queryset(criteria, offering=False).values_list("pk", flat=True)
        ids += list(others[: limit - len(ids)])
    if not ids:
        return []
    details = _Details(criteria, ids)
    return [details.suggestion(details.volunteers[pk], rank) for rank, pk in enumerate(ids, 1)]


class _Details:
    """What explains the order, read for the shown volunteers only (three queries)."""

    def __init__(self, criteria, ids):
        self.criteria = criteria
        self.reach = {area_id: km for km, area_ids in criteria.reach for area_id in area_ids}
        load = (
            Mission.objects.filter(volunteer=OuterRef("pk"), status=MissionStatus.ACTIVE)
            .order_by()
            .values("volunteer")
            .annotate(n=Count("pk"))
            .values("n")
        )
        visited = Visit.objects.filter(
            status=VisitStatus.DONE,
            mission__volunteer=OuterRef("pk"),
            mission__request__beneficiary_id=criteria.beneficiary_id,
        )
        absence = Absence.objects.filter(
            volunteer=OuterRef("pk"),
            start_date__lte=criteria.window_end,
            end_date__gte=criteria.window_start,
        ).order_by("start_date", "pk")
        # Correlated subqueries are fine here: they run for the shown volunteers only.
        self.volunteers = (
            Volunteer.objects.select_related("area")
            .annotate(
                active_missions=Coalesce(Subquery(load), 0),
                has_visited=Exists(visited),
                away_from=Subquery(absence.values("start_date")[:1]),
                away_to=Subquery(absence.values("end_date")[:1]),
            )
            .in_bulk(ids)
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

    def suggestion(self, volunteer, rank):
        criteria = self.criteria
        distance2 = squared_km(criteria, volunteer.area)
        suggestion = Suggestion(
            volunteer=volunteer,
            rank=rank,
            active_missions=volunteer.active_missions,
            distance_km=None if distance2 is None else round(math.sqrt(distance2), 1),
            offers_service=not criteria.service_ids or volunteer.pk in self.services,
            same_area=bool(criteria.area_id) and volunteer.area_id == criteria.area_id,
            within_reach=volunteer.mobility_radius_km
            >= self.reach.get(volunteer.area_id, math.inf),
            available=not criteria.slots or volunteer.pk in self.slots,
            away=volunteer.away_from is not None,
            continuity=volunteer.has_visited,
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
        if volunteer.away_from is None:
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
                "start": formats.date_format(volunteer.away_from, "SHORT_DATE_FORMAT"),
                "end": formats.date_format(volunteer.away_to, "SHORT_DATE_FORMAT"),
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
