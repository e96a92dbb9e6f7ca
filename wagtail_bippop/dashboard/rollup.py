"""Keeping the daily roll-up of visits exact (see ``models/rollup.py`` for its shape).

A person's *facts* are their done visits grouped by territory and day (with the request's
channel and services, and the person's area and internet use); a volunteer's facts are
their done visits by territory and day. Rows of the roll-up are derived from facts alone,
so refreshing one person is: derive rows from the stored facts, derive rows from the
facts read again, apply the difference. ``rebuild`` derives everything from scratch.
"""

import datetime
from collections import defaultdict
from itertools import groupby

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from ..models import HelpRequest, Mission, Visit, VisitStatus
from ..models.rollup import (
    NO_PREVIOUS,
    FirstVisit,
    RollupDimension,
    RollupSource,
    RollupSubject,
    VisitRollup,
)

BENEFICIARY_FIELDS = (
    "mission__request__beneficiary_id",
    "mission__request__territory_id",
    "mission__request_id",
    "mission__request__channel",
    "starts_at",
    "duration_minutes",
    "worry",
)
VOLUNTEER_FIELDS = (
    "mission__volunteer_id",
    "mission__request__territory_id",
    "starts_at",
    "duration_minutes",
    "worry",
)


def _day(moment):
    # The site's time zone, not the one a staff member chose for their admin pages: the
    # same visit must fall on the same day whoever writes it.
    return timezone.localtime(moment, timezone.get_default_timezone()).date().isoformat()


# Facts: plain JSON, compared as they are stored.


def beneficiary_facts(rows, person, services):
    """``{territory_id: facts}`` from visit rows shaped like ``BENEFICIARY_FIELDS``.

    ``person`` is ``(area_id, is_online)``; ``services`` maps a request to its service ids.
    """
    area, online = person
    grouped = defaultdict(lambda: [0, 0, 0])
    for _, territory, request, channel, starts_at, minutes, worry in rows:
        key = (territory, _day(starts_at), channel, tuple(services.get(request, ())))
        acc = grouped[key]
        acc[0] += 1
        acc[1] += minutes or 0
        acc[2] += 1 if worry else 0
    facts = {}
    for (territory, day, channel, svc), counts in sorted(grouped.items()):
        entry = facts.setdefault(
            territory, {"area": str(area or ""), "online": bool(online), "days": []}
        )
        entry["days"].append([day, channel, list(svc), *counts])
    return facts


def volunteer_facts(rows):
    grouped = defaultdict(lambda: [0, 0, 0])
    for _, territory, starts_at, minutes, worry in rows:
        acc = grouped[(territory, _day(starts_at))]
        acc[0] += 1
        acc[1] += minutes or 0
        acc[2] += 1 if worry else 0
    facts = {}
    for (territory, day), counts in sorted(grouped.items()):
        facts.setdefault(territory, {"days": []})["days"].append([day, *counts])
    return facts


def derive(subject, territory, facts):
    """Roll-up rows ``{(territory, dimension, key, day, previous_day): [people, visits,
    minutes, worries]}`` contributed by one subject in one territory."""
    per_day = defaultdict(lambda: [0, 0, 0])
    if subject == RollupSubject.VOLUNTEER:
        for day, visits, minutes, worries in facts.get("days", []):
            _accumulate(per_day[(RollupDimension.VOLUNTEER, "", day)], (visits, minutes, worries))
    else:
        online = "yes" if facts["online"] else "no"
        for day, channel, services, visits, minutes, worries in facts.get("days", []):
            keys = [
                (RollupDimension.ALL, ""),
                (RollupDimension.ONLINE, online),
                (RollupDimension.AREA, facts["area"]),
                (RollupDimension.CHANNEL, channel),
            ] + [(RollupDimension.SERVICE, str(s)) for s in services or [""]]
            for dimension, key in keys:
                _accumulate(per_day[(dimension, key, day)], (visits, minutes, worries))
    rows = {}
    last = {}
    for dimension, key, day in sorted(per_day):
        previous = last.get((dimension, key), NO_PREVIOUS.isoformat())
        rows[(territory, str(dimension), key, day, previous)] = [1, *per_day[(dimension, key, day)]]
        last[(dimension, key)] = day
    return rows


def _accumulate(acc, values, sign=1):
    for i, value in enumerate(values):
        acc[i] += sign * value


# Refreshing the people touched by a write.


def refresh_missions(mission_ids):
    missions = Mission.objects.filter(pk__in=[m for m in mission_ids if m]).values_list(
        "request__beneficiary_id", "volunteer_id"
    )
    pairs = list(missions)
    refresh_beneficiaries({b for b, _ in pairs})
    refresh_volunteers({v for _, v in pairs})


