"""Signing up and signing in (the admin's sign-in too), under the sign-in limits."""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError

from reader import ratelimit
from reader.validators import validate_username


class SignUpForm(UserCreationForm):
    email = forms.EmailField(
        required=False, help_text="Lets you accept invitations sent to this address."
    )

    class Meta(UserCreationForm.Meta):  # type: ignore[name-defined]  # django-stubs#1099
        fields = ["username", "email"]

    def clean_username(self) -> str:
        # Django's own check records "already exists" and returns None: nothing to add then.
        username = super().clean_username()
        if username is not None:
            validate_username(username)
        return username or ""


class SignInForm(AuthenticationForm):
    """Django's sign-in form, limited: each attempt takes a slot for the account and the
    address before the password is checked; a refused one never reaches the password."""

    refused: ratelimit.Refused | None = None

    def clean(self) -> dict:
        username = self.cleaned_data.get("username")
        if username is None or not self.cleaned_data.get("password"):
            return super().clean()  # a field is missing: no password is tried
        assert self.request is not None, "the sign-in views always pass the request"
        try:
            attempt = ratelimit.attempt(
                username=username, address=ratelimit.client_address(self.request)
            )
        except ratelimit.Refused as refused:
            self.refused = refused
            raise ValidationError(str(refused), code="rate_limited") from refused
        cleaned = super().clean()  # a wrong password raises: its slots stay taken
        attempt.succeeded()
        return cleaned


class AdminSignInForm(SignInForm, AdminAuthenticationForm):
    """The admin's sign-in form under the same limits: `admin.site.login_form`."""
