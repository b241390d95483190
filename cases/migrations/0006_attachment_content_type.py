import django.db.models.deletion
from django.db import migrations, models


# The types the upload service accepts (cases.files.CONTENT_TYPES at the time of this migration).
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv",
    ".txt": "text/plain",
}


def fill_content_types(apps, schema_editor):
    """Files uploaded before the type was stored: derive it from the stored file's extension."""
    import os

    CaseAttachment = apps.get_model("cases", "CaseAttachment")
    for attachment in CaseAttachment.objects.filter(content_type="").only("id", "file").iterator():
        ext = os.path.splitext(attachment.file.name or "")[1].lower()
        CaseAttachment.objects.filter(pk=attachment.pk).update(
            content_type=CONTENT_TYPES.get(ext, "application/octet-stream")
        )


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0005_clocks'),
    ]

    operations = [
        migrations.AddField(
            model_name='caseattachment',
            name='content_type',
            field=models.CharField(blank=True, editable=False, max_length=100, verbose_name='content type'),
        ),
        migrations.AddField(
            model_name='historicalcaseattachment',
            name='content_type',
            field=models.CharField(blank=True, editable=False, max_length=100, verbose_name='content type'),
        ),
        migrations.AddField(
            model_name='signatureaccesslog',
            name='attachment',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cases.caseattachment', verbose_name='document'),
        ),
        migrations.RunPython(fill_content_types, migrations.RunPython.noop),
    ]
