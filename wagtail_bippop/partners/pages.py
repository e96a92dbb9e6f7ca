"""The public form through which a structure asks to join the network."""

from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from ..pages import FormPageMixin


class PartnerJoinPageMixin(FormPageMixin):
    rate_limit_scope = "partner_join"

    class Meta:
        abstract = True


class PartnerJoinPage(PartnerJoinPageMixin, Page):
    template = "wagtail_bippop/partners/join_page.html"
    parent_page_types = ["wagtail_bippop.SolidarityIndexPage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("partner sign-up form")
