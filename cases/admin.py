from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import files
from .deadlines import recompute_open_cases
from .models import (
    Association,
    Case,
    CaseAttachment,
    Collectivity,
    Committee,
    CouncilSession,
    DeadlineRule,
    HolidayOverride,
    Service,
)


@admin.register(Collectivity)
class CollectivityAdmin(SimpleHistoryAdmin):
    list_display = ("name_ar", "name_fr", "code", "type", "population_legal", "has_arrondissements")


@admin.register(Committee)
class CommitteeAdmin(SimpleHistoryAdmin):
    list_display = ("name_ar", "name_fr", "collectivity", "chair")
    filter_horizontal = ("members",)


@admin.register(Service)
class ServiceAdmin(SimpleHistoryAdmin):
    list_display = ("name_ar", "name_fr", "collectivity", "head")
    filter_horizontal = ("members",)


@admin.register(CouncilSession)
class CouncilSessionAdmin(SimpleHistoryAdmin):
    list_display = ("date", "kind", "collectivity")
    list_filter = ("kind",)


@admin.register(Association)
class AssociationAdmin(SimpleHistoryAdmin):
    list_display = ("name_ar", "founded_on", "collectivity", "charter_signed_on", "charter_promoter")
    filter_horizontal = ("members",)


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    """Read-only: a case changes only through cases.services (the staff pages and the API)."""

    list_display = ("reference", "kind", "title", "state", "submitted_at")
    list_filter = ("kind", "state", "collectivity")
    search_fields = ("reference", "title")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CaseAttachment)
class CaseAttachmentAdmin(admin.ModelAdmin):
    """Read only: documents arrive through the services (audited, typed, digested); a changed
    file, kind or `public` flag would change who may open it without a trace."""

    list_display = ("name", "case", "purpose", "public", "uploaded_at")
    # The stored file is shown as its download link, under the case's rules: /media/ is not served.
    fields = ("case", "purpose", "name", "document", "public", "content_type", "sha256", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    @admin.display(description=_("document"))
    def document(self, obj):
        return format_html('<a href="{}">{}</a>', files.download_url(obj), obj.name)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(SimpleHistoryAdmin):
    """Editable by an administrator; every change is kept by simple-history and the open cases'
    deadlines follow at once."""

    list_display = ("collectivity", "state", "kind", "days", "unit", "counted_from")
    list_filter = ("collectivity", "state", "unit")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        recompute_open_cases(obj.collectivity)

    def delete_model(self, request, obj):
        collectivity = obj.collectivity
        super().delete_model(request, obj)
        recompute_open_cases(collectivity)


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(SimpleHistoryAdmin):
    """The Islamic holidays follow the moon sighting: confirm, shift or add them here."""

    list_display = ("date", "name", "action", "new_date", "note")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        recompute_open_cases()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        recompute_open_cases()
