from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import services
from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Mithaq"), {"fields": ("language", "collectivity", "collectivities", "email_verified")}),
    )
    filter_horizontal = (*BaseUserAdmin.filter_horizontal, "collectivities")
    list_display = ("username", "email", "first_name", "last_name", "collectivity", "is_staff")
    actions = ["unlock_login"]

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
