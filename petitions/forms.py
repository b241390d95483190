"""Forms of the petition pages. They parse input only: petitions.signatures, petitions.admissibility and
cases.services decide
and write (every legal check, and its message, lives there)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseAttachment
from organisation.models import Collectivity
from petitions import admissibility
from petitions.models import Signature

LINK_CHOICES = [
    (Signature.Link.RESIDENT, _("I live in the territory")),
    (Signature.Link.ACTIVITY, _("I carry on an economic, commercial or professional activity there")),
]

# Decree 2.16.403 art. 3 (citizens) and art. 4 (associations): what each kind of filer attaches.
CITIZEN_PURPOSES = (
    CaseAttachment.Purpose.SIGNED_LISTS,
    CaseAttachment.Purpose.CNIE_COPIES,
    CaseAttachment.Purpose.SUBMISSION,
    CaseAttachment.Purpose.OTHER,
)
ASSOCIATION_PURPOSES = (
    *admissibility.ASSOCIATION_ATTACHMENTS,
    CaseAttachment.Purpose.SUBMISSION,
    CaseAttachment.Purpose.OTHER,
)


class SignatoryFields(forms.Form):
    """What OL 113-14 art. 123 asks of each signatory."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=Signature._meta.get_field("full_name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    cnie = forms.CharField(
        label=_("CNIE number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "dir": "ltr"}),
        help_text=_("National electronic identity card: one or two letters, then digits (e.g. AB123456)."),
    )
    address = forms.CharField(label=_("Address"), max_length=Signature._meta.get_field("address").max_length)
    link = forms.ChoiceField(label=_("Link to the territory"), choices=LINK_CHOICES, widget=forms.RadioSelect)


class SignPetitionForm(SignatoryFields):
    """Online signing by a logged-in citizen. The confirmation is checked by the service, so a
    missing tick gets the same message as through any other channel."""

    confirm_link = forms.BooleanField(
        label=_(
            "I confirm that I live in the territory of the collectivity or carry on an activity there, and "
            "that "
            "I meet the conditions for registration on the electoral lists."
        ),
        required=False,
    )

    field_order = ["full_name", "cnie", "address", "link", "confirm_link"]


class PaperSignatureForm(SignatoryFields):
    """One signatory typed in at the reception desk from a paper list."""

    def __init__(self, *args, collectivity: Collectivity | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["link"].widget = forms.Select()
        self.fields["link"].choices = list(Signature.Link.choices)
        if (
            collectivity is not None
            and collectivity.type == Collectivity.Type.REGION
            and collectivity.provinces
        ):
            # OL 111-14 art. 120: a region's signatories are counted per prefecture or province.
            self.fields["province"] = forms.ChoiceField(
                label=_("Prefecture or province of residence"),
                choices=[("", "—"), *((p, p) for p in collectivity.provinces)],
                required=False,
            )

    def row(self) -> dict:
        data = self.cleaned_data
        row = {name: data[name] for name in ("full_name", "cnie", "address", "link")}
        if data.get("province"):
            row["province"] = data["province"]
        return row


class SignatureCsvForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file of signatures"),
        help_text=_("UTF-8 text whose first line is exactly: full_name,cnie,address,link"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class InvalidateSignaturesForm(forms.Form):
    """The bureau invalidates signatures in bulk, with a reason (audited)."""

    signatures = forms.TypedMultipleChoiceField(
        label=_("Signatures"), coerce=int, choices=(), widget=forms.CheckboxSelectMultiple, required=False
    )
    reason = forms.CharField(
        label=_("Reason of the invalidation"),
        max_length=Signature._meta.get_field("invalidated_reason").max_length,
        required=False,
        help_text=_("Recorded in the case's audit trail and shown to the agent beside each signature."),
    )

    def __init__(self, *args, signature_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signatures"].choices = [(pk, str(pk)) for pk in signature_ids]


class SigningToggleForm(forms.Form):
    open = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1", widget=forms.HiddenInput
    )


class PetitionAttachmentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Kind of document"))
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, image, office document, CSV or text; at most 10 MB.")
    )
    name = forms.CharField(
        label=_("Name (optional)"),
        max_length=CaseAttachment._meta.get_field("name").max_length,
        required=False,
    )

    def __init__(self, *args, case: Case, **kwargs):
        kwargs.setdefault("auto_id", f"id_attach_{case.pk}_%s")
        super().__init__(*args, **kwargs)
        labels = dict(CaseAttachment.Purpose.choices)
        purposes = ASSOCIATION_PURPOSES if case.association_id else CITIZEN_PURPOSES
        self.fields["purpose"].choices = [(p, labels[p]) for p in purposes]


NOT_CHECKED, MET, NOT_MET = "", "met", "not_met"


class AdmissibilityForm(forms.Form):
    """The bureau's checklist: each applicable legal condition met, not met (with a note) or left
    as it was."""

    def __init__(self, *args, case: Case, recorded: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        recorded = recorded or {}
        self.conditions = admissibility.applicable_conditions(case)
        for condition in self.conditions:
            check = recorded.get(condition)
            initial = "" if check is None else (MET if check.met else NOT_MET)
            self.fields[f"{condition}__met"] = forms.ChoiceField(
                label=admissibility.CHECKLIST[condition],
                choices=[(NOT_CHECKED, _("Not checked")), (MET, _("Met")), (NOT_MET, _("Not met"))],
                required=False,
                initial=initial,
                widget=forms.RadioSelect,
            )
            self.fields[f"{condition}__note"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=2000,
                initial=check.note if check is not None else "",
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Required when the condition is not met."),
            )

    def rows(self):
        """(condition, label, met field, note field) for the template."""
        return [
            (c, admissibility.CHECKLIST[c], self[f"{c}__met"], self[f"{c}__note"]) for c in self.conditions
        ]

    def results(self) -> dict:
        out = {}
        for condition in self.conditions:
            value = self.cleaned_data.get(f"{condition}__met")
            if value in (MET, NOT_MET):
                out[condition] = {
                    "met": value == MET,
                    "note": self.cleaned_data.get(f"{condition}__note", ""),
                }
        return out

    def add_domain_error(self, error) -> None:
        """GuardFailed from admissibility_record names conditions; show each on its note."""
        placed = False
        for name, messages in error.field_errors.items():
            target = f"{name}__note" if f"{name}__note" in self.fields else None
            for message in messages:
                self.add_error(target, message)
                placed = True
        if not placed:
            self.add_error(None, str(error.message))
