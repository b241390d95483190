"""Forms of the follow-up team's pages: the charter report and the action plan (README: the report)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from followup.action_plan import binding_choices
from followup.models import Status


class DateInput(forms.DateInput):
    input_type = "date"


class ReportPeriodForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=DateInput)
    date_to = forms.DateField(
        label=_("To (not included)"),
        widget=DateInput,
        help_text=_(
            "The day after the last day of the period: a year from 1 January is 1 January to 1 January."
        ),
    )


class ReportCommentaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Analysis and successes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the figures show, what worked (charter 7.3, periodic reports)."),
    )
    difficulties = forms.CharField(
        label=_("Difficulties met"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The obstacles the commune and the participants met in using the charter (charter 7.2)."),
    )
    recommendations = forms.CharField(
        label=_("Recommendations for revising the charter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the follow-up team proposes to change in the charter (charter 7.4)."),
    )


class ActivityForm(forms.Form):
    title_ar = forms.CharField(label=_("Title (Arabic)"), max_length=400)
    title_fr = forms.CharField(label=_("Title (French)"), max_length=400)
    owner_ar = forms.CharField(label=_("Owner (Arabic)"), max_length=200, required=False)
    owner_fr = forms.CharField(label=_("Owner (French)"), max_length=200, required=False)
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=DateInput)
    ends_on = forms.DateField(label=_("Due by"), required=False, widget=DateInput)
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class IndicatorForm(forms.Form):
    title_ar = forms.CharField(label=_("Title (Arabic)"), max_length=400)
    title_fr = forms.CharField(label=_("Title (French)"), max_length=400)
    binding = forms.ChoiceField(
        label=_("Computed indicator"),
        required=False,
        help_text=_("Choose the figure the system computes, or enter the value by hand below."),
    )
    target = forms.DecimalField(
        label=_("Target"),
        required=False,
        max_digits=12,
        decimal_places=2,
        help_text=_("A number; a share is written between 0 and 1 (0.30 for 30 %)."),
    )
    target_note_ar = forms.CharField(label=_("Target, in words (Arabic)"), max_length=300, required=False)
    target_note_fr = forms.CharField(label=_("Target, in words (French)"), max_length=300, required=False)
    due_on = forms.DateField(label=_("Due by"), required=False, widget=DateInput)
    value = forms.DecimalField(
        label=_("Value entered by hand"), required=False, max_digits=12, decimal_places=2
    )
    value_on = forms.DateField(label=_("Value as of"), required=False, widget=DateInput)
    evidence_file = forms.FileField(
        label=_("Evidence (document)"),
        required=False,
        help_text=_("Published with the action plan: never a document that names private persons."),
    )
    evidence_link = forms.URLField(label=_("Evidence (link)"), required=False, max_length=500)
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["binding"].choices = binding_choices()
