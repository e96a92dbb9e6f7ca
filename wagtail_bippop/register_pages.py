"""Public page to ask for a registration on the vulnerable persons register.

Registration happens only at the request of the person or of a third party (CASF
L121-6-1); the town acknowledges it within 8 days. The entry goes into the register only,
never into the beneficiaries of the solidarity network.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from .pages import FormPageMixin


class RegisterPageMixin(FormPageMixin):
    """Shown, limited per client, stored once, then redirected to ``merci/`` like the others."""

    sent_template = "wagtail_bippop/register/register_sent.html"
    rate_limit_scope = "register_request"

    class Meta:
        abstract = True

    def get_form_class(self):
        from .public.register import RegisterRequestForm

        return RegisterRequestForm

    def submit(self, form, *, territory, solidarity_settings):
        from .public.register import record_registration

        record_registration(form)
        # Only what the confirmation page needs: never the person's name in the session.
        return {"reference": "", "email": False}


class RegisterPage(RegisterPageMixin, Page):
    template = "wagtail_bippop/register/register_page.html"
    parent_page_types = ["wagtail_bippop.SolidarityIndexPage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("vulnerable persons register form")
