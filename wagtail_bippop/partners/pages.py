"""The public form through which a structure asks to join the network, and the partner
space where approved structures publish their offers and events (routes under ``espace/``).
"""

from django.utils.translation import gettext_lazy as _
from wagtail.contrib.routable_page.models import path
from wagtail.models import Page

from ..pages import FormPageMixin


def views():
    # Imported on first use: this module loads while the models are still being set up.
    from . import views as module

    return module


class PartnerJoinPageMixin(FormPageMixin):
    sent_template = "wagtail_bippop/partners/join_sent.html"
    rate_limit_scope = "partner_join"

    class Meta:
        abstract = True

    def get_form_class(self):
        from .forms import PartnerJoinForm

        return PartnerJoinForm

    def submit(self, form, *, territory, solidarity_settings):
        from .submissions import submit_partner_join

        return submit_partner_join(
            form, territory=territory, solidarity_settings=solidarity_settings
        )

    @path("espace/", name="space")
    def space_route(self, request):
        return views().home(self, request)

    @path("espace/signin/", name="signin")
    def signin_route(self, request):
        return views().signin(self, request)

    @path("espace/signin/open/", name="signin_open")
    def signin_open_route(self, request):
        return views().signin_open(self, request)

    @path("espace/signout/", name="signout")
    def signout_route(self, request):
        return views().signout(self, request)

    @path("espace/offers/new/", name="new_offer")
    def new_offer_route(self, request):
        return views().new_offer(self, request)

    @path("espace/events/new/", name="new_event")
    def new_event_route(self, request):
        return views().new_event(self, request)


class PartnerJoinPage(PartnerJoinPageMixin, Page):
    template = "wagtail_bippop/partners/join_page.html"
    parent_page_types = ["wagtail_bippop.SolidarityIndexPage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("partner sign-up form")
