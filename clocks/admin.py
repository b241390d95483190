"""Admin of the clocks: deadline rules and holiday confirmations; a change recomputes open cases'
deadlines."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from clocks.deadlines import recompute_open_cases
from clocks.models import DeadlineRule, HolidayOverride
from organisation.models import Collectivity


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(SimpleHistoryAdmin):
    """Editable by an administrator; every change is kept by simple-history and the open cases'
    deadlines follow at once."""

    list_display = ("collectivity", "state", "kind", "days", "unit", "counted_from", "status", "source")
    list_filter = ("collectivity", "state", "unit", "status")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        recompute_open_cases(obj.collectivity)

    def delete_model(self, request, obj):
        collectivity = obj.collectivity
        super().delete_model(request, obj)
        recompute_open_cases(collectivity)

    def delete_queryset(self, request, queryset):
        # The list's "delete selected" action: the queryset's delete drops the cached rules
        # (clocks.models); the open cases of each collectivity touched get their deadline again.
        touched = list(Collectivity.objects.filter(pk__in=queryset.values("collectivity_id")))
        super().delete_queryset(request, queryset)
        for collectivity in touched:
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

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        recompute_open_cases()
