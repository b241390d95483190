from celery import shared_task


@shared_task(name="audit.digest")
def digest_task():
    from audit.digest import audit_digest_record

    return audit_digest_record().digest
