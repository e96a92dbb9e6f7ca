from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailBippopConfig(AppConfig):
    name = "wagtail_bippop"
    label = "wagtail_bippop"
    verbose_name = _("Solidarity network")
    # Pinned so that a project's DEFAULT_AUTO_FIELD never changes our migrations.
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401
        from .site_history import install

        install()
