"""The dashboard's figures, each aggregated in the database.

Every function takes a ``Period`` (territories + dates) and runs a fixed number of queries,
whatever the amount of data: breakdowns are ``GROUP BY`` queries, medians are read from the
database by position in an ordered list, never by loading rows into Python.
"""

import datetime
from calendar import monthrange
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, Greatest, TruncMonth
from django.utils import timezone

from ..conf import bippop_settings
from ..models import (
    Beneficiary,
    BeneficiaryStatus,
    ContactLog,
    HelpRequest,
    IntakeChannel,
    LonelinessAssessment,
    RequestStatus,
    Visit,
    VisitStatus,
    Volunteer,
)


@dataclass(frozen=True)
class Period:
    """Dates are inclusive; ``territory_ids`` are those the user chose among theirs."""

    territory_ids: tuple
    start: datetime.date
    end: datetime.date

    @property
    def start_at(self):
        return _midnight(self.start)

    @property
    def end_at(self):
        return _midnight(self.end + datetime.timedelta(days=1))

    def previous(self):
        """The period of the same length just before this one."""
        length = self.end - self.start + datetime.timedelta(days=1)
        return Period(self.territory_ids, self.start - length, self.start - datetime.timedelta(1))


def _midnight(day):
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def done_visits(period):
    return Visit.objects.filter(
        status=VisitStatus.DONE,
        mission__request__territory_id__in=period.territory_ids,
        starts_at__gte=period.start_at,
        starts_at__lt=period.end_at,
    )


def new_requests(period):
    return HelpRequest.objects.filter(
        territory_id__in=period.territory_ids,
        created_at__gte=period.start_at,
        created_at__lt=period.end_at,
    )


def median(queryset, expression):
    """Median of ``expression`` over ``queryset``, computed in the database.

    PostgreSQL: one ``percentile_cont`` query. Elsewhere: count, then fetch the one or two
    middle values by position (two queries, no rows loaded but those).
    """
    values = queryset.annotate(_m=expression).filter(_m__isnull=False)
    if connection.vendor == "postgresql":
        try:
            sql, params = values.order_by().values("_m").query.sql_with_params()
        except EmptyResultSet:
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY _m) FROM ({sql}) AS sub",
                params,
            )
            (result,) = cursor.fetchone()
        return result
    count = values.count()
    if not count:
        return None
    low, high = (count - 1) // 2, count // 2
    middle = list(values.order_by("_m").values_list("_m", flat=True)[low : high + 1])
    if len(middle) == 1:
        return middle[0]
    first, second = middle
    return first + (second - first) / 2


def visit_totals(period):
    """People helped, visits, hours, volunteers and worries: one scan of the visits."""
    totals = done_visits(period).aggregate(
        visits=Count("pk"),
        minutes=Sum("duration_minutes"),
        people=Count("mission__request__beneficiary", distinct=True),
        people_offline=Count(
            "mission__request__beneficiary",
            distinct=True,
            filter=Q(mission__request__beneficiary__is_online=False),
        ),
        volunteers=Count("mission__volunteer", distinct=True),
        worries=Count("pk", filter=Q(worry=True)),
    )
    minutes = totals.pop("minutes") or 0
    totals["hours"] = Decimal(minutes) / 60
    totals["hours_value"] = totals["hours"] * Decimal(str(bippop_settings.VOLUNTEER_HOUR_VALUE))
    people = totals["people"]
    totals["coverage"] = totals["people_offline"] / people if people else None
    return totals


