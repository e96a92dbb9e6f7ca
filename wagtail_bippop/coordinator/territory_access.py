"""Staff access to territories: which account works for which territory, in which role.

Every admin view of the network is scoped by ``TerritoryAccess``: an account in the right
group but without access sees nothing. This screen lets a superuser, or whoever holds a
permission on territory access, give and remove these accesses, listed per territory,
each change logged. The role is the account's group ("Coordinateur" or "Élu·e — lecture"):
it applies to all its territories, and only someone allowed to change accounts may change
it here. A holder of the permission who is not a superuser manages only their own
territories.
"""

import contextlib

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log

from ..conf import bippop_settings
from ..models import Territory, TerritoryAccess
from ..roles import (
    COORDINATOR,
    COORDINATOR_GROUP,
    READ_ONLY,
    READ_ONLY_GROUP,
    role_of,
    set_role,
    territories_for_user,
)

URL_NAMESPACE = "wagtail_bippop_access"
GIVE_PERMISSION = "wagtail_bippop.add_territoryaccess"
REMOVE_PERMISSION = "wagtail_bippop.delete_territoryaccess"
ANY_PERMISSION = (
    GIVE_PERMISSION,
    REMOVE_PERMISSION,
    "wagtail_bippop.change_territoryaccess",
    "wagtail_bippop.view_territoryaccess",
)
CHANGE_ACCOUNTS_PERMISSION = "auth.change_user"

ROLE_LABELS = {
    COORDINATOR: gettext_lazy("Coordinator"),
    READ_ONLY: gettext_lazy("Elected official — read only"),
}


def can_manage(user):
    return user.is_active and (
        user.is_superuser or any(user.has_perm(perm) for perm in ANY_PERMISSION)
    )


def can_change_roles(user):
    return user.is_superuser or user.has_perm(CHANGE_ACCOUNTS_PERMISSION)


def managed_territories(user):
    if not can_manage(user):
        raise PermissionDenied
    return Territory.objects.all() if user.is_superuser else territories_for_user(user)


def staff_accounts():
    """Active accounts of the town's staff: in one of the two roles, or allowed in the admin."""
    admin_access = Q(codename="access_admin", content_type__app_label="wagtailadmin")
    return (
        get_user_model()
        .objects.filter(is_active=True, is_superuser=False)
        .filter(
            Q(groups__name__in=[COORDINATOR_GROUP, READ_ONLY_GROUP])
            | Q(groups__permissions__in=_permissions(admin_access))
            | Q(user_permissions__in=_permissions(admin_access))
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
        .prefetch_related("groups")
    )


def _permissions(condition):
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(condition)


def account_label(user):
    name = user.get_full_name()
    username = user.get_username()
    return f"{name} ({username})" if name else username


def role_label(user):
    role = _role_from_prefetched(user)
    return ROLE_LABELS[role] if role else _("No role: sees nothing")


def _role_from_prefetched(user):
    names = {group.name for group in user.groups.all()}
    if COORDINATOR_GROUP in names:
        return COORDINATOR
    if READ_ONLY_GROUP in names:
        return READ_ONLY
    return None


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(account)s – current role: %(role)s") % {
            "account": account_label(obj),
            "role": role_label(obj),
        }


class GiveAccessForm(forms.Form):
    user = AccountChoiceField(
        label=gettext_lazy("Account"),
        queryset=None,
        help_text=gettext_lazy(
            "Only accounts of the staff are listed: in the group “Coordinateur” or "
            "“Élu·e — lecture”, or allowed in the administration."
        ),
    )
    territory = forms.ModelChoiceField(label=gettext_lazy("Territory"), queryset=None)
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=list(ROLE_LABELS.items()),
        widget=forms.RadioSelect,
        help_text=gettext_lazy("The role applies to every territory of the account."),
    )

    def __init__(self, *args, requester, territories, **kwargs):
        super().__init__(*args, **kwargs)
        self.requester = requester
        self.fields["user"].queryset = staff_accounts()
        self.fields["territory"].queryset = territories

    def clean(self):
        data = super().clean()
        user, territory, role = data.get("user"), data.get("territory"), data.get("role")
        if (
            user
            and territory
            and TerritoryAccess.objects.filter(user=user, territory=territory).exists()
        ):
            raise forms.ValidationError(
                _("%(account)s already has access to %(territory)s.")
                % {"account": account_label(user), "territory": territory}
            )
        if user and role:
            self.previous_role = role_of(user)
            if role != self.previous_role and not can_change_roles(self.requester):
                raise forms.ValidationError(
                    _(
                        "Only someone allowed to change accounts can change the role of "
                        "%(account)s (now: %(role)s). Choose their current role."
                    )
                    % {"account": account_label(user), "role": role_label(user)}
                )
        return data


def give_access(*, user, territory, role, by, previous_role=None):
    with transaction.atomic():
        access = TerritoryAccess.objects.create(user=user, territory=territory)
        if role != previous_role:
            set_role(user, role)
        log(
            access,
            "wagtail_bippop.access_give",
            user=by,
            data={"account": user.get_username(), "role": role, "previous_role": previous_role},
        )
    return access


def remove_access(access, *, by):
    with transaction.atomic():
        log(
            access,
            "wagtail_bippop.access_remove",
            user=by,
            data={"account": access.user.get_username(), "role": role_of(access.user)},
        )
        access.delete()


class AccessIndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "wagtail_bippop/admin/territory_access/index.html"
    page_title = gettext_lazy("Territory access")
    header_icon = "key"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        user = self.request.user
        territories = self.territories
        accounts = list(staff_accounts())
        with_access = set(
            TerritoryAccess.objects.filter(user__in=[a.pk for a in accounts]).values_list(
                "user_id", flat=True
            )
        )
        listed = territories.order_by("name").prefetch_related(
            Prefetch(
                "staff_access",
                queryset=TerritoryAccess.objects.select_related("user")
                .prefetch_related("user__groups")
                .order_by("user__last_name", "user__first_name", "user__username"),
            )
        )
        for territory in listed:
            for access in territory.staff_access.all():
                access.account = account_label(access.user)
                access.role = role_label(access.user)
                access.has_role = _role_from_prefetched(access.user) is not None
        without = [a for a in accounts if a.pk not in with_access]
        for account in without:
            account.account = account_label(account)
            account.role = role_label(account)
        return super().get_context_data(
            territories=listed,
            without_territory=without,
            can_give=user.is_superuser or user.has_perm(GIVE_PERMISSION),
            can_remove=user.is_superuser or user.has_perm(REMOVE_PERMISSION),
            can_add_accounts=user.is_superuser or user.has_perm("auth.add_user"),
            threshold=bippop_settings.SMALL_CELL_THRESHOLD,
            **kwargs,
        )

    def dispatch(self, request, *args, **kwargs):
        self.territories = managed_territories(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        initial = {}
        if request.GET.get("user", "").isdigit():
            initial["user"] = request.GET["user"]
        form = GiveAccessForm(initial=initial, requester=request.user, territories=self.territories)
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        if not (request.user.is_superuser or request.user.has_perm(GIVE_PERMISSION)):
            raise PermissionDenied
        form = GiveAccessForm(request.POST, requester=request.user, territories=self.territories)
        if form.is_valid():
            data = form.cleaned_data
            # Given at the same moment by someone else: the access is there all the same.
            with contextlib.suppress(IntegrityError):
                give_access(
                    user=data["user"],
                    territory=data["territory"],
                    role=data["role"],
                    by=request.user,
                    previous_role=form.previous_role,
                )
            messages.success(
                request,
                _("%(account)s now has access to %(territory)s as %(role)s.")
                % {
                    "account": account_label(data["user"]),
                    "territory": data["territory"],
                    "role": ROLE_LABELS[data["role"]],
                },
            )
            return redirect(f"{reverse(f'{URL_NAMESPACE}:index')}#territory-{data['territory'].pk}")
        return self.render_to_response(self.get_context_data(form=form), status=200)


class AccessRemoveView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "wagtail_bippop/admin/territory_access/remove.html"
    page_title = gettext_lazy("Remove an access")
    header_icon = "key"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{URL_NAMESPACE}:index"), "label": _("Territory access")},
            {"url": "", "label": self.get_page_title()},
        ]

    def dispatch(self, request, *args, **kwargs):
        territories = managed_territories(request.user)
        if not (request.user.is_superuser or request.user.has_perm(REMOVE_PERMISSION)):
            raise PermissionDenied
        self.access = (
            TerritoryAccess.objects.select_related("user", "territory")
            .filter(territory__in=territories, pk=kwargs["pk"])
            .first()
        )
        if self.access is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            access=self.access,
            account=account_label(self.access.user),
            itself=self.access.user_id == self.request.user.pk,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        territory = self.access.territory
        account = account_label(self.access.user)
        remove_access(self.access, by=request.user)
        messages.success(
            request,
            _("%(account)s no longer has access to %(territory)s.")
            % {"account": account, "territory": territory},
        )
        return redirect(f"{reverse(f'{URL_NAMESPACE}:index')}#territory-{territory.pk}")


urlpatterns = [
    path("", AccessIndexView.as_view(), name="index"),
    path("<int:pk>/remove/", AccessRemoveView.as_view(), name="remove"),
]


@hooks.register("register_admin_urls")
def register_access_urls():
    return [path("territory-access/", include((urlpatterns, URL_NAMESPACE)))]


class AccessMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage(request.user)


@hooks.register("register_settings_menu_item")
def register_access_menu_item():
    return AccessMenuItem(
        gettext_lazy("Territory access"),
        reverse(f"{URL_NAMESPACE}:index"),
        icon_name="key",
        name="bippop-territory-access",
        order=602,
    )


@hooks.register("register_user_listing_buttons")
def user_listing_access_button(user, request_user):
    """From Wagtail's list of users: straight to giving this account a territory."""
    if not can_manage(request_user) or user.is_superuser:
        return []
    return [
        Button(
            gettext_lazy("Territory access"),
            url=f"{reverse(f'{URL_NAMESPACE}:index')}?user={user.pk}#give-heading",
            icon_name="key",
            priority=50,
        )
    ]


@hooks.register("register_log_actions")
def register_access_log_actions(actions):
    actions.register_action(
        "wagtail_bippop.access_give",
        gettext_lazy("Access to a territory given"),
        gettext_lazy("Access to a territory given"),
    )
    actions.register_action(
        "wagtail_bippop.access_remove",
        gettext_lazy("Access to a territory removed"),
        gettext_lazy("Access to a territory removed"),
    )
