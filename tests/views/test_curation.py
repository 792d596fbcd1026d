"""Where annotators disagree, an owner accepts one annotation; exports can be limited to
the accepted ones."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from reader.models import Annotation
from reader.services.curation import annotation_accept
from tests.factories import AnnotationFactory


@pytest.fixture
def disagreement(document, alice, bob):
    """bob says claim, alice says opinion, over overlapping spans; both mark "Idlib"."""
    bobs = AnnotationFactory(document=document, author=bob, quote="33 soldiers", kind="claim")
    alices = AnnotationFactory(
        document=document, author=alice, quote="33 soldiers 💥 killed", kind="opinion"
    )
    AnnotationFactory(document=document, author=bob, quote="Idlib", kind="claim")
    AnnotationFactory(document=document, author=alice, quote="Idlib", kind="claim")
    return bobs, alices


def accept_url(annotation) -> str:
    return reverse(
        "reader:annotation_accept", args=[annotation.document.project.slug, annotation.pk]
    )


def agreement_page(client, document) -> str:
    url = reverse("reader:document_agreement", args=[document.project.slug, document.pk])
    return " ".join(client.get(url).content.decode().split())


def test_an_owner_accepts_one_annotation_per_disputed_span(client, alice, disagreement, document):
    bobs, alices = disagreement
    client.force_login(alice)
    assert "0 of 1 disagreement settled" in agreement_page(client, document)
    client.post(accept_url(bobs))
    assert set(Annotation.objects.filter(accepted=True)) == {bobs}
    # Accepting the other one moves the acceptance: one per span.
    client.post(accept_url(alices))
    assert set(Annotation.objects.filter(accepted=True)) == {alices}
    page = agreement_page(client, document)
    assert "1 of 1 disagreement settled" in page and "Accepted" in page
    client.post(accept_url(alices), {"accepted": "0"})
    assert not Annotation.objects.filter(accepted=True).exists()


def test_accepting_where_annotators_agree_takes_one_per_span(client, alice, disagreement, document):
    client.force_login(alice)
    assert "Accept the 1 span where annotators agree" in agreement_page(client, document)
    url = reverse("reader:document_accept_agreed", args=[document.project.slug, document.pk])
    client.post(url)
    accepted = list(Annotation.objects.filter(accepted=True))
    assert len(accepted) == 1 and accepted[0].quote_exact == "Idlib"
    client.post(url)  # nothing more to accept
    assert Annotation.objects.filter(accepted=True).count() == 1


def test_only_owners_curate(client, bob, carol, disagreement, document):
    bobs, _ = disagreement
    for user in (bob, carol):
        client.force_login(user)
        assert client.post(accept_url(bobs)).status_code == 403
        assert "Accept the 1 span" not in agreement_page(client, document)
    assert not Annotation.objects.filter(accepted=True).exists()


def test_exports_can_be_limited_to_accepted_annotations(client, alice, carol, disagreement):
    bobs, alices = disagreement
    annotation_accept(annotation=bobs, actor=alice)
    client.force_login(carol)  # viewers export
    url = reverse("reader:document_export", args=[bobs.document.project.slug, bobs.document.pk])
    everything = json.loads(b"".join(client.get(url).streaming_content))
    assert everything["total"] == 4
    accepted = json.loads(b"".join(client.get(url, {"accepted": "only"}).streaming_content))
    assert accepted["total"] == 1
    assert accepted["id"].endswith("?accepted=only")
    [item] = accepted["first"]["items"]
    assert item["id"].endswith(f"/annotations/{bobs.pk}/")
    page = client.get(url, {"accepted": "only", "page": 0}).json()
    assert page["id"].endswith("?accepted=only&page=0")


def test_the_bundle_keeps_what_was_accepted(alice, disagreement):
    from reader.formats.bundle import stream_bundle
    from reader.selectors.bundle import bundle_contents

    bobs, _ = disagreement
    annotation_accept(annotation=bobs, actor=alice)
    project = bobs.document.project
    bundle = json.loads(
        "".join(stream_bundle(project, **bundle_contents(project=project), sees_hidden=True))
    )
    flags = {(a["author"], a["quote"]["exact"]): a["accepted"] for a in bundle["annotations"]}
    assert flags[("bob", "33 soldiers")] is True
    assert sum(flags.values()) == 1
