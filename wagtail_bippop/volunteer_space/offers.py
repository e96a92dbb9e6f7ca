"""A volunteer's offers of help, from their space: propose one, follow it, withdraw it.

Only active (co-opted) volunteers may propose; every offer waits for a coordinator's
approval before it appears on the public board. A volunteer sees only their own offers.
"""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext as _

from ..models import Offer, OfferStatus, ParticipationStatus
from ..offers import services
from ..offers.forms import OfferForm
from .views import post_only, render, url, volunteer_required

# Offers waiting for approval a volunteer may have at once: enough for anyone, not a flood.
MAX_PENDING = 10


def own_offers(volunteer):
    return (
        Offer.objects.filter(volunteer=volunteer)
        .select_related("service", "area")
        .order_by("-first_date", "-pk")
    )


def _withdrawable(offer):
    return offer.status in services.ALLOWED_FROM[OfferStatus.WITHDRAWN]


@volunteer_required
def offer_list(page, request):
    volunteer = request.volunteer
    offers = list(own_offers(volunteer))
    for offer in offers:
        offer.withdrawable = _withdrawable(offer)
    return render(
        page,
        request,
        "offers",
        offers=offers,
        may_propose=volunteer.is_active,
        add_url=url(page, "offer_add"),
    )


@volunteer_required
def offer_add(page, request):
    volunteer = request.volunteer
    if not volunteer.is_active:
        messages.error(
            request, _("You can propose offers once the coordinator has welcomed you as active.")
        )
        return HttpResponseRedirect(url(page, "offers"))
    form = OfferForm(request.POST or None, territory=volunteer.territory)
    if request.method == "POST" and form.is_valid():
        waiting = Offer.objects.filter(volunteer=volunteer, status=OfferStatus.PENDING).count()
        if waiting >= MAX_PENDING:
            form.add_error(
                None,
                _("%(count)s offers are already waiting for approval: wait for the coordinator.")
                % {"count": waiting},
            )
        else:
            services.propose_offer(form.offer_data(), volunteer=volunteer, user=request.user)
            messages.success(
                request,
                _("Thank you! Your offer is sent: it appears once a coordinator approves it."),
            )
            return HttpResponseRedirect(url(page, "offers"))
    return render(page, request, "offer_form", form=form, back_url=url(page, "offers"))


@volunteer_required
@post_only
def offer_withdraw(page, request, pk):
    offer = own_offers(request.volunteer).filter(pk=pk).first()
    if offer is None:
        raise Http404
    try:
        services.moderate(offer, OfferStatus.WITHDRAWN, user=request.user)
    except services.ModerationError as error:
        messages.error(request, error.message)
    else:
        confirmed = offer.participations.filter(status=ParticipationStatus.CONFIRMED).exists()
        text = _("Your offer is withdrawn.")
        if confirmed:
            text += " " + _("People already confirmed will be called by the coordinator.")
        messages.success(request, text)
    return HttpResponseRedirect(url(page, "offers"))
