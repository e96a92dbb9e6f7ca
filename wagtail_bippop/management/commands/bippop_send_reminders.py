"""Cron entry point: tomorrow's visit reminders, then the outbox sweep.

Run it every hour or so: reminders are never sent twice, retries only when due. The sweep
also sends outbox messages never handed to the worker (a crash just after the commit) and
puts messages stuck "sending" (a worker killed mid-send) before a coordinator.
"""

from django.core.management.base import BaseCommand

from ...notifications.delivery import retry_due
from ...notifications.reminders import send_reminders


class Command(BaseCommand):
    help = "Queue reminders for tomorrow's visits and retry messages whose retry is due."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-retry", action="store_true", help="Only queue reminders; retry nothing."
        )

    def handle(self, *args, no_retry=False, **options):
        summary = send_reminders()
        self.stdout.write(
            f"{summary['visits']} visit(s) tomorrow, {summary['queued']} reminder(s) queued."
        )
        if not no_retry:
            self.stdout.write(f"{retry_due()} message(s) sent on retry.")
