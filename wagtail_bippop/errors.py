"""Error pages that still help: the coordinators' phone, and whether a message was kept.

A host site wires them in its root URLconf::

    handler500 = "wagtail_bippop.errors.server_error"

``server_error`` answers 503 (service unavailable) when the failure comes from the database,
500 otherwise. Both pages are rendered without touching the database when it is the cause:
the phone then comes from ``BIPPOP_FALLBACK_PHONE``, or the page says to call the town hall.
"""

import logging
import sys

from django.db import DatabaseError
from django.http import HttpResponse
from django.template import loader

from .conf import bippop_settings

logger = logging.getLogger(__name__)

SERVER_ERROR_TEMPLATE = "wagtail_bippop/errors/500.html"
UNAVAILABLE_TEMPLATE = "wagtail_bippop/errors/503.html"


def coordinators_phone(request=None, *, database_ok=True):
    """The coordinators' phone from the site's settings, else the fallback setting."""
    if database_ok and request is not None:
        from .models.site_settings import SolidaritySettings

        try:
            phone = SolidaritySettings.for_request(request).coordinator_phone
        except Exception:  # the database itself may be what failed
            logger.warning("Could not read the coordinators' phone", exc_info=True)
        else:
            if phone:
                return phone
    return bippop_settings.FALLBACK_PHONE


def error_context(request, *, database_ok=True):
    return {
        "phone": coordinators_phone(request, database_ok=database_ok),
        "message_lost": request is not None and request.method == "POST",
    }


def render_error(request, template_name, status, *, database_ok=True):
    # No request context: its processors (user, site settings) would query the database.
    template = loader.get_template(template_name)
    body = template.render(error_context(request, database_ok=database_ok))
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


def _database_failed():
    error = sys.exc_info()[1]
    while error is not None:
        if isinstance(error, DatabaseError):
            return True
        error = error.__cause__ or error.__context__
    return False


def server_error(request, template_name=SERVER_ERROR_TEMPLATE):
    """``handler500``: a French page with the phone; 503 when the database failed."""
    if _database_failed():
        return render_error(request, UNAVAILABLE_TEMPLATE, 503, database_ok=False)
    return render_error(request, template_name, 500)


def service_unavailable(request, template_name=UNAVAILABLE_TEMPLATE):
    """The 503 page, for views that know the database is unavailable."""
    return render_error(request, template_name, 503, database_ok=False)
