"""Admin hooks of the offers: audit labels and the coordinators' offers viewset."""

from wagtail import hooks

from ..coordinator.offers_viewsets import OfferViewSet
from . import log_actions

hooks.register("register_log_actions", log_actions.register)


# A viewset of the coordinators' "Solidarité" menu (see SolidarityViewSetGroup).
hooks.register("register_bippop_solidarity_viewset", OfferViewSet)
