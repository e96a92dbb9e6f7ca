"""Wagtail's generic model views, scoped to the user's territories.

Each viewset of the section uses these classes, so that no view of a record forgets the
scope. ``object_actions`` (set by the viewset) adds the coordinator's own actions (timeline,
vetting, report a visit…) as buttons on the record's pages and rows.
"""

from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.widgets.button import HeaderButton, ListingButton

from ...phones import display_phone
from ..people_search import person_match
from ..scoping import ScopedListingMixin, ScopedObjectMixin

EMPTY = "—"


def readable(value):
    """A value as a person reads it: "—" when empty, "Yes" / "No" for a boolean."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if value is None or (isinstance(value, str) and value.strip() in ("", "-")):
        return EMPTY
    return value


class ReadableColumn(Column):
    """A listing column that never shows "None", "True" or "False"."""

    empty_value_display = EMPTY

    def get_value(self, instance):
        return readable(super().get_value(instance))


class ReadableDateColumn(DateColumn):
    cell_template_name = "wagtail_bippop/admin/columns/date_cell.html"


class ObjectActionsMixin:
    object_actions = None

    def get_object_action_buttons(self, instance, button_class):
        if not self.object_actions:
            return []
        return [
            button_class(label, url=url, icon_name=icon)
            for label, url, icon in self.object_actions(self.request.user, instance)
        ]

    @property
    def header_buttons(self):
        return list(super().header_buttons) + self.get_object_action_buttons(
            self.object, HeaderButton
        )


class ScopedIndexView(ScopedListingMixin, generic.IndexView):
    object_actions = None
    # Relations named here are exported as a comma-separated list of names.
    export_many_fields = ()
    # Paths to the people a row is about ("" for a person, "request__beneficiary"…): the
    # search finds them by full name in any order, accents and case aside, or by phone.
    person_search_paths = ()

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        query = Q()
        for field in self.search_fields or []:
            query |= Q(**{f"{field}__icontains": self.search_query})
        for prefix in self.person_search_paths:
            match = person_match(self.search_query, prefix=prefix)
            if match is not None:
                query |= match
        return queryset.filter(query)

    def _get_custom_column(self, field_name, column_class=Column, **kwargs):
        if column_class is Column:
            column_class = ReadableColumn
        return super()._get_custom_column(field_name, column_class, **kwargs)

    @cached_property
    def columns(self):
        columns = [_readable_column(column) for column in super().columns]
        first = columns[0] if columns else None
        # A custom first column still links to the record and carries its buttons.
        if isinstance(first, Column) and not isinstance(first, TitleColumn):
            column_class = self._get_title_column_class(TitleColumn)
            columns[0] = column_class(
                first.name,
                label=first.label,
                accessor=first.accessor,
                sort_key=first.sort_key,
                get_url=self.get_record_url,
            )
        return columns

    def get_record_url(self, instance):
        return self.get_edit_url(instance) or self.get_inspect_url(instance)

    def get_list_buttons(self, instance):
        buttons = super().get_list_buttons(instance)
        if self.object_actions:
            actions = self.object_actions(self.request.user, instance)
            # The first action is the one a coordinator wants most from a list.
            buttons[:0] = [
                ListingButton(label, url=url, icon_name=icon) for label, url, icon in actions[:1]
            ]
        return buttons

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        for field, value in row.items():
            if isinstance(value, bool):
                row[field] = readable(value)
            elif field.endswith("phone") and isinstance(value, str):
                row[field] = display_phone(value)
        for field in self.export_many_fields:
            if field in row:
                row[field] = ", ".join(str(obj) for obj in getattr(item, field).all())
        return row


class ScopedCreateView(generic.CreateView):
    """Creation is scoped through the form: only the user's territories can be chosen."""

    success_message = _("“%(object)s” is recorded.")

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        # The screen's own title ("Nouvelle demande"), not "Nouvel(le) : Demande d'aide".
        if items and self.page_title != generic.CreateView.page_title:
            items[-1] = {**items[-1], "label": self.get_page_title()}
        return items

    def save_instance(self):
        instance = self.form.instance
        # Records that say who created them are stamped with the coordinator.
        if hasattr(instance, "created_by_id") and instance.created_by_id is None:
            instance.created_by = self.request.user
        return super().save_instance()


class ScopedEditView(ObjectActionsMixin, ScopedObjectMixin, generic.EditView):
    success_message = _("Changes to “%(object)s” are recorded.")


class ScopedInspectView(ObjectActionsMixin, ScopedObjectMixin, generic.InspectView):
    def get_field_display_value(self, field_name, field):
        if field is not None and not field.many_to_many and not field.one_to_many:
            raw = getattr(self.object, field_name, None)
            if raw is None or isinstance(raw, bool) or raw == "":
                return readable(raw)
        value = super().get_field_display_value(field_name, field)
        if field_name.endswith("phone") and isinstance(value, str):
            return display_phone(value)
        return readable(value)


def _readable_column(column):
    """Plain and date columns of a listing in their readable kind (same settings)."""
    if type(column) is Column:
        column.__class__ = ReadableColumn
    elif type(column) is DateColumn:
        column.__class__ = ReadableDateColumn
    return column


class ScopedDeleteView(ScopedObjectMixin, generic.DeleteView):
    pass


class ScopedHistoryView(ScopedObjectMixin, history.HistoryView):
    pass


class ScopedUsageView(ScopedObjectMixin, usage.UsageView):
    pass
