"""Shared pieces for the hostile-input tests: payloads, a check that rendered HTML holds
nothing a payload made, a snapshot of every row (to show nothing was written), and the
project's URLs as the resolver lists them (so new URLs are tried too)."""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from reader import ratelimit
from reader.models import ApiToken, Invitation, PendingImport, Project
from reader.services.discussion import moderation_hide, reply_create
from reader.services.documents import (
    annotation_create,
    annotation_delete,
    document_create,
    outlet_get_or_create,
)
from reader.services.events import event_create, facet_create, facet_link_create
from reader.services.projects import api_token_create
from reader.vocabularies import Role
from tests.factories import AnnotationFactory, DocumentFactory, MembershipFactory, UserFactory

# Every element a payload could create carries `data-pwned`, so finding that attribute
# anywhere in a page means the payload became markup. Each also sets window.__xss if run.
# 158 characters: with a label in front, it fits the 200 of names.
PAYLOAD = (
    "<script data-pwned>__xss=1</script><img data-pwned src=x onerror=__xss=1>"
    "<svg data-pwned onload=__xss=1>\"'><b data-pwned onmouseover=__xss=1>javascript:__xss=1"
)
# For fields of 150 characters or fewer (usernames).
SHORT_PAYLOAD = "<svg data-pwned onload=__xss=1>\"'><img data-pwned src=x onerror=__xss=1>"
# Notes and replies are linkified: these must never become a link to a script.
LINK_PAYLOADS = [
    "javascript:__xss=1",
    "JaVaScRiPt:__xss=1 and java\tscript:__xss=1",
    '<a data-pwned href="javascript:__xss=1">click</a>',
    "[click](javascript:__xss=1)",
    'http://example.org/"onmouseover="__xss=1" next',
    "https://example.org/<script data-pwned>__xss=1</script>",
    "www.example.org/?q=<svg data-pwned onload=__xss=1>",
    "data:text/html;base64,PHNjcmlwdD5fX3hzcz0xPC9zY3JpcHQ+",
    "vbscript:msgbox(1) and &#106;avascript:__xss=1",
]

NOTE = "\n".join([PAYLOAD, *LINK_PAYLOADS])
INVITEE = "<svg/data-pwned/onload=__xss=1>"

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
# What our own templates may carry; any other scheme in a URL attribute came from a user.
UNSAFE_SCHEME = re.compile(r"^(javascript|vbscript|data:text/html)", re.IGNORECASE)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs) -> None:
        self.elements.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_startendtag(self, tag, attrs) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag) -> None:
        self._in_script = False

    def handle_data(self, data) -> None:
        (self.script_text if self._in_script else self.text).append(data)


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def _unsafe_url(value: str) -> bool:
    # Browsers drop ASCII whitespace and control characters inside a scheme.
    return bool(UNSAFE_SCHEME.match(re.sub(r"[\x00-\x20]", "", value)))


def injected(html: str) -> list[str]:
    """Everything in the page that a payload produced, as readable descriptions."""
    page = parse(html)
    found = []
    for tag, attrs in page.elements:
        for name, value in attrs.items():
            if name == "data-pwned":
                found.append(f"<{tag}> made from a payload")
            elif name.startswith("on") or name.startswith("hx-on"):
                found.append(f"<{tag} {name}=…> event handler")
            elif name in URL_ATTRIBUTES and value and _unsafe_url(value):
                found.append(f"<{tag} {name}={value!r}>")
            elif name in {"hx-vals", "hx-headers"} and value and "__xss" in value:
                found.append(f"<{tag} {name}={value!r}> carries a payload")
    found += [f"script holds {text[:60]!r}" for text in page.script_text if "__xss" in text]
    return found


def assert_inert(html: str, *, shows: list[str] = ()) -> None:
    """No payload became markup, and each text in `shows` is on the page as text (in the
    page's text or an attribute's value), which proves the payload was there to try."""
    assert injected(html) == []
    page = parse(html)
    visible = "".join(page.text) + "".join(
        value or "" for _, attrs in page.elements for value in attrs.values()
    )
    for text in shows:
        assert text in visible, f"{text[:60]!r} is not shown"


