"""Forms of the server-rendered pages. They parse input only: cases.services decides and writes."""

from __future__ import annotations

import datetime

from django import forms
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from cases import lifecycle, selectors
from cases import states as S
from cases.models import Case, Milestone
from cases.services import KINDS_BY_GROUP
from core import roles
from core.errors import GuardFailed
from core.phone import phone_normalize
from organisation import selectors as org_selectors
from organisation.models import Association

EMPTY_CHOICE = ("", "—")
# Each language in its own name (accounts.forms.LANGUAGE_AUTONYMS), for a desk filer's SMS notices.
NOTICE_LANGUAGE_CHOICES = (("ar", "العربية"), ("fr", "Français"), ("zgh", "ⵜⴰⵎⴰⵣⵉⵖⵜ"))


# Transitions --------------------------------------------------------------------------------


def _field_for(spec_field: lifecycle.FieldSpec, case: Case, *, required: bool) -> forms.Field:
    """One Django field for what a transition carries (lifecycle.FieldSpec)."""
    label = spec_field.label
    kind = spec_field.type
    if kind in ("justification", "text"):
        if kind == "justification":
            help_text = ngettext(
                "At least %(n)d letter; spaces and punctuation do not count.",
                "At least %(n)d letters; spaces and punctuation do not count.",
                case.collectivity.justification_min_chars,
            ) % {"n": case.collectivity.justification_min_chars}
            if spec_field.public:
                help_text = _("%(rule)s It is published with the decision.") % {"rule": help_text}
        else:
            help_text = "" if spec_field.public else _("Not published; the submitter sees it.")
        long_text = kind == "justification" or spec_field.max_length > 200
        widget = forms.Textarea(attrs={"rows": 4}) if long_text else forms.TextInput()
        return forms.CharField(
            label=label,
            required=required,
            max_length=spec_field.max_length,
            widget=widget,
            help_text=help_text,
        )
    if kind == "choice":
        return forms.ChoiceField(
            label=label, required=required, choices=[EMPTY_CHOICE, *spec_field.choices.items()]
        )
    if kind == "choices":
        return forms.MultipleChoiceField(
            label=label,
            required=required,
            choices=list(spec_field.choices.items()),
            widget=forms.CheckboxSelectMultiple,
        )
    if kind in ("committee", "session", "service"):
        queryset = {
            "committee": org_selectors.committee_list,
            "session": org_selectors.session_list,
            "service": org_selectors.service_list,
        }[kind](collectivity=case.collectivity_id)
        return forms.ModelChoiceField(label=label, required=required, queryset=queryset, empty_label="—")
    if kind == "int":
        return forms.IntegerField(label=label, required=required, min_value=0, max_value=100_000)
    if kind == "file":
        return forms.FileField(
            label=label, required=False, help_text=_("PDF, image or office document, at most 10 MB.")
        )
    if kind == "date":
        return forms.DateField(
            label=label,
            required=required,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        )
    raise ValueError(f"unknown field type {kind}")


