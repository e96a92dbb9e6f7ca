"""Per-client rate limit of the public forms, kept in Django's cache (atomic with Redis),
and the one client address every limit uses (public forms, volunteers' and partners' sign-in,
admin sign-in lockout).

Clients are counted by a keyed hash of their address: no address is stored in clear.
"""

import hashlib
import hmac
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache

from ..conf import bippop_settings


def _valid(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return ""


def client_address(request):
    """The address of the client, as far as this site can trust it.

    - ``BIPPOP_TRUSTED_PROXY_COUNT`` = N > 0: the site is behind N proxies, each appending the
      address it saw to ``X-Forwarded-For``; the client is the N-th entry from the right.
      Entries further left were written by the client itself and are never used.
    - otherwise ``BIPPOP_CLIENT_IP_HEADER`` (e.g. ``HTTP_X_REAL_IP``): a header the proxy sets
      to one address; should it hold a list, only its right-most entry is taken.
    - otherwise the connection's ``REMOTE_ADDR``.
    Anything that is not an IP address falls back to ``REMOTE_ADDR``; "" when there is none
    (a request made in code), which the admin lockout stores as no address.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    value = ""
    proxies = bippop_settings.TRUSTED_PROXY_COUNT
    header = bippop_settings.CLIENT_IP_HEADER
    if proxies and proxies > 0:
        hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop]
        if hops:
            value = hops[-proxies] if len(hops) >= proxies else hops[0]
    elif header:
        value = request.META.get(header, "").split(",")[-1]
    return _valid(value) or _valid(remote)


def _client_key(request, scope):
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        (client_address(request) or "unknown").encode(),
        hashlib.sha256,
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
