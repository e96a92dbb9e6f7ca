"""Views of the volunteer space. Each takes the page first; rules live in ``services``."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from ..conf import bippop_settings
from ..models import DayPeriod, VisitStatus, Volunteer, Weekday
from ..models.outbox import VolunteerPreferences
from ..models.site_settings import SolidaritySettings
from ..public.ratelimit import client_address
from . import calendar as ical
from . import services
from .forms import (
    AbsenceForm,
    AnswerForm,
    AvailabilityForm,
    OpenLinkForm,
    PreferencesForm,
    ReportForm,
    SigninForm,
    WorryForm,
)
from .links import rate_limited, signin_token, user_from_token

TEMPLATES = "wagtail_bippop/volunteer_space"
# Pages that need a signed-in volunteer put their address here before sending them to sign in.
RETURN_AFTER_SIGNIN = "bippop_after_signin"


def url(page, name, *args):
    return page.url + page.reverse_subpage(name, args=args)


def full_url(page, name, *args):
    return page.full_url + page.reverse_subpage(name, args=args)


def render(page, request, template, status=200, **context):
    context.setdefault("volunteer", getattr(request, "volunteer", None))
    context["space_urls"] = {
        name: url(page, name)
        for name in ("home", "availability", "calendar", "settings", "signout", "signin")
    }
    response = page.render(
        request, template=f"{TEMPLATES}/{template}.html", context_overrides=context
    )
    response.status_code = status
    return response


def private(response):
    patch_cache_control(response, private=True, no_store=True)
    return response


def current_volunteer(page, request):
    user = request.user
    if not user.is_authenticated:
        return None
    volunteer = Volunteer.objects.filter(user=user, territory=page.get_territory()).first()
    if volunteer is None or volunteer.stage in services.CLOSED_STAGES:
        return None
    return volunteer


def volunteer_required(view):
    @wraps(view)
    def wrapper(page, request, *args, **kwargs):
        request.volunteer = current_volunteer(page, request)
        if request.volunteer is None:
            return HttpResponseRedirect(url(page, "signin"))
        return private(view(page, request, *args, **kwargs))

    return wrapper


def post_only(view):
    @wraps(view)
    def wrapper(page, request, *args, **kwargs):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(page, request, *args, **kwargs)

    return wrapper


# --- signing in and out ------------------------------------------------------------


def signin(page, request):
    if current_volunteer(page, request):
        return HttpResponseRedirect(url(page, "home"))
    form = SigninForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["identifier"].strip().lower()
        if rate_limited(f"id:{identifier}", f"ip:{client_address(request)}"):
            return private(render(page, request, "signin", status=429, form=form, limited=True))
        volunteer, channel = services.find_volunteer(page.get_territory(), identifier)
        if volunteer is not None:
            send_signin_link(page, volunteer, channel)
        # Same answer whether or not we know the person: nobody can probe who volunteers.
        return private(render(page, request, "signin_sent"))
    return private(render(page, request, "signin", form=form))


def send_signin_link(page, volunteer, channel):
    from ..conf import bippop_settings
    from ..notifications import notify

    user = services.user_for(volunteer)
    link = f"{full_url(page, 'signin_open')}?t={signin_token(user)}"
    return notify(
        "signin_link",
        person=volunteer,
        channel=channel,
        values={
            "first_name": volunteer.first_name,
            "link": link,
            "minutes": bippop_settings.SIGNIN_LINK_MINUTES,
        },
    )


def signin_open(page, request):
    """GET shows a button, POST signs in: mail scanners that follow links use nothing up."""
    if request.method == "POST":
        form = OpenLinkForm(request.POST)
        user = user_from_token(form.data.get("token", "")) if form.is_valid() else None
        volunteer = (
            Volunteer.objects.filter(user=user, territory=page.get_territory())
            .exclude(stage__in=services.CLOSED_STAGES)
            .first()
            if user is not None
            else None
        )
        if volunteer is None:
            return private(render(page, request, "link_invalid", status=400))
        login(request, user)
        # A volunteer's session lasts hours, not Django's default two weeks.
        request.session.set_expiry(bippop_settings.VOLUNTEER_SESSION_HOURS * 3600)
        log(volunteer, "wagtail_bippop.volunteer_signed_in", user=user)
        back = request.session.pop(RETURN_AFTER_SIGNIN, "")  # e.g. an event's "I can accompany"
        safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
        return HttpResponseRedirect(back if back and safe else url(page, "home"))
    # The token arrives in the link's query string (it is in the web server's access log
    # for this GET: it is single use and expires within minutes). The page never sends it
    # on: the button posts it in the body to the address without it, no Referer leaves the
    # site, and nothing is cached. "same-origin", not "no-referrer": with no referrer the
    # browser posts with `Origin: null`, which Django's CSRF check refuses.
    form = OpenLinkForm(initial={"token": request.GET.get("t", "")})
    response = private(
        render(page, request, "signin_open", form=form, post_url=url(page, "signin_open"))
    )
    response["Referrer-Policy"] = "same-origin"
    return response


@post_only
def signout(page, request):
    logout(request)
    return HttpResponseRedirect(url(page, "signin"))


# --- home ----------------------------------------------------------------------------


def home(page, request):
    request.volunteer = current_volunteer(page, request)
    if request.volunteer is None:
        return signin(page, request)
    volunteer = request.volunteer
    upcoming = services.upcoming_visits(volunteer)
    return private(
        render(
            page,
            request,
            "home",
            to_report=list(services.visits_to_report(volunteer)[:20]),
            upcoming=list(upcoming.filter(starts_at__gt=timezone.now())[:10]),
            solicitations=list(services.open_solicitations(volunteer)),
        )
    )


# --- solicitations -------------------------------------------------------------------


@volunteer_required
def solicitation(page, request, pk):
    found = services.open_solicitations(request.volunteer).filter(pk=pk).first()
    if found is None:
        raise Http404
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        answer = services.respond(found, form.cleaned_data["answer"] == "yes", user=request.user)
        messages.info(request, answer.message)
        return HttpResponseRedirect(url(page, "home"))
    return render(page, request, "solicitation", solicitation=found, form=form)


# --- visits and people ---------------------------------------------------------------


@volunteer_required
def visit(page, request, pk):
    try:
        found = services.visit_of(request.volunteer, pk)
    except services.Visit.DoesNotExist:
        raise Http404 from None
    initial = {"status": VisitStatus.DONE, "duration_minutes": found.duration_minutes}
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and not too_early(found, form):
        services.report_visit(found, user=request.user, **form.cleaned_data)
        if form.cleaned_data["worry"]:
            messages.warning(request, _("Thank you. The coordinator has been told at once."))
        else:
            messages.success(request, _("Thank you for your report."))
        return HttpResponseRedirect(url(page, "home"))
    beneficiary = found.mission.request.beneficiary
    can_contact = services.beneficiary_for_or_none(request.volunteer, beneficiary.pk)
    return render(
        page,
        request,
        "visit",
        visit=found,
        form=form,
        # The report is asked once the visit has begun; before, the page says from when.
        can_report=found.starts_at <= timezone.now(),
        reportable_from=services.moment_in_a_sentence(found.starts_at),
        beneficiary=beneficiary,
        person_url=url(page, "person", beneficiary.pk) if can_contact else "",
    )


def too_early(visit, form):
    """A visit cannot be reported done or missed before it starts (it may be cancelled)."""
    status = form.cleaned_data["status"]
    if status != VisitStatus.CANCELLED and visit.starts_at > timezone.now():
        form.add_error("status", _("This visit has not started yet."))
        return True
    return False


@volunteer_required
def person(page, request, pk):
    beneficiary = services.beneficiary_for_or_none(request.volunteer, pk)
    if beneficiary is None:
        raise Http404
    visits = services.upcoming_visits(request.volunteer).filter(
        mission__request__beneficiary=beneficiary
    )
    return render(
        page,
        request,
        "person",
        beneficiary=beneficiary,
        visits=list(visits[:10]),
        worry_form=WorryForm(),
    )


@volunteer_required
def worry(page, request, pk):
    """A worry about a person the volunteer is assigned to, at any time."""
    beneficiary = services.beneficiary_for_or_none(request.volunteer, pk)
    if beneficiary is None:
        raise Http404
    if request.method != "POST":
        return HttpResponseRedirect(url(page, "person", pk))
    form = WorryForm(request.POST)
    if form.is_valid():
        services.raise_worry(
            request.volunteer, beneficiary, form.cleaned_data["text"], user=request.user
        )
        messages.warning(request, _("Thank you. The coordination has been told at once."))
        return HttpResponseRedirect(url(page, "person", pk))
    visits = services.upcoming_visits(request.volunteer).filter(
        mission__request__beneficiary=beneficiary
    )
    return render(
        page,
        request,
        "person",
        beneficiary=beneficiary,
        visits=list(visits[:10]),
        worry_form=form,
    )


# --- availability and absences -------------------------------------------------------


@volunteer_required
def availability(page, request):
    volunteer = request.volunteer
    current = [f"{slot.weekday}:{slot.period}" for slot in volunteer.availability.all()]
    form = AvailabilityForm(request.POST or None, initial={"slots": current})
    if request.method == "POST" and form.is_valid():
        services.set_availability(volunteer, form.cleaned_slots(), user=request.user)
        messages.success(request, _("Your availability is saved."))
        return HttpResponseRedirect(url(page, "availability"))
    return render(
        page,
        request,
        "availability",
        form=form,
        grid=availability_grid(form),
        absence_form=AbsenceForm(),
        absences=list(volunteer.absences.all()),
    )


def availability_grid(form):
    """Rows of (day label, [(period label, checkbox widget)]) for a readable table."""
    boxes = {box.data["value"]: box for box in form["slots"]}
    return [
        (day.label, [(period.label, boxes[f"{day.value}:{period.value}"]) for period in DayPeriod])
        for day in Weekday
    ]


@volunteer_required
@post_only
def absence_add(page, request):
    form = AbsenceForm(request.POST)
    if form.is_valid():
        _absence, cancelled = services.add_absence(
            request.volunteer, user=request.user, **form.cleaned_data
        )
        messages.success(request, _("Your absence is saved: nobody will ask you then."))
        if cancelled:
            visits = "; ".join(
                f"{services.moment_in_a_sentence(visit.starts_at)} – "
                f"{visit.mission.request.beneficiary.public_name}"
                for visit in cancelled
            )
            messages.warning(
                request,
                _(
                    "These visits planned during your absence are cancelled: %(visits)s. "
                    "The coordination is told and will call the people concerned."
                )
                % {"visits": visits},
            )
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return HttpResponseRedirect(url(page, "availability"))


@volunteer_required
@post_only
def absence_remove(page, request, pk):
    if not services.remove_absence(request.volunteer, pk, user=request.user):
        raise Http404
    messages.success(request, _("The absence is removed."))
    return HttpResponseRedirect(url(page, "availability"))


# --- calendar ------------------------------------------------------------------------


@volunteer_required
def calendar(page, request):
    if request.method == "POST":
        services.reset_calendar(request.volunteer, user=request.user)
        messages.success(request, _("A new link is ready; the old one no longer works."))
        return HttpResponseRedirect(url(page, "calendar"))
    preferences = VolunteerPreferences.for_volunteer(request.volunteer)
    feed = full_url(page, "calendar_feed", preferences.calendar_token)
    return render(page, request, "calendar", feed_url=feed)


def calendar_feed(page, request, token):
    preferences = (
        VolunteerPreferences.objects.select_related("volunteer")
        .filter(calendar_token=token, volunteer__territory=page.get_territory())
        .exclude(volunteer__stage__in=services.CLOSED_STAGES)
        .first()
    )
    if preferences is None:
        raise Http404
    site_settings = SolidaritySettings.for_request(request)
    body = ical.build_calendar(
        preferences.volunteer,
        platform_name=site_settings.platform_name,
        domain=request.get_host().split(":")[0],
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="visits.ics"'
    return private(response)


# --- settings and closure ------------------------------------------------------------


@volunteer_required
def preferences(page, request):
    volunteer = request.volunteer
    current = VolunteerPreferences.for_volunteer(volunteer)
    initial = {
        "preferred_channel": current.preferred_channel,
        "directory_opt_in": volunteer.directory_opt_in,
    }
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.set_preferences(volunteer, user=request.user, **form.cleaned_data)
        messages.success(request, _("Your choices are saved."))
        return HttpResponseRedirect(url(page, "settings"))
    return render(
        page,
        request,
        "settings",
        form=form,
        preferences=current,
        close_url=url(page, "close_account"),
    )


@volunteer_required
@post_only
def close_account(page, request):
    services.request_closure(request.volunteer, user=request.user)
    messages.success(
        request, _("Your request is sent. The coordinator will call you to say goodbye.")
    )
    return HttpResponseRedirect(url(page, "settings"))
