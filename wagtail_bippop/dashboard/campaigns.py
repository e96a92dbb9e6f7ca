"""Call campaigns when the préfet triggers an emergency plan: rules, free of views."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
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
    VettingStage,
)
from ..models.register import DONE_CALL_STATUSES
from ..roles import COORDINATOR_GROUP, READ_ONLY_GROUP
from .access import REGISTER_PERMISSION


def staff_who_may_call(territory):
    """Staff of the territory who can open a campaign and record its calls: the register's
    permission (through a group or their own), and not the read-only role."""
    User = get_user_model()
    app_label, codename = REGISTER_PERMISSION.split(".")
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    read_only = User.objects.filter(groups__name=READ_ONLY_GROUP).exclude(
        groups__name=COORDINATOR_GROUP
    )
    return (
        User.objects.filter(is_active=True, bippop_territory_access__territory=territory)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=permission)
            | Q(user_permissions__in=permission)
        )
        .exclude(Q(is_superuser=False) & Q(pk__in=read_only.values("pk")))
    )


def possible_callers(territory):
    """Who receives calls: staff of the territory allowed to call (never the read-only
    role), and co-opted volunteers of the territory with an account."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(pk__in=staff_who_may_call(territory).values("pk"))
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


OPEN_CALL_STATUSES = [CallStatus.TO_CALL, CallStatus.NOT_REACHED]


def _caller_order(user):
    if user is None:
        return (1, "", "", "")
    return (0, user.last_name.casefold(), user.first_name.casefold(), user.get_username())


def calls_by_caller(campaign):
    """How far each caller is: their calls, those still to make and those settled."""
    rows = (
        campaign.calls.values("caller")
        .annotate(
            total=Count("pk"),
            to_make=Count("pk", filter=Q(status__in=OPEN_CALL_STATUSES)),
            settled=Count("pk", filter=Q(status__in=DONE_CALL_STATUSES)),
        )
        .order_by()
    )
    users = get_user_model().objects.in_bulk([row["caller"] for row in rows if row["caller"]])
    result = [{**row, "caller": users.get(row["caller"])} for row in rows]
    return sorted(result, key=lambda row: _caller_order(row["caller"]))


def calls_grouped_by_caller(calls):
    """``calls`` in groups, one per caller, in the order of ``calls_by_caller``."""
    groups = {}
    for call in calls:
        groups.setdefault(call.caller_id, {"caller": call.caller, "calls": []})
        groups[call.caller_id]["calls"].append(call)
    return sorted(groups.values(), key=lambda group: _caller_order(group["caller"]))