def refresh_requests(request_ids):
    ids = [r for r in request_ids if r]
    refresh_beneficiaries(
        set(HelpRequest.objects.filter(pk__in=ids).values_list("beneficiary_id", flat=True))
    )


def volunteers_of_requests(request_ids):
    return set(
        Mission.objects.filter(request_id__in=request_ids).values_list("volunteer_id", flat=True)
    )


def refresh_beneficiaries(ids):
    from ..models import Beneficiary

    for pk in sorted(i for i in ids if i):
        with transaction.atomic():
            _lock(Beneficiary, pk)
            rows = list(
                _done().filter(mission__request__beneficiary_id=pk).values_list(*BENEFICIARY_FIELDS)
            )
            _refresh(RollupSubject.BENEFICIARY, pk, _beneficiary_facts(pk, rows))
            _refresh_first_visits(pk, first_visits(rows))


def _lock(model, pk):
    """Refreshes of one person wait for each other, so each reads what the other wrote."""
    list(model.objects.select_for_update().filter(pk=pk).values_list("pk"))


def first_visits(rows):
    """``{request_id: first done visit}`` from rows shaped like ``BENEFICIARY_FIELDS``."""
    first = {}
    for row in rows:
        request, starts_at = row[2], row[4]
        if request not in first or starts_at < first[request]:
            first[request] = starts_at
    return first


def _refresh_first_visits(beneficiary_id, first):
    stored = dict(
        FirstVisit.objects.filter(request__beneficiary_id=beneficiary_id).values_list(
            "request_id", "starts_at"
        )
    )
    if stored == first:
        return
    changed = [r for r in stored.keys() | first.keys() if stored.get(r) != first.get(r)]
    FirstVisit.objects.filter(request_id__in=changed).delete()
    FirstVisit.objects.bulk_create(
        FirstVisit(request_id=r, starts_at=first[r]) for r in changed if r in first
    )


def refresh_volunteers(ids):
    from ..models import Volunteer

    for pk in sorted(i for i in ids if i):
        with transaction.atomic():
            _lock(Volunteer, pk)
            rows = _done().filter(mission__volunteer_id=pk).values_list(*VOLUNTEER_FIELDS)
            _refresh(RollupSubject.VOLUNTEER, pk, volunteer_facts(rows))


def _done():
    return Visit.objects.filter(status=VisitStatus.DONE).order_by()


def _beneficiary_facts(pk, rows):
    from ..models import Beneficiary

    person = Beneficiary.objects.filter(pk=pk).values_list("area_id", "is_online").first()
    if person is None or not rows:
        return {}
    return beneficiary_facts(rows, person, _services({r[2] for r in rows}))


def _services(request_ids):
    through = HelpRequest.services.through
    services = defaultdict(list)
    links = through.objects.filter(helprequest_id__in=request_ids).order_by("servicetype_id")
    for request, service in links.values_list("helprequest_id", "servicetype_id"):
        services[request].append(service)
    return services


def _refresh(subject, pk, facts):
    """Apply the difference between the stored and the new facts of one subject.

    Called with the subject's row locked, after reading its visits.
    """
    facts = {int(t): f for t, f in facts.items()}
    stored = {
        s.territory_id: s for s in RollupSource.objects.filter(subject=subject, subject_id=pk)
    }
    delta = defaultdict(lambda: [0, 0, 0, 0])
    for territory in set(stored) | set(facts):
        old = stored[territory].facts if territory in stored else {}
        new = facts.get(territory, {})
        if old == new:
            continue
        for key, values in derive(subject, territory, old).items() if old else ():
            _accumulate(delta[key], values, -1)
        for key, values in derive(subject, territory, new).items() if new else ():
            _accumulate(delta[key], values)
        if not new:
            stored[territory].delete()
        elif territory in stored:
            stored[territory].facts = new
            stored[territory].save(update_fields=["facts"])
        else:
            RollupSource.objects.create(
                subject=subject, subject_id=pk, territory_id=territory, facts=new
            )
    apply(delta)


def _row_filter(key):
    territory, dimension, name, day, previous = key
    return {
        "territory_id": territory,
        "dimension": dimension,
        "key": name,
        "day": day,
        "previous_day": previous,
    }


COUNTS = ("people", "visits", "minutes", "worries")


