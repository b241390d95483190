"""Forms of the account pages. They only parse and check input; accounts.services writes."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserCreationForm, UsernameField
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import NO_ADDRESS_MESSAGE, SMS_NEEDS_PHONE_MESSAGE
from core.phone import phone_normalize

# Each language in its own name, as on the language switch of base.html.
LANGUAGE_AUTONYMS = (("ar", "العربية"), ("fr", "Français"))

# Named like a field bots fill in; people never see it (hidden from sight and from screen readers).
HONEYPOT_FIELD = "website"


def default_language() -> str:
    active = (get_language() or "")[:2]
    return active if active in User.Language.values else User.Language.ARABIC


def _email_field() -> forms.EmailField:
    return forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
        help_text=_("We send a link to check it. Signing petitions online needs a verified address."),
    )


def _name_field(label, autocomplete: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": autocomplete, "dir": "auto"}),
    )


def _language_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Preferred language"),
        choices=[(code, name) for code, name in LANGUAGE_AUTONYMS if code in User.Language.values],
        widget=forms.RadioSelect,
        help_text=_("The language of the site and of the e-mails we send you."),
    )


class SignupForm(UserCreationForm):
    email = _email_field()
    first_name = _name_field(_("First name"), "given-name")
    last_name = _name_field(_("Last name"), "family-name")
    language = _language_field()
    consent = forms.BooleanField(
        required=True,
        label=_(
            "I accept that the commune processes the personal data I give here only to handle my "
            "participation (proposals, petitions, follow-up of my cases), as Law 09-08 on the protection "
            "of personal data requires."
        ),
        help_text=_(
            "They are never published nor passed on to others. You may see, correct or object to their "
            "processing at the commune's reception desk (Law 09-08, articles 7 to 9)."
        ),
        error_messages={"required": _("You must accept this to create an account.")},
    )

    field_order = (
        "username",
        "email",
        "first_name",
        "last_name",
        "password1",
        "password2",
        "language",
        "consent",
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "first_name", "last_name", "language")
        field_classes = {"username": UsernameField}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = default_language()
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "dir": "auto"})
        self.fields["username"].help_text = _(
            "The name you log in with: up to 150 letters, digits and @ . + - _ (no spaces). It is never "
            "published."
        )

    def is_bot(self) -> bool:
        """True when the hidden field was filled in: only a robot sees it."""
        return bool(self.is_bound and str(self.data.get(HONEYPOT_FIELD, "")).strip())

    # The form never says whether a username or an address is taken: that would tell anyone who
    # has an account. accounts.services.user_signup_request answers by e-mail to the address owner.
    def clean_username(self) -> str:
        return self.cleaned_data.get("username")

    def validate_unique(self) -> None:
        return None

    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"].strip())


class ProfileForm(forms.Form):
    first_name = _name_field(_("First name"), "given-name")
    last_name = _name_field(_("Last name"), "family-name")
    email = _email_field()
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "tel", "dir": "ltr", "inputmode": "tel", "placeholder": "06 12 34 56 78"}
        ),
        help_text=_("For notices by SMS. Never published."),
    )
    notify_by_sms = forms.BooleanField(
        label=_("Also send me the notices of my cases by SMS"),
        required=False,
        help_text=_("Without an e-mail address, they are sent by SMS anyway."),
    )
    language = _language_field()

    def __init__(self, *args, user: User, **kwargs):
        kwargs.setdefault("label_suffix", "")
        if not kwargs.get("data") and not args:
            kwargs.setdefault(
                "initial",
                {
                    "first_name": user.first_name,
                    "last_name": user.last_name,
                    "email": user.email,
                    "phone": user.phone,
                    "notify_by_sms": user.notify_by_sms,
                    "language": user.language or default_language(),
                },
            )
        super().__init__(*args, **kwargs)
        self.user = user
        # People without e-mail (docs/domain.md §7): a phone number is enough for the notices.
        self.fields["email"].required = False
        self.fields["email"].help_text = _(
            "If you change it, the new address must be verified again: we send a link to it. You may leave "
            "it empty if you give a mobile phone."
        )

    def clean_phone(self) -> str:
        return phone_normalize(self.cleaned_data.get("phone", ""))

    def clean_email(self) -> str:
        email = User.objects.normalize_email((self.cleaned_data.get("email") or "").strip())
        if (
            email
            and email.lower() != (self.user.email or "").lower()
            and User.objects.filter(email__iexact=email).exclude(pk=self.user.pk).exists()
        ):
            raise forms.ValidationError(_("An account already uses this e-mail address."), code="email_taken")
        return email

    def clean(self):
        data = super().clean()
        if "email" in data and "phone" in data and not data["email"] and not data["phone"]:
            self.add_error("email", NO_ADDRESS_MESSAGE)
        if data.get("notify_by_sms") and "phone" in data and not data["phone"]:
            self.add_error("phone", SMS_NEEDS_PHONE_MESSAGE)
        return data
