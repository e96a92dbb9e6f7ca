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
from wagtail.models import Page, get_page_models

from .blocks import IntroBlock, TestimonialBlock
from .conf import bippop_settings
from .models.site_settings import SolidaritySettings
from .public.models import VolunteerSignupReceipt  # noqa: F401  (registers the model)
from .solicitation_routes import SolicitationRoutesMixin

# Partner organisations shown on the section's home page; the directory lists them all.
INDEX_ORGANISATIONS = 12


class SectionPageMixin(models.Model):
    """What every page of the section shares: its territory and the town's look."""

    class Meta:
        abstract = True

    def get_index_page(self):
        if isinstance(self, SolidarityIndexPageMixin):
            return self
        # Looked up once per page instance: views and templates ask for it several times.
        if not hasattr(self, "_bippop_index_page"):
            index = self.get_ancestors().type(SolidarityIndexPage).last()
            self._bippop_index_page = index.specific if index else None
        return self._bippop_index_page

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
            context.update(section_children(index))
        return context


def section_children(index):
    """The section's form and directory pages under ``index``, in one query."""
    from .events.pages import EventIndexPageMixin
    from .offers.pages import OffersBoardPageMixin
    from .partners.pages import PartnerJoinPageMixin

    kinds = {
        "event_index_page": EventIndexPageMixin,
        "offers_board_page": OffersBoardPageMixin,
        "partner_join_page": PartnerJoinPageMixin,
        "help_request_page": HelpRequestPageMixin,
        "volunteer_signup_page": VolunteerSignupPageMixin,
        "directory_page": DirectoryPageMixin,
    }
    found = dict.fromkeys(kinds)
    mixins = tuple(kinds.values())
    page_types = [model for model in get_page_models() if issubclass(model, mixins)]
    for child in index.get_children().live().type(*page_types):
        for name, mixin in kinds.items():
            if found[name] is None and issubclass(child.specific_class, mixin):
                found[name] = child
    return found


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

    def get_context(self, request, *args, **kwargs):
        from .models import OrganisationStatus
        from .public.stats import public_counters

        context = super().get_context(request, *args, **kwargs)
        context.update(
            services=self.territory.services.filter(is_active=True),
            counters=public_counters(self.territory),
            organisations=self.territory.organisations.filter(
                status=OrganisationStatus.APPROVED
            ).order_by("name")[:INDEX_ORGANISATIONS],
        )
        return context

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
        "wagtail_bippop.RegisterPage",
        "wagtail_bippop.OffersBoardPage",
        "wagtail_bippop.EventIndexPage",
        "wagtail_bippop.PartnerJoinPage",
    ]

    class Meta:
        verbose_name = _("solidarity network home")


class FormPageMixin(RoutablePageMixin, SectionPageMixin):
    """A public form on a page: shown at the page's URL, confirmed at ``merci/``.

    Subclasses name their form class, the function that stores a valid form, and the
    confirmation template.
    """

    intro = RichTextField(_("introduction"), blank=True)
    thank_you_text = RichTextField(
        _("confirmation text"), blank=True, help_text=_("Shown after the form is sent.")
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("thank_you_text")]

    sent_template = None
    rate_limit_scope = "form"

    class Meta:
        abstract = True

    def get_form_class(self):
        raise NotImplementedError

    def submit(self, form, *, territory, solidarity_settings):
        raise NotImplementedError

    @path("", name="form")
    def form_route(self, request):
        from .public.views import form_view

        return form_view(self, request)

    @path("merci/", name="sent")
    def sent_route(self, request):
        from .public.views import sent_view

        return sent_view(self, request)


class HelpRequestPageMixin(FormPageMixin):
    sent_template = "wagtail_bippop/pages/help_request_sent.html"
    rate_limit_scope = "help_request"

    class Meta:
        abstract = True

    def get_form_class(self):
        from .public.forms import HelpRequestForm

        return HelpRequestForm

    def submit(self, form, *, territory, solidarity_settings):
        from .public.submissions import submit_help_request

        return submit_help_request(
            form, territory=territory, solidarity_settings=solidarity_settings
        )


class VolunteerSignupPageMixin(FormPageMixin):
    sent_template = "wagtail_bippop/pages/volunteer_signup_sent.html"
    rate_limit_scope = "volunteer_signup"

    class Meta:
        abstract = True

    def get_form_class(self):
        from .public.forms import VolunteerSignupForm

        return VolunteerSignupForm

    def submit(self, form, *, territory, solidarity_settings):
        from .public.submissions import submit_volunteer_signup

        return submit_volunteer_signup(
            form, territory=territory, solidarity_settings=solidarity_settings
        )


class HelpRequestPage(HelpRequestPageMixin, Page):
    template = "wagtail_bippop/pages/help_request_page.html"
    parent_page_types = ["wagtail_bippop.SolidarityIndexPage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("help request form")


class VolunteerSignupPage(VolunteerSignupPageMixin, Page):
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

    def get_context(self, request, *args, **kwargs):
        from .public.directory import directory_context

        context = super().get_context(request, *args, **kwargs)
        territory = context["territory"]
        if territory is not None:
            context.update(directory_context(request, territory, max(self.per_page, 1)))
        return context


class DirectoryPage(DirectoryPageMixin, Page):
    template = "wagtail_bippop/pages/directory_page.html"
    parent_page_types = ["wagtail_bippop.SolidarityIndexPage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("solidarity directory")
