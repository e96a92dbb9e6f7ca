"""Public pages where a volunteer answers a solicitation from their personal link.

GET only shows the question: mail scanners and link previews open links, and must never
answer for the volunteer. The answer is a POST from the page's own form.
"""

from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.routable_page.models import path

TEMPLATES = "wagtail_bippop/solicitations/"
ANSWERS = {"accept": True, "decline": False}


class SolicitationRoutesMixin:
    """Routes of a solidarity index page: ``solicitation/<token>/``."""

    @path("solicitation/<path:token>/", name="solicitation_answer")
    def solicitation_answer(self, request, token):
        # Imported here: this module is loaded with the page models, before the domain.
        from .solicitations import InvalidLink, Outcome, read_token, request_summary, respond

        try:
            solicitation = read_token(token)
        except InvalidLink as error:
            return self._solicitation_page(
                request,
                "invalid.html",
                {"expired": error.expired},
                status=410 if error.expired else 404,
            )
        if solicitation.request.territory_id != self.territory_id:
            return self._solicitation_page(request, "invalid.html", {"expired": False}, status=404)
        context = {
            "solicitation": solicitation,
            "volunteer_first_name": solicitation.volunteer.first_name,
            "summary": request_summary(solicitation.request),
        }
        if request.method == "POST":
            if request.POST.get("answer") not in ANSWERS:
                context["error"] = _("Choose “Yes, I can help” or “No, not this time”.")
                return self._solicitation_page(request, "confirm.html", context, status=400)
            user = request.user if request.user.is_authenticated else None
            response = respond(solicitation, ANSWERS[request.POST["answer"]], user=user)
            context.update(outcome=response.outcome, message=response.message)
            return self._solicitation_page(request, "answered.html", context)
        if solicitation.status != "pending":
            context.update(outcome=Outcome.ALREADY_ANSWERED, message=Outcome.ALREADY_ANSWERED.label)
            return self._solicitation_page(request, "answered.html", context)
        return self._solicitation_page(request, "confirm.html", context)

    def _solicitation_page(self, request, template, context, status=200):
        response = self.render(request, template=TEMPLATES + template, context_overrides=context)
        response.status_code = status
        # Personal pages: never cached, never indexed, the token never leaks to another site.
        # "same-origin", not "no-referrer": with no referrer the browser posts the answer with
        # `Origin: null`, which Django's CSRF check refuses.
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "same-origin"
        return response
