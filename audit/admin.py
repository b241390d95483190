from django.contrib import admin

from audit.models import TransitionEntry


@admin.register(TransitionEntry)
class TransitionEntryAdmin(admin.ModelAdmin):
    """Read-only: the chain has no update or delete path (docs/domain.md §5)."""

    list_display = ("case", "seq", "transition", "from_state", "to_state", "role", "created_at")
    list_filter = ("transition", "role")
    search_fields = ("case__reference",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
