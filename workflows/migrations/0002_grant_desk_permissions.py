from django.db import IntegrityError, migrations, transaction

NAMES = {
    "desk_bureau": "Works the council bureau's tasks",
    "desk_intake": "Works the reception desk's tasks",
    "desk_submitter": "Completes the file of their own cases",
    "desk_committee": "Works their standing committee's tasks",
    "desk_secretariat": "Works the council secretariat's tasks",
    "desk_president": "Works the council president's tasks",
    "desk_service": "Works their service's tasks",
}

GRANTS = {
    "bureau": ["desk_bureau"],
    "intake": ["desk_intake"],
    "citizen": ["desk_submitter"],
    "association": ["desk_submitter"],
    "committee": ["desk_committee"],
    "secretariat": ["desk_secretariat"],
    "president": ["desk_president"],
    "service": ["desk_service"],
}


def _get_or_create(klass, defaults=None, **lookup):
    """get_or_create that survives a concurrent creator (tests re-run this after a flush while a
    worker thread may create the same content type)."""
    try:
        with transaction.atomic():
            return klass.objects.get_or_create(defaults=defaults, **lookup)[0]
    except IntegrityError:
        return klass.objects.get(**lookup)


def grant(apps, schema_editor):
    # Proxy-model permissions are normally created after migrate (post_migrate); create the rows
    # now so the grant can see them. create_permissions later finds them and adds nothing.
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ct = _get_or_create(ContentType, app_label="workflows", model="caseprocess")
    for group_name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for codename in codenames:
            perm = _get_or_create(Permission, content_type=ct, codename=codename, defaults={"name": NAMES[codename]})
            group.permissions.add(perm)


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0001_initial"),
        ("accounts", "0003_role_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
