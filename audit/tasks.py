from celery import shared_task

from audit.digest import audit_digest_record


@shared_task(name="audit.digest")
def digest_task():
    return audit_digest_record().digest
