from __future__ import annotations

import pytest
from django.urls import reverse

from reader.vocabularies import Kind
from tests.conftest import shown
from tests.factories import AnnotationFactory, DocumentFactory

TEXT = "One claim here. Two claims there. Three opinions. Four notes. Five more.\n"


@pytest.fixture
def tagged(project, alice, bob):
    document = DocumentFactory(project=project, title="Tagged", text=TEXT)
    # alice and bob agree on two spans, disagree on two; bob alone marks "Five more".
    for quote, alices, bobs in [
        ("One claim", Kind.CLAIM, Kind.CLAIM),
        ("Two claims", Kind.CLAIM, Kind.OPINION),
        ("Three opinions", Kind.OPINION, Kind.OPINION),
        ("Four notes", Kind.OPINION, Kind.CLAIM),
    ]:
        AnnotationFactory(document=document, author=alice, kind=alices, quote=quote)
        AnnotationFactory(document=document, author=bob, kind=bobs, quote=quote[:-1])
    AnnotationFactory(document=document, author=bob, kind=Kind.CLAIM, quote="Five more")
    return document


def test_document_agreement_by_hand(client, carol, tagged):
    # Four shared units: alice c c o o, bob c o o c: p_o = .5, p_e = .5, kappa = 0.
    client.force_login(carol)
    url = reverse("reader:document_agreement", args=["idlib", tagged.pk])
    body = " ".join(shown(client.get(url).content.decode()).split())
    assert (
        'alice and bob</td> <td class="num">4</td> <td class="num">2</td> <td class="num">0.000'
        in body
    )
    assert (
        "over 4 spans marked by two or more; 2 with different kinds; 1 marked by one annotator only"
        in body
    )
    assert "bob: claim" in body and "Five more" in body
    assert 'id="side-by-side"' in body
    assert body.count('class="reading-pane compare-pane"') == 2


def test_project_agreement_pools_documents(client, alice, tagged):
    client.force_login(alice)
    body = " ".join(
        client.get(reverse("reader:project_agreement", args=["idlib"])).content.decode().split()
    )
    assert "over 4 spans marked by two or more" in body


def test_one_annotator_is_not_enough(client, alice, document):
    AnnotationFactory(document=document, author=alice, quote="33 soldiers")
    client.force_login(alice)
    url = reverse("reader:document_agreement", args=["idlib", document.pk])
    assert "Agreement needs at least two annotators." in client.get(url).content.decode()