def request_figures(period):
    requests = new_requests(period)
    by_status = dict(
        requests.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    to_contact = ExpressionWrapper(
        F("first_contact_at") - F("created_at"), output_field=DurationField()
    )
    # A request of the period cannot be visited before the period starts: fewer rows to read.
    first_visit = Min(
        "missions__visits__starts_at",
        filter=Q(missions__visits__status="done", missions__visits__starts_at__gte=period.start_at),
    )
    to_visit = ExpressionWrapper(first_visit - F("created_at"), output_field=DurationField())
    return {
        "new_requests": sum(by_status.values()),
        "by_status": [(label, by_status.get(value, 0)) for value, label in RequestStatus.choices],
        "median_to_contact": median(requests, to_contact),
        "median_to_first_visit": median(requests, to_visit),
    }


def volunteer_retention(period):
    """Volunteers who gave time in the previous period, and how many came back in this one."""
    previous = period.previous()

    def gave_time(p):
        return Exists(
            done_visits(p).filter(mission__volunteer=OuterRef("pk")).order_by().values("pk")
        )

    counts = (
        Volunteer.objects.filter(territory_id__in=period.territory_ids)
        .annotate(gave_before=gave_time(previous), gave_now=gave_time(period))
        .aggregate(
            before=Count("pk", filter=Q(gave_before=True)),
            kept=Count("pk", filter=Q(gave_before=True, gave_now=True)),
        )
    )
    counts["rate"] = counts["kept"] / counts["before"] if counts["before"] else None
    return counts


def by_month(period):
    rows = (
        done_visits(period)
        .annotate(month=TruncMonth("starts_at"))
        .order_by()
        .values("month")
        .annotate(
            people=Count("mission__request__beneficiary", distinct=True),
            visits=Count("pk"),
            minutes=Sum("duration_minutes"),
        )
        .order_by("month")
    )
    return [_with_hours(row) for row in rows]


def _with_hours(row):
    row["hours"] = Decimal(row.pop("minutes") or 0) / 60
    return row


def _grouped(period, key, label_key=None):
    fields = [key] + ([label_key] if label_key else [])
    rows = (
        done_visits(period)
        .order_by()
        .values(*fields)
        .annotate(
            people=Count("mission__request__beneficiary", distinct=True),
            visits=Count("pk"),
            minutes=Sum("duration_minutes"),
        )
        .order_by("-people", "-visits", *fields)
    )
    return [_with_hours(row) for row in rows]


def by_service(period):
    # A request may ask for several services: a visit counts once under each of them.
    return _grouped(period, "mission__request__services__name")


def by_area(period):
    return _grouped(period, "mission__request__beneficiary__area__name")


def by_channel(period):
    rows = _grouped(period, "mission__request__channel")
    labels = dict(IntakeChannel.choices)
    for row in rows:
        row["label"] = labels.get(row["mission__request__channel"], "")
    return rows


def isolated_people(territory_ids, days, *, now=None):
    """Followed people with no visit done and no contact logged for more than ``days`` days.

    Annotated with their last visit and last call and who made them; the longest first.
    People never contacted count from the day they were registered.
    """
    now = now or timezone.now()
    last_visit = Visit.objects.filter(
        mission__request__beneficiary=OuterRef("pk"), status=VisitStatus.DONE, starts_at__lte=now
    ).order_by("-starts_at")
    last_call = ContactLog.objects.filter(
        beneficiary=OuterRef("pk"), occurred_at__lte=now
    ).order_by("-occurred_at")

    def latest(queryset, field):
        return Subquery(queryset.values(field)[:1])

    people = Beneficiary.objects.filter(
        territory_id__in=territory_ids, status=BeneficiaryStatus.ACTIVE
    ).annotate(
        last_visit_at=latest(last_visit, "starts_at"),
        last_visit_by_first=latest(last_visit, "mission__volunteer__first_name"),
        last_visit_by_last=latest(last_visit, "mission__volunteer__last_name"),
        last_call_at=latest(last_call, "occurred_at"),
        last_call_kind=latest(last_call, "kind"),
        last_call_by_first=latest(last_call, "author__first_name"),
        last_call_by_last=latest(last_call, "author__last_name"),
        last_call_by_username=latest(last_call, "author__username"),
    )
    people = people.annotate(
        last_contact_at=Greatest(
            Coalesce("last_visit_at", "created_at"), Coalesce("last_call_at", "created_at")
        )
    )
    return people.filter(last_contact_at__lt=now - datetime.timedelta(days=days)).order_by(
        "last_contact_at", "last_name", "first_name"
    )


def isolation_count(territory_ids, days):
    return isolated_people(territory_ids, days).count()


def loneliness_change(period):
    """People measured at least twice up to the end of the period: first and latest score."""
    measures = LonelinessAssessment.objects.filter(
        beneficiary=OuterRef("pk"), taken_on__lte=period.end
    )
    people = (
        Beneficiary.objects.filter(territory_id__in=period.territory_ids)
        .annotate(
            measures=Subquery(
                measures.order_by().values("beneficiary").annotate(n=Count("pk")).values("n")
            ),
            first_score=Subquery(measures.order_by("taken_on", "pk").values("score")[:1]),
            last_score=Subquery(measures.order_by("-taken_on", "-pk").values("score")[:1]),
        )
        .filter(measures__gte=2)
    )
    counts = people.aggregate(
        people=Count("pk"), improved=Count("pk", filter=Q(last_score__lt=F("first_score")))
    )
    satisfaction = LonelinessAssessment.objects.filter(
        beneficiary__territory_id__in=period.territory_ids,
        taken_on__gte=period.start,
        taken_on__lte=period.end,
        satisfaction__isnull=False,
    ).aggregate(answers=Count("pk"), satisfied=Count("pk", filter=Q(satisfaction__gte=3)))
    result = {
        "people": counts["people"],
        "improved": counts["improved"],
        "improved_share": counts["improved"] / counts["people"] if counts["people"] else None,
        "median_before": None,
        "median_after": None,
        "satisfaction_answers": satisfaction["answers"],
        "satisfied": satisfaction["satisfied"],
        "satisfied_share": (
            satisfaction["satisfied"] / satisfaction["answers"] if satisfaction["answers"] else None
        ),
    }
    if counts["people"]:
        result["median_before"] = median(people, F("first_score"))
        result["median_after"] = median(people, F("last_score"))
    return result


def months_before(day, months):
    """The same day ``months`` months earlier, or that month's last day (31 March → 28 Feb)."""
    years, month = divmod(day.month - 1 - months, 12)
    year, month = day.year + years, month + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


def loneliness_due(period, months=None):
    """Followed people with no loneliness measure in the ``months`` before the period's end."""
    months = months or bippop_settings.LONELINESS_EVERY_MONTHS
    recent = LonelinessAssessment.objects.filter(
        beneficiary=OuterRef("pk"),
        taken_on__gt=months_before(period.end, months),
        taken_on__lte=period.end,
    )
    return (
        Beneficiary.objects.filter(
            territory_id__in=period.territory_ids, status=BeneficiaryStatus.ACTIVE
        )
        .exclude(Exists(recent))
        .count()
    )


def dashboard_figures(period, *, isolation_days):
    return {
        "visits": visit_totals(period),
        "requests": request_figures(period),
        "retention": volunteer_retention(period),
        "by_month": by_month(period),
        "by_service": by_service(period),
        "by_area": by_area(period),
        "by_channel": by_channel(period),
        "isolated": isolation_count(period.territory_ids, isolation_days),
        "loneliness": loneliness_change(period),
        "loneliness_due": loneliness_due(period),
    }
