"""JSON shapes of the public API (docs/domain.md §10).

Output serializers only read: they never save. Input serializers describe the request bodies for
the OpenAPI schema and parse query strings; the services validate what they receive.
Nothing here exposes personal data: no submitter, contact, account, actor or tracking code hash.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases import files, hooks, lifecycle, selectors
from cases import states as S
from cases.models import Case
from core.errors import ErrorSerializer  # noqa: F401  (re-exported for the API's schema)

# Organisation ---------------------------------------------------------------------------------


class OrgRefSerializer(serializers.Serializer):
    """A committee or a service."""

    id = serializers.IntegerField()
    name_ar = serializers.CharField()
    name_fr = serializers.CharField()
    name = serializers.CharField(help_text=_("The name in the request's language."))


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    kind = serializers.CharField()
    title = serializers.SerializerMethodField()

    def get_title(self, obj) -> str:
        return str(obj)


class ChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class RuleFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField()
    label = serializers.CharField()
    required = serializers.BooleanField(help_text=_("Always required (see required_from otherwise)."))
    required_from = serializers.ListField(
        child=serializers.CharField(),
        allow_null=True,
        help_text=_("Required only when the transition starts from one of these states."),
    )
    public = serializers.BooleanField()
    choices = ChoiceSerializer(many=True, allow_null=True)


class RuleEdgeSerializer(serializers.Serializer):
    sources = serializers.ListField(child=serializers.CharField())
    kinds = serializers.ListField(child=serializers.CharField())
    role = serializers.CharField()


class RuleTransitionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    opinion_label = serializers.CharField(allow_null=True)
    target = serializers.CharField()
    sources = serializers.ListField(child=serializers.CharField())
    edges = RuleEdgeSerializer(many=True)
    decision = serializers.BooleanField()
    fields = RuleFieldSerializer(many=True)


class RuleStateSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    opinion_label = serializers.CharField(allow_null=True)
    open = serializers.BooleanField()
    help = serializers.CharField()


class RuleCollectivitySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name_ar = serializers.CharField()
    name_fr = serializers.CharField()
    name = serializers.CharField()
    type = serializers.CharField()


class AssociationConditionsSerializer(serializers.Serializer):
    min_age_years = serializers.IntegerField()
    age_strictly_more_than = serializers.BooleanField()
    min_members = serializers.IntegerField()
    seat_or_branch_in_collectivity = serializers.BooleanField()


class RuleDeadlineSerializer(serializers.Serializer):
    """One deadline of a case's life, with where it comes from (docs/legal.md §11)."""

    key = serializers.CharField()
    kind = serializers.CharField(allow_null=True, help_text=_("The kind it applies to; null for every kind."))
    kind_label = serializers.CharField(allow_null=True)
    state = serializers.CharField(allow_null=True)
    state_label = serializers.CharField(allow_null=True)
    label = serializers.CharField(help_text=_("What must happen within the time."))
    duration = serializers.CharField(help_text=_("The time allowed, in words."))
    days = serializers.IntegerField(allow_null=True)
    months = serializers.IntegerField(allow_null=True)
    unit = serializers.CharField(help_text=_("calendar, working or months."))
    counted_from = serializers.CharField(help_text=_("state (entering the stage) or filing."))
    status = serializers.ChoiceField(
        choices=["legal", "adopted", "internal_target"],
        help_text=_(
            "legal: set by law; adopted: adopted by the council; internal_target: the commune's own "
            "target, awaiting the council's adoption."
        ),
    )
    status_label = serializers.CharField()
    source = serializers.CharField(help_text=_("The article of law or the deliberation it comes from."))


class RulesSerializer(serializers.Serializer):
    collectivity = RuleCollectivitySerializer()
    petition_min_signatures = serializers.IntegerField(
        allow_null=True,
        help_text=_(
            "Null while the collectivity has not entered its legal population: petitions are refused."
        ),
    )
    petition_population_missing = serializers.BooleanField()
    cnie_copies_required = serializers.BooleanField(
        help_text=_("Decree 2.16.403 art. 3: CNIE copies attached at filing to petitions signed on paper.")
    )
    association_conditions = AssociationConditionsSerializer()
    rejection_notice_months = serializers.IntegerField()
    ordinary_session_months = serializers.ListField(child=serializers.IntegerField())
    decision_posting_days = serializers.IntegerField()
    info_request_deadline_working_days = serializers.IntegerField()
    justification_min_chars = serializers.IntegerField()
    states = RuleStateSerializer(many=True)
    transitions = RuleTransitionSerializer(many=True)
    deadlines = RuleDeadlineSerializer(many=True)


