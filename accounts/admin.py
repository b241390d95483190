from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import services
from accounts.models import User
from organisation.models import Collectivity


def _admin_ids(request) -> frozenset[int] | None:
    """The collectivities whose accounts this admin user manages: None for all (a superuser, or an
    installation-wide account on the unprefixed site), else those they act in and, on a
    collectivity's own site, that one only (accounts.User.listed_collectivity_ids, as
    organisation.admin.ScopedAdmin scopes the bodies)."""
    return None if request.user.is_superuser else request.user.listed_collectivity_ids()


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts. A superuser sees and edits them all; any other staff member with access to the admin
    sees only the accounts of the collectivities they act in, cannot give an account another
    collectivity, and only reads an account that also acts in a collectivity that is not theirs
    (its password and rights would reach there)."""

    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Mithaq"), {"fields": ("language", "collectivity", "collectivities", "email_verified")}),
    )
    filter_horizontal = (*BaseUserAdmin.filter_horizontal, "collectivities")
    list_display = ("username", "email", "first_name", "last_name", "collectivity", "is_staff")
    actions = ["unlock_login"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        # A superuser's account (its password, its rights) is never another staff member's to edit.
        qs = qs.filter(is_superuser=False)
        ids = _admin_ids(request)
        if ids is None:
            return qs
        ids = sorted(ids)
        members = User.collectivities.through.objects.filter(collectivity_id__in=ids).values("user_id")
        # Installation-wide accounts (no primary collectivity) act everywhere: never a scoped admin's.
        return qs.filter(collectivity__isnull=False).filter(Q(collectivity_id__in=ids) | Q(pk__in=members))

    def get_object(self, request, object_id, from_field=None):
        found = super().get_object(request, object_id, from_field)
        if found is None and not request.user.is_superuser:
            # Another collectivity's account is not found, by any address of the admin (change,
            # delete, history, password); the same answer as an id that does not exist.
            raise Http404
        return found

    @staticmethod
    def _outside_q(ids) -> Q:
        """Accounts that also act where this admin does not: an installation-wide one, another
        primary collectivity or another membership."""
        ids = sorted(ids)
        elsewhere = User.collectivities.through.objects.exclude(collectivity_id__in=ids).values("user_id")
        return Q(collectivity__isnull=True) | ~Q(collectivity_id__in=ids) | Q(pk__in=elsewhere)

    def _reaches_outside(self, request, obj) -> bool:
        ids = _admin_ids(request)
        if obj is None or ids is None:
            return False
        return User.objects.filter(self._outside_q(ids), pk=obj.pk).exists()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._reaches_outside(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._reaches_outside(request, obj)

    def get_deleted_objects(self, objs, request):
        """The bulk delete action checks no object's permission: refuse it (the admin's "no
        permission" page) when one of the selected accounts reaches another collectivity."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        ids = _admin_ids(request)
        pks = [obj.pk for obj in objs]
        if ids is not None and User.objects.filter(self._outside_q(ids), pk__in=pks).exists():
            perms_needed.add(User._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Only a superuser makes a superuser: the scope above would mean nothing otherwise.
            readonly += ("is_superuser",)
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None and _admin_ids(request) is not None:
            # A scoped admin's new account belongs to one of their collectivities from the start.
            fieldsets = (*fieldsets, (_("Mithaq"), {"fields": ("collectivity",)}))
        return fieldsets

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        ids = _admin_ids(request)
        if ids is not None:
            # The form class is built for this request: narrowing its fields changes no other form.
            own = Collectivity.objects.filter(pk__in=sorted(ids)).order_by("slug")
            if "collectivity" in form.base_fields:
                form.base_fields["collectivity"].queryset = own
                form.base_fields["collectivity"].required = True
            if "collectivities" in form.base_fields:
                form.base_fields["collectivities"].queryset = own
        return form

    @admin.action(description=_("Unlock logging in (forget failed attempts)"), permissions=["change"])
    def unlock_login(self, request, queryset):
        usernames = list(queryset.values_list("username", flat=True))
        for username in usernames:
            services.user_login_unlock(username=username)
        self.message_user(
            request,
            ngettext(
                "Logging in is unlocked for %(count)d account.",
                "Logging in is unlocked for %(count)d accounts.",
                len(usernames),
            )
            % {"count": len(usernames)},
            messages.SUCCESS,
        )
