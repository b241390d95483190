"""The role groups of docs/domain.md §2 (core.roles.ROLE_GROUPS, frozen here as migrations must be)."""

from django.db import migrations

ROLE_GROUPS = (
    "citizen",
    "association",
    "intake",
    "bureau",
    "committee",
    "secretariat",
    "president",
    "service",
    "equality_commission",
    "children_council",
    "followup",
)


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    # Reversing leaves the groups: they may hold members and permissions by then.
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
