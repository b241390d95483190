"""Admin of the organisation: the collectivity's legal figures, committees, services, sessions,
associations."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from organisation.models import Association, Collectivity, Committee, CouncilSession, Service


@admin.register(Collectivity)
class CollectivityAdmin(SimpleHistoryAdmin):
    list_display = ("name_ar", "name_fr", "code", "slug", "hostname", "type", "population_legal")


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
