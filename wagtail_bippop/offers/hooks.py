"""Admin hooks of the offers: audit labels and the coordinators' offers viewset."""

from wagtail import hooks

from ..coordinator.offers_viewsets import OfferViewSet
from . import log_actions

hooks.register("register_log_actions", log_actions.register)


@hooks.register("register_admin_viewset")
def register_offers_viewset():
    return OfferViewSet()
