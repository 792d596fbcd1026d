"""One simulated annotator: a thread that creates, edits, deletes and reads its own
annotations through the W3C annotation API, and remembers every write the server
acknowledged. Used by bench/load.py and bench/faults.py.

A request that fails without an answer (or with a 5xx) may or may not have been written,
so an annotator never just sends it again: it looks first (the container, for a create's
marker; the annotation, for an edit) and resends only what is not there.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

KINDS = ("claim", "opinion", "user_comment")
W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
JSONLD = f'application/ld+json; profile="{W3C_CONTEXT}"'
# Every note starts with its annotation's marker, unique per create: a create that failed
# without an answer is looked for by it before being sent again, and the final check
# counts rows per marker to find duplicates.
MARKER = re.compile(r"\[(load\d+-\d+)\]")
REQUEST_TIMEOUT_S = 60
# How often each operation is chosen; a read GETs one's own annotation and checks its ETag.
MIX = {"create": 35, "edit": 35, "delete": 20, "read": 10}
# With facets given (load.py --links), this share of creates link the annotation to one or
# two event facets (in random order, so a body's events are not in id order), and edits
# keep, change or drop those links.
LINK_SHARE = 0.6


# --- HTTP ------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int  # 0: no HTTP answer at all (connection refused, reset, closed, timed out)
    headers: dict[str, str]
    body: bytes
    error: str = ""

    @property
    def failed(self) -> bool:
        """No answer, or the server's fault: the write may or may not have happened."""
        return self.status == 0 or self.status >= 500

    @property
    def outcome(self) -> str:
        return self.error or str(self.status)

    def json(self):
        return json.loads(self.body)


@dataclass
class Sample:
    operation: str
    started: float  # time.monotonic()
    seconds: float
    outcome: str  # the HTTP status, or the name of the error that stopped the request


class Api:
    """One annotator's HTTP client: a new connection per request (gunicorn's sync workers
    close each one anyway), every request timed."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.auth = {"Authorization": f"Bearer {token}"}
        self.samples: list[Sample] = []
        self.locked_bodies = 0  # responses that said "database is locked"

    def send(self, operation: str, method: str, path: str, body=None, headers=None) -> Reply:
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {**self.auth, **(headers or {})}
        if data is not None:
            headers["Content-Type"] = JSONLD
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT_S)
        started = time.monotonic()
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            reply = Reply(
                response.status,
                {name.lower(): value for name, value in response.getheaders()},
                response.read(),
            )
        except (OSError, http.client.HTTPException) as error:
            reply = Reply(0, {}, b"", error=type(error).__name__)
        finally:
            connection.close()
        self.samples.append(Sample(operation, started, time.monotonic() - started, reply.outcome))
        if b"database is locked" in reply.body:
            self.locked_bodies += 1
        return reply


def backoff(attempt: int, rng: random.Random) -> None:
    """Wait before a retry: short and jittered, so 50 clients do not retry in step, and
    capped at 1 s so the figures show when service came back."""
    time.sleep(min(1.0, 0.05 * 2**attempt) * rng.uniform(0.5, 1.0))


class GiveUp(Exception):
    """The grace period ran out while an operation was still failing."""


# --- What an annotator knows ---------------------------------------------------------------


@dataclass
class Document:
    pk: int
    container: str  # the API path of its annotations
    text: str


@dataclass
class FacetName:
    """An event facet as a linking body names it."""

    event: str
    facet: str
    value_type: str


@dataclass
class Known:
    """One of the annotator's annotations, as the server last acknowledged it."""

    marker: str
    pk: int
    path: str
    document: Document
    span: tuple[int, int]
    kind: str
    note: str
    etag: str
    edits: int = 0  # edits applied: the row's version should be 1 + edits
    links: list[dict] = field(default_factory=list)  # the linking bodies last sent


@dataclass
class Ledger:
    """Everything one annotator was told, to check against the database afterwards."""

    username: str
    live: dict[str, Known] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)  # marker -> annotation id
    # Operations whose outcome is still unknown when the grace period ends.
    unsettled: set[str] = field(default_factory=set)
    acknowledged: Counter = field(default_factory=Counter)  # create / edit / delete
    # Writes that failed (no answer, or a 5xx), then were found done when checked.
    found_done: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)


# --- The annotator ---------------------------------------------------------------------


def annotation_body(
    document: Document, span: tuple[int, int], kind: str, note: str, links=()
) -> dict:
    """A W3C annotation as the API reads it (reader/formats/w3c.py read_annotation), with
    linking bodies if given."""
    start, end = span
    return {
        "@context": W3C_CONTEXT,
        "type": "Annotation",
        "body": [
            {"type": "TextualBody", "purpose": "tagging", "value": kind},
            {"type": "TextualBody", "purpose": "commenting", "value": note},
            *links,
        ],
        "target": {
            "source": document.container,
            "selector": [
                {"type": "TextQuoteSelector", "exact": document.text[start:end]},
                {"type": "TextPositionSelector", "start": start, "end": end},
            ],
        },
    }


