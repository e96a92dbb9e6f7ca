"""Base of the coordinator's own screens (intake, vetting, timeline, visit reports)."""

from django.core.exceptions import PermissionDenied
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ...roles import is_read_only
from ..scoping import get_scoped_object_or_404


class CoordinatorView(WagtailAdminTemplateMixin, TemplateView):
    """Needs ``permission_required``; the read-only role never reaches a person."""

    permission_required = None

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if is_read_only(user) or not user.has_perm(self.permission_required):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()}
        ]

    def get_scoped(self, model, pk):
        return get_scoped_object_or_404(model, self.request.user, pk=pk)