class CaseListSerializer(serializers.Serializer):
    """Public fields of a filed case; the list selector joins everything read here."""

    reference = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    title = serializers.CharField()
    state = serializers.CharField(read_only=True)
    state_label = serializers.SerializerMethodField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    committee = OrgRefSerializer(allow_null=True)
    service = OrgRefSerializer(allow_null=True)
    session = SessionSerializer(allow_null=True)
    year = serializers.IntegerField()
    legal_deadline = serializers.DateField(
        allow_null=True, help_text=_("Petitions: the date by which a reasoned rejection must be notified.")
    )
    deadline = serializers.DateField(
        source="deadline_on",
        allow_null=True,
        help_text=_("The current deadline of the case's stage (the legal one for a petition, if sooner)."),
    )
    overdue = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_state_label(self, obj) -> str:
        # Opinions read "taken into account" where other kinds read "adopted".
        return S.state_label(obj.state, obj.kind)

    def get_overdue(self, obj) -> bool:
        return selectors.case_is_overdue(obj)

    def get_url(self, obj) -> str:
        path = reverse("api:case-detail", kwargs={"reference": obj.reference})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class DecisionSerializer(serializers.Serializer):
    justification = serializers.CharField()
    reason_code = serializers.CharField()
    deliberation_number = serializers.CharField()
    votes_for = serializers.IntegerField(allow_null=True)
    votes_against = serializers.IntegerField(allow_null=True)
    votes_abstain = serializers.IntegerField(allow_null=True)
    members_present = serializers.IntegerField(
        allow_null=True, help_text=_("Council members present at the deliberation.")
    )
    council_members = serializers.IntegerField(
        allow_null=True, help_text=_("Council members in office (the collectivity's setting).")
    )
    quorum = serializers.IntegerField(
        allow_null=True, help_text=_("More than half of the members in office (organic law 113-14 art. 42).")
    )
    convocation = serializers.CharField(help_text=_("first, second or third (no quorum required)."))
    president_vote = serializers.CharField(help_text=_("How the president voted, when a tie was settled."))
    decided_at = serializers.DateTimeField(allow_null=True)
    by_president = serializers.BooleanField()


class TimelineItemSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    at = serializers.DateTimeField()
    transition = serializers.CharField()
    label = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    from_label = serializers.CharField()
    to_label = serializers.CharField()
    role = serializers.CharField()
    role_label = serializers.CharField()
    justification = serializers.CharField(help_text=_("Published justification; empty when not public."))
    payload = serializers.DictField(source="public", help_text=_("What the transition carried, public part."))


class DocumentSerializer(serializers.Serializer):
    name = serializers.CharField()
    purpose = serializers.CharField(source="attachment.purpose")
    purpose_label = serializers.CharField()
    public = serializers.BooleanField(source="attachment.public")
    uploaded_at = serializers.DateTimeField(source="attachment.uploaded_at")
    sha256 = serializers.CharField(source="attachment.sha256")
    url = serializers.CharField(help_text=_("Download link (GET /files/<id>/)."))


class CaseNotificationSerializer(serializers.Serializer):
    """A notification of a decision (OL 113-14 art. 125), recorded by the notices room."""

    decision = serializers.CharField(help_text=_("The transition notified (declare_inadmissible, adopt...)."))
    decided_at = serializers.DateTimeField()
    recipient_role = serializers.CharField(help_text=_("agent, legal_representative or submitter"))
    channel = serializers.CharField(help_text=_("email, inapp, hand or registered_mail"))
    registered_number = serializers.CharField(help_text=_("For the desk's roles only; empty otherwise."))
    sent_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField(allow_null=True)
    source = serializers.CharField(help_text=_("system or desk"))