# Changed on every request or sign-in; not data anyone wrote.
VOLATILE = {"last_login", "last_used"}
IGNORED_MODELS = {"sessions.session", "admin.logentry", "contenttypes.contenttype"}


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table (volatile columns aside): equal before and after means
    nothing was created, changed or deleted."""
    rows = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in IGNORED_MODELS or model._meta.proxy:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in VOLATILE]
        rows[label] = sorted(map(repr, model.objects.values_list(*fields)))
    return rows


@pytest.fixture(autouse=True)
def fresh_login_limits():
    """Sign-in limits are kept in a process-wide cache: start every test with none."""
    ratelimit.LOCAL.clear()
    yield
    ratelimit.LOCAL.clear()


@dataclass
class World:
    """One project with one of everything that has an id in a URL."""

    project: object
    owner: object
    document: object
    annotation: object
    reply: object
    event: object
    facet: object
    link: object
    membership: object
    pending: object
    token: object
    entity: object

    def ids(self) -> dict[str, int]:
        return {
            name: getattr(self, name).pk
            for name in (
                "document",
                "annotation",
                "reply",
                "event",
                "facet",
                "link",
                "membership",
                "pending",
                "token",
                "entity",
            )
        }


def make_world(project, owner, member, *, text: str) -> World:
    document = DocumentFactory(project=project, text=text)
    annotation = AnnotationFactory(document=document, author=owner, quote="soldiers")
    event = event_create(project=project, name=f"Strike on {project.slug}")
    facet = facet_create(event=event, name="Death toll", value_type="number")
    link = facet_link_create(annotation=annotation, facet=facet, author=owner, value="33")
    actor = facet_create(event=event, name="Perpetrator", value_type="actor")
    named = facet_link_create(annotation=annotation, facet=actor, author=owner, value="Syria")
    pending = PendingImport.objects.create(
        project=project,
        user=owner,
        kind="w3c",
        document=document,
        filename="empty.json",
        payload="[]",
    )
    token, _ = api_token_create(user=owner, name="laptop")
    return World(
        project=project,
        owner=owner,
        document=document,
        annotation=annotation,
        reply=reply_create(annotation=annotation, author=owner, text="Source?"),
        event=event,
        facet=facet,
        link=link,
        membership=project.memberships.get(user=member),
        pending=pending,
        token=token,
        entity=named.entity,
    )


SECRET = "Balyun secret"  # in alice's document only: it must never reach anyone else


@pytest.fixture
def worlds(alice, bob, carol, mallory, project, other_project):
    """Mallory's world first, then alice's, so their ids differ table by table."""
    helper = MembershipFactory(project=other_project, role=Role.VIEWER).user
    theirs = make_world(
        other_project, mallory, helper, text="Elsewhere, 12 soldiers were reported.\n"
    )
    ours = make_world(project, alice, carol, text=f"{SECRET}: 33 soldiers were killed.\n")
    assert ApiToken.objects.count() == 2
    return ours, theirs


# The object whose id a URL takes, by the path segment before the <int:pk>.
ID_SEGMENTS = {
    "documents": "document",
    "annotations": "annotation",
    "replies": "reply",
    "links": "link",
    "members": "membership",
    "events": "event",
    "facets": "facet",
    "entities": "entity",
    "import": "pending",
    "tokens": "token",
}


@dataclass(frozen=True)
class Route:
    name: str  # namespaced, for reverse()
    route: str  # the whole path pattern, e.g. "p/<slug:slug>/annotations/<int:pk>/"
    kwargs: tuple[str, ...]

    @property
    def target(self) -> str | None:
        """The kind of object its pk names (None when it takes no pk, or is new to us)."""
        if "key" in self.kwargs:  # the API's .../documents/<document>/annotations/<key>/
            return "annotation"
        if "pk" not in self.kwargs:
            return None
        before = self.route.split("<int:pk>")[0].rstrip("/").rsplit("/", 1)[-1]
        return ID_SEGMENTS.get(before)

    def url(self, *, slug: str = "", pk: int = 0) -> str:
        values = {"slug": slug, "pk": pk}
        return reverse(self.name, kwargs={name: values[name] for name in self.kwargs})


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            route = prefix + str(entry.pattern)
            kwargs = tuple(re.findall(r"<(?:\w+:)?(\w+)>", route))
            yield Route(f"{namespace}{entry.name}", route, kwargs)


def routes() -> list[Route]:
    """Every named URL of the site except the admin's, as the resolver has them now."""
    return sorted(set(_walk(get_resolver().url_patterns)), key=lambda r: r.name)


def project_routes() -> list[Route]:
    return [route for route in routes() if "slug" in route.kwargs]


