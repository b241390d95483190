"""The JSON API of docs/domain.md §10. Views parse the request, call one service or selector and render.

Every error leaves as {"error": code, "detail": message} through core.errors.api_exception_handler;
the services decide who may do what and in which order the checks run.
"""

from __future__ import annotations

import codecs
import functools
import json
import math
import re
from collections.abc import Mapping

from django.contrib.auth import authenticate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ParseError
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services as account_services
from accounts.lockout import lockout_message
from cases import lifecycle, selectors, services
from cases import serializers as ser
from cases.register_cache import CountedPaginator
from core import roles
from core.errors import DomainError, InvalidInput, NotFound
from core.ratelimit import TokenEndpointThrottle
from organisation import selectors as org_selectors

ERRORS = {
    400: ser.ErrorSerializer,
    403: ser.ErrorSerializer,
    404: ser.ErrorSerializer,
    409: ser.ErrorSerializer,
}


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    default_message = gettext_lazy("Wrong username or password.")


def _finite_float(text: str) -> float:
    # A literal such as 1e400 decodes to inf, which int() cannot take: refuse it while parsing.
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number out of range: {text[:20]}")
    return value


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


class StrictJSONParser(JSONParser):
    """JSON without NaN, Infinity or numbers that overflow to them, and without nesting deep enough
    to exhaust the stack: malformed bodies are a 400, never a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding") or "utf-8"
        try:
            data = json.load(
                codecs.getreader(encoding)(stream), parse_float=_finite_float, parse_constant=_reject_constant
            )
        except (ValueError, RecursionError):
            raise ParseError() from None
        if _contains_nul(data):
            # Valid JSON, but PostgreSQL cannot store or even compare text holding NUL.
            raise InvalidInput(_("Text cannot contain NUL characters."))
        return data


def _contains_nul(data) -> bool:
    # Iterative, so a body nested as deep as the decoder allows cannot exhaust the stack here.
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _json_object(request) -> Mapping:
    """The request body, which must be a JSON object (an empty body counts as {})."""
    data = request.data
    if not isinstance(data, Mapping):
        raise InvalidInput(_("The request body must be a JSON object."))
    return data


def _query(serializer_class, request) -> dict:
    # A plain dict, not the QueryDict: DRF reads a missing boolean in a QueryDict as False.
    # An empty parameter (a form's "any" option) means no filter.
    params = {key: value for key, value in request.query_params.dict().items() if value.strip()}
    query = serializer_class(data=params)
    query.is_valid(raise_exception=True)
    return query.validated_data


def _collectivity(slug: str | None, request=None):
    """The `collectivity` parameter; on a collectivity's prefix or host name, that collectivity
    (another one's slug there is not found). Without it, the site's own collectivity: the unprefixed
    site serves the default one, so its API and its register list the same cases (the national
    register, /national/register/, lists them all)."""
    site = org_selectors.routed_collectivity(request)
    if not slug:
        return site or org_selectors.portal_collectivity(request)
    found = org_selectors.collectivity_get(slug=slug)
    if found is None or (site is not None and found.pk != site.pk):
        raise NotFound(_("No such collectivity."))
    return found


# References are ASCII (DMN-PET-2026-0007); anything else names no case. Checking the shape first
# also keeps NUL bytes, which PostgreSQL refuses in a query, away from the database.
_REFERENCE = re.compile(r"[A-Za-z0-9-]{1,30}")


def well_formed_reference(reference: str) -> bool:
    return _REFERENCE.fullmatch(reference) is not None


def _visible_case(request, reference: str):
    """A case the requester may read: filed cases are public, drafts only for their submitter.
    Someone else's draft is "not found", so its existence does not leak."""
    case = selectors.case_get(reference=reference) if well_formed_reference(reference) else None
    if case is None or not selectors.case_visible_to(user=request.user, case=case):
        raise NotFound(_("No such case."))
    # Another collectivity's case is not on this site (organisation.tenancy), except for those who
    # see its full record (its staff, its submitter).
    if not org_selectors.on_public_site(request, case.collectivity_id) and not (
        request.user.is_authenticated and selectors.case_can_view_private(user=request.user, case=case)
    ):
        raise NotFound(_("No such case."))
    return case


class ApiView(APIView):
    parser_classes = [StrictJSONParser]


class LockedOut(DomainError):
    code = "locked_out"
    http_status = status.HTTP_429_TOO_MANY_REQUESTS

    def __init__(self):
        super().__init__(lockout_message())


class TokenView(ApiView):
    # No session authentication here: a logged-in browser must not need a CSRF token to get one.
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenEndpointThrottle]

    @extend_schema(
        operation_id="auth_token",
        request=ser.TokenRequestSerializer,
        responses={200: ser.TokenSerializer, 400: ser.ErrorSerializer, 429: ser.ErrorSerializer},
        auth=[],
    )
    def post(self, request):
        """Exchange a username and password for an API token (header `Authorization: Token ...`).
        The token expires after MITHAQ_API_TOKEN_DAYS days (30 by default); asking again then gives a
        new one. Too many failures for one username or from one address lock both out for a while
        (429 `locked_out`), and requests are limited per address (429 `throttled`)."""
        data = _json_object(request)
        username, password = data.get("username"), data.get("password")
        errors = {}
        for name, value in (("username", username), ("password", password)):
            if not isinstance(value, str) or not value:
                errors[name] = [_("This field is required.")]
        if errors:
            raise InvalidInput(field_errors=errors)
        user = authenticate(request._request, username=username, password=password)
        if getattr(request._request, "axes_locked_out", False):
            raise LockedOut()
        if user is None or not user.is_active:
            raise InvalidCredentials()
        token = account_services.api_token_issue(user=user)
        return Response({"token": token.key})


