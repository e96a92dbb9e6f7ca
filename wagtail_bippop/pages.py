"""Page types of the public section.

Each page's features live in an abstract mixin, so that a site with its own base page
model can build its pages on it; the concrete pages below are the defaults.
"""

from django.db import models
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from .blocks import IntroBlock, TestimonialBlock
from .conf import bippop_settings
from .models.site_settings import SolidaritySettings
from .solicitation_routes import SolicitationRoutesMixin


class SectionPageMixin(models.Model):
    """What every page of the section shares: its territory and the town's look."""

    class Meta:
        abstract = True

    def get_index_page(self):
        if isinstance(self, SolidarityIndexPageMixin):
            return self
        index = self.get_ancestors().type(SolidarityIndexPage).last()
        return index.specific if index else None

    def get_territory(self):
        index = self.get_index_page()
        return index.territory if index else None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        index = self.get_index_page()
        context.update(
            base_template=bippop_settings.BASE_TEMPLATE,
            index_page=index,
            territory=index.territory if index else None,
            solidarity_settings=SolidaritySettings.for_request(request),
            theme_css_url=(index.url + index.reverse_subpage("theme_css")) if index else "",
        )
        if index:
            children = index.get_children().live()
            context.update(
                help_request_page=children.type(HelpRequestPage).first(),
                volunteer_signup_page=children.type(VolunteerSignupPage).first(),
                directory_page=children.type(DirectoryPage).first(),
            )
        return context


class SolidarityIndexPageMixin(SolicitationRoutesMixin, RoutablePageMixin, SectionPageMixin):
    territory = models.ForeignKey(
        "wagtail_bippop.Territory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("territory"),
    )
    intro = StreamField(IntroBlock(), blank=True, verbose_name=_("introduction"))
    testimonials = StreamField(
        [("testimonial", TestimonialBlock())], blank=True, verbose_name=_("testimonials")
    )

    content_panels = Page.content_panels + [
        FieldPanel("territory"),
        FieldPanel("intro"),
        FieldPanel("testimonials"),
    ]

    class Meta:
        abstract = True

    @path("theme/", name="theme_css")
    def theme_css(self, request):
        """The site's brand colours as CSS custom properties (no inline style needed)."""
        css = render_to_string(
            "wagtail_bippop/theme.css",
            {"solidarity_settings": SolidaritySettings.for_request(request)},
        )
        response = HttpResponse(css, content_type="text/css; charset=utf-8")
        response["Cache-Control"] = "public, max-age=300"
        return response


class SolidarityIndexPage(SolidarityIndexPageMixin, Page):
    template = "wagtail_bippop/pages/solidarity_index_page.html"
    subpage_types = [
        "wagtail_bippop.HelpRequestPage",
        "wagtail_bippop.VolunteerSignupPage",
        "wagtail_bippop.DirectoryPage",
        "wagtail_bippop.VolunteerSpacePage",
    ]

    class Meta:
        verbose_name = _("solidarity network home")


class FormPageMixin(SectionPageMixin):
    intro = RichTextField(_("introduction"), blank=True)
    thank_you_text = RichTextField(
        _("confirmation text"), blank=True, help_text=_("Shown after the form is sent.")
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("thank_you_text")]

    class Meta:
        abstract = True


class HelpRequestPage(FormPageMixin, Page):
    template = "wagtail_bippop/pages/help_request_page.html"
    parent_page_types = ["wagtail_bippop.SolidarityIndexPage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("help request form")


class VolunteerSignupPage(FormPageMixin, Page):
    template = "wagtail_bippop/pages/volunteer_signup_page.html"
    parent_page_types = ["wagtail_bippop.SolidarityIndexPage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("volunteer sign-up form")


class DirectoryPageMixin(SectionPageMixin):
    intro = RichTextField(_("introduction"), blank=True)
    per_page = models.PositiveSmallIntegerField(_("entries per page"), default=20)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("per_page")]

    class Meta:
        abstract = True


class DirectoryPage(DirectoryPageMixin, Page):
    template = "wagtail_bippop/pages/directory_page.html"
    parent_page_types = ["wagtail_bippop.SolidarityIndexPage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("solidarity directory")
