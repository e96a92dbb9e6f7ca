"""Cron entry point: anonymise people whose data has outlived its retention period.

Without --apply it only lists who is due, so a coordinator can check first. The vulnerable
persons register has its own rule (CASF L121-6-1): an entry is kept while the person stays
registered, and erased BIPPOP_REGISTER_WITHDRAWN_ERASE_DAYS days after its removal.
"""

from django.core.management.base import BaseCommand, CommandError

from ...models import Territory
from ...privacy import (
    anonymise_beneficiary,
    anonymise_volunteer,
    beneficiaries_due,
    erase_register_entry,
    register_entries_due,
    volunteers_due,
)


class Command(BaseCommand):
    help = (
        "List (or with --apply, anonymise) the beneficiaries without contact for the retention "
        "period and the volunteers who left before it; erase the register entries removed "
        "longer ago than BIPPOP_REGISTER_WITHDRAWN_ERASE_DAYS."
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
        entries = list(register_entries_due(scope))
        verb = "Erasing" if apply else "Due for erasure (dry run, add --apply)"
        self.stdout.write(f"{verb}: {len(entries)} register entries removed from the register.")
        for entry in entries:
            removed = f"{entry.withdrawn_at:%Y-%m-%d}"
            self.stdout.write(f"  register entry #{entry.pk}, removed {removed}")
            if apply:
                erase_register_entry(entry)
