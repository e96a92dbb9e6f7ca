from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify
from wagtail.models import Site

from ...demo.generator import DemoGenerator
from ...models import Territory


class Command(BaseCommand):
    help = "Generate realistic French demo data for a territory (deterministic for a seed)."

    def add_arguments(self, parser):
        parser.add_argument("--territory", default="Bellerive-sur-Aronde", help="Territory name.")
        parser.add_argument("--size", type=int, default=10_000, help="Number of inhabitants.")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--force", action="store_true", help="Add data even if the territory already has some."
        )

    def handle(self, *args, territory, size, seed, force, **options):
        if size < 100:
            raise CommandError("--size must be at least 100 inhabitants.")
        site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
        if site is None:
            raise CommandError("Create a Wagtail site first.")
        instance, _created = Territory.objects.get_or_create(
            slug=slugify(territory), defaults={"name": territory, "site": site}
        )
        if instance.beneficiaries.exists() and not force:
            self.stdout.write(f"{instance} already has data; nothing done (use --force).")
            return
        counts = DemoGenerator(
            instance, size=size, seed=seed, progress=lambda m: self.stdout.write(f"  … {m}")
        ).run()
        self.stdout.write(
            self.style.SUCCESS(
                f"{instance}: {counts.areas} areas, {counts.organisations} organisations, "
                f"{counts.volunteers} volunteers, {counts.beneficiaries} beneficiaries, "
                f"{counts.requests} requests, {counts.missions} missions, {counts.visits} visits, "
                f"{counts.contacts} follow-ups."
            )
        )
