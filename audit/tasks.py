from celery import shared_task


@shared_task(name="audit.digest")
def digest_task():
    from .digest import audit_digest_record

    return audit_digest_record().digest
