"""Everything held about one beneficiary, as JSON: the answer to a subject-access request."""

import json
import os

from django.core.management.base import BaseCommand, CommandError
from wagtail.log_actions import log

from ...models import Beneficiary
from ...privacy import SUBJECT_ACCESS_EXPORTED, subject_access


class Command(BaseCommand):
    help = "Write a beneficiary's data as JSON (RGPD right of access)."

    def add_arguments(self, parser):
        parser.add_argument("beneficiary", type=int, help="The beneficiary's number (id).")
        parser.add_argument("--output", help="File to write (default: standard output).")

    def handle(self, *args, beneficiary, output=None, **options):
        person = Beneficiary.objects.filter(pk=beneficiary).first()
        if person is None:
            raise CommandError(f"No beneficiary #{beneficiary}.")
        text = json.dumps(subject_access(person), ensure_ascii=False, indent=2)
        log(person, SUBJECT_ACCESS_EXPORTED)
        if output:
            # Readable by its owner only, from the moment it exists.
            descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.fchmod(descriptor, 0o600)  # an existing file keeps no wider rights
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stdout.write(f"Written to {output}.")
        else:
            self.stdout.write(text)