def linking_bodies(facets: list[FacetName], quote: str, rng: random.Random) -> list[dict]:
    """One or two links to the facets, in random order, with a value the source could give."""
    chosen = rng.sample(facets, k=min(len(facets), rng.choice((1, 2))))
    word = re.sub(r"\W+", " ", quote).strip().split(" ")[0] or "Balyun"
    return [
        {
            "type": "SpecificResource",
            "purpose": "linking",
            "source": "load",
            "event": facet.event,
            "facet": facet.facet,
            "facetValue": str(rng.randint(1, 99)) if facet.value_type == "number" else word,
        }
        for facet in chosen
    ]


def random_span(text: str, rng: random.Random) -> tuple[int, int]:
    """One to eight whole words: a quote that NFC leaves as it is, as a browser would send."""
    words = [match.span() for match in re.finditer(r"\S+", text)]
    while True:
        first = rng.randrange(len(words))
        last = min(len(words) - 1, first + rng.randrange(8))
        start, end = words[first][0], words[last][1]
        if unicodedata.normalize("NFC", text[start:end]) == text[start:end]:
            return start, end


def path_of(iri: str) -> str:
    return urlsplit(iri).path


def note_of(item: dict) -> str:
    notes = [b.get("value", "") for b in item.get("body", []) if b.get("purpose") == "commenting"]
    return "\n\n".join(notes)


def kind_of(item: dict) -> str:
    return next(b["value"] for b in item.get("body", []) if b.get("purpose") == "tagging")


