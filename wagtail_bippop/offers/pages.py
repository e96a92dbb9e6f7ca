"""The public board of current offers, with a detail page per offer."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from ..pages import SectionPageMixin


class OffersBoardPageMixin(RoutablePageMixin, SectionPageMixin):
    intro = RichTextField(_("introduction"), blank=True)
    per_page = models.PositiveSmallIntegerField(_("offers per page"), default=20)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("per_page")]

    offer_template = "wagtail_bippop/offers/offer_detail.html"

    class Meta:
        abstract = True

    @path("", name="board")
    def board(self, request):
        from .board import board_context

        territory = self.get_territory()
        context = board_context(request, territory, self.per_page or 20) if territory else {}
        return self.render(request, context_overrides=context)

    @path("<int:pk>/", name="offer")
    def offer(self, request, pk):
        from django.http import Http404

        from .board import current_offer_or_404

        territory = self.get_territory()
        if territory is None:
            raise Http404
        offer = current_offer_or_404(territory, pk)
        return self.render(
            request,
            template=self.offer_template,
            context_overrides={"offer": offer, "board_url": self.url},
        )


class OffersBoardPage(OffersBoardPageMixin, Page):
    template = "wagtail_bippop/offers/board_page.html"
    parent_page_types = ["wagtail_bippop.SolidarityIndexPage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("offers board")
