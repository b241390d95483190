"""GET /files/<id>/: a case's document, opened under the case page's rules (cases.files).

The bytes come from the storage API (a local folder or an S3-compatible store, by STORAGES). In
production, with MITHAQ_ACCEL_REDIRECT set, nginx sends them from an internal location once this
view has said yes; otherwise they are streamed from the storage.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from cases import files
from cases import states as S
from core.errors import NotFound, TransitionNotAllowed

# Public documents of filed cases do not change (their file and flag are fixed at upload).
PUBLIC_MAX_AGE = 3600


@require_safe
def download(request, attachment_id: int):
    try:
        attachment = files.attachment_for_download(user=request.user, attachment_id=attachment_id)
    except NotFound as exc:
        raise Http404 from exc
    except TransitionNotAllowed as exc:
        raise PermissionDenied from exc
    storage = attachment.file.storage
    accel = getattr(settings, "MITHAQ_ACCEL_REDIRECT", "")
    content_type = files.served_content_type(attachment)
    if accel:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + quote(attachment.file.name)
    else:
        try:
            handle = storage.open(attachment.file.name, "rb")
        except (FileNotFoundError, OSError) as exc:
            raise Http404 from exc
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = files.content_disposition(
        files.safe_filename(attachment.name, attachment.file.name)
    )
    response["X-Content-Type-Options"] = "nosniff"
    if attachment.public and attachment.case.state != S.DRAFT:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response