_COLLECTIVITY_PARAM = OpenApiParameter("collectivity", str, description="Collectivity slug.")


class CommitteeListView(ApiView):
    @extend_schema(
        operation_id="committees_list",
        parameters=[_COLLECTIVITY_PARAM],
        responses={200: ser.OrgRefSerializer(many=True), 400: ser.ErrorSerializer, 404: ser.ErrorSerializer},
    )
    def get(self, request):
        collectivity = _collectivity(
            _query(ser.CollectivityQuerySerializer, request).get("collectivity"), request
        )
        return Response(
            ser.OrgRefSerializer(org_selectors.committee_list(collectivity=collectivity), many=True).data
        )


class ServiceListView(ApiView):
    @extend_schema(
        operation_id="services_list",
        parameters=[_COLLECTIVITY_PARAM],
        responses={200: ser.OrgRefSerializer(many=True), 400: ser.ErrorSerializer, 404: ser.ErrorSerializer},
    )
    def get(self, request):
        collectivity = _collectivity(
            _query(ser.CollectivityQuerySerializer, request).get("collectivity"), request
        )
        return Response(
            ser.OrgRefSerializer(org_selectors.service_list(collectivity=collectivity), many=True).data
        )


class SessionListView(ApiView):
    @extend_schema(
        operation_id="sessions_list",
        parameters=[_COLLECTIVITY_PARAM],
        responses={200: ser.SessionSerializer(many=True), 400: ser.ErrorSerializer, 404: ser.ErrorSerializer},
    )
    def get(self, request):
        collectivity = _collectivity(
            _query(ser.CollectivityQuerySerializer, request).get("collectivity"), request
        )
        return Response(
            ser.SessionSerializer(org_selectors.session_list(collectivity=collectivity), many=True).data
        )


class RulesView(ApiView):
    @extend_schema(
        operation_id="rules_retrieve",
        parameters=[_COLLECTIVITY_PARAM],
        responses={200: ser.RulesSerializer, 400: ser.ErrorSerializer, 404: ser.ErrorSerializer},
    )
    def get(self, request):
        """The participation rules in force: figures of the law as the collectivity applies them,
        the states and the transitions with what each must carry."""
        slug = _query(ser.CollectivityQuerySerializer, request).get("collectivity")
        collectivity = _collectivity(slug, request) or org_selectors.default_collectivity()
        return Response(ser.RulesSerializer(selectors.collectivity_rules(collectivity)).data)


class CasePagination(PageNumberPagination):
    page_size = 50


