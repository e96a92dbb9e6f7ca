from django.apps import AppConfig


class TownConfig(AppConfig):
    name = "town"
    verbose_name = "Bellerive-sur-Aronde"
    default_auto_field = "django.db.models.BigAutoField"
