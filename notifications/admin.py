from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications import services
from notifications.models import Delivery, Follower, OutboxEvent


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fields = ("channel", "recipient_key", "status", "attempts", "last_error", "sent_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OutboxEvent)
class OutboxEventAdmin(admin.ModelAdmin):
    list_display = ("event", "subject_type", "subject_id", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "event")
    readonly_fields = [f.name for f in OutboxEvent._meta.fields]
    inlines = [DeliveryInline]
    actions = ["retry_failed"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Retry the selected failed events"))
    def retry_failed(self, request, queryset):
        count = services.outbox_retry(event_ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d event queued again.", "%(count)d events queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "outbox_event",
        "channel",
        "recipient_key",
        "language",
        "status",
        "attempts",
        "sent_at",
        "read_at",
    )
    list_filter = ("channel", "status", "language")
    readonly_fields = [f.name for f in Delivery._meta.fields]
    list_select_related = ("outbox_event",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Follower)
class FollowerAdmin(admin.ModelAdmin):
    list_display = ("subject_type", "subject_id", "language", "created_at", "confirmed_at", "unsubscribed_at")
    list_filter = ("subject_type", "language")
    search_fields = ("email",)
    exclude = ("token",)
    readonly_fields = (
        "subject_type",
        "subject_id",
        "email",
        "language",
        "created_at",
        "confirm_sent_at",
        "confirmed_at",
        "unsubscribed_at",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
