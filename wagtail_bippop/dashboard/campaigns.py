"""Call campaigns when the préfet triggers an emergency plan: rules, free of views."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from wagtail.log_actions import log

from ..conf import bippop_settings
from ..models import (
    CallStatus,
    Campaign,
    CampaignCall,
    RegisterEntry,
    TerritoryAccess,
    VettingStage,
)
from ..models.register import DONE_CALL_STATUSES


def possible_callers(territory):
    """Staff of the territory and co-opted volunteers with an account."""
    staff = TerritoryAccess.objects.filter(territory=territory).values("user")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(pk__in=staff)
            | Q(
                bippop_volunteer__territory=territory,
                bippop_volunteer__stage=VettingStage.ACTIVE,
            )
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


@transaction.atomic
def start_campaign(*, territory, kind, title, callers, user):
    """Open a campaign: one call per person on the register, shared out in turn."""
    campaign = Campaign.objects.create(territory=territory, kind=kind, title=title, started_by=user)
    entries = RegisterEntry.objects.filter(territory=territory, withdrawn_at__isnull=True).order_by(
        "address", "last_name", "pk"
    )
    callers = list(callers) or [user]
    CampaignCall.objects.bulk_create(
        CampaignCall(campaign=campaign, entry=entry, caller=callers[i % len(callers)])
        for i, entry in enumerate(entries)
    )
    log(campaign, "wagtail_bippop.campaign_start", user=user)
    return campaign


def record_call(call, *, status, note, user):
    """One attempt to reach a person; a person not reached stays on the list to call again."""
    CampaignCall.objects.filter(pk=call.pk).update(
        status=status, note=note, attempts=F("attempts") + 1, last_attempt_at=timezone.now()
    )
    call.refresh_from_db()
    log(
        call.campaign,
        "wagtail_bippop.campaign_call",
        user=user,
        data={"call": call.pk, "status": status, "attempts": call.attempts},
    )
    return call


def close_campaign(campaign, *, note, user):
    campaign.closed_at = timezone.now()
    campaign.closing_note = note
    campaign.save(update_fields=["closed_at", "closing_note"])
    log(campaign, "wagtail_bippop.campaign_close", user=user)


def progress(campaign):
    """Counts by status in one query, and the share of people whose call is settled."""
    max_attempts = bippop_settings.CAMPAIGN_MAX_ATTEMPTS
    counts = campaign.calls.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status__in=DONE_CALL_STATUSES)),
        to_retry=Count("pk", filter=Q(status=CallStatus.NOT_REACHED, attempts__lt=max_attempts)),
        unreachable=Count(
            "pk", filter=Q(status=CallStatus.NOT_REACHED, attempts__gte=max_attempts)
        ),
        **{status: Count("pk", filter=Q(status=status)) for status in CallStatus.values},
    )
    counts["share"] = counts["done"] / counts["total"] if counts["total"] else 0
    counts["percent"] = round(100 * counts["share"])
    counts["by_status"] = [(label, counts[value]) for value, label in CallStatus.choices]
    return counts


def calls_to_make(campaign, *, caller=None):
    """Calls still open: never called first, then those not reached, least tried first."""
    calls = campaign.calls.filter(status__in=[CallStatus.TO_CALL, CallStatus.NOT_REACHED])
    if caller is not None:
        calls = calls.filter(caller=caller)
    return calls.select_related("entry", "caller").order_by(
        "attempts", F("last_attempt_at").asc(nulls_first=True), "entry__last_name"
    )
