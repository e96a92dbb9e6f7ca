"""Build the public solidarity section under a home page: used by browser and server tests."""

from dataclasses import dataclass

from wagtail_bippop.models import (
    DirectoryPage,
    HelpRequestPage,
    SolidarityIndexPage,
    SolidaritySettings,
    VolunteerSignupPage,
)


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
    settings = SolidaritySettings.for_site(index.get_site())
    settings.coordinator_phone = "03 44 00 00 10"
    settings.coordinator_email = "ccas@bellerive.example"
    settings.opening_hours = "Du lundi au vendredi, de 9 h à 12 h"
    settings.charter = "<p>Je respecte la personne et sa vie privée.</p>"
    settings.privacy_notice = "<p>Vos données servent uniquement à organiser l'aide.</p>"
    settings.callback_delay_days = 3
    settings.save()
    return Section(index, help_request, volunteer_signup, directory, settings)
