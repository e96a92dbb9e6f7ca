"""Background tasks (django-tasks): delivery of one message, and the periodic sweep.

With django-tasks-db they run in the ``db_worker`` process (the example site's default) and
a retry is enqueued for the time the backoff says; the immediate backend runs them within
the request, once its transaction has committed.
"""

try:
    # Django 6 ships the same API; django-tasks-db then expects its Task class.
    from django.tasks import task
except ImportError:
    from django_tasks import task


@task()
def deliver_message(message_id):
    from .delivery import deliver

    return deliver(message_id)


@task()
def periodic_run():
    """Entry point for a scheduler: tomorrow's reminders, then due retries."""
    from .delivery import retry_due
    from .reminders import send_reminders

    summary = send_reminders()
    summary["retried"] = retry_due()
    return summary
