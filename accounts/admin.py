from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Mithaq"), {"fields": ("language", "collectivity", "email_verified")}))
    list_display = ("username", "email", "first_name", "last_name", "collectivity", "is_staff")
