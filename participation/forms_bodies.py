"""Forms of the bodies' pages: they parse; participation.bodies and organisation.associations decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from organisation.models import Association, Partnership
from participation.models import ChildMember, CommissionMember, OpinionRequest

DATE = forms.DateInput(attrs={"type": "date"})


class CommissionMemberForm(forms.ModelForm):
    class Meta:
        model = CommissionMember
        fields = ["full_name", "gender", "association", "role", "mandate_start", "mandate_end"]
        widgets = {"mandate_start": DATE, "mandate_end": DATE}

    def __init__(self, *args, collectivity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = Association.objects.filter(
            collectivity=collectivity, status=Association.Status.REGISTERED
        )


class OpinionRequestForm(forms.Form):
    requester = forms.ChoiceField(label=_("Asked by"), choices=OpinionRequest.Requester.choices)
    committee = forms.ModelChoiceField(label=_("Asking committee"), queryset=None, required=False)
    topic = forms.ChoiceField(label=_("Topic"), choices=OpinionRequest.Topic.choices)
    case = forms.CharField(
        label=_("Reference of the case concerned"),
        required=False,
        max_length=30,
        help_text=_("Only when the topic is a case."),
    )
    title = forms.CharField(label=_("Title"), max_length=OpinionRequest._meta.get_field("title").max_length)
    question = forms.CharField(
        label=_("Question put to the Commission"), widget=forms.Textarea(attrs={"rows": 3})
    )
    due_on = forms.DateField(label=_("Opinion due on"), widget=DATE)

    def __init__(self, *args, committees, requesters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees
        self.fields["requester"].choices = [c for c in OpinionRequest.Requester.choices if c[0] in requesters]


class OpinionAnswerForm(forms.Form):
    opinion = forms.CharField(label=_("Reference of the Commission's opinion"), max_length=30)


class ChildMemberForm(forms.ModelForm):
    class Meta:
        model = ChildMember
        fields = [
            "first_name",
            "age_band",
            "gender",
            "school_or_neighbourhood",
            "guardian_consent_on",
            "joined_on",
            "left_on",
        ]
        widgets = {"guardian_consent_on": DATE, "joined_on": DATE, "left_on": DATE}
        help_texts = {"first_name": _("The first name only: a child's full name is never recorded.")}


class AssociationImportForm(forms.Form):
    file = forms.FileField(
        label=_("Registry sheet (CSV or XLSX)"),
        help_text=_(
            "Columns: name_ar, founded_on (required), name_fr, registered_on, seat_address, domain, "
            "members_count, representative_name, charter_signed_on, charter_promoter."
        ),
    )


class AssociationRefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for refusal"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class AssociationRegistrationForm(forms.ModelForm):
    class Meta:
        model = Association
        fields = [
            "name_ar",
            "name_fr",
            "founded_on",
            "seat_in_collectivity",
            "branch_in_collectivity",
            "seat_address",
            "domain",
            "members_count",
            "representative_name",
        ]
        widgets = {"founded_on": DATE}


class CharterForm(forms.ModelForm):
    class Meta:
        model = Association
        fields = ["charter_signed_on", "charter_document", "charter_promoter"]
        widgets = {"charter_signed_on": DATE}


class PartnershipForm(forms.ModelForm):
    class Meta:
        model = Partnership
        fields = ["title", "starts_on", "ends_on", "amount"]
        widgets = {"starts_on": DATE, "ends_on": DATE}


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How well was your case handled? (1 = badly, 5 = very well)"),
        choices=[(str(i), str(i)) for i in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional, never published with your name)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