class CaseListCreateView(GenericAPIView):
    parser_classes = [StrictJSONParser]
    pagination_class = CasePagination
    serializer_class = ser.CaseListSerializer

    def get_queryset(self):
        # Only for schema generation; get() builds the filtered queryset from the query string.
        return selectors.case_list_public()

    @extend_schema(
        operation_id="cases_list",
        parameters=[ser.CaseListQuerySerializer],
        responses={
            200: ser.CaseListSerializer(many=True),
            400: ser.ErrorSerializer,
            404: ser.ErrorSerializer,
        },
    )
    def get(self, request):
        """The public register of filed cases (drafts never), newest first."""
        query = _query(ser.CaseListQuerySerializer, request)
        collectivity = _collectivity(query.get("collectivity"), request)
        filters = {
            name: query.get(name) for name in ("kind", "state", "committee", "year", "search", "overdue")
        }
        qs = selectors.case_list_public_filtered(collectivity=collectivity, **filters)
        if filters["overdue"] is not None:
            # Overdue is relative to today: the day is part of the cached count's parameters.
            filters["today"] = timezone.localdate()
        count = selectors.case_count_public(qs, collectivity=collectivity, filters=filters)
        self.paginator.django_paginator_class = functools.partial(CountedPaginator, count=count)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(
            ser.CaseListSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(
        operation_id="cases_create",
        request=ser.CaseCreateSerializer,
        responses={201: ser.CaseCreatedSerializer, **ERRORS},
    )
    def post(self, request):
        """File a case (or keep a draft): citizens, associations, the reception desk, the Equality
        Commission and the Children's Council. The tracking code is shown only in this answer."""
        data = _json_object(request)
        accepted = set(ser.CaseCreateSerializer().fields)
        user = request.user
        if not (user.is_authenticated and roles.INTAKE in user.group_names()):
            accepted -= set(ser.CaseCreateSerializer.INTAKE_ONLY)
        params = {key: data[key] for key in accepted if key in data}
        # The service reports missing required fields itself, in its own words.
        for required in ("kind", "title", "description"):
            params.setdefault(required, None)
        case, tracking_code = services.case_create(actor=user, **params)
        path = reverse("api:case-detail", kwargs={"reference": case.reference})
        body = {
            "reference": case.reference,
            "tracking_code": tracking_code,
            "state": case.state,
            "url": request.build_absolute_uri(path),
        }
        return Response(ser.CaseCreatedSerializer(body).data, status=status.HTTP_201_CREATED)


class CaseDetailView(ApiView):
    @extend_schema(
        operation_id="cases_retrieve",
        responses={200: ser.CaseDetailSerializer, 404: ser.ErrorSerializer},
    )
    def get(self, request, reference: str):
        """A case with its decision and public timeline; no personal data."""
        case = _visible_case(request, reference)
        return Response(ser.CaseDetailSerializer(case, context={"request": request}).data)


class CaseTransitionListView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="cases_transitions_list",
        responses={
            200: ser.AvailableTransitionSerializer(many=True),
            403: ser.ErrorSerializer,
            404: ser.ErrorSerializer,
        },
    )
    def get(self, request, reference: str):
        """The transitions the requester may perform on the case now, with what each must carry."""
        case = _visible_case(request, reference)
        specs = services.case_available_transitions(actor=request.user, case=case)
        data = [ser.available_transition_data(spec, case) for spec in specs]
        return Response(ser.AvailableTransitionSerializer(data, many=True).data)


class CaseTransitionView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="cases_transition",
        request=ser.TransitionBodySerializer,
        responses={200: ser.CaseDetailSerializer, **ERRORS},
    )
    def post(self, request, reference: str, name: str):
        """Perform a transition of the case. 400: what it must carry is missing or invalid; 403: not
        your role; 404: no such case or transition; 409: not possible in the current state, or a
        concurrent change."""
        data = _json_object(request)
        if not well_formed_reference(reference):
            # No such case; the transition name is checked first, in the service's order.
            lifecycle.get_spec(name)
            raise NotFound(_("No such case."))
        lifecycle.get_spec(name)
        # A draft the requester may not see answers 404 here as on its detail (no 403 that would
        # tell someone else's draft exists).
        _visible_case(request, reference)
        services.case_transition(actor=request.user, case=reference, name=name, data=data)
        case = selectors.case_get(reference=reference)
        return Response(ser.CaseDetailSerializer(case, context={"request": request}).data)
