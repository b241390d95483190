from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from participation.models import AttendanceCount, EvaluationTally, Meeting, MeetingDocument


class AttendanceInline(admin.TabularInline):
    model = AttendanceCount
    extra = 0


class EvaluationInline(admin.TabularInline):
    model = EvaluationTally
    extra = 0


class DocumentInline(admin.TabularInline):
    model = MeetingDocument
    extra = 0
    fields = ("purpose", "name", "public", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ("topic", "kind", "starts_at", "place", "organiser", "public", "cancelled")
    list_filter = ("kind", "organiser", "public", "cancelled", "collectivity")
    search_fields = ("topic", "place")
    date_hierarchy = "starts_at"
    raw_id_fields = ("cases",)
    readonly_fields = ("evaluation_token", "attendance_source", "attendance_recorded_at", "created_by")
    inlines = [AttendanceInline, EvaluationInline, DocumentInline]


@admin.register(MeetingDocument)
class MeetingDocumentAdmin(admin.ModelAdmin):
    list_display = ("name", "meeting", "purpose", "public", "uploaded_at")
    list_filter = ("purpose", "public")
    readonly_fields = ("sha256", "content_type", "uploaded_by", "uploaded_at")
