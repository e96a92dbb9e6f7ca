"""Views of the partner space; each takes the page first, rules live in ``space``."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from ..conf import bippop_settings
from ..offers.forms import OfferForm
from ..public.ratelimit import client_address
from ..public.submissions import _send_safely, apply_model_errors
from ..volunteer_space.forms import OpenLinkForm
from ..volunteer_space.links import rate_limited
from . import space
from .links import signin_link, user_from_token
from .space_forms import EventProposalForm, PartnerSigninForm

TEMPLATES = "wagtail_bippop/partners/space"
OFFER_SENT = gettext_lazy(
    "Thank you! Your offer is sent: it appears once a coordinator approves it."
)
EVENT_SENT = gettext_lazy(
    "Thank you! Your event is sent: it appears once a coordinator publishes it."
)
NAMES = ("space", "signin", "signout", "new_offer", "new_event")


def url(page, name):
    return page.url + page.reverse_subpage(name)


def private(response):
    patch_cache_control(response, private=True, no_store=True)
    return response


def render(page, request, template, status=200, **context):
    context.setdefault("representative", getattr(request, "representative", None))
    context["space_urls"] = {name: url(page, name) for name in NAMES}
    response = page.render(
        request, template=f"{TEMPLATES}/{template}.html", context_overrides=context
    )
    response.status_code = status
    return private(response)


def representative_required(view):
    @wraps(view)
    def wrapper(page, request, *args, **kwargs):
        request.representative = space.current_representative(page, request)
        if request.representative is None:
            return private(HttpResponseRedirect(url(page, "signin")))
        return view(page, request, *args, **kwargs)

    return wrapper


# --- signing in and out --------------------------------------------------------------


def signin(page, request):
    if space.current_representative(page, request):
        return private(HttpResponseRedirect(url(page, "space")))
    form = PartnerSigninForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        if rate_limited(f"partner:{email}", f"partner-ip:{client_address(request)}"):
            return render(page, request, "signin", status=429, form=form, limited=True)
        representative = space.find_representative(page.get_territory(), email)
        if representative is not None:
            _send_safely(
                "partner_signin_link",
                to=[representative.email],
                context={
                    "representative": representative,
                    "link": signin_link(page, representative),
                    "minutes": bippop_settings.SIGNIN_LINK_MINUTES,
                },
                territory=representative.organisation.territory,
            )
        # Same answer whether or not we know the address: nobody can probe who is a partner.
        return render(page, request, "signin_sent")
    return render(page, request, "signin", form=form)


def signin_open(page, request):
    """GET shows a button, POST signs in: mail scanners that follow links use nothing up."""
    if request.method == "POST":
        form = OpenLinkForm(request.POST)
        user = user_from_token(form.data.get("token", "")) if form.is_valid() else None
        representative = (
            space.representatives(page.get_territory()).filter(user=user).first()
            if user is not None
            else None
        )
        if representative is None:
            return render(page, request, "link_invalid", status=400)
        login(request, user)
        log(representative.organisation, space.SIGNED_IN, user=user)
        return private(HttpResponseRedirect(url(page, "space")))
    form = OpenLinkForm(initial={"token": request.GET.get("t", "")[:500]})
    return render(page, request, "signin_open", form=form)


def signout(page, request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    logout(request)
    return private(HttpResponseRedirect(url(page, "signin")))


# --- the structure's offers and events -----------------------------------------------


def home(page, request):
    request.representative = space.current_representative(page, request)
    if request.representative is None:
        return signin(page, request)
    organisation = request.representative.organisation
    return render(
        page,
        request,
        "home",
        organisation=organisation,
        offers=list(space.structure_offers(organisation)[:50]),
        events=list(space.structure_events(organisation)[:50]),
    )


@representative_required
def new_offer(page, request):
    territory = page.get_territory()
    form = OfferForm(request.POST or None, territory=territory)
    if request.method == "POST" and form.is_valid():
        try:
            space.publish_offer(request.representative, form.offer_data(), user=request.user)
        except ValidationError as error:
            apply_model_errors(form, error)
        else:
            messages.success(
                request,
                _("Thank you! Your offer is sent: it appears once a coordinator approves it."),
            )
            return private(HttpResponseRedirect(url(page, "space")))
    return render(page, request, "offer_form", form=form)


@representative_required
def new_event(page, request):
    form = EventProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        event = space.propose_event(request.representative, form, user=request.user)
        if event is None:
            form.add_error(None, _("The agenda is not open yet. Please call us."))
        else:
            messages.success(
                request,
                _("Thank you! Your event is sent: it appears once a coordinator publishes it."),
            )
            return private(HttpResponseRedirect(url(page, "space")))
    return render(page, request, "event_form", form=form)
