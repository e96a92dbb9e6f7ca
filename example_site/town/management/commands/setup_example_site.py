"""Build Bellerive-sur-Aronde's site: pages, solidarity section, settings, demo data, admin."""

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Page, Site

from town.models import HomePage, StandardPage
from wagtail_bippop.demo.events import populate_events
from wagtail_bippop.demo.offers import populate_offers
from wagtail_bippop.models import (
    DirectoryPage,
    HelpRequestPage,
    SolidarityIndexPage,
    SolidaritySettings,
    Territory,
    VolunteerSignupPage,
    VolunteerSpacePage,
)

TOWN = "Bellerive-sur-Aronde"
ADMIN_USER, ADMIN_PASSWORD = "admin", "bellerive-demo"

INTRO = [
    ("heading", "Un réseau de proximité et de confiance"),
    (
        "paragraph",
        "<p>Vous vous sentez seul·e, vous n'osez plus sortir, vous aimeriez de la compagnie "
        "pour faire vos courses ou une balade ? Des habitants de Bellerive, formés et cooptés "
        "par la commune, viennent vous voir ou vous accompagnent, gratuitement.</p>",
    ),
]
TESTIMONIALS = [
    (
        "testimonial",
        {
            "quote": "Je suis à la retraite, j'ai du temps. Ce que j'aime, c'est la lecture à "
            "voix haute.",
            "author": "Michèle, bénévole",
        },
    ),
    (
        "testimonial",
        {
            "quote": "J'inscris mes disponibilités et je rends service quand je veux, quand je "
            "peux, en réservant les vacances pour mes petits-enfants !",
            "author": "Didier, bénévole",
        },
    ),
]


class Command(BaseCommand):
    help = "Create the example town site with its solidarity section and demo data."

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args, size, seed, **options):
        with transaction.atomic():
            home = self.build_pages()
        call_command("bippop_demo", territory=TOWN, size=size, seed=seed, stdout=self.stdout)
        populate_events(Territory.objects.get(slug="bellerive-sur-aronde"))
        populate_offers(Territory.objects.get(slug="bellerive-sur-aronde"))
        self.make_admin()
        self.stdout.write(self.style.SUCCESS(f"Site ready: {home.title}"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin login: http://127.0.0.1:8000/admin/  user: {ADMIN_USER}  "
                f"password: {ADMIN_PASSWORD}"
            )
        )

    def build_pages(self):
        site = Site.objects.get(is_default_site=True)
        if isinstance(site.root_page.specific, HomePage):
            return site.root_page.specific
        root = Page.get_first_root_node()
        home = HomePage(
            title=f"Bienvenue à {TOWN}",
            slug="accueil",
            tagline="Commune de 10 000 habitants au bord de l'Aronde.",
            body=[
                ("heading", "Actualités"),
                (
                    "paragraph",
                    "<p>Le plan canicule est activé du 1er juin au 15 septembre : pensez à "
                    "vous inscrire sur le registre des personnes vulnérables.</p>",
                ),
            ],
        )
        root.add_child(instance=home)
        old_root = site.root_page
        site.root_page = home
        site.site_name = TOWN
        site.save()
        if old_root.depth == 2 and old_root.pk != home.pk and not old_root.get_children().exists():
            old_root.delete()
        for title, slug, body in [
            ("Vie municipale", "vie-municipale", "<p>Conseil municipal, arrêtés, élus.</p>"),
            ("Démarches", "demarches", "<p>État civil, urbanisme, inscriptions scolaires.</p>"),
        ]:
            home.add_child(
                instance=StandardPage(title=title, slug=slug, body=body, show_in_menus=True)
            )
        territory, _ = Territory.objects.get_or_create(
            slug="bellerive-sur-aronde", defaults={"name": TOWN, "site": site}
        )
        index = SolidarityIndexPage(
            title="Bellerive Solidaire",
            slug="solidarite",
            territory=territory,
            intro=INTRO,
            testimonials=TESTIMONIALS,
            show_in_menus=True,
        )
        home.add_child(instance=index)
        index.add_child(
            instance=HelpRequestPage(
                title="Demander de l'aide",
                slug="demander-de-l-aide",
                intro="<p>Remplissez ce formulaire pour vous ou pour un proche. Un "
                "coordinateur du CCAS vous rappelle.</p>",
            )
        )
        index.add_child(
            instance=VolunteerSignupPage(
                title="Devenir bénévole",
                slug="devenir-benevole",
                intro="<p>Donnez un peu de votre temps près de chez vous.</p>",
            )
        )
        index.add_child(instance=DirectoryPage(title="Annuaire solidaire", slug="annuaire"))
        index.add_child(
            instance=VolunteerSpacePage(title="Espace bénévole", slug="espace-benevole")
        )
        settings = SolidaritySettings.for_site(site)
        settings.platform_name = "Bellerive Solidaire"
        settings.coordinator_phone = "03 44 00 00 10"
        settings.coordinator_email = "ccas@bellerive-sur-aronde.example"
        settings.coordinator_address = "CCAS, 1 place de la République, 60999 " + TOWN
        settings.opening_hours = "Du lundi au vendredi, de 9 h à 12 h et de 14 h à 17 h"
        settings.charter = (
            "<p>Je m'engage à respecter la personne, sa vie privée et ses choix ; à prévenir "
            "le CCAS de toute inquiétude ; à ne recevoir ni argent ni cadeau.</p>"
        )
        settings.privacy_notice = (
            "<p>Vos données sont traitées par le CCAS de Bellerive-sur-Aronde pour organiser "
            "l'aide demandée. Elles sont conservées deux ans après le dernier contact. Vous "
            "pouvez y accéder, les rectifier ou les faire effacer en écrivant au CCAS.</p>"
        )
        settings.callback_delay_days = 2
        settings.save()
        return home

    def make_admin(self):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=ADMIN_USER,
            defaults={
                "is_superuser": True,
                "is_staff": True,
                "first_name": "Claire",
                "last_name": "Coordinatrice",
                "email": "admin@example.org",
            },
        )
        if created:
            user.set_password(ADMIN_PASSWORD)
            user.save()
