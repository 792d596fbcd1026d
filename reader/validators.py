"""Validators every path into Reader shares (sign-up, the admin, imports, the API), so a
name refused in one place is refused in all of them."""

from __future__ import annotations

import unicodedata

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError

from reader.sanitize import isolate

ERROR_USERNAME_AT = "A username cannot contain “@”; give your email below."
ERROR_USERNAME_FORM = (
    "A username is written in one canonical form; “{username}” has characters that look "
    "like others (compatibility forms). Use plain letters, digits and @/./+/-/_."
)
USERNAME_MAX_LENGTH = 150

_django_username = UnicodeUsernameValidator()


def validate_username(username: str) -> None:
    """Django's username rule (letters, digits and @.+-_ only: no markup, spaces, tabs,
    zero-width or direction characters), no “@” (invitations tell usernames from email
    addresses by it), and one canonical Unicode form, so no name passes for another by a
    compatibility character (a fullwidth “ａｌｉｃｅ” for “alice”)."""
    if len(username) > USERNAME_MAX_LENGTH:
        raise ValidationError(
            f"A username has at most {USERNAME_MAX_LENGTH} characters.", code="max_length"
        )
    _django_username(username)
    if "@" in username:
        raise ValidationError(ERROR_USERNAME_AT, code="username_at")
    if unicodedata.normalize("NFKC", username) != username:
        raise ValidationError(
            ERROR_USERNAME_FORM.format(username=isolate(username)), code="username_form"
        )
