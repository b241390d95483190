"""Forms of the meeting pages: they parse input only; participation.services writes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from organisation.models import Committee, Service
from participation.models import (
    AgeBand,
    Disability,
    EvaluationTally,
    Gender,
    Meeting,
    MeetingDocument,
    ParticipantType,
)

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices)
    topic = forms.CharField(label=_("Topic"), max_length=250)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=DateTimeInput(), input_formats=[DATETIME_FORMAT]
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"), widget=DateTimeInput(), input_formats=[DATETIME_FORMAT], required=False
    )
    place = forms.CharField(label=_("Place"), max_length=250)
    organiser = forms.ChoiceField(label=_("Organiser"), choices=Meeting.Organiser.choices)
    committee = forms.ModelChoiceField(
        label=_("Organising committee"), queryset=Committee.objects.none(), required=False
    )
    service = forms.ModelChoiceField(
        label=_("Organising service"), queryset=Service.objects.none(), required=False
    )
    public = forms.BooleanField(label=_("Shown on the public calendar"), required=False, initial=True)
    cancelled = forms.BooleanField(label=_("Cancelled"), required=False)
    evaluation_open = forms.BooleanField(label=_("Online evaluation open"), required=False, initial=True)

    def __init__(self, *args, collectivity=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = Committee.objects.filter(collectivity=collectivity)
        self.fields["service"].queryset = Service.objects.filter(collectivity=collectivity)

    @staticmethod
    def initial_for(meeting: Meeting) -> dict:
        return {name: getattr(meeting, name) for name in MeetingForm.base_fields}


class AttendanceRowForm(forms.Form):
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    age_band = forms.ChoiceField(label=_("Age band"), choices=AgeBand.choices)
    disability = forms.ChoiceField(label=_("Disability"), choices=Disability.choices, initial=Disability.NO)
    participant_type = forms.ChoiceField(label=_("Participant type"), choices=ParticipantType.choices)
    count = forms.IntegerField(label=_("Count"), min_value=0, max_value=100_000, required=False)


AttendanceFormSet = forms.formset_factory(AttendanceRowForm, extra=6, max_num=200, absolute_max=300)


def attendance_cells(formset) -> dict:
    cells: dict[tuple, int] = {}
    for row in formset.cleaned_data:
        if row and row.get("count"):
            key = (row["gender"], row["age_band"], row["disability"], row["participant_type"])
            cells[key] = cells.get(key, 0) + row["count"]
    return cells


class AttendanceImportForm(forms.Form):
    file = forms.FileField(
        label=_("Attendance sheet (CSV or XLSX)"),
        help_text=_(
            "First line: gender, age (or age band), and optionally disability and participant type. "
            "Other columns (names, telephone, signature) are not read or kept."
        ),
    )


def _count_field(label) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=100_000, required=False)


class EvaluationPaperForm(forms.Form):
    """Counts of paper cards per answer (charter 7.4: the follow-up team collects them)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value in "12345":
            self.fields[f"satisfaction_{value}"] = _count_field(_("Satisfaction %(n)s") % {"n": value})
        for value in "12345":
            self.fields[f"clarity_{value}"] = _count_field(_("Clarity %(n)s") % {"n": value})
        self.fields["come_again_yes"] = _count_field(_("Would come again: yes"))
        self.fields["come_again_no"] = _count_field(_("Would come again: no"))

    def counts(self) -> dict:
        out = {}
        for name, value in self.cleaned_data.items():
            question, answer = name.rsplit("_", 1)
            out[(question, answer)] = value or 0
        return out

    @staticmethod
    def initial_from(paper: dict) -> dict:
        return {f"{q}_{a}": n for (q, a), n in paper.items()}


SCALE = [(str(n), str(n)) for n in range(1, 6)]


class OnlineEvaluationForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=EvaluationTally.Question.SATISFACTION.label, choices=SCALE, widget=forms.RadioSelect
    )
    clarity = forms.ChoiceField(
        label=EvaluationTally.Question.CLARITY.label, choices=SCALE, widget=forms.RadioSelect
    )
    come_again = forms.ChoiceField(
        label=EvaluationTally.Question.COME_AGAIN.label,
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
    )


class DocumentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Document"), choices=MeetingDocument.Purpose.choices)
    file = forms.FileField(label=_("File"))
    name = forms.CharField(label=_("Name shown"), max_length=200, required=False)
    public = forms.BooleanField(label=_("Public (minutes only; never an attendance sheet)"), required=False)


class CaseLinkForm(forms.Form):
    reference = forms.CharField(label=_("Case reference"), max_length=30)
