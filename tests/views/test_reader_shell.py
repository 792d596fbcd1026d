"""The page shell's header links ({% shell_urls %} in base.html) are the URLs reverse()
gives, for the page's project, and for no other."""

from __future__ import annotations

from django.urls import reverse

from reader.templatetags.reader_shell import PROJECT_URLS, SITE_URLS


def test_the_header_links_are_the_reversed_urls(client, bob, document):
    client.force_login(bob)
    slug = document.project.slug
    body = client.get(reverse("reader:document_list", args=[slug])).content.decode()
    for name in SITE_URLS.values():
        assert f'"{reverse(name)}' in body, name
    for name in PROJECT_URLS.values():
        assert f'href="{reverse(name, args=[slug])}"' in body, name


def test_a_page_without_a_project_has_no_project_links(client, bob, document):
    client.force_login(bob)
    body = client.get(reverse("reader:project_list")).content.decode()
    assert f'href="{reverse("reader:project_list")}"' in body
    assert 'class="project-nav"' not in body
    assert reverse("reader:event_list", args=[document.project.slug]) not in body
