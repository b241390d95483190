"""Typed domain errors and the one place that maps them to HTTP statuses and form errors."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions as drf_exceptions
from rest_framework import serializers, status
from rest_framework.response import Response

logger = logging.getLogger(__name__)


class DomainError(Exception):
    """Base of every refusal. `code` is stable (clients rely on it); the message is translated."""

    code = "error"
    http_status = status.HTTP_400_BAD_REQUEST
    default_message = gettext_lazy("The request was refused.")

    def __init__(self, message=None, *, field_errors: dict[str, list[str]] | None = None):
        self.message = message if message is not None else self.default_message
        self.field_errors = field_errors or {}
        super().__init__(str(self.message))

    @property
    def detail(self) -> str:
        return str(self.message)


class NotFound(DomainError):
    code = "not_found"
    http_status = status.HTTP_404_NOT_FOUND
    default_message = gettext_lazy("Not found.")


class UnknownTransition(NotFound):
    code = "unknown_transition"
    default_message = gettext_lazy("There is no such transition.")


class TransitionNotAllowed(DomainError):
    """The actor's role may not perform this action on this case."""

    code = "forbidden"
    http_status = status.HTTP_403_FORBIDDEN
    default_message = gettext_lazy("You are not allowed to do this.")


class InvalidTransition(DomainError):
    """The case is not in a state (or of a kind) from which this transition leads anywhere."""

    code = "invalid_transition"
    http_status = status.HTTP_409_CONFLICT
    default_message = gettext_lazy("This action is not possible in the case's current state.")


class OpinionLapsed(InvalidTransition):
    """A committee's opinion asked on a case that has since left the committee stages (decided or
    withdrawn): the request lapsed and can no longer be answered (docs/domain.md §3.6)."""

    code = "opinion_lapsed"
    default_message = gettext_lazy(
        "This request for an opinion has lapsed: the case moved on before the committee gave it."
    )


class ConcurrentUpdate(DomainError):
    code = "conflict"
    http_status = status.HTTP_409_CONFLICT
    default_message = gettext_lazy(
        "Someone else changed this case at the same time. Reload the page and try again."
    )


class GuardFailed(DomainError):
    """The transition lacks what it must carry, or a legal condition is unmet."""

    code = "guard_failed"
    default_message = gettext_lazy("The action lacks what it must carry.")

    @property
    def detail(self) -> str:
        parts = [str(self.message)]
        for messages in self.field_errors.values():
            parts.extend(str(m) for m in messages)
        return " ".join(parts)


class SessionRefused(GuardFailed):
    """The council session chosen for an agenda is not allowed (OL 113-14 art. 38): in the past, held
    before the case was filed, or not a petition's mandatory session without a derogation."""

    code = "session_refused"
    default_message = gettext_lazy("This session cannot take the case.")


class InvalidInput(GuardFailed):
    code = "invalid"
    default_message = gettext_lazy("The request is not valid.")


def error_body(code: str, detail: str, fields: dict | None = None) -> dict:
    body = {"error": code, "detail": detail}
    if fields:
        body["fields"] = {k: [str(m) for m in v] for k, v in fields.items()}
    return body


def api_exception_handler(exc, context):
    """DRF exception handler: every error is {"error": code, "detail": message} and never a 500."""
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, exc.detail, exc.field_errors), status=exc.http_status)
    if isinstance(exc, Http404):
        return Response(error_body("not_found", _("Not found.")), status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DjangoPermissionDenied):
        return Response(
            error_body("forbidden", _("You are not allowed to do this.")), status=status.HTTP_403_FORBIDDEN
        )
    challenge = getattr(exc, "www_authenticate", None)
    if isinstance(exc, drf_exceptions.AuthenticationFailed) and challenge:
        # A credential that was valid once (an expired token): 401, so the client renews it.
        response = Response(
            error_body(exc.default_code, str(exc.detail)), status=status.HTTP_401_UNAUTHORIZED
        )
        response["WWW-Authenticate"] = challenge
        return response
    if isinstance(exc, drf_exceptions.NotAuthenticated | drf_exceptions.AuthenticationFailed):
        code = (
            "not_authenticated"
            if isinstance(exc, drf_exceptions.NotAuthenticated)
            else "authentication_failed"
        )
        return Response(error_body(code, str(exc.detail)), status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, drf_exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        flat = _flatten(fields)
        return Response(
            error_body("invalid", _("The request is not valid."), flat), status=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, drf_exceptions.ParseError):
        return Response(error_body("parse_error", _("The request body is not valid JSON.")), status=400)
    if isinstance(exc, drf_exceptions.UnsupportedMediaType):
        return Response(error_body("unsupported_media_type", _("Send the request body as JSON.")), status=415)
    if isinstance(exc, drf_exceptions.MethodNotAllowed):
        return Response(error_body("method_not_allowed", _("This method is not allowed here.")), status=405)
    if isinstance(exc, drf_exceptions.Throttled):
        response = Response(error_body("throttled", _("Too many requests; try again later.")), status=429)
        if exc.wait:
            response["Retry-After"] = str(max(1, int(exc.wait)))
        return response
    if isinstance(exc, drf_exceptions.PermissionDenied):
        return Response(error_body("forbidden", _("You are not allowed to do this.")), status=403)
    if isinstance(exc, drf_exceptions.APIException):
        return Response(error_body(exc.default_code, str(exc.detail)), status=exc.status_code)
    # Anything else is a bug: log it (without the request body, which may hold personal data)
    # and answer with the error shape instead of an HTML 500 page.
    logger.exception("Unhandled API error in %s", context.get("view").__class__.__name__)
    return Response(error_body("server_error", _("An unexpected error occurred.")), status=500)


def _flatten(detail) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in detail.items():
        if isinstance(value, dict):
            for sub, msgs in _flatten(value).items():
                out[f"{key}.{sub}"] = msgs
        elif isinstance(value, list):
            out[key] = [str(v) if not isinstance(v, dict) else str(v) for v in value]
        else:
            out[key] = [str(value)]
    return out


def add_to_form(form, error: DomainError) -> None:
    """Show a domain error on a Django form: field errors where the field exists, the rest on top."""
    placed = False
    for field, messages in error.field_errors.items():
        for message in messages:
            if field in form.fields:
                form.add_error(field, message)
                placed = True
            else:
                form.add_error(None, message)
                placed = True
    if not placed or not error.field_errors:
        form.add_error(None, str(error.message))


class ErrorSerializer(serializers.Serializer):
    """The error shape of every 4xx answer of the API (docs/domain.md §10)."""

    error = serializers.CharField(help_text=gettext_lazy("Stable error code."))
    detail = serializers.CharField(help_text=gettext_lazy("Message in the request's language."))
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=gettext_lazy("Messages per field, when the error is about given fields."),
    )
