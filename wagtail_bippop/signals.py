from django.db.models.signals import post_save
from django.dispatch import receiver

from .conf import bippop_settings
from .models import Territory, seed_default_services


@receiver(post_save, sender=Territory, dispatch_uid="bippop_seed_services")
def seed_services_for_new_territory(sender, instance, created, raw=False, **kwargs):
    # Fixtures (raw) bring their own catalogue.
    if created and not raw and bippop_settings.SEED_DEFAULT_SERVICES:
        seed_default_services(instance)
