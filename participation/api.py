"""GET /api/v1/meetings/ and /api/v1/associations/ (docs/domain.md §10): public, aggregates only.

No attendee and no child is ever named here (Law 09-08): a meeting carries its counts and shares, an
association its registry card without its representative, its cases their public fields. Errors are
the API's shape `{"error": code, "detail": message}` (core.errors)."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import states as S
from core.errors import ErrorSerializer, NotFound
from organisation.models import Association
from organisation.selectors import collectivity_get
from participation import predicates as P
from participation import selectors
from participation.models import Disability, Gender, Meeting


def _share(part, whole):
    return round(part / whole, 4) if whole else None


class Pagination(PageNumberPagination):
    page_size = 50


MAX_ID = 2**62  # past the largest id a bigint column holds: no such row


class MeetingQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Meeting.Kind.choices, required=False, help_text="Meeting kind.")
    organiser = serializers.ChoiceField(choices=Meeting.Organiser.choices, required=False)
    # Bounded: a number past the database's integer is a 400, never a 500.
    committee = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Organising committee (id)."
    )
    date_from = serializers.DateField(required=False, help_text="Meetings starting on or after (YYYY-MM-DD).")
    date_to = serializers.DateField(required=False, help_text="Meetings starting before (YYYY-MM-DD).")
    upcoming = serializers.BooleanField(required=False, allow_null=True, default=None)
    collectivity = serializers.SlugField(required=False, help_text="Collectivity slug (default: all).")


class MeetingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    topic = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)
    place = serializers.CharField()
    organiser = serializers.CharField()
    organiser_label = serializers.CharField()
    cancelled = serializers.BooleanField()
    participants = serializers.IntegerField(source="n_participants")
    women_share = serializers.SerializerMethodField()
    youth_share = serializers.SerializerMethodField()
    vulnerable_share = serializers.SerializerMethodField()
    cases = serializers.SerializerMethodField()

    def get_women_share(self, obj) -> float | None:
        return _share(obj.n_women, obj.n_participants)

    def get_youth_share(self, obj) -> float | None:
        return _share(obj.n_youth, obj.n_participants)

    def get_vulnerable_share(self, obj) -> float | None:
        return _share(obj.n_disability, obj.n_participants)

    def get_cases(self, obj) -> list[str]:
        return [c.reference for c in obj.cases.all() if c.state != S.DRAFT]


class MeetingDetailSerializer(MeetingSerializer):
    description = serializers.CharField()
    evaluation = serializers.SerializerMethodField()

    def get_evaluation(self, obj) -> dict:
        summary = selectors.meeting_evaluation(obj)
        return {
            "cards": summary.cards,
            "satisfaction_average": summary.satisfaction_average,
            "clarity_average": summary.clarity_average,
            "come_again_share": summary.come_again_share,
        }


def _query(serializer_class, request) -> dict:
    params = {key: value for key, value in request.query_params.dict().items() if value.strip()}
    params.pop("page", None)
    query = serializer_class(data=params)
    query.is_valid(raise_exception=True)
    return query.validated_data


def _collectivity(slug):
    if not slug:
        return None
    found = collectivity_get(slug=slug)
    if found is None:
        raise NotFound(_("No such collectivity."))
    return found


def _meetings(request):
    s = lambda q=None: Sum("attendance__count", filter=q, default=0)  # noqa: E731
    qs = (
        Meeting.objects.select_related("committee", "service")
        .prefetch_related("cases")
        .annotate(
            n_participants=s(),
            n_women=s(Q(attendance__gender=Gender.FEMALE)),
            n_youth=s(Q(attendance__age_band__in=selectors.YOUTH_BANDS)),
            n_disability=s(Q(attendance__disability=Disability.YES)),
        )
    )
    # The commune's staff and the bodies see meetings kept off the public calendar too.
    if not P.can_read_meetings(request.user):
        qs = qs.filter(public=True)
    return qs


def _page_of(item_serializer, name: str):
    """The schema of a page of the list (count, next, previous, results), as Pagination answers."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item_serializer(many=True),
        },
    )


class MeetingListView(APIView):
    @extend_schema(
        operation_id="meetings_list",
        parameters=[MeetingQuerySerializer],
        responses={
            200: _page_of(MeetingSerializer, "PaginatedMeetingList"),
            400: ErrorSerializer,
            404: ErrorSerializer,
        },
        description=(
            "Participatory meetings (charter 7.3-7.4), newest first: attendance as totals and shares "
            "only (women, youth 15-34, people with a disability); no attendee is ever named. Filters: "
            "kind, organiser, committee, date_from, date_to, upcoming, collectivity."
        ),
    )
    def get(self, request):
        query = _query(MeetingQuerySerializer, request)
        qs = _meetings(request)
        collectivity = _collectivity(query.get("collectivity"))
        if collectivity is not None:
            qs = qs.filter(collectivity=collectivity)
        for name in ("kind", "organiser"):
            if query.get(name):
                qs = qs.filter(**{name: query[name]})
        if query.get("committee"):
            qs = qs.filter(committee_id=query["committee"])
        if query.get("date_from"):
            qs = qs.filter(starts_at__date__gte=query["date_from"])
        if query.get("date_to"):
            qs = qs.filter(starts_at__date__lt=query["date_to"])
        if query.get("upcoming") is not None:
            today = timezone.localdate()
            qs = (
                qs.filter(starts_at__date__gte=today)
                if query["upcoming"]
                else qs.filter(starts_at__date__lt=today)
            )
        paginator = Pagination()
        page = paginator.paginate_queryset(qs.order_by("-starts_at", "-id"), request, view=self)
        return paginator.get_paginated_response(MeetingSerializer(page, many=True).data)