class TransitionForm(forms.Form):
    """The form of one transition, built from what lifecycle.TRANSITIONS says it carries.

    `expected_state` is the state the page showed: a stale page gets the conflict error instead of
    overwriting a change it never saw.
    """

    expected_state = forms.ChoiceField(choices=S.STATE_CHOICES, widget=forms.HiddenInput)

    def __init__(self, *args, spec: lifecycle.TransitionSpec, case: Case, **kwargs):
        kwargs.setdefault("auto_id", f"id_{spec.name}_{case.pk}_%s")
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.case = case
        self.fields["expected_state"].initial = case.state
        for spec_field in spec.fields:
            if not spec_field.applies_to(case.kind):
                continue
            self.fields[spec_field.name] = _field_for(
                spec_field, case, required=spec_field.is_required(case.state)
            )
        # docs/domain.md §3.2: the decision answers every linked opinion (followed or not, and why).
        self.linked_opinions = (
            list(selectors.case_linked_opinions(case)) if spec.name in ("adopt", "reject") else []
        )
        for opinion in self.linked_opinions:
            self.fields[f"opinion_{opinion.pk}_followed"] = forms.TypedChoiceField(
                label=_("Opinion %(reference)s followed?") % {"reference": opinion.reference},
                choices=[EMPTY_CHOICE, ("yes", _("Followed")), ("no", _("Not followed"))],
                coerce=lambda v: v == "yes",
                empty_value=None,
            )
            self.fields[f"opinion_{opinion.pk}_reason"] = forms.CharField(
                label=_("Why (opinion %(reference)s)") % {"reference": opinion.reference},
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=5000,
                # A justification like any other (docs/domain.md §3.2): the service checks the minimum.
                help_text=_("At least %(n)d letters; spaces and punctuation do not count.")
                % {"n": case.collectivity.justification_min_chars},
            )

    def clean(self):
        """Ask the lifecycle table's own payload check too, so every problem (a justification too
        short beside a missing choice) shows at once. The service checks again when it writes."""
        cleaned = super().clean()
        checked = {name: value for name, value in self._plain(cleaned).items() if name not in self.errors}
        try:
            lifecycle.clean_payload(self.spec, self.case, checked, lookups=self._resolved)
        except GuardFailed as exc:
            for name, messages in exc.field_errors.items():
                if name in self.fields and name not in self.errors:
                    for message in messages:
                        self.add_error(name, message)
        return cleaned

    def _resolved(self, kind: str, raw):
        """Model fields arrive already resolved (and limited to the collectivity) by the form."""
        for spec_field in self.spec.fields:
            value = self.cleaned_data.get(spec_field.name)
            if spec_field.type == kind and isinstance(value, models.Model) and value.pk == raw:
                return value
        return None

    def _plain(self, cleaned: dict) -> dict:
        out = {}
        for spec_field in self.spec.fields:
            value = cleaned.get(spec_field.name)
            if spec_field.type == "file" or value is None or value == "" or value == []:
                continue
            if isinstance(value, models.Model):
                value = value.pk
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            elif isinstance(value, list | tuple):
                value = list(value)
            out[spec_field.name] = value
        return out

    def transition_data(self) -> dict:
        """cleaned_data as the plain values the service accepts (ids, ISO dates, lists)."""
        data = self._plain(self.cleaned_data)
        if self.linked_opinions:
            data["opinions"] = [
                {
                    "reference": o.reference,
                    "followed": self.cleaned_data.get(f"opinion_{o.pk}_followed"),
                    "reason": self.cleaned_data.get(f"opinion_{o.pk}_reason", ""),
                }
                for o in self.linked_opinions
            ]
        return data

    def refresh_expected_state(self, state: str) -> None:
        """After a conflict the page shows the new state; a resubmission must carry it."""
        if self.is_bound:
            data = self.data.copy()
            data["expected_state"] = state
            self.data = data


# Filing -------------------------------------------------------------------------------------


# Each kind in plain words, with one example: the filing page's first screen (README: filing).
KIND_EXPLANATIONS = {
    Case.Kind.PROPOSAL: (
        _("Propose an idea"),
        _(
            "You ask the council to put a point on its agenda. No signatures are needed: "
            "the bureau studies it at once."
        ),
        _("Example: plant trees along the road to the school."),
    ),
    Case.Kind.PETITION: (
        _("Start a petition with signatures"),
        _(
            "A written demand backed by the signatures of residents (organic law 113-14, articles "
            "121-125). It starts as a draft: you open signing from “My cases”, collect the signatures, "
            "then file it."
        ),
        _("Example: 150 residents ask for a bus stop near the health centre."),
    ),
    Case.Kind.ADVISORY_OPINION: (
        _("Give an advisory opinion"),
        _("The opinion of a consultative body on a petition or proposal already filed."),
        _("Example: the equality commission's opinion on a proposal for a women's centre."),
    ),
    Case.Kind.CHILDREN_RECOMMENDATION: (
        _("Pass on a Children's Council recommendation"),
        _("A recommendation the Children's Council adopted, for the council to study."),
        _("Example: more lighting on the way to the primary school."),
    ),
}


def kind_explanations(kinds) -> list[dict]:
    """The kinds a filer may choose, each with its words and example (the first screen)."""
    out = []
    for value, label in kinds:
        title, text, example = KIND_EXPLANATIONS.get(value, (label, "", ""))
        out.append({"value": value, "label": label, "title": title, "text": text, "example": example})
    return out


def kinds_for(user) -> list[tuple[str, str]]:
    allowed = set().union(*(KINDS_BY_GROUP.get(g, set()) for g in user.group_names()))
    return [(value, label) for value, label in Case.Kind.choices if value in allowed]


