"""Town and association events (market, show, meal, café des aidants…) as pages.

Each event offers two ways in: ask for someone to go with you, or offer to accompany someone.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from ..pages import SectionPageMixin


def views():
    # Imported on first use: this module loads while the models are still being set up.
    from . import views as module

    return module


class EventIndexPageMixin(SectionPageMixin):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        from .agenda import agenda_context

        context = super().get_context(request, *args, **kwargs)
        context.update(agenda_context(request, self))
        return context


class EventPageMixin(RoutablePageMixin, SectionPageMixin):
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place_name = models.CharField(_("place"), max_length=200)
    place_address = models.CharField(_("address of the place"), max_length=255, blank=True)
    step_free = models.BooleanField(_("step-free access"), default=False)
    accessibility_notes = models.CharField(_("accessibility notes"), max_length=255, blank=True)
    organiser = models.ForeignKey(
        "wagtail_bippop.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organised by"),
    )
    summary = models.CharField(_("summary"), max_length=255, blank=True)
    body = RichTextField(_("description"), blank=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("starts_at"), FieldPanel("ends_at")], heading=_("Date and time")
        ),
        MultiFieldPanel(
            [
                FieldPanel("place_name"),
                FieldPanel("place_address"),
                FieldPanel("step_free"),
                FieldPanel("accessibility_notes"),
            ],
            heading=_("Place and access"),
        ),
        FieldPanel("organiser"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        from .agenda import is_upcoming

        context = super().get_context(request, *args, **kwargs)
        # A page previewed before its first save has no address yet.
        url = self.url or ""
        context.update(
            is_upcoming=is_upcoming(self),
            accompany_url=url + self.reverse_subpage("accompany"),
            ical_url=url + self.reverse_subpage("ical"),
        )
        return context

    @path("ical/", name="ical")
    def ical_route(self, request):
        return views().ical(self, request)

    @path("accompagner/", name="accompany")
    def accompany_route(self, request):
        return views().accompany(self, request)


class EventIndexPage(EventIndexPageMixin, Page):
    template = "wagtail_bippop/events/event_index_page.html"
    parent_page_types = ["wagtail_bippop.SolidarityIndexPage"]
    subpage_types = ["wagtail_bippop.EventPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("events and outings")


class EventPage(EventPageMixin, Page):
    template = "wagtail_bippop/events/event_page.html"
    parent_page_types = ["wagtail_bippop.EventIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
