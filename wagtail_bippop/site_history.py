"""Wagtail's site history with the network's own log model beside Wagtail's two.

The report makes one query per log model and unions them, each union nested in the next.
With a third log model (``BippopLogEntry``), Django 6.1 keeps the first model's default
ordering inside the nested union, which SQLite refuses ("ORDER BY not allowed in
subqueries of compound statements"). The same queries, joined in one flat union, run on
every supported Django and database.
"""

from django.db.models import IntegerField, Value
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.log_actions import registry


def flat_union_of_log_models(view):
    view.log_models = list(registry.get_log_entry_models())
    parts = []
    for index, log_model in enumerate(view.log_models):
        part = (
            log_model.objects.viewable_by_user(view.request.user)
            .values("pk", "timestamp")
            .annotate(log_model_index=Value(index, output_field=IntegerField()))
        )
        # Each part unordered, default ordering included: only the union is ordered.
        parts.append(view.filter_queryset(part).order_by())
    first, *others = parts
    return first.union(*others, all=True).order_by("-timestamp")


def install():
    LogEntriesView.get_filtered_queryset = flat_union_of_log_models