class NoticeClockSerializer(serializers.Serializer):
    """A decision that must be notified: when it was decided, when notified, the legal limit."""

    decision = serializers.CharField()
    decided_at = serializers.DateTimeField()
    notified_at = serializers.DateTimeField(allow_null=True)
    legal_deadline = serializers.DateField(allow_null=True)
    status = serializers.CharField(help_text=_("pending, notified, on_time, late or overdue"))
    late = serializers.BooleanField()


class CaseDetailSerializer(CaseListSerializer):
    description = serializers.CharField()
    subject = serializers.CharField()
    reasons = serializers.CharField()
    objectives = serializers.CharField()
    channel = serializers.CharField()
    channel_label = serializers.CharField(source="get_channel_display")
    decision = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    days_in_state = serializers.SerializerMethodField()
    progress_percent = serializers.IntegerField()
    planned_end = serializers.DateField(allow_null=True)
    related_case = serializers.SerializerMethodField()
    linked_opinions = serializers.SerializerMethodField()
    signature_count = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    notifications = serializers.SerializerMethodField()
    notified = serializers.SerializerMethodField()

    @extend_schema_field(CaseNotificationSerializer(many=True))
    def get_notifications(self, obj):
        """The notifications of the case's decisions, for its staff, its submitter and the
        follow-up team; empty for anyone else."""
        request = self.context.get("request")
        items = hooks.case_detail_field("notifications", obj, getattr(request, "user", None), default=[])
        return CaseNotificationSerializer(items, many=True).data

    @extend_schema_field(NoticeClockSerializer(many=True))
    def get_notified(self, obj):
        """For everyone: each decision that must be notified, decided and notified dates."""
        request = self.context.get("request")
        items = hooks.case_detail_field("notified", obj, getattr(request, "user", None), default=[])
        return NoticeClockSerializer(items, many=True).data

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, obj):
        """The documents the requester may open, as on the case pages: public documents for
        everyone, the others for the staff and submitter who see the case's private fields."""
        request = self.context.get("request")
        user = getattr(request, "user", None)
        shown = [d for d in files.documents_for(user=user, case=obj) if d.url] if user is not None else []
        for document in shown:
            if request is not None:
                document.url = request.build_absolute_uri(document.url)
        return DocumentSerializer(shown, many=True).data

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_decision(self, obj):
        decision = selectors.case_decision(obj)
        return DecisionSerializer(decision).data if decision is not None else None

    @extend_schema_field(TimelineItemSerializer(many=True))
    def get_timeline(self, obj):
        return TimelineItemSerializer(selectors.case_timeline(case=obj, private=False), many=True).data

    def get_days_in_state(self, obj) -> int:
        return selectors.days_in_state(obj)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_related_case(self, obj):
        # Only a filed case can be linked to (case_create checks it), so its reference is public.
        return obj.related_case.reference if obj.related_case_id else None

    def get_linked_opinions(self, obj) -> list[str]:
        return selectors.case_linked_opinion_references(obj)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_signature_count(self, obj):
        # Only petitions collect signatures; other kinds have none to count.
        return selectors.case_signature_count(obj) if obj.kind == Case.Kind.PETITION else None


class CaseCreatedSerializer(serializers.Serializer):
    reference = serializers.CharField()
    tracking_code = serializers.CharField(help_text=_("Shown once: keep it to follow the case privately."))
    state = serializers.CharField()
    url = serializers.CharField()


class TransitionFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField()
    required = serializers.BooleanField()
    label = serializers.CharField()
    choices = ChoiceSerializer(many=True, allow_null=True)


class AvailableTransitionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    fields = TransitionFieldSerializer(many=True)


