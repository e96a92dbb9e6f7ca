"""Admin panels of the coordinator section with their own French wording."""

from wagtail.admin.panels import InlinePanel


class LabelledInlinePanel(InlinePanel):
    """An inline panel whose add button says what it adds ("Ajouter une absence")."""

    def __init__(self, *args, add_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_label = add_label

    def clone_kwargs(self):
        return {**super().clone_kwargs(), "add_label": self.add_label}

    class BoundPanel(InlinePanel.BoundPanel):
        template_name = "wagtail_bippop/admin/panels/inline_panel.html"
