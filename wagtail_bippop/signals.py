from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from .conf import bippop_settings
from .models import OfferParticipation, ParticipationStatus, Territory, seed_default_services


@receiver(post_save, sender=Territory, dispatch_uid="bippop_seed_services")
def seed_services_for_new_territory(sender, instance, created, raw=False, **kwargs):
    # Fixtures (raw) bring their own catalogue.
    if created and not raw and bippop_settings.SEED_DEFAULT_SERVICES:
        seed_default_services(instance)


@receiver(pre_delete, sender=OfferParticipation, dispatch_uid="bippop_participation_place_back")
def give_the_place_back(sender, instance, **kwargs):
    # A confirmed participant deleted with their request leaves their place free again.
    if instance.status == ParticipationStatus.CONFIRMED:
        from .offers.participation import give_place_back

        give_place_back(instance.offer_id)