def available_transition_data(spec: lifecycle.TransitionSpec, case: Case) -> dict:
    """A transition as the actor sees it on this case: its label for the kind and what it carries
    from the case's current state."""
    return {
        "name": spec.name,
        "label": spec.label_for(case.kind),
        "fields": [
            {
                "name": f.name,
                "type": f.type,
                "required": f.is_required(case.state),
                "label": str(f.label),
                "choices": [{"value": k, "label": str(v)} for k, v in f.choices.items()]
                if f.choices
                else None,
            }
            for f in spec.fields
            if f.applies_to(case.kind)
        ],
    }


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class CaseCreateSerializer(serializers.Serializer):
    """The body of POST /cases/. Only kind, title and description are needed for a proposal;
    cases.services.case_create checks the rest (role, kind, lengths, association membership)."""

    kind = serializers.ChoiceField(choices=Case.Kind.choices)
    title = serializers.CharField(max_length=Case._meta.get_field("title").max_length)
    description = serializers.CharField()
    subject = serializers.CharField(required=False, max_length=Case._meta.get_field("subject").max_length)
    reasons = serializers.CharField(required=False, help_text=_("Petitions: why it is needed."))
    objectives = serializers.CharField(required=False, help_text=_("Petitions: what it should achieve."))
    association = serializers.IntegerField(required=False, help_text=_("The association you file for (id)."))
    related_case = serializers.CharField(
        required=False, help_text=_("Opinions and recommendations: the reference of the case they concern.")
    )
    draft = serializers.BooleanField(required=False, help_text=_("Keep it as a draft instead of filing it."))
    channel = serializers.ChoiceField(
        choices=Case.Channel.choices,
        required=False,
        help_text=_("Reception desk only, for non-online filings."),
    )
    submitter_name = serializers.CharField(
        required=False, help_text=_("Reception desk only: who filed on paper.")
    )
    submitter_contact = serializers.CharField(required=False, help_text=_("Reception desk only."))
    submitter_phone = serializers.CharField(
        required=False,
        help_text=_("Reception desk only: the filer's Moroccan mobile number for notices by SMS."),
    )
    submitter_language = serializers.ChoiceField(
        choices=[("ar", "ar"), ("fr", "fr"), ("zgh", "zgh")],
        required=False,
        help_text=_("Reception desk only: the language of the SMS (ar, fr or zgh)."),
    )

    # Fields only the reception desk may set; for anyone else they are unknown keys.
    INTAKE_ONLY = ("submitter_name", "submitter_contact", "submitter_phone", "submitter_language")


class TransitionBodySerializer(serializers.Serializer):
    """What a transition may carry; each transition reads only its own fields (see GET /rules/)."""

    justification = serializers.CharField(required=False)
    committee = serializers.IntegerField(required=False, help_text=_("Committee id."))
    report = serializers.CharField(required=False)
    recommendation = serializers.ChoiceField(choices=list(lifecycle.RECOMMENDATIONS), required=False)
    session = serializers.IntegerField(required=False, help_text=_("Council session id."))
    deliberation_number = serializers.CharField(required=False)
    votes_for = serializers.IntegerField(required=False, min_value=0)
    votes_against = serializers.IntegerField(required=False, min_value=0)
    votes_abstain = serializers.IntegerField(required=False, min_value=0)
    members_present = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text=_("Council members present at the deliberation (quorum, organic law 113-14 art. 42)."),
    )
    convocation = serializers.ChoiceField(
        choices=list(lifecycle.CONVOCATIONS),
        required=False,
        help_text=_("Which convocation the session was; at the third no quorum is required (art. 42)."),
    )
    president_vote = serializers.ChoiceField(
        choices=list(lifecycle.PRESIDENT_VOTES),
        required=False,
        help_text=_("How the president voted; on a tie the president's side prevails (art. 43)."),
    )
    derogation = serializers.CharField(
        required=False,
        help_text=_(
            "schedule: why a petition goes on another session than its mandatory one (art. 38); published."
        ),
    )
    service = serializers.IntegerField(required=False, help_text=_("Service id."))
    planned_end = serializers.DateField(required=False)
    evidence = serializers.CharField(required=False)
    reason_code = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=_("Legal grounds of inadmissibility (one or more) or the reason of a rejection (one)."),
    )
    budget_line = serializers.CharField(required=False)


class CollectivityQuerySerializer(serializers.Serializer):
    collectivity = serializers.SlugField(required=False, help_text=_("Collectivity slug."))


class CaseListQuerySerializer(CollectivityQuerySerializer):
    kind = serializers.ChoiceField(choices=Case.Kind.choices, required=False)
    state = serializers.ChoiceField(choices=S.STATE_CHOICES, required=False)
    committee = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    year = serializers.IntegerField(required=False, min_value=1, max_value=9999)
    overdue = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Petitions past their legal deadline while still awaiting a decision."),
    )
    search = serializers.CharField(
        required=False, max_length=200, help_text=_("Part of a reference or title.")
    )
