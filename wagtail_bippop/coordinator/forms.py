"""Admin forms of the coordinator section: every choice limited to the user's territories."""

from wagtail.admin.forms import WagtailAdminModelForm

from ..phones import display_phone
from .scoping import scope_form_choices


class ScopedAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scope_form_choices(self, self.for_user)
        # A coordinator working for one territory has nothing to choose.
        territory = self.fields.get("territory")
        if territory is not None and self.instance.pk is None:
            choices = list(territory.queryset[:2])
            if len(choices) == 1:
                self.initial.setdefault("territory", choices[0].pk)
        # Stored numbers are shown as people read them ("06 12 34 56 78"), not "+33…".
        for name in self.fields:
            if name.endswith("phone") and self.initial.get(name):
                self.initial[name] = display_phone(self.initial[name])