class CaseFilingForm(forms.Form):
    """What a filer gives; the service checks the role, the kind and the legal conditions."""

    kind = forms.ChoiceField(label=_("Kind of case"))
    title = forms.CharField(label=_("Title"), max_length=Case._meta.get_field("title").max_length)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}))
    subject = forms.CharField(
        label=_("Subject domain"),
        max_length=Case._meta.get_field("subject").max_length,
        required=False,
        help_text=_("For example: roads, lighting, culture, environment."),
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Petitions: required to file (OL 113-14 art. 122)."),
    )
    objectives = forms.CharField(
        label=_("Objectives"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Petitions: required to file."),
    )
    draft = forms.BooleanField(
        label=_("Save as a draft (file it later from “My cases”)"),
        required=False,
        help_text=_(
            "A petition stays a draft while it collects signatures: after saving, open signing from "
            "“My cases”, then file it there once it has enough signatures."
        ),
    )

    def __init__(self, *args, user, collectivity=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        groups = user.group_names()
        kinds = kinds_for(user)
        self.fields["kind"].choices = kinds if len(kinds) == 1 else [EMPTY_CHOICE, *kinds]
        if any(k == Case.Kind.PETITION for k, _label in kinds):
            self.fields["kind"].help_text = _(
                "A proposal asks the council to study an idea, with no signatures. A petition needs "
                "the signatures of residents: save it as a draft, then open signing from “My cases”."
            )
        is_intake = roles.INTAKE in groups

        if roles.ASSOCIATION in groups or is_intake:
            if is_intake:
                associations = Association.objects.all()
                if collectivity is not None:
                    associations = associations.filter(collectivity=collectivity)
            else:
                associations = user.associations.all()
            self.fields["association"] = forms.ModelChoiceField(
                label=_("Association"),
                queryset=associations.order_by("name_ar"),
                required=False,
                empty_label="—",
                help_text=_("The association in whose name the case is filed, if any."),
            )
        if any(k in lifecycle.OPINION_KINDS for k, _label in kinds):
            self.fields["related_case"] = forms.CharField(
                label=_("Related case reference"),
                max_length=Case._meta.get_field("reference").max_length,
                required=False,
                help_text=_("The petition or proposal this opinion is about, e.g. DMN-PET-2026-0007."),
            )
        if is_intake:
            self.fields["channel"] = forms.ChoiceField(
                label=_("Channel"),
                choices=[
                    (Case.Channel.DESK, Case.Channel.DESK.label),
                    (Case.Channel.PAPER, Case.Channel.PAPER.label),
                ],
            )
            self.fields["submitter_name"] = forms.CharField(
                label=_("Filer's name"),
                max_length=Case._meta.get_field("submitter_name").max_length,
                required=False,
                help_text=_("Never published (Law 09-08)."),
            )
            self.fields["submitter_contact"] = forms.CharField(
                label=_("Filer's contact (telephone or address)"),
                max_length=Case._meta.get_field("submitter_contact").max_length,
                required=False,
                help_text=_("Never published (Law 09-08)."),
            )
            self.fields["submitter_phone"] = forms.CharField(
                label=_("Filer's mobile phone for notices by SMS"),
                max_length=30,
                required=False,
                widget=forms.TextInput(
                    attrs={
                        "autocomplete": "off",
                        "dir": "ltr",
                        "inputmode": "tel",
                        "placeholder": "06 12 34 56 78",
                    }
                ),
                help_text=_(
                    "For a filer without e-mail: the receipt and each decision are sent by SMS. Never "
                    "published (Law 09-08)."
                ),
            )
            self.fields["submitter_language"] = forms.ChoiceField(
                label=_("Language of the SMS"),
                choices=NOTICE_LANGUAGE_CHOICES,
                initial=(get_language() or "ar")[:2] if (get_language() or "")[:2] in ("ar", "fr") else "ar",
                required=False,
            )
        # Keep the draft box last, after the fields a role adds.
        self.order_fields([name for name in self.fields if name != "draft"] + ["draft"])

    def clean_submitter_phone(self) -> str:
        return phone_normalize(self.cleaned_data.get("submitter_phone", ""))

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        out = {
            "kind": data["kind"],
            "title": data["title"],
            "description": data["description"],
            "subject": data.get("subject", ""),
            "reasons": data.get("reasons", ""),
            "objectives": data.get("objectives", ""),
            "draft": bool(data.get("draft")),
        }
        if data.get("association") is not None:
            out["association"] = data["association"].pk
        if data.get("related_case"):
            out["related_case"] = data["related_case"].strip().upper()
        for name in ("channel", "submitter_name", "submitter_contact", "submitter_phone"):
            if name in self.fields:
                out[name] = data.get(name, "")
        if "submitter_language" in self.fields:
            out["submitter_language"] = data.get("submitter_language") or "ar"
        return out


# Public pages -------------------------------------------------------------------------------


class TrackForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference"),
        max_length=Case._meta.get_field("reference").max_length,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "placeholder": "DMN-PRO-2026-0001", "dir": "ltr"}
        ),
    )
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "dir": "ltr"}),
        help_text=_(
            "The code shown once on the screen when the case was filed. The receipt does not print it: "
            "write it down on the receipt yourself."
        ),
    )

    def clean_reference(self) -> str:
        return self.cleaned_data["reference"].strip().upper()


