"""Wiring only: each part of the admin registers its own hooks in its own module."""

from .coordinator import (  # noqa: F401
    event_pairing,
    matching_hooks,
    partners_moderation,
    territory_access,
)
from .coordinator import hooks as coordinator_hooks  # noqa: F401
from .dashboard import hooks as dashboard_hooks  # noqa: F401
from .notifications import hooks as notifications_hooks  # noqa: F401
from .offers import hooks as offers_hooks  # noqa: F401
from .public import hooks as public_hooks  # noqa: F401
