"""Delete the records of who viewed or exported personal data once their period is over.

Run daily (or monthly) from cron beside ``bippop_retention``: entries older than
``BIPPOP_READ_AUDIT_DAYS`` days (365 by default; the CNIL advises 6 to 12 months) go.
"""

from django.core.management.base import BaseCommand

from ...conf import bippop_settings
from ...read_audit import purge


class Command(BaseCommand):
    help = "Delete read-audit entries (views, lists, exports) older than BIPPOP_READ_AUDIT_DAYS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep this many days instead of BIPPOP_READ_AUDIT_DAYS.",
        )

    def handle(self, *args, days=None, **options):
        days = bippop_settings.READ_AUDIT_DAYS if days is None else days
        deleted = purge(days=days)
        self.stdout.write(f"{deleted} read-audit entries older than {days} days deleted.")