# --- a project with a payload in every field ------------------------------------------


def label(what: str) -> str:
    """The payload with a label, so a page can be asked which field it shows."""
    return f"{what} {PAYLOAD}"


@pytest.fixture
def evil(project):
    """An annotator whose username is a payload: sign-up, the admin and imports refuse it
    now, but an account made before the rule may still have one."""
    user = UserFactory(username=SHORT_PAYLOAD, email="evil@example.org")
    MembershipFactory(project=project, user=user, role=Role.ANNOTATOR)
    return user


def fill_project(
    project,
    *,
    owner,
    author,
    label,
    quote: str,
    note: str,
    invitee: str,
    preview: dict,
    language: str = "en",
) -> dict:
    """`project` with `label(field)` in every field that has one, written through the
    services by `author` (an annotator) and `owner`, with `note` as notes and replies and
    an annotation on `quote`; the rows the tests open, by name."""
    Project.objects.filter(pk=project.pk).update(
        name=label("project"), description=label("description")
    )
    project.refresh_from_db()
    outlet = outlet_get_or_create(
        project=project, name=label("outlet"), perspective=label("perspective")
    )
    text = f"Intro line.\n{label('text')}\n33 soldiers were killed, officials said.\n"
    document = document_create(
        project=project,
        outlet=outlet,
        title=label("title"),
        text=text,
        origin=label("origin"),
        language=language,
        added_by=author,
    )
    start = text.index(quote)
    on_quote = annotation_create(
        document=document,
        author=author,
        kind="claim",
        start=start,
        end=start + len(quote),
        note=note,
    )
    start = text.index("33 soldiers")
    agreed = annotation_create(
        document=document, author=owner, kind="claim", start=start, end=start + 11, note=note
    )
    annotation_create(
        document=document, author=author, kind="opinion", start=start, end=start + 11, note=note
    )
    moderation_hide(item=agreed, reason=label("reason"), actor=owner)
    reply = reply_create(annotation=on_quote, author=author, text=note)
    hidden_reply = reply_create(annotation=agreed, author=author, text=note)
    moderation_hide(item=hidden_reply, reason=label("reply reason"), actor=owner)
    event = event_create(
        project=project,
        name=label("event"),
        description=label("event description"),
        place=label("place"),
    )
    facet = facet_create(event=event, name=label("facet"), value_type="text")
    link = facet_link_create(
        annotation=on_quote,
        facet=facet,
        author=author,
        value=label("value"),
        attribution=label("attribution"),
    )
    facet_link_create(
        annotation=agreed, facet=facet, author=owner, value=label("other value"), stance="denies"
    )
    trashed = annotation_create(
        document=document, author=author, kind="user_comment", start=0, end=5, note=note
    )
    annotation_delete(annotation=trashed, actor=author)
    token, _ = api_token_create(user=owner, name=label("token")[:100])
    pending = PendingImport.objects.create(
        project=project,
        user=owner,
        kind="bundle",
        filename=label("file"),
        payload="{}",
        preview=preview,
    )
    # An invitation from before invitees were held to the username rule (which now
    # refuses payloads and direction controls in a name): old rows still display.
    Invitation.objects.create(
        project=project,
        invitee=invitee,
        role="viewer",
        invited_by=owner,
        key_hash=hashlib.sha256(invitee.encode()).hexdigest(),
        expires=timezone.now() + datetime.timedelta(days=1),
    )
    return {
        "document": document,
        "annotation": on_quote,
        "reply": reply,
        "event": event,
        "facet": facet,
        "link": link,
        "entity": link.entity,
        "membership": project.memberships.get(user=author),
        "pending": pending,
        "token": token,
    }


@pytest.fixture
def hostile(project, alice, carol, evil):
    """Alice's project with a payload in every field that has one."""
    return fill_project(
        project,
        owner=alice,
        author=evil,
        label=label,
        quote=PAYLOAD,
        note=NOTE,
        invitee=INVITEE,
        language='"><b data-pwned>',
        preview={
            "counts": [[label("Count"), 1, 0]],
            "new_members": [f"{SHORT_PAYLOAD} (owner)"],
            "invitations": [f"{SHORT_PAYLOAD} (owner)"],
            "unknown_members": [f"{SHORT_PAYLOAD} (viewer)"],
            "credited": [SHORT_PAYLOAD],
        },
    )