def _kind_choices():
    return [EMPTY_CHOICE, *Case.Kind.choices]


def _state_choices(*, with_draft: bool):
    return [
        EMPTY_CHOICE,
        *((value, label) for value, label in S.STATE_CHOICES if with_draft or value != S.DRAFT),
    ]


class CaseFilterForm(forms.Form):
    """Filters of the register and of the staff list. Invalid values are ignored, never a 500."""

    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    committee = forms.ModelChoiceField(label=_("Committee"), queryset=None, required=False, empty_label="—")

    def __init__(self, *args, committees, with_draft: bool = False, years=None, with_overdue=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _kind_choices()
        if with_overdue:
            self.fields["overdue"] = forms.BooleanField(label=_("Overdue only"), required=False)
        self.fields["state"].choices = _state_choices(with_draft=with_draft)
        self.fields["committee"].queryset = committees
        self.fields["q"].widget.attrs.update({"type": "search"})
        if years is not None:
            self.fields["year"] = forms.TypedChoiceField(
                label=_("Year"),
                required=False,
                coerce=int,
                empty_value=None,
                choices=[EMPTY_CHOICE, *((y, str(y)) for y in years)],
            )

    def filters(self) -> dict:
        """The valid filters only."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        out = {
            "search": (data.get("q") or "").strip() or None,
            "kind": data.get("kind") or None,
            "state": data.get("state") or None,
            "committee": data["committee"].pk if data.get("committee") else None,
        }
        if "year" in self.fields:
            out["year"] = data.get("year") or None
        if "overdue" in self.fields:
            out["overdue"] = bool(data.get("overdue")) or None
        return out


# The transition forms of a case page --------------------------------------------------------


class TransitionPanel:
    """One transition this user may take now: its form, where it posts, how it looks."""

    def __init__(
        self, *, spec: lifecycle.TransitionSpec, case: Case, form: TransitionForm, action: str, failed=False
    ):
        self.spec = spec
        self.case = case
        self.form = form
        self.action = action
        self.label = spec.label_for(case.kind)
        self.style = spec.button_style
        self.has_fields = bool(spec.fields)
        self.failed = failed


def transition_panels(
    *, user, case: Case, url_name: str, bound: TransitionForm | None = None
) -> list[TransitionPanel]:
    """A form per transition of lifecycle.available_transitions(user, case); `bound` (a form that
    failed on this case) replaces the blank one of its transition."""

    panels = []
    for spec in lifecycle.available_transitions(user, case):
        failed = bound is not None and bound.spec.name == spec.name and bound.case.pk == case.pk
        form = bound if failed else TransitionForm(spec=spec, case=case)
        action = reverse(url_name, kwargs={"reference": case.reference, "name": spec.name})
        panels.append(TransitionPanel(spec=spec, case=case, form=form, action=action, failed=failed))
    return panels


# Audited actions on the staff case page ------------------------------------------------------


class ProgressForm(forms.Form):
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=Milestone._meta.get_field("title").max_length)
    planned_on = forms.DateField(
        label=_("Planned for"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class CorrectionForm(forms.Form):
    """A reasoned fix of a recorded decision (president only); empty fields are left unchanged."""

    deliberation_number = forms.CharField(
        label=_("Deliberation number"),
        max_length=Case._meta.get_field("deliberation_number").max_length,
        required=False,
    )
    votes_for = forms.IntegerField(label=_("Votes for"), min_value=0, max_value=100_000, required=False)
    votes_against = forms.IntegerField(
        label=_("Votes against"), min_value=0, max_value=100_000, required=False
    )
    votes_abstain = forms.IntegerField(label=_("Abstentions"), min_value=0, max_value=100_000, required=False)
    members_present = forms.IntegerField(
        label=_("Members present"), min_value=0, max_value=100_000, required=False
    )
    decision_justification = forms.CharField(
        label=_("Corrected justification"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    justification = forms.CharField(
        label=_("Why this correction"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Published beside the original, which stays visible."),
    )

    def changes(self) -> dict:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "justification" and value not in (None, "")
        }


class LinkOpinionForm(forms.Form):
    related_case = forms.CharField(
        label=_("Reference of the case this opinion is about"),
        max_length=Case._meta.get_field("reference").max_length,
    )
