"""Who gets what, for every project URL: outsiders 404, anonymous users to sign-in,
viewers read but never write, annotators change only their own annotations."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reader.models import Annotation, FacetLink, PendingImport, Suggestion
from reader.services.discussion import reply_create
from reader.services.documents import annotation_delete
from reader.services.events import event_create, facet_create, facet_link_create
from reader.services.projects import invitation_create
from reader.urls import project_patterns
from reader.vocabularies import Role
from tests.factories import AnnotationFactory, MembershipFactory, UserFactory

OK, REDIRECT, FORBIDDEN, NOT_FOUND = 200, 302, 403, 404

# (url name, method, uses annotation id): expected status per persona.
# bob is an annotator but the annotation belongs to alice; dave is an annotator who wrote it.
MATRIX = {
    ("document_list", "get"): {"alice": OK, "dave": OK, "bob": OK, "carol": OK},
    ("document_create", "get"): {"alice": OK, "dave": OK, "bob": OK, "carol": FORBIDDEN},
    ("document_create", "post"): {"alice": 400, "dave": 400, "bob": 400, "carol": FORBIDDEN},
    ("document_upload", "get"): {"alice": OK, "dave": OK, "bob": OK, "carol": FORBIDDEN},
    ("document_upload", "post"): {"alice": 400, "dave": 400, "bob": 400, "carol": FORBIDDEN},
    ("document_detail", "get"): {"alice": OK, "dave": OK, "bob": OK, "carol": OK},
    ("document_changes", "get"): {"alice": OK, "dave": OK, "bob": OK, "carol": OK},
    ("annotation_create", "post"): {"alice": 400, "dave": 400, "bob": 400, "carol": FORBIDDEN},
    ("annotation_detail", "get"): {"alice": OK, "dave": OK, "bob": OK, "carol": OK},
    ("annotation_update", "get"): {"alice": OK, "dave": OK, "bob": FORBIDDEN, "carol": FORBIDDEN},
    ("annotation_update", "post"): {
        "alice": 400,
        "dave": 400,
        "bob": FORBIDDEN,
        "carol": FORBIDDEN,
    },
    ("annotation_delete", "get"): {"alice": OK, "dave": OK, "bob": FORBIDDEN, "carol": FORBIDDEN},
    # Any annotator may link any annotation to a facet; a link is removed by its author.
    ("facet_link_create", "get"): {"alice": OK, "dave": OK, "bob": OK, "carol": FORBIDDEN},
    ("facet_link_create", "post"): {"alice": 400, "dave": 400, "bob": 400, "carol": FORBIDDEN},
    ("facet_link_delete", "post"): {
        "alice": REDIRECT,
        "dave": REDIRECT,
        "bob": FORBIDDEN,
        "carol": FORBIDDEN,
    },
    ("event_list", "get"): {"alice": OK, "dave": OK, "bob": OK, "carol": OK},
    ("event_create", "post"): {"alice": 400, "dave": 400, "bob": 400, "carol": FORBIDDEN},
    ("event_detail", "get"): {"alice": OK, "dave": OK, "bob": OK, "carol": OK},
    ("facet_create", "post"): {"alice": 400, "dave": 400, "bob": 400, "carol": FORBIDDEN},
    ("event_compare", "get"): {"alice": OK, "dave": OK, "bob": OK, "carol": OK},
    ("event_comparison_json", "get"): {"alice": OK, "dave": OK, "bob": OK, "carol": OK},
    ("event_origins", "get"): {"alice": OK, "dave": OK, "bob": OK, "carol": OK},
    # Any annotator may say how a facet compares, and which of a source's values is earlier.
    ("facet_compare_level", "post"): {
        "alice": REDIRECT,
        "dave": REDIRECT,
        "bob": REDIRECT,
        "carol": FORBIDDEN,
    },
    ("facet_link_supersede", "post"): {
        "alice": 400,
        "dave": 400,
        "bob": 400,
        "carol": FORBIDDEN,
    },
    # Everyone reads the entities; annotators and owners change them.
    ("entity_list", "get"): {"alice": OK, "dave": OK, "bob": OK, "carol": OK},
    ("entity_merge", "post"): {"alice": 400, "dave": 400, "bob": 400, "carol": FORBIDDEN},
    ("entity_split", "post"): {"alice": 400, "dave": 400, "bob": 400, "carol": FORBIDDEN},
    ("entity_update", "post"): {"alice": 400, "dave": 400, "bob": 400, "carol": FORBIDDEN},
    ("entity_alias_add", "post"): {"alice": 400, "dave": 400, "bob": 400, "carol": FORBIDDEN},
    # Viewers read and export.
    ("project_export", "get"): {"alice": OK, "dave": OK, "bob": OK, "carol": OK},
    ("document_export", "get"): {"alice": OK, "dave": OK, "bob": OK, "carol": OK},
    ("event_export", "get"): {"alice": OK, "dave": OK, "bob": OK, "carol": OK},
    ("import_upload", "get"): {"alice": OK, "dave": OK, "bob": OK, "carol": FORBIDDEN},
    # Everyone sees the team; only owners change it.
    ("member_list", "get"): {"alice": OK, "dave": OK, "bob": OK, "carol": OK},
    ("document_agreement", "get"): {"alice": OK, "dave": OK, "bob": OK, "carol": OK},
    # Discussion forms come on demand.
    ("reply_create", "get"): {"alice": OK, "dave": OK, "bob": OK, "carol": FORBIDDEN},
    ("annotation_hide", "get"): {
        "alice": OK,
        "dave": FORBIDDEN,
        "bob": FORBIDDEN,
        "carol": FORBIDDEN,
    },
    ("reply_hide", "get"): {"alice": OK, "dave": FORBIDDEN, "bob": FORBIDDEN, "carol": FORBIDDEN},
    ("project_agreement", "get"): {"alice": OK, "dave": OK, "bob": OK, "carol": OK},
    # Annotators discuss any annotation; a reply is changed by its author; owners moderate.
    ("reply_create", "post"): {"alice": 400, "dave": 400, "bob": 400, "carol": FORBIDDEN},
    ("thread_resolve", "post"): {
        "alice": REDIRECT,
        "dave": REDIRECT,
        "bob": REDIRECT,
        "carol": FORBIDDEN,
    },
    ("annotation_hide", "post"): {
        "alice": REDIRECT,
        "dave": FORBIDDEN,
        "bob": FORBIDDEN,
        "carol": FORBIDDEN,
    },
    ("reply_update", "get"): {"alice": FORBIDDEN, "dave": OK, "bob": FORBIDDEN, "carol": FORBIDDEN},
    ("reply_delete", "post"): {
        "alice": FORBIDDEN,
        "dave": REDIRECT,
        "bob": FORBIDDEN,
        "carol": FORBIDDEN,
    },
    ("reply_hide", "post"): {
        "alice": REDIRECT,
        "dave": FORBIDDEN,
        "bob": FORBIDDEN,
        "carol": FORBIDDEN,
    },
    ("member_list", "post"): {
        "alice": 400,
        "dave": FORBIDDEN,
        "bob": FORBIDDEN,
        "carol": FORBIDDEN,
    },
    ("member_update", "post"): {
        "alice": 400,
        "dave": FORBIDDEN,
        "bob": FORBIDDEN,
        "carol": FORBIDDEN,
    },
    ("import_upload", "post"): {"alice": 400, "dave": 400, "bob": 400, "carol": FORBIDDEN},
    # Each pending import is its uploader's alone (alice's here).
    ("import_preview", "get"): {
        "alice": OK,
        "dave": NOT_FOUND,
        "bob": NOT_FOUND,
        "carol": FORBIDDEN,
    },
    ("event_changes", "get"): {"alice": OK, "dave": OK, "bob": OK, "carol": OK},
    # Everyone sees the audit trail; only owners see and empty the trash, and curate.
    ("activity_list", "get"): {"alice": OK, "dave": OK, "bob": OK, "carol": OK},
    ("project_search", "get"): {"alice": OK, "dave": OK, "bob": OK, "carol": OK},
    ("trash_list", "get"): {"alice": OK, "dave": FORBIDDEN, "bob": FORBIDDEN, "carol": FORBIDDEN},
    # Its author (dave) may undo the deletion; owners restore anything from the trash.
    ("annotation_restore", "post"): {
        "alice": REDIRECT,
        "dave": REDIRECT,
        "bob": FORBIDDEN,
        "carol": FORBIDDEN,
    },
    ("annotation_accept", "post"): {
        "alice": REDIRECT,
        "dave": FORBIDDEN,
        "bob": FORBIDDEN,
        "carol": FORBIDDEN,
    },
    ("document_accept_agreed", "post"): {
        "alice": REDIRECT,
        "dave": FORBIDDEN,
        "bob": FORBIDDEN,
        "carol": FORBIDDEN,
    },
    # Versions: annotators add them and review where annotations landed; everyone reads.
    ("version_create", "get"): {"alice": OK, "dave": OK, "bob": OK, "carol": FORBIDDEN},
    ("version_create", "post"): {"alice": 400, "dave": 400, "bob": 400, "carol": FORBIDDEN},
    ("version_diff", "get"): {"alice": OK, "dave": OK, "bob": OK, "carol": OK},
    ("anchor_review", "get"): {"alice": OK, "dave": OK, "bob": OK, "carol": OK},
    ("anchor_accept", "post"): {"alice": 400, "dave": 400, "bob": 400, "carol": FORBIDDEN},
    ("anchor_move", "post"): {"alice": 400, "dave": 400, "bob": 400, "carol": FORBIDDEN},
    ("anchor_orphan", "post"): {"alice": 400, "dave": 400, "bob": 400, "carol": FORBIDDEN},
    ("invitation_withdraw", "post"): {
        "alice": REDIRECT,
        "dave": FORBIDDEN,
        "bob": FORBIDDEN,
        "carol": FORBIDDEN,
    },
    # Suggestions: annotators and owners review them one at a time; owners in bulk (an
    # empty form is a 400 for them); viewers never see them; everyone reads similar passages.
    ("suggestion_accept", "post"): {
        "alice": REDIRECT,
        "dave": REDIRECT,
        "bob": REDIRECT,
        "carol": FORBIDDEN,
    },
    ("suggestion_edit", "get"): {"alice": OK, "dave": OK, "bob": OK, "carol": FORBIDDEN},
    ("suggestion_reject", "post"): {
        "alice": REDIRECT,
        "dave": REDIRECT,
        "bob": REDIRECT,
        "carol": FORBIDDEN,
    },
    ("suggestions_accept_all", "get"): {
        "alice": 400,
        "dave": FORBIDDEN,
        "bob": FORBIDDEN,
        "carol": FORBIDDEN,
    },
    ("suggestions_accept_all", "post"): {
        "alice": 400,
        "dave": FORBIDDEN,
        "bob": FORBIDDEN,
        "carol": FORBIDDEN,
    },
    ("suggestions_batch", "get"): {
        "alice": OK,
        "dave": FORBIDDEN,
        "bob": FORBIDDEN,
        "carol": FORBIDDEN,
    },
    ("suggestions_batch", "post"): {
        "alice": REDIRECT,
        "dave": FORBIDDEN,
        "bob": FORBIDDEN,
        "carol": FORBIDDEN,
    },
    ("similar_passages", "get"): {"alice": 400, "dave": 400, "bob": 400, "carol": 400},
}
PROJECT_URLS = {name for name, _ in MATRIX}


@pytest.fixture
def dave(project):
    user = UserFactory(username="dave")
    MembershipFactory(project=project, user=user, role=Role.ANNOTATOR)
    return user


@pytest.fixture
def targets(document, dave):
    annotation = AnnotationFactory(document=document, author=dave, quote="33 soldiers")
    event = event_create(project=document.project, name="Balyun")
    facet = facet_create(event=event, name="Death toll", value_type="number")
    link = facet_link_create(annotation=annotation, facet=facet, author=dave, value="33")
    actor = facet_create(event=event, name="Perpetrator", value_type="actor")
    named = facet_link_create(annotation=annotation, facet=actor, author=dave, value="Syria")
    owner = document.project.memberships.get(role="owner").user
    pending = PendingImport.objects.create(
        project=document.project,
        user=owner,
        kind="w3c",
        document=document,
        filename="empty.json",
        payload="[]",
    )
    suggestion = Suggestion.objects.create(
        project=document.project,
        document=document,
        text_version=document.text_version,
        facet=facet,
        start=document.text.index("36"),
        end=document.text.index("36") + 2,
        quote_exact="36",
        value="36",
    )
    return {
        "document": document,
        "annotation": annotation,
        "suggestion": suggestion,
        "event": event,
        "facet": facet,
        "entity": named.entity,
        "link": link,
        "pending": pending,
        "membership": document.project.memberships.get(user__username="carol"),
        "reply": reply_create(annotation=annotation, author=dave, text="Source?"),
        "trashed": annotation_delete(
            annotation=AnnotationFactory(document=document, author=dave), actor=dave
        ),
        "invitation": invitation_create(
            project=document.project, invitee="erin", role=Role.VIEWER, invited_by=owner
        )[0],
    }


# The object whose id each URL takes; URLs not listed take only the project's slug.
URL_TARGETS = {
    "document_detail": "document",
    "document_changes": "document",
    "document_agreement": "document",
    "annotation_create": "document",
    "annotation_detail": "annotation",
    "annotation_update": "annotation",
    "annotation_delete": "annotation",
    "facet_link_create": "annotation",
    "facet_link_delete": "link",
    "event_detail": "event",
    "facet_create": "event",
    "event_compare": "event",
    "event_comparison_json": "event",
    "event_origins": "event",
    "facet_compare_level": "facet",
    "facet_link_supersede": "link",
    "entity_merge": "entity",
    "entity_split": "entity",
    "entity_update": "entity",
    "entity_alias_add": "entity",
    "document_export": "document",
    "event_export": "event",
    "import_preview": "pending",
    "member_update": "membership",
    "reply_create": "annotation",
    "thread_resolve": "annotation",
    "annotation_hide": "annotation",
    "reply_update": "reply",
    "reply_delete": "reply",
    "reply_hide": "reply",
    "event_changes": "event",
    "annotation_restore": "trashed",
    "annotation_accept": "annotation",
    "document_accept_agreed": "document",
    "invitation_withdraw": "invitation",
    "version_create": "document",
    "version_diff": "document",
    "anchor_review": "document",
    "anchor_accept": "annotation",
    "anchor_move": "annotation",
    "anchor_orphan": "annotation",
    "suggestion_accept": "suggestion",
    "suggestion_edit": "suggestion",
    "suggestion_reject": "suggestion",
    "similar_passages": "document",
}


def url_for(name: str, targets) -> str:
    slug = targets["document"].project.slug
    if name in URL_TARGETS:
        return reverse(f"reader:{name}", args=[slug, targets[URL_TARGETS[name]].pk])
    return reverse(f"reader:{name}", args=[slug])


def test_every_project_url_has_a_rule():
    """A new URL under /p/<slug>/ without a row in MATRIX fails here."""
    assert {pattern.name for pattern in project_patterns} == PROJECT_URLS


@pytest.mark.parametrize(("name", "method"), sorted(MATRIX))
@pytest.mark.parametrize("persona", ["alice", "dave", "bob", "carol"])
def test_members_get_what_their_role_allows(client, request, targets, name, method, persona):
    client.force_login(request.getfixturevalue(persona))
    url = url_for(name, targets)
    response = getattr(client, method)(url, {})
    assert response.status_code == MATRIX[(name, method)][persona]


@pytest.mark.parametrize(("name", "method"), sorted(MATRIX))
def test_outsiders_get_404_and_learn_nothing(client, mallory, other_project, targets, name, method):
    client.force_login(mallory)
    response = getattr(client, method)(url_for(name, targets), {})
    assert response.status_code == NOT_FOUND
    assert b"Idlib" not in response.content


@pytest.mark.parametrize(("name", "method"), sorted(MATRIX))
def test_anonymous_users_are_sent_to_sign_in(client, targets, name, method):
    response = getattr(client, method)(url_for(name, targets), {})
    if name in ("document_changes", "event_changes"):
        # The poller: htmx's "stop polling", rather than a sign-in page inside the panel.
        assert response.status_code == 286
        return
    assert response.status_code == REDIRECT
    assert response["Location"].startswith(reverse("login"))


def test_ids_from_another_project_are_not_found_through_ones_own_slug(
    client, mallory, other_project, targets
):
    """Mallory owns a project; its slug does not open the Idlib project's ids."""
    client.force_login(mallory)
    document, annotation = targets["document"], targets["annotation"]
    urls = [
        reverse("reader:document_detail", args=[other_project.slug, document.pk]),
        reverse("reader:annotation_detail", args=[other_project.slug, annotation.pk]),
        reverse("reader:annotation_update", args=[other_project.slug, annotation.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == NOT_FOUND
    response = client.post(
        reverse("reader:annotation_delete", args=[other_project.slug, annotation.pk])
    )
    assert response.status_code == NOT_FOUND
    assert Annotation.objects.filter(pk=annotation.pk).exists()
    for name in ("event_detail", "event_compare"):
        url = reverse(f"reader:{name}", args=[other_project.slug, targets["event"].pk])
        assert client.get(url).status_code == NOT_FOUND
    url = reverse("reader:facet_link_delete", args=[other_project.slug, targets["link"].pk])
    assert client.post(url).status_code == NOT_FOUND
    assert FacetLink.objects.filter(pk=targets["link"].pk).exists()


def test_viewer_is_told_why_they_cannot_annotate(client, carol, targets):
    client.force_login(carol)
    response = client.post(url_for("annotation_create", targets), {"kind": "claim"})
    assert response.status_code == FORBIDDEN
    assert b"Your role in this project is viewer" in response.content


def test_project_list_shows_only_ones_own_projects(client, mallory, other_project, project):
    client.force_login(mallory)
    response = client.get(reverse("reader:project_list"))
    assert b"Elsewhere" in response.content
    assert b"Idlib" not in response.content
