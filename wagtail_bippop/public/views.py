"""Serving the two public forms: show, validate, store, then redirect (POST-redirect-GET).

The confirmation data (a reference number, never personal data) travels in the session,
not in the URL. Pages call ``form_view`` and ``sent_view`` from their routes.
"""

import logging

from django.db import DatabaseError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext

from ..errors import coordinators_phone
from ..models.site_settings import SolidaritySettings
from . import ratelimit

logger = logging.getLogger(__name__)

TOO_MANY_REQUESTS_TEMPLATE = "wagtail_bippop/pages/too_many_requests.html"


def _session_key(page):
    return f"bippop_sent_{page.pk}"


def _sent_url(page, request):
    return page.get_url(request) + page.reverse_subpage("sent")


def form_view(page, request):
    territory = page.get_territory()
    if territory is None:
        raise Http404
    form_class = page.get_form_class()
    form_kwargs = {"territory": territory, "section": page.get_index_page()}
    if request.method == "POST":
        if not ratelimit.allow(request, page.rate_limit_scope):
            response = page.render(request, template=TOO_MANY_REQUESTS_TEMPLATE)
            response.status_code = 429
            return response
        form = form_class(request.POST, **form_kwargs)
        if form.is_spam:
            # Robots get the same confirmation as people, and nothing is stored.
            request.session[_session_key(page)] = {"reference": "", "email": False}
            return redirect(_sent_url(page, request))
        if form.is_valid():
            try:
                sent = page.submit(
                    form,
                    territory=territory,
                    solidarity_settings=SolidaritySettings.for_request(request),
                )
            except DatabaseError:
                return _not_recorded(page, request, form)
            if sent is not None:
                request.session[_session_key(page)] = sent
                return redirect(_sent_url(page, request))
    else:
        form = form_class(**form_kwargs)
        if hasattr(form, "prefill"):
            # Links from the offers board and event pages: ?offre=<id>, ?evenement=<id>.
            form.prefill(request.GET)
    return page.render(request, context_overrides={"form": form})


def _not_recorded(page, request, form):
    """The database refused the form: give it back as typed, with the phone, status 503."""
    logger.exception("Public form not recorded (database error) on page %s", page.pk)
    phone = coordinators_phone(request)
    if phone:
        message = gettext(
            "Your message was not recorded because of a technical problem. What you typed is "
            "still below: please send it again in a few minutes, or call us on %(phone)s."
        ) % {"phone": phone}
    else:
        message = gettext(
            "Your message was not recorded because of a technical problem. What you typed is "
            "still below: please send it again in a few minutes, or call the town hall."
        )
    form.add_error(None, message)
    response = page.render(request, context_overrides={"form": form})
    response.status_code = 503
    return response


def sent_view(page, request):
    sent = request.session.get(_session_key(page))
    if sent is None:
        return redirect(page.get_url(request))
    return page.render(request, template=page.sent_template, context_overrides={"sent": sent})
