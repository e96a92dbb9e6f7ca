"""Demo data of the steering part: loneliness measures, the register, a past campaign."""

import datetime

from django.db.models import Min, OuterRef, Subquery

from ..dashboard import rollup
from ..models import (
    Beneficiary,
    CallStatus,
    Campaign,
    CampaignCall,
    HelpRequest,
    LonelinessAssessment,
    RegisterEntry,
)
from ..models.impact import AssessmentMoment
from ..models.register import (
    CampaignKind,
    EligibilityCategory,
    RegisterChannel,
    RegisterRequester,
)
from . import names

FOLLOW_UP_DAYS = 182


def generate_steering(generator):
    rng, territory, today = generator.rng, generator.territory, generator.today
    _date_people_from_first_request(territory)
    measures = _loneliness(generator, rng, today)
    entries = _register(generator, rng, territory, today)
    calls = _past_campaign(generator, rng, territory, today, entries)
    generator.counts.extra.update(
        loneliness_measures=measures, register_entries=len(entries), campaign_calls=calls
    )
    generator.progress(f"{measures} loneliness measures, {len(entries)} register entries")
    # Visits were bulk-inserted, past the roll-up's receivers: compute it once for them all.
    rows = rollup.rebuild([territory.pk], progress=generator.progress)
    generator.counts.extra.update(rollup_rows=rows)


def _date_people_from_first_request(territory):
    # A person enters the network with their first request: the isolation watch counts
    # from that day for someone never contacted since.
    first = (
        HelpRequest.objects.filter(beneficiary=OuterRef("pk"))
        .order_by()
        .values("beneficiary")
        .annotate(first=Min("created_at"))
        .values("first")
    )
    Beneficiary.objects.filter(territory=territory, help_requests__isnull=False).update(
        created_at=Subquery(first)
    )


def _loneliness(generator, rng, today):
    """Most people are measured at the start, then every six months; most feel less lonely."""
    first_requests = dict(
        HelpRequest.objects.filter(territory=generator.territory)
        .values_list("beneficiary")
        .annotate(first=Min("created_at"))
    )
    measures = []
    for beneficiary in generator.beneficiaries:
        start = first_requests.get(beneficiary.pk)
        if start is None or rng.random() < 0.3:
            continue
        day = start.date()
        items = [rng.choice([2, 3, 3]) for _ in range(3)]
        moment = AssessmentMoment.INTAKE
        while day <= today:
            measures.append(
                LonelinessAssessment(
                    beneficiary=beneficiary,
                    taken_on=day,
                    moment=moment,
                    lacks_companionship=items[0],
                    feels_left_out=items[1],
                    feels_isolated=items[2],
                    score=sum(items),
                    satisfaction=None
                    if moment == AssessmentMoment.INTAKE
                    else rng.choice([2, 3, 3, 4, 4, 4]),
                )
            )
            moment = AssessmentMoment.FOLLOW_UP
            day += datetime.timedelta(days=FOLLOW_UP_DAYS + rng.randint(-10, 10))
            i = rng.randrange(3)
            items[i] = max(1, min(3, items[i] + rng.choice([-1, -1, 0, 0, 1])))
    LonelinessAssessment.objects.bulk_create(measures, batch_size=2000)
    return len(measures)


def _register(generator, rng, territory, today):
    count = max(8, generator.size * 3 // 1000)
    entries = []
    for _ in range(count):
        received = generator.at(today - datetime.timedelta(days=rng.randint(10, 700)), 10)
        third_party = rng.random() < 0.4
        requester = RegisterRequester.THIRD_PARTY if third_party else RegisterRequester.SELF
        acknowledged = received + datetime.timedelta(days=rng.randint(1, 10), hours=3)
        age = rng.randint(60, 97)
        category = (
            EligibilityCategory.AGED_65
            if age >= 65
            else rng.choice([EligibilityCategory.AGED_60_UNFIT, EligibilityCategory.DISABLED_ADULT])
        )
        entries.append(
            RegisterEntry(
                territory=territory,
                first_name=rng.choice(names.SENIOR_FIRST_NAMES),
                last_name=rng.choice(names.LAST_NAMES),
                birth_date=datetime.date(today.year - age, rng.randint(1, 12), rng.randint(1, 28)),
                category=category,
                address=generator.address(),
                phone=generator.landline(),
                lives_alone=rng.random() < 0.6,
                emergency_contact=f"{rng.choice(names.ADULT_FIRST_NAMES)} "
                f"{rng.choice(names.LAST_NAMES)}",
                emergency_phone=generator.mobile(),
                requested_by=requester,
                requester_name=f"{rng.choice(names.ADULT_FIRST_NAMES)} "
                f"{rng.choice(names.LAST_NAMES)}"
                if third_party
                else "",
                requester_relation=rng.choice(["fille", "fils", "voisine", "infirmier"])
                if third_party
                else "",
                channel=rng.choice(list(RegisterChannel)),
                received_at=received,
                acknowledged_at=acknowledged if rng.random() < 0.9 else None,
            )
        )
    RegisterEntry.objects.bulk_create(entries)
    return list(RegisterEntry.objects.filter(territory=territory))


def _past_campaign(generator, rng, territory, today, entries):
    """Last summer's heatwave: every registered person called, a few twice."""
    summer = datetime.date(today.year - (1 if today.month < 8 else 0), 7, 20)
    started = generator.at(summer, 9)
    campaign = Campaign.objects.create(
        territory=territory,
        kind=CampaignKind.HEATWAVE,
        title=f"Canicule {summer:%m/%Y}",
        started_at=started,
        closed_at=started + datetime.timedelta(days=4),
        closing_note="Toutes les personnes inscrites ont été appelées.",
    )
    outcomes = [CallStatus.FINE] * 8 + [CallStatus.NEEDS_HELP, CallStatus.ESCALATED]
    calls = [
        CampaignCall(
            campaign=campaign,
            entry=entry,
            status=rng.choice(outcomes),
            attempts=rng.choice([1, 1, 1, 2, 3]),
            last_attempt_at=started + datetime.timedelta(hours=rng.randint(1, 60)),
        )
        for entry in entries
        if entry.received_at < started
    ]
    CampaignCall.objects.bulk_create(calls)
    return len(calls)
