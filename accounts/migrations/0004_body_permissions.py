"""Permissions of the charter's bodies for the role groups (docs/domain.md §1, issue 12): the
Children's Council's facilitator manages the council, the bureau the registry of associations, the
follow-up team reads all. The Equality Commission's members are managed by its secretary, a member
(participation.predicates.can_manage_commission_members), not by a group."""

from django.db import IntegrityError, migrations, transaction

GRANTS = {
    "children_council": [("participation", "childmember", "manage_children_council")],
    "bureau": [("organisation", "association", "manage_associations")],
    "followup": [
        ("participation", "commissionmember", "view_commissionmember"),
        ("participation", "opinionrequest", "view_opinionrequest"),
        ("participation", "childmember", "view_childmember"),
        ("participation", "decisionrating", "view_decisionrating"),
        ("organisation", "association", "view_association"),
        ("organisation", "partnership", "view_partnership"),
    ],
}
NAMES = {
    "manage_children_council": "Manages the Children's Council",
    "manage_associations": "Manages the registry of associations",
}


def _get_or_create(klass, defaults=None, **lookup):
    try:
        with transaction.atomic():
            return klass.objects.get_or_create(defaults=defaults, **lookup)[0]
    except IntegrityError:
        return klass.objects.get(**lookup)


def grant(apps, schema_editor):
    # Permissions are normally created after migrate (post_migrate): create the rows now so the
    # grant can see them; create_permissions later finds them and adds nothing.
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for group_name, perms in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, model, codename in perms:
            ct = _get_or_create(ContentType, app_label=app_label, model=model)
            name = NAMES.get(codename) or f"Can view {model}"
            perm = _get_or_create(Permission, content_type=ct, codename=codename, defaults={"name": name})
            group.permissions.add(perm)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_role_groups"),
        ("participation", "0002_charter_bodies"),
        ("organisation", "0002_association_registry_partnerships"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
