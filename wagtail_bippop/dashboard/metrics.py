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
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from ..conf import bippop_settings
from ..models import (
    Area,
    Beneficiary,
    BeneficiaryStatus,
    ContactLog,
    HelpRequest,
    IntakeChannel,
    LonelinessAssessment,
    RequestStatus,
    ServiceType,
    Visit,
    VisitStatus,
)
from ..models.rollup import RollupDimension, VisitRollup
from . import outings


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


def rollup_rows(period):
    """The period's rows of the daily roll-up (``models/rollup.py``), kept exact on every write."""
    return VisitRollup.objects.filter(
        territory_id__in=period.territory_ids, day__gte=period.start, day__lte=period.end
    ).order_by()


def _first_seen(start):
    """People (or volunteers) count once, on their first day seen since ``start``."""
    return Q(previous_day__lt=start)


def _sums(dimension, first_seen):
    """Aggregates named ``n_<column>``: an aggregate cannot share its column's name."""
    on = Q(dimension=dimension)
    return {
        "n_people": Coalesce(Sum("people", filter=on & first_seen), 0),
        "n_visits": Coalesce(Sum("visits", filter=on), 0),
        "n_minutes": Sum("minutes", filter=on),
        "n_worries": Coalesce(Sum("worries", filter=on), 0),
    }


def _renamed(row):
    return {key.removeprefix("n_"): value for key, value in row.items()}


def visit_totals(period):
    """People helped, visits, hours, volunteers and worries: one read of the roll-up."""
    first = _first_seen(period.start)
    everyone = _sums(RollupDimension.ALL, first)
    rows = _renamed(
        rollup_rows(period).aggregate(
            **everyone,
            n_people_offline=Coalesce(
                Sum("people", filter=Q(dimension=RollupDimension.ONLINE, key="no") & first), 0
            ),
            n_volunteers=_sums(RollupDimension.VOLUNTEER, first)["n_people"],
        )
    )
    totals = {
        key: rows[key]
        for key in ("visits", "people", "people_offline", "volunteers", "worries", "minutes")
    }
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
    # Each request's first done visit is kept by the roll-up (``FirstVisit``): no visit read.
    first_visit = F("rollup_first_visit__starts_at")
    to_visit = ExpressionWrapper(first_visit - F("created_at"), output_field=DurationField())
    return {
        "new_requests": sum(by_status.values()),
        "by_status": [(label, by_status.get(value, 0)) for value, label in RequestStatus.choices],
        "median_to_contact": median(requests, to_contact),
        "median_to_first_visit": median(requests, to_visit),
    }


def volunteer_retention(period):
    """Volunteers who gave time in the previous period, and how many came back in this one.

    A volunteer first seen in this period came back if they were last seen before it, in the
    previous period (which ends the day before this one starts).
    """
    previous = period.previous()
    volunteers = Q(dimension=RollupDimension.VOLUNTEER)
    rows = VisitRollup.objects.filter(
        volunteers, territory_id__in=period.territory_ids, day__gte=previous.start
    ).filter(day__lte=period.end)
    counts = rows.aggregate(
        before=Coalesce(
            Sum("people", filter=Q(day__lte=previous.end) & _first_seen(previous.start)), 0
        ),
        kept=Coalesce(
            Sum(
                "people",
                filter=Q(day__gte=period.start, previous_day__gte=previous.start)
                & _first_seen(period.start),
            ),
            0,
        ),
    )
    counts["rate"] = counts["kept"] / counts["before"] if counts["before"] else None
    return counts


def by_month(period):
    """People count once in each month, on their first day seen in it (or in the period)."""
    rows = (
        rollup_rows(period)
        .filter(dimension=RollupDimension.ALL)
        .values("month")
        .annotate(
            n_people=Coalesce(
                Sum("people", filter=Q(previous_day__lt=Greatest("month", Value(period.start)))),
                0,
            ),
            n_visits=Sum("visits"),
            n_minutes=Sum("minutes"),
        )
        .order_by("month")
    )
    return [_with_hours(_renamed(row)) for row in rows]


def _with_hours(row):
    row["hours"] = Decimal(row.pop("minutes") or 0) / 60
    return row


BREAKDOWNS = {
    RollupDimension.SERVICE: "mission__request__services__name",
    RollupDimension.AREA: "mission__request__beneficiary__area__name",
    RollupDimension.CHANNEL: "mission__request__channel",
}


def breakdowns(period):
    """By service, area and channel: one read of the roll-up and one of the names.

    The roll-up keys services and areas by id; rows sharing a name (two territories with
    an area of the same name) are merged.
    """
    sums = {
        "n_people": Coalesce(Sum("people", filter=_first_seen(period.start)), 0),
        "n_visits": Sum("visits"),
        "n_minutes": Sum("minutes"),
    }
    rows = (
        rollup_rows(period)
        .filter(dimension__in=list(BREAKDOWNS))
        .values("dimension", "key")
        .annotate(**sums)
    )
    labels = _labels(period)
    merged = {dimension: {} for dimension in BREAKDOWNS}
    for row in map(_renamed, rows):
        dimension, column = row["dimension"], BREAKDOWNS[row["dimension"]]
        label = labels[dimension].get(row["key"])
        acc = merged[dimension].setdefault(
            label, {column: label, "people": 0, "visits": 0, "minutes": 0}
        )
        acc["people"] += row["people"]
        acc["visits"] += row["visits"]
        acc["minutes"] += row["minutes"] or 0
    result = {}
    for dimension, column in BREAKDOWNS.items():
        ordered = sorted(
            merged[dimension].values(),
            key=lambda r, c=column: (-r["people"], -r["visits"], r[c] is None, r[c] or ""),
        )
        result[dimension] = [_with_hours(row) for row in ordered]
    channels = dict(IntakeChannel.choices)
    for row in result[RollupDimension.CHANNEL]:
        row["label"] = channels.get(row["mission__request__channel"], "")
    return {
        "by_service": result[RollupDimension.SERVICE],
        "by_area": result[RollupDimension.AREA],
        "by_channel": result[RollupDimension.CHANNEL],
    }


