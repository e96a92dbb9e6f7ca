"""Cron entry point: anonymise people whose data has outlived its retention period.

Without --apply it only lists who is due, so a coordinator can check first.
"""

from django.core.management.base import BaseCommand, CommandError

from ...models import Territory
from ...privacy import anonymise_beneficiary, anonymise_volunteer, beneficiaries_due, volunteers_due


class Command(BaseCommand):
    help = (
        "List (or with --apply, anonymise) the beneficiaries without contact for the retention "
        "period and the volunteers who left before it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="Anonymise; otherwise only list.")
        parser.add_argument("--territory", help="Slug of one territory (default: all).")

    def handle(self, *args, apply=False, territory=None, **options):
        scope = None
        if territory:
            scope = Territory.objects.filter(slug=territory).first()
            if scope is None:
                raise CommandError(f"No territory with the slug {territory!r}.")
        people = list(beneficiaries_due(scope))
        volunteers = list(volunteers_due(scope))
        verb = "Anonymising" if apply else "Due for anonymisation (dry run, add --apply)"
        self.stdout.write(f"{verb}: {len(people)} beneficiaries, {len(volunteers)} volunteers.")
        for done, person in enumerate(people, 1):
            self.stdout.write(
                f"  beneficiary #{person.pk}, last change {person.updated_at:%Y-%m-%d}"
            )
            if apply:
                anonymise_beneficiary(person)
                if done % 100 == 0:
                    self.stdout.write(f"  … {done}/{len(people)}")
        for volunteer in volunteers:
            self.stdout.write(f"  volunteer #{volunteer.pk}, left {volunteer.updated_at:%Y-%m-%d}")
            if apply:
                anonymise_volunteer(volunteer)
