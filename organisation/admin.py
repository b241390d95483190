"""Admin of the organisation: the collectivity's legal figures, committees, services, sessions,
associations."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from organisation.models import Association, Collectivity, Committee, CouncilSession, Service


class ScopedAdmin(SimpleHistoryAdmin):
    """A staff member using the admin sees only the bodies of the collectivities they act in
    (accounts.User.collectivity_ids); a superuser or an installation-wide account sees all."""

    collectivity_field = "collectivity_id"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(request.user.collectivity_q(self.collectivity_field))


@admin.register(Collectivity)
class CollectivityAdmin(ScopedAdmin):
    collectivity_field = "id"

    list_display = ("name_ar", "name_fr", "code", "slug", "hostname", "type", "population_legal")


@admin.register(Committee)
class CommitteeAdmin(ScopedAdmin):
    list_display = ("name_ar", "name_fr", "collectivity", "chair")
    filter_horizontal = ("members",)


@admin.register(Service)
class ServiceAdmin(ScopedAdmin):
    list_display = ("name_ar", "name_fr", "collectivity", "head")
    filter_horizontal = ("members",)


@admin.register(CouncilSession)
class CouncilSessionAdmin(ScopedAdmin):
    list_display = ("date", "kind", "collectivity")
    list_filter = ("kind",)


@admin.register(Association)
class AssociationAdmin(ScopedAdmin):
    list_display = ("name_ar", "founded_on", "collectivity", "charter_signed_on", "charter_promoter")
    filter_horizontal = ("members",)