def _labels(period):
    """Names of the period's services and areas by id, in one query; channels by value."""
    mine = Q(territory_id__in=period.territory_ids)
    names = (
        ServiceType.objects.filter(mine)
        .order_by()
        .annotate(kind=Value(str(RollupDimension.SERVICE)))
        .values_list("kind", "pk", "name")
        .union(
            Area.objects.filter(mine)
            .order_by()
            .annotate(kind=Value(str(RollupDimension.AREA)))
            .values_list("kind", "pk", "name"),
            all=True,
        )
        # No default ordering on the union: Django 6.1 would order it by the first model's
        # Meta ordering, on columns the union does not select.
        .order_by()
    )
    labels = {RollupDimension.SERVICE: {}, RollupDimension.AREA: {}}
    for kind, pk, name in names:
        labels[RollupDimension(kind)][str(pk)] = name
    labels[RollupDimension.CHANNEL] = {value: value for value, _ in IntakeChannel.choices}
    return labels


def by_service(period):
    # A request may ask for several services: a visit counts once under each of them.
    return breakdowns(period)["by_service"]


def by_area(period):
    return breakdowns(period)["by_area"]


def by_channel(period):
    return breakdowns(period)["by_channel"]


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


def isolation_count(territory_ids, days, *, now=None):
    """How many people ``isolated_people`` lists, without finding each one's last contact.

    Their last contact is older than the limit exactly when they were registered before it
    and had no visit done and no call since: two anti-joins on the recent rows only.
    """
    now = now or timezone.now()
    since = now - datetime.timedelta(days=days)
    recent_visit = Visit.objects.filter(
        mission__request__beneficiary=OuterRef("pk"),
        status=VisitStatus.DONE,
        starts_at__gte=since,
        starts_at__lte=now,
    )
    recent_call = ContactLog.objects.filter(
        beneficiary=OuterRef("pk"), occurred_at__gte=since, occurred_at__lte=now
    )
    return (
        Beneficiary.objects.filter(
            territory_id__in=territory_ids, status=BeneficiaryStatus.ACTIVE, created_at__lt=since
        )
        .exclude(Exists(recent_visit.order_by().values("pk")))
        .exclude(Exists(recent_call.order_by().values("pk")))
        .count()
    )


def loneliness_change(period):
    """People measured at least twice up to the end of the period: first and latest score.

    One query: window functions pick each person's first and latest score, then the people
    are counted by (first, latest) pair. Scores run from 3 to 9, so the medians are read
    from those few counts exactly.
    """
    measures = LonelinessAssessment._meta.db_table
    people = Beneficiary._meta.db_table
    territories = ", ".join(["%s"] * len(period.territory_ids)) or "NULL"
    sql = f"""
        WITH ranked AS (
            SELECT m.beneficiary_id, m.score,
                COUNT(*) OVER (PARTITION BY m.beneficiary_id) AS measures,
                ROW_NUMBER() OVER (
                    PARTITION BY m.beneficiary_id ORDER BY m.taken_on, m.id) AS up,
                ROW_NUMBER() OVER (
                    PARTITION BY m.beneficiary_id ORDER BY m.taken_on DESC, m.id DESC) AS down
            FROM {measures} m JOIN {people} b ON b.id = m.beneficiary_id
            WHERE b.territory_id IN ({territories}) AND m.taken_on <= %s
        ), change AS (
            SELECT MAX(CASE WHEN up = 1 THEN score END) AS first_score,
                MAX(CASE WHEN down = 1 THEN score END) AS last_score
            FROM ranked WHERE measures >= 2 GROUP BY beneficiary_id
        )
        SELECT first_score, last_score, COUNT(*) FROM change GROUP BY first_score, last_score
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*period.territory_ids, period.end])
        pairs = cursor.fetchall()
    counts = {
        "people": sum(n for _, _, n in pairs),
        "improved": sum(n for first, last, n in pairs if last < first),
    }
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
        result["median_before"] = _median_of_counts([(first, n) for first, _, n in pairs])
        result["median_after"] = _median_of_counts([(last, n) for _, last, n in pairs])
    return result


def _median_of_counts(counts):
    """The median of values given as ``(value, how many)`` pairs."""
    values = sorted(counts)
    total = sum(n for _, n in values)
    low, high = (total - 1) // 2, total // 2

    def at(position):
        for value, n in values:
            if position < n:
                return value
            position -= n

    first, second = at(low), at(high)
    return first + (second - first) / 2 if first != second else first


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
        **breakdowns(period),
        "isolated": isolation_count(period.territory_ids, isolation_days),
        "loneliness": loneliness_change(period),
        "loneliness_due": loneliness_due(period),
        "outings": outings.confirmed_participations(period),
    }
