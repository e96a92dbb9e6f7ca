"""Build the public solidarity section under a home page: used by browser and server tests."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Locale, Page, Site

from wagtail_bippop.models import (
    DirectoryPage,
    HelpRequestPage,
    SolidarityIndexPage,
    SolidaritySettings,
    VolunteerSignupPage,
)


def ensure_default_site():
    """The default Site with a home page; rebuilt when a transactional test flushed them."""
    # A flush recreates the content types with new ids: forget the ones cached before it.
    ContentType.objects.clear_cache()
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
        home = root.add_child(instance=Page(title="Accueil", slug="accueil"))
        site = Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True
        )
    return site


@dataclass
class Section:
    index: SolidarityIndexPage
    help_request: HelpRequestPage
    volunteer_signup: VolunteerSignupPage
    directory: DirectoryPage
    settings: SolidaritySettings


def build_section(home_page, territory, *, slug="solidarite"):
    """A SolidarityIndexPage with its three children, and the site's section settings."""
    index = SolidarityIndexPage(
        title="Bellerive Solidaire",
        slug=slug,
        territory=territory,
        intro=[("paragraph", "<p>Un réseau de voisins pour rompre l'isolement.</p>")],
        testimonials=[
            ("testimonial", {"quote": "Je ne suis plus seule le mardi.", "author": "Michèle"})
        ],
    )
    home_page.add_child(instance=index)
    help_request = index.add_child(
        instance=HelpRequestPage(title="Demander de l'aide", slug="demander-de-l-aide")
    )
    volunteer_signup = index.add_child(
        instance=VolunteerSignupPage(title="Devenir bénévole", slug="devenir-benevole")
    )
    directory = index.add_child(
        instance=DirectoryPage(title="Annuaire solidaire", slug="annuaire", per_page=10)
    )
    section_settings = SolidaritySettings.for_site(index.get_site())
    section_settings.coordinator_phone = "03 44 00 00 10"
    section_settings.coordinator_email = "ccas@bellerive.example"
    section_settings.opening_hours = "Du lundi au vendredi, de 9 h à 12 h"
    section_settings.charter = "<p>Je respecte la personne et sa vie privée.</p>"
    section_settings.privacy_notice = "<p>Vos données servent uniquement à organiser l'aide.</p>"
    section_settings.callback_delay_days = 3
    section_settings.save()
    return Section(index, help_request, volunteer_signup, directory, section_settings)
