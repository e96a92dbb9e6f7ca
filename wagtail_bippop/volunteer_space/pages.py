"""The volunteer space: a routable page, so it lives inside the town's site and look."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField
from wagtail.models import Page

from ..pages import SectionPageMixin
from . import checks  # noqa: F401  (registers the sign-in link checks)


def views():
    # Imported on first use: this module loads while the models are still being set up.
    from . import views as module

    return module


class VolunteerSpacePageMixin(RoutablePageMixin, SectionPageMixin):
    intro = RichTextField(
        _("introduction"), blank=True, help_text=_("Shown above the sign-in form.")
    )

    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        abstract = True

    @path("", name="home")
    def home(self, request):
        return views().home(self, request)

    @path("signin/", name="signin")
    def signin(self, request):
        return views().signin(self, request)

    @path("signin/open/", name="signin_open")
    def signin_open(self, request):
        return views().signin_open(self, request)

    @path("signout/", name="signout")
    def signout(self, request):
        return views().signout(self, request)

    @path("solicitations/<int:pk>/", name="solicitation")
    def solicitation(self, request, pk):
        return views().solicitation(self, request, pk)

    @path("visits/<int:pk>/", name="visit")
    def visit(self, request, pk):
        return views().visit(self, request, pk)

    @path("people/<int:pk>/", name="person")
    def person(self, request, pk):
        return views().person(self, request, pk)

    @path("people/<int:pk>/worry/", name="worry")
    def worry(self, request, pk):
        return views().worry(self, request, pk)

    @path("availability/", name="availability")
    def availability(self, request):
        return views().availability(self, request)

    @path("absences/add/", name="absence_add")
    def absence_add(self, request):
        return views().absence_add(self, request)

    @path("absences/<int:pk>/remove/", name="absence_remove")
    def absence_remove(self, request, pk):
        return views().absence_remove(self, request, pk)

    @path("calendar/", name="calendar")
    def calendar(self, request):
        return views().calendar(self, request)

    @re_path(r"^calendar/(?P<token>[A-Za-z0-9_-]{20,64})/$", name="calendar_feed")
    def calendar_feed(self, request, token):
        return views().calendar_feed(self, request, token)

    @path("offers/", name="offers")
    def offers(self, request):
        from . import offers

        return offers.offer_list(self, request)

    @path("offers/new/", name="offer_add")
    def offer_add(self, request):
        from . import offers

        return offers.offer_add(self, request)

    @path("offers/<int:pk>/withdraw/", name="offer_withdraw")
    def offer_withdraw(self, request, pk):
        from . import offers

        return offers.offer_withdraw(self, request, pk)

    @path("settings/", name="settings")
    def preferences(self, request):
        return views().preferences(self, request)

    @path("settings/close/", name="close_account")
    def close_account(self, request):
        return views().close_account(self, request)

    @path("people/<int:pk>/loneliness/", name="loneliness")
    def loneliness(self, request, pk):
        from . import loneliness

        return loneliness.measure(self, request, pk)

    @path("calls/", name="campaign_calls")
    def campaign_calls(self, request):
        from . import campaign_calls

        return campaign_calls.call_list(self, request)

    @path("calls/<int:pk>/", name="campaign_call")
    def campaign_call(self, request, pk):
        from . import campaign_calls

        return campaign_calls.call(self, request, pk)


class VolunteerSpacePage(VolunteerSpacePageMixin, Page):
    parent_page_types = ["wagtail_bippop.SolidarityIndexPage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("volunteer space")
