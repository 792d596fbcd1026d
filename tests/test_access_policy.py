"""The access policy's permission map, predicate by predicate and role by role: the table
below is the rule a reader of the code should find, and the map must agree with it."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.template import Context, Template

from reader.access import (
    ERROR_READ_ONLY,
    MESSAGES,
    PERMISSION_MAP,
    Access,
    Permission,
    visible_note,
)
from reader.models import Membership, Project
from reader.vocabularies import Role

OWN, OTHERS = "own", "others"

# permission: the roles allowed, for an object of one's own and for someone else's.
EXPECTED = {
    Permission.READ: {
        OWN: {"owner", "annotator", "viewer"},
        OTHERS: {"owner", "annotator", "viewer"},
    },
    Permission.ANNOTATE: {OWN: {"owner", "annotator"}, OTHERS: {"owner", "annotator"}},
    Permission.ANNOTATION_CHANGE: {OWN: {"owner", "annotator"}, OTHERS: {"owner"}},
    Permission.LINK_DELETE: {OWN: {"owner", "annotator"}, OTHERS: {"owner"}},
    Permission.REPLY_CHANGE: {OWN: {"owner", "annotator"}, OTHERS: set()},
    Permission.MODERATE: {OWN: {"owner"}, OTHERS: {"owner"}},
    Permission.SEE_HIDDEN: {OWN: {"owner"}, OTHERS: {"owner"}},
    Permission.CURATE: {OWN: {"owner"}, OTHERS: {"owner"}},
    Permission.IMPORT_W3C: {OWN: {"owner", "annotator"}, OTHERS: {"owner", "annotator"}},
    Permission.IMPORT_BUNDLE: {OWN: {"owner"}, OTHERS: {"owner"}},
    Permission.MANAGE_MEMBERS: {OWN: {"owner"}, OTHERS: {"owner"}},
    Permission.RESTORE: {OWN: {"owner"}, OTHERS: {"owner"}},
    # Entities are shared, nobody's own: annotators and owners change them, viewers read.
    Permission.ENTITY_CHANGE: {OWN: {"owner", "annotator"}, OTHERS: {"owner", "annotator"}},
    Permission.TRASH_UNDO: {OWN: {"owner", "annotator"}, OTHERS: {"owner"}},
    # Suggestions are nobody's own: annotators and owners review them, owners in bulk.
    Permission.SUGGESTION_REVIEW: {OWN: {"owner", "annotator"}, OTHERS: {"owner", "annotator"}},
    Permission.SUGGESTION_BULK: {OWN: {"owner"}, OTHERS: {"owner"}},
}
ME, SOMEONE_ELSE = 1, 2


def access_as(role: str) -> Access:
    return Access(project=Project(slug="p"), membership=Membership(user_id=ME, role=role))


def test_every_permission_has_a_rule_a_message_and_an_expectation():
    assert set(PERMISSION_MAP) == set(Permission) == set(MESSAGES) == set(EXPECTED)


@pytest.mark.parametrize("permission", list(Permission))
@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("whose", [OWN, OTHERS])
def test_the_map_allows_exactly_the_expected_roles(permission, role, whose):
    obj = SimpleNamespace(author_id=ME if whose == OWN else SOMEONE_ELSE)
    assert access_as(role).can(permission, obj) == (role in EXPECTED[permission][whose])


def test_a_viewer_is_told_their_role_is_the_reason():
    with pytest.raises(PermissionDenied, match=ERROR_READ_ONLY):
        access_as(Role.VIEWER).require(Permission.ANNOTATION_CHANGE, SimpleNamespace(author_id=ME))


def test_an_annotator_is_told_the_object_is_not_theirs():
    someone_elses = SimpleNamespace(author_id=SOMEONE_ELSE)
    with pytest.raises(PermissionDenied, match="Only its author or a project owner"):
        access_as(Role.ANNOTATOR).require(Permission.ANNOTATION_CHANGE, someone_elses)
    with pytest.raises(PermissionDenied, match="Only a project owner can hide"):
        access_as(Role.ANNOTATOR).require(Permission.MODERATE)


def test_visible_note_hides_only_hidden_notes_from_those_who_may_not_see_them():
    assert visible_note("note", "", sees_hidden=False) == "note"
    assert visible_note("note", "rude", sees_hidden=False) == ""
    assert visible_note("note", "rude", sees_hidden=True) == "note"
    hidden = SimpleNamespace(note="note", hidden_reason="rude")
    assert access_as(Role.ANNOTATOR).note_of(hidden) == ""
    assert access_as(Role.OWNER).note_of(hidden) == "note"


@pytest.mark.parametrize("role", Role.values)
def test_templates_ask_the_same_policy(role):
    template = Template('{% load reader_tags %}{% can "annotation_change" obj as ok %}{{ ok }}')
    obj = SimpleNamespace(author_id=SOMEONE_ELSE)
    rendered = template.render(Context({"access": access_as(role), "obj": obj}))
    assert rendered == str(access_as(role).can(Permission.ANNOTATION_CHANGE, obj))


def test_a_template_without_an_access_allows_nothing():
    template = Template('{% load reader_tags %}{% can "read" as ok %}{{ ok }}')
    assert template.render(Context({})) == "False"