class Annotator:
    def __init__(
        self,
        index: int,
        username: str,
        token: str,
        port: int,
        documents: list[Document],
        facets: list[FacetName] | None = None,
        think: float = 0.0,
    ) -> None:
        self.username = username
        self.think = think  # mean seconds between two operations (0: back to back)
        self.facets = facets or []
        self.api = Api(port, token)
        self.documents = documents
        self.rng = random.Random(index)  # the same choices on every run
        self.ledger = Ledger(username)
        self.created = 0
        self.give_up_at = 0.0

    def run(self, stop_at: float, give_up_at: float) -> None:
        """Operations until `stop_at`, back to back or `think` seconds apart on average (a
        random pause before each, the first too, so that the annotators neither start at
        the same instant nor fall into step); the last may retry until `give_up_at`."""
        self.give_up_at = give_up_at
        while time.monotonic() < stop_at:
            if self.think:
                pause = self.rng.expovariate(1 / self.think)
                time.sleep(max(0.0, min(pause, stop_at - time.monotonic())))
                if time.monotonic() >= stop_at:
                    break
            operation = self.rng.choices(list(MIX), weights=list(MIX.values()))[0]
            if operation != "create" and not self.ledger.live:
                operation = "create"
            getattr(self, operation)()

    # Each operation sends its request until it gets an answer that settles it. A failure
    # without an answer (or a 5xx) may or may not have been written: look before resending.

    def answered(self, operation: str, method: str, path: str, **kwargs) -> Reply:
        """Send until the server answers without a 5xx; GiveUp after the grace period."""
        attempt = 0
        while True:
            reply = self.api.send(operation, method, path, **kwargs)
            if not reply.failed:
                return reply
            if time.monotonic() > self.give_up_at:
                raise GiveUp
            backoff(attempt, self.rng)
            attempt += 1

    def create(self) -> None:
        self.created += 1
        marker = f"{self.username}-{self.created:04d}"
        document = self.rng.choice(self.documents)
        span = random_span(document.text, self.rng)
        kind, note = self.rng.choice(KINDS), f"[{marker}] created by {self.username}"
        links = self.links_for(document.text[span[0] : span[1]])
        body = annotation_body(document, span, kind, note, links)
        attempt = 0
        try:
            while True:
                reply = self.api.send("create", "POST", document.container, body=body)
                if reply.status == 201:
                    self.remember(marker, document, span, reply.json(), reply.headers["etag"])
                    self.ledger.live[marker].links = links
                    self.ledger.acknowledged["create"] += 1
                    return
                if not reply.failed:
                    self.unexpected("create", reply)
                    return
                if time.monotonic() > self.give_up_at:
                    raise GiveUp
                backoff(attempt, self.rng)
                attempt += 1
                found = self.find(document, marker)
                if found is not None:
                    self.remember(marker, document, span, *found)
                    self.ledger.live[marker].links = links
                    self.ledger.found_done["create"] += 1
                    return
        except GiveUp:
            self.ledger.unsettled.add(marker)

    def links_for(self, quote: str) -> list[dict]:
        if not self.facets or self.rng.random() >= LINK_SHARE:
            return []
        return linking_bodies(self.facets, quote, self.rng)

    def find(self, document: Document, marker: str) -> tuple[dict, str] | None:
        """The annotation with this marker, and its ETag, or None. The container is read
        twice: while others write, a page boundary can shift under one walk and hide an
        item; two walks that both miss it are very unlikely (and the final check would
        still count a duplicate)."""
        for _ in range(2):
            page = 0
            while True:
                reply = self.answered("find", "GET", f"{document.container}?page={page}")
                if reply.status != 200:
                    break  # past the last page (404): the container shrank meanwhile
                data = reply.json()
                for item in data["items"]:
                    if note_of(item).startswith(f"[{marker}]"):
                        current = self.answered("find", "GET", path_of(item["id"]))
                        return current.json(), current.headers["etag"]
                if "next" not in data:
                    break
                page += 1
        return None

    def remember(self, marker, document, span, item: dict, etag: str) -> None:
        self.ledger.live[marker] = Known(
            marker=marker,
            pk=int(path_of(item["id"]).rstrip("/").rsplit("/", 1)[1]),
            path=path_of(item["id"]),
            document=document,
            span=span,
            kind=kind_of(item),
            note=note_of(item),
            etag=etag,
        )

    def edit(self) -> None:
        known = self.rng.choice(list(self.ledger.live.values()))
        kind = self.rng.choice(KINDS)
        note = f"[{known.marker}] edit {known.edits + 1} by {self.username}"
        links = known.links
        if self.facets and self.rng.random() < 0.5:  # new links, or none, instead
            links = self.links_for(known.document.text[known.span[0] : known.span[1]])
        body = annotation_body(known.document, known.span, kind, note, links)
        attempt = 0
        try:
            while True:
                reply = self.api.send(
                    "edit", "PUT", known.path, body=body, headers={"If-Match": known.etag}
                )
                if reply.status == 200:
                    self.edited(known, kind, note, reply.headers["etag"], "acknowledged")
                    known.links = links
                    return
                if reply.status == 412:
                    # Only this annotator edits it, and it checks after every failure before
                    # sending again: its last ETag should never be stale. Find out why.
                    self.unexpected("edit", reply)
                elif not reply.failed:
                    self.unexpected("edit", reply)
                    return
                elif time.monotonic() > self.give_up_at:
                    raise GiveUp
                else:
                    backoff(attempt, self.rng)
                    attempt += 1
                # Did the PUT that failed change it after all?
                current = self.answered("edit-check", "GET", known.path)
                if current.status != 200:
                    self.unexpected("edit-check", current)
                    return
                item = current.json()
                if (note_of(item), kind_of(item)) == (note, kind):
                    self.edited(known, kind, note, current.headers["etag"], "found_done")
                    known.links = links
                    return
                known.etag = current.headers["etag"]
        except GiveUp:
            self.settle_later(known)

    def edited(self, known: Known, kind: str, note: str, etag: str, how: str) -> None:
        known.kind, known.note, known.etag = kind, note, etag
        known.edits += 1
        getattr(self.ledger, how)["edit"] += 1

    def delete(self) -> None:
        known = self.rng.choice(list(self.ledger.live.values()))
        attempt = 0
        try:
            while True:
                reply = self.api.send(
                    "delete", "DELETE", known.path, headers={"If-Match": known.etag}
                )
                if reply.status == 204 or (reply.status == 404 and attempt):
                    # A 404 after a failed attempt: that attempt deleted it.
                    self.ledger.live.pop(known.marker)
                    self.ledger.deleted[known.marker] = known.pk
                    how = (
                        self.ledger.acknowledged if reply.status == 204 else self.ledger.found_done
                    )
                    how["delete"] += 1
                    return
                if not reply.failed:
                    self.unexpected("delete", reply)
                    return
                if time.monotonic() > self.give_up_at:
                    raise GiveUp
                backoff(attempt, self.rng)
                attempt += 1
        except GiveUp:
            self.settle_later(known)

    def read(self) -> None:
        """GET one's own annotation: its ETag must be the last one acknowledged, or a write
        was lost (or one happened that nobody acknowledged)."""
        known = self.rng.choice(list(self.ledger.live.values()))
        reply = self.api.send("read", "GET", known.path)
        if reply.status == 200 and reply.headers["etag"] != known.etag:
            self.ledger.problems.append(
                f"{known.marker}: read ETag {reply.headers['etag']}, last acknowledged {known.etag}"
            )
        elif not reply.failed and reply.status != 200:
            self.unexpected("read", reply)

    def settle_later(self, known: Known) -> None:
        self.ledger.live.pop(known.marker, None)
        self.ledger.unsettled.add(known.marker)

    def unexpected(self, operation: str, reply: Reply) -> None:
        self.ledger.problems.append(
            f"{self.username} {operation}: unexpected {reply.status}: {reply.body[:200]!r}"
        )
