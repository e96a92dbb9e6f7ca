"""Coordinators' side of messages: the outbox, resending, printed letters, worries.

Every view is scoped to the territories of the user; the read-only role sees nothing here.
"""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin import messages
from wagtail.log_actions import log

from ..models import Beneficiary, Mission, MissionStatus, Worry
from ..models.outbox import Channel, OutboxMessage, OutboxStatus
from ..models.site_settings import SolidaritySettings
from ..read_audit import record_list
from ..roles import is_read_only, territories_for_user
from .delivery import mark_delivered, mark_handled, resend
from .messages import mission_confirmed_values
from .rendering import render_kind

ATTENTION = [
    OutboxStatus.PENDING,
    OutboxStatus.FAILED,
    OutboxStatus.TO_HANDLE,
    OutboxStatus.UNCERTAIN,
]


def staff_territories(request):
    if is_read_only(request.user):
        raise PermissionDenied
    return territories_for_user(request.user)


def visible_messages(request):
    territories = staff_territories(request)
    scope = Q(territory__in=territories)
    if request.user.is_superuser:
        scope |= Q(territory__isnull=True)
    return OutboxMessage.objects.filter(scope)


def outbox(request):
    status = request.GET.get("status", "attention")
    found = visible_messages(request).select_related("beneficiary", "volunteer")
    if status == "attention":
        found = found.filter(status__in=ATTENTION)
    elif status in OutboxStatus.values:
        found = found.filter(status=status)
    page = Paginator(found.order_by("-created_at"), 50).get_page(request.GET.get("p"))
    return TemplateResponse(
        request,
        "wagtail_bippop/letters/outbox.html",
        {
            "page_obj": page,
            "status": status,
            "statuses": [("attention", _("To look at"))] + list(OutboxStatus.choices),
            "manual_channels": [Channel.LETTER, Channel.CALL],
        },
    )


@require_POST
def outbox_resend(request, pk):
    message = get_object_or_404(visible_messages(request), pk=pk)
    if message.channel in (Channel.LETTER, Channel.CALL):
        raise Http404
    status = resend(message, user=request.user)
    if status == OutboxStatus.SENT:
        messages.success(request, _("The message was sent."))
    elif status == OutboxStatus.PENDING and not message.last_error:
        messages.success(request, _("The message will be sent again in a moment."))
    else:
        messages.warning(request, _("Sending failed again; it will be retried later."))
    return redirect("bippop_outbox")


@require_POST
def outbox_delivered(request, pk):
    """An uncertain message (sending was interrupted) that did reach the person."""
    message = get_object_or_404(visible_messages(request), pk=pk, status=OutboxStatus.UNCERTAIN)
    mark_delivered(message, user=request.user)
    messages.success(request, _("Marked as delivered."))
    return redirect("bippop_outbox")


@require_POST
def outbox_handled(request, pk):
    message = get_object_or_404(visible_messages(request), pk=pk, status=OutboxStatus.TO_HANDLE)
    mark_handled(message, user=request.user)
    messages.success(request, _("Marked as done."))
    return redirect(request.POST.get("next") or "bippop_outbox")


def letter(request, beneficiary_pk):
    """Printable letters for one person: queued letters, else their mission confirmations."""
    territories = staff_territories(request)
    beneficiary = get_object_or_404(Beneficiary, pk=beneficiary_pk, territory__in=territories)
    letters = [
        {"subject": message.subject, "body": message.body, "message": message}
        for message in beneficiary.messages.filter(
            channel=Channel.LETTER, status=OutboxStatus.TO_HANDLE
        ).order_by("created_at")
    ]
    if not letters:
        missions = Mission.objects.filter(
            request__beneficiary=beneficiary, status=MissionStatus.ACTIVE
        ).select_related("volunteer", "request")
        for mission in missions:
            subject, body = render_kind(
                "mission_confirmed",
                mission_confirmed_values(mission),
                site=beneficiary.territory.site,
            )
            letters.append({"subject": subject, "body": body, "message": None})
    return TemplateResponse(
        request,
        "wagtail_bippop/letters/letter.html",
        {
            "beneficiary": beneficiary,
            "letters": letters,
            "today": timezone.localdate(),
            "solidarity_settings": SolidaritySettings.for_site(beneficiary.territory.site),
        },
    )


def visible_worries(request):
    return Worry.objects.filter(beneficiary__territory__in=staff_territories(request))


def worries(request):
    """Worries of the user's territories: open ones first, newest first; then handled ones."""
    found = (
        visible_worries(request)
        .select_related("beneficiary", "raised_by", "visit", "handled_by")
        .order_by(F("handled_at").desc(nulls_first=True), "-raised_at", "-pk")
    )
    page = Paginator(found, 50).get_page(request.GET.get("p"))
    record_list(request, Worry, rows=page.paginator.count)
    return TemplateResponse(
        request,
        "wagtail_bippop/letters/worries.html",
        {
            "page_obj": page,
            "elided_page_range": page.paginator.get_elided_page_range(page.number),
            "open_count": visible_worries(request).filter(handled_at__isnull=True).count(),
            "note_max_length": Worry._meta.get_field("handled_note").max_length,
        },
    )


@require_POST
def worry_handled(request, pk):
    """Mark an open worry of the user's territories as handled, with a short note; logged."""
    with transaction.atomic():
        worry = get_object_or_404(
            visible_worries(request).select_for_update(of=("self",)), pk=pk, handled_at=None
        )
        note = request.POST.get("note", "").strip()
        worry.handled_at = timezone.now()
        worry.handled_by = request.user
        worry.handled_note = note[: Worry._meta.get_field("handled_note").max_length]
        worry.save(update_fields=["handled_at", "handled_by", "handled_note"])
        log(worry, "wagtail_bippop.worry_handled", user=request.user, data={"note": bool(note)})
    messages.success(
        request,
        _("The worry about %(name)s is marked as handled.") % {"name": worry.beneficiary.full_name},
    )
    return redirect("bippop_worries")
