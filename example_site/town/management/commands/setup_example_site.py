"""Build Bellerive-sur-Aronde's site: pages, solidarity section, settings, demo data, admin."""

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
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
    OrganisationRepresentative,
    PartnerJoinPage,
    SolidarityIndexPage,
    SolidaritySettings,
    Territory,
    TerritoryAccess,
    VettingStage,
    Volunteer,
    VolunteerSignupPage,
    VolunteerSpacePage,
)
from wagtail_bippop.roles import COORDINATOR_GROUP, READ_ONLY_GROUP

TOWN = "Bellerive-sur-Aronde"
ADMIN_USER, ADMIN_PASSWORD = "admin", "bellerive-demo"
# Staff accounts of the demo, one per role: (username, group, first name, last name).
STAFF = [
    ("coordinatrice", COORDINATOR_GROUP, "Sophie", "Marchand"),
    ("elu", READ_ONLY_GROUP, "Bernard", "Lemaire"),
]

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
        parser.add_argument(
            "--base-url",
            default=django_settings.WAGTAILADMIN_BASE_URL,
            help="Address the site is served at: links in messages point there.",
        )

    def handle(self, *args, size, seed, base_url, **options):
        with transaction.atomic():
            home = self.build_pages(base_url)
        call_command("bippop_demo", territory=TOWN, size=size, seed=seed, stdout=self.stdout)
        territory = Territory.objects.get(slug="bellerive-sur-aronde")
        populate_events(territory)
        populate_offers(territory)
        self.make_admin()
        staff = self.make_staff(territory)
        self.report(home, territory, staff, base_url.rstrip("/"))

    def build_pages(self, base_url):
        site = Site.objects.get(is_default_site=True)
        # Links sent by e-mail and SMS are built from the Site's address: it must be the one
        # people open (in production, the town's public address, e.g. port 443 for https).
        address = urlsplit(base_url)
        site.hostname = address.hostname or "127.0.0.1"
        site.port = address.port or (443 if address.scheme == "https" else 80)
        site.save()
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

    def make_staff(self, territory):
        """One account per staff role, with access to the territory."""
        User = get_user_model()
        access_admin = Permission.objects.get(codename="access_admin")
        accounts = []
        for username, group, first_name, last_name in STAFF:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first_name,
                    "last_name": last_name,
                    "email": f"{username}@bellerive-sur-aronde.example",
                },
            )
            if created:
                user.set_password(ADMIN_PASSWORD)
                user.save()
            user.user_permissions.add(access_admin)
            user.groups.add(Group.objects.get(name=group))
            TerritoryAccess.objects.get_or_create(user=user, territory=territory)
            accounts.append((user, group))
        return accounts

    def report(self, home, territory, staff, base_url):
        """What a newcomer needs to try every role, and where the messages go."""
        out = self.stdout
        out.write(self.style.SUCCESS(f"Site ready: {home.title} at {base_url}/"))
        out.write(f"\nAccounts (admin at {base_url}/admin/, password {ADMIN_PASSWORD}):")
        out.write(f"  superuser            {ADMIN_USER}")
        for user, group in staff:
            out.write(f"  {group:<20} {user.username}")
        volunteer = (
            Volunteer.objects.filter(territory=territory, stage=VettingStage.ACTIVE)
            .exclude(email="")
            .order_by("pk")
            .first()
        )
        space = VolunteerSpacePage.objects.live().filter(locale=home.locale).first()
        if volunteer and space:
            out.write(
                f"  volunteer            {volunteer.first_name} {volunteer.last_name}: ask for a "
                f"sign-in link at {space.get_full_url()} with {volunteer.email}"
            )
        representative = (
            OrganisationRepresentative.objects.filter(
                organisation__territory=territory, is_active=True
            )
            .exclude(email="")
            .order_by("pk")
            .first()
        )
        join = PartnerJoinPage.objects.live().filter(locale=home.locale).first()
        if representative and join:
            out.write(
                f"  partner              {representative.first_name} {representative.last_name} "
                f"({representative.organisation.name}): ask for a sign-in link at "
                f"{join.get_full_url()}{join.reverse_subpage('signin')} with {representative.email}"
            )
        out.write("\nMessages are not sent out of this machine:")
        mail = getattr(django_settings, "EMAIL_FILE_PATH", None)
        if django_settings.EMAIL_BACKEND.endswith("filebased.EmailBackend") and mail:
            out.write(f"  e-mails   written as files in {_shown(mail)}")
        else:
            out.write(f"  e-mails   sent by {django_settings.EMAIL_BACKEND}")
        sms_folder = getattr(django_settings, "BIPPOP_SMS_FILE_PATH", "")
        if sms_folder:
            out.write(f"  SMS       written as files in {_shown(sms_folder)}")
        else:
            out.write("  SMS       printed by the server")
        out.write("  letters and phone calls to make: admin, Solidarité menu (courrier, appels)")


def _shown(path):
    """A folder of the example site, shown from the repository's root."""
    try:
        return str(Path(path).resolve().relative_to(Path(django_settings.BASE_DIR).parent))
    except ValueError:
        return str(path)
