"""Per-client rate limit of the public forms, kept in Django's cache (atomic with Redis).

Clients are counted by a keyed hash of their address: no address is stored in clear.
"""

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache

from ..conf import bippop_settings


def client_address(request):
    header = bippop_settings.CLIENT_IP_HEADER
    value = request.META.get(header, "") if header else ""
    # A proxy header may list several addresses: the first is the client.
    return (value.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")) or "unknown"


def _client_key(request, scope):
    digest = hmac.new(
        settings.SECRET_KEY.encode(), client_address(request).encode(), hashlib.sha256
    ).hexdigest()[:32]
    window = bippop_settings.FORM_RATE_WINDOW_SECONDS
    return f"bippop:rate:{scope}:{digest}:{int(time.time() // window)}", window


def allow(request, scope):
    """Count one submission of ``scope`` for this client; False once over the limit."""
    key, window = _client_key(request, scope)
    if cache.add(key, 1, timeout=window):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=window)
            count = 1
    return count <= bippop_settings.FORM_RATE_LIMIT
