"""Recompute the dashboard's daily roll-up of visits from the visits themselves.

Every ordinary write keeps the roll-up exact; run this after bulk imports or SQL edits,
which bypass the app (``--territory`` limits it to one territory, by slug or id).
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from ...dashboard import rollup
from ...models import Territory


class Command(BaseCommand):
    help = "Rebuild the dashboard's daily roll-up of visits from scratch."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="Recompute the roll-up (required)."
        )
        parser.add_argument("--territory", help="Slug or id of the only territory to rebuild.")

    def handle(self, *args, rebuild=False, territory=None, verbosity=1, **options):
        if not rebuild:
            raise CommandError("Nothing to do: pass --rebuild.")
        ids = None
        if territory:
            match = Q(slug=territory) | (Q(pk=int(territory)) if territory.isdecimal() else Q())
            ids = list(Territory.objects.filter(match).values_list("pk", flat=True))
            if not ids:
                raise CommandError(f"No territory {territory!r}.")
        began = time.perf_counter()

        def progress(message):
            if verbosity:
                self.stdout.write(message)

        rows = rollup.rebuild(ids, progress=progress)
        self.stdout.write(f"{rows:,} roll-up rows written in {time.perf_counter() - began:.1f} s.")