class MeetingDetailView(APIView):
    @extend_schema(
        operation_id="meetings_retrieve",
        responses={200: MeetingDetailSerializer, 404: ErrorSerializer},
        description="One meeting with its attendance shares and its evaluation cards' averages.",
    )
    def get(self, request, meeting_id: int):
        meeting = _meetings(request).filter(pk=meeting_id).first() if 0 < meeting_id <= MAX_ID else None
        if meeting is None:
            raise NotFound(_("No such meeting."))
        return Response(MeetingDetailSerializer(meeting).data)


# Associations ---------------------------------------------------------------------------------


class AssociationQuerySerializer(serializers.Serializer):
    search = serializers.CharField(required=False, max_length=100, help_text="Part of the name.")
    domain = serializers.CharField(required=False, max_length=100, help_text="Part of the field of action.")
    signed = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Signed the charter."
    )
    promoter = serializers.BooleanField(required=False, allow_null=True, default=None)
    status = serializers.ChoiceField(
        choices=Association.Status.choices,
        required=False,
        help_text="Registry status (pending and refused: the bureau and the follow-up team only).",
    )
    collectivity = serializers.SlugField(required=False)


class PartnershipSerializer(serializers.Serializer):
    title = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)


class AssociationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    name_ar = serializers.CharField()
    name_fr = serializers.CharField()
    founded_on = serializers.DateField()
    registered_on = serializers.DateField(allow_null=True)
    seat_in_collectivity = serializers.BooleanField()
    seat_address = serializers.CharField()
    domain = serializers.CharField()
    charter_signed_on = serializers.DateField(allow_null=True)
    charter_promoter = serializers.BooleanField()
    status = serializers.CharField()
    cases_filed = serializers.IntegerField(source="n_cases")
    partnerships = PartnershipSerializer(many=True)


class AssociationCaseSerializer(serializers.Serializer):
    reference = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.SerializerMethodField()
    submitted_at = serializers.DateTimeField(allow_null=True)

    def get_state_label(self, obj) -> str:
        return S.state_label(obj.state, obj.kind)


class AssociationDetailSerializer(AssociationSerializer):
    cases = serializers.SerializerMethodField()

    def get_cases(self, obj) -> list[dict]:
        return AssociationCaseSerializer(selectors.association_public_cases(obj), many=True).data


def _associations(request, status: str | None):
    qs = Association.objects.prefetch_related("partnerships").annotate(
        n_cases=Count("cases", filter=~Q(cases__state=S.DRAFT), distinct=True)
    )
    if status and status != Association.Status.REGISTERED and P.can_read_registry(request.user):
        return qs.filter(status=status)
    return qs.filter(status=Association.Status.REGISTERED)


class AssociationListView(APIView):
    @extend_schema(
        operation_id="associations_list",
        parameters=[AssociationQuerySerializer],
        responses={
            200: _page_of(AssociationSerializer, "PaginatedAssociationList"),
            400: ErrorSerializer,
            404: ErrorSerializer,
        },
        description=(
            "The registry of associations (validated ones; the bureau and the follow-up team may ask "
            "for `status=pending`): charter signature and promotion (charter 7.3), partnerships "
            "with the commune, the number of cases filed. The representative is never listed."
        ),
    )
    def get(self, request):
        query = _query(AssociationQuerySerializer, request)
        qs = _associations(request, query.get("status"))
        collectivity = _collectivity(query.get("collectivity"))
        if collectivity is not None:
            qs = qs.filter(collectivity=collectivity)
        if query.get("search"):
            qs = qs.filter(Q(name_ar__icontains=query["search"]) | Q(name_fr__icontains=query["search"]))
        if query.get("domain"):
            qs = qs.filter(domain__icontains=query["domain"])
        if query.get("signed") is not None:
            qs = qs.filter(charter_signed_on__isnull=not query["signed"])
        if query.get("promoter") is not None:
            qs = qs.filter(charter_promoter=query["promoter"])
        paginator = Pagination()
        page = paginator.paginate_queryset(qs.order_by("name_ar", "id"), request, view=self)
        return paginator.get_paginated_response(AssociationSerializer(page, many=True).data)


class AssociationDetailView(APIView):
    @extend_schema(
        operation_id="associations_retrieve",
        responses={200: AssociationDetailSerializer, 404: ErrorSerializer},
        description="One registered association with its filed cases and their states (public fields).",
    )
    def get(self, request, association_id: int):
        association = (
            _associations(request, None).filter(pk=association_id).first()
            if 0 < association_id <= MAX_ID
            else None
        )
        if association is None:
            raise NotFound(_("No such association."))
        return Response(AssociationDetailSerializer(association).data)
