"""The public board of current offers, with a detail page per offer."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField
from wagtail.models import Page

from ..pages import SectionPageMixin


class OffersBoardPageMixin(RoutablePageMixin, SectionPageMixin):
    intro = RichTextField(_("introduction"), blank=True)
    per_page = models.PositiveSmallIntegerField(_("offers per page"), default=20)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("per_page")]

    class Meta:
        abstract = True


class OffersBoardPage(OffersBoardPageMixin, Page):
    template = "wagtail_bippop/offers/board_page.html"
    parent_page_types = ["wagtail_bippop.SolidarityIndexPage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("offers board")
