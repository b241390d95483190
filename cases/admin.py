"""Admin of cases: read-only (a case changes only through cases.services)."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cases import files
from cases.models import Case, CaseAttachment, CommitteeReferral


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
    fields = (
        "case",
        "purpose",
        "name",
        "document",
        "public",
        "content_type",
        "sha256",
        "uploaded_by",
        "uploaded_at",
    )
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


@admin.register(CommitteeReferral)
class CommitteeReferralAdmin(SimpleHistoryAdmin):
    """Read only: a committee is asked and files its opinion through cases.services (audited)."""

    list_display = ("case", "committee", "role", "requested_at", "due_on", "reported_at", "lapsed_at")
    list_filter = ("role", "committee")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
