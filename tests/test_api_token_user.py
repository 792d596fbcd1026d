"""services/projects.api_token_user: the token's user, its last use noted once a minute."""

from __future__ import annotations

import datetime

from django.utils import timezone

from reader.models import ApiToken
from reader.services.projects import api_token_create, api_token_delete, api_token_user


def test_a_token_gives_its_user_and_notes_its_use_at_most_once_a_minute(
    bob, django_assert_num_queries
):
    row, token = api_token_create(user=bob, name="script")
    with django_assert_num_queries(2):  # the user, then the first use noted
        user = api_token_user(token)
    assert user == bob and user.username == "bob" and user.is_active
    first = ApiToken.objects.get(pk=row.pk).last_used
    assert first is not None
    with django_assert_num_queries(1):  # within the minute: nothing written
        assert api_token_user(token) == bob
    assert ApiToken.objects.get(pk=row.pk).last_used == first
    earlier = timezone.now() - datetime.timedelta(minutes=1, seconds=1)
    ApiToken.objects.filter(pk=row.pk).update(last_used=earlier)
    assert api_token_user(token) == bob
    assert ApiToken.objects.get(pk=row.pk).last_used > earlier


def test_no_user_for_a_wrong_or_revoked_token_or_an_inactive_account(bob, alice):
    _, token = api_token_create(user=bob, name="script")
    _, other = api_token_create(user=alice, name="script")
    assert api_token_user(token + "x") is None
    assert api_token_user(other) == alice
    bob.is_active = False
    bob.save()
    assert api_token_user(token) is None
    api_token_delete(user=alice, pk=ApiToken.objects.get(user=alice).pk)
    assert api_token_user(other) is None