def apply(delta, *, attempts=3):
    """Add ``delta`` to the rows, creating the missing ones and dropping the emptied ones.

    A handful of queries whatever the number of rows: the rows are read and locked in one
    query (in id order, so two refreshes never wait on each other crosswise), then updated,
    deleted and created in bulk. Another person's refresh may create a row meanwhile: the
    attempt is then rolled back and made again.
    """
    changes = {key: values for key, values in delta.items() if any(values)}
    if not changes:
        return
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                return _apply(changes)
        except IntegrityError:
            if attempt == attempts - 1:
                raise


def _apply(changes):
    where = Q()
    for key in changes:
        where |= Q(**_row_filter(key))
    existing = {
        (r.territory_id, r.dimension, r.key, r.day.isoformat(), r.previous_day.isoformat()): r
        for r in VisitRollup.objects.select_for_update().filter(where).order_by("pk")
    }
    updated, emptied, created = [], [], []
    for key, values in sorted(changes.items()):
        row = existing.get(key)
        if row is None:
            month = datetime.date.fromisoformat(key[3]).replace(day=1)
            created.append(
                VisitRollup(
                    **_row_filter(key), month=month, **dict(zip(COUNTS, values, strict=True))
                )
            )
            continue
        for name, value in zip(COUNTS, values, strict=True):
            setattr(row, name, getattr(row, name) + value)
        (emptied if row.people <= 0 else updated).append(row)
    if updated:
        VisitRollup.objects.bulk_update(updated, COUNTS)
    if emptied:
        VisitRollup.objects.filter(pk__in=[row.pk for row in emptied]).delete()
    if created:
        VisitRollup.objects.bulk_create(created)


# Rebuilding from scratch.


def rebuild(territory_ids=None, *, progress=None, chunk=5000):
    """Recompute the roll-up (and its sources) of the given territories, or of all.

    ``progress(message)`` is called along the way. Returns the number of rows written.
    """
    from ..models import Beneficiary, Territory

    report = progress or (lambda message: None)
    territories = Territory.objects.order_by("pk")
    if territory_ids:
        territories = territories.filter(pk__in=territory_ids)
    written = 0
    for territory in territories:
        with transaction.atomic():
            VisitRollup.objects.filter(territory=territory).delete()
            RollupSource.objects.filter(territory=territory).delete()
            FirstVisit.objects.filter(request__territory=territory).delete()
            firsts = []
            done = _done().filter(mission__request__territory=territory)
            total = done.count()
            report(f"{territory}: {total:,} done visits")
            people = {
                pk: (area, online)
                for pk, area, online in Beneficiary.objects.filter(
                    help_requests__territory=territory
                )
                .distinct()
                .values_list("pk", "area_id", "is_online")
            }
            services = _services(HelpRequest.objects.filter(territory=territory).values("pk"))
            rows = defaultdict(lambda: [0, 0, 0, 0])
            sources = []
            passes = [
                (RollupSubject.BENEFICIARY, BENEFICIARY_FIELDS, "mission__request__beneficiary_id"),
                (RollupSubject.VOLUNTEER, VOLUNTEER_FIELDS, "mission__volunteer_id"),
            ]
            for subject, fields, order in passes:
                seen = 0
                stream = done.order_by(order, "starts_at").values_list(*fields).iterator(chunk)
                for pk, visits in groupby(stream, key=lambda row: row[0]):
                    visits = list(visits)
                    if subject == RollupSubject.BENEFICIARY:
                        facts = beneficiary_facts(visits, people[pk], services)
                        firsts.extend(
                            FirstVisit(request_id=r, starts_at=at)
                            for r, at in first_visits(visits).items()
                        )
                    else:
                        facts = volunteer_facts(visits)
                    for t, f in facts.items():
                        sources.append(
                            RollupSource(subject=subject, subject_id=pk, territory_id=t, facts=f)
                        )
                        for key, values in derive(subject, t, f).items():
                            _accumulate(rows[key], values)
                    before, seen = seen, seen + len(visits)
                    if seen // 100_000 != before // 100_000:
                        report(f"  {subject}: {seen:,} / {total:,} visits")
            RollupSource.objects.bulk_create(sources, batch_size=chunk)
            FirstVisit.objects.bulk_create(firsts, batch_size=chunk)
            VisitRollup.objects.bulk_create(
                (
                    VisitRollup(
                        **_row_filter(key),
                        month=datetime.date.fromisoformat(key[3]).replace(day=1),
                        people=people_n,
                        visits=visits_n,
                        minutes=minutes,
                        worries=worries,
                    )
                    for key, (people_n, visits_n, minutes, worries) in sorted(rows.items())
                ),
                batch_size=chunk,
            )
            report(f"{territory}: {len(rows):,} roll-up rows")
            written += len(rows)
    return written
