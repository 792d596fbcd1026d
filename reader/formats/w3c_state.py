"""Which version of a source a W3C target's selectors refer to: the one its TimeState
names (https://www.w3.org/TR/annotation-model/#time-state), read against the document's
versions, and the sourceDate Reader writes for a version (w3c.py writes it, w3c_read.py
reads annotations with it)."""

from __future__ import annotations

import datetime

from django.db import connection

from reader import anchoring
from reader.formats.checks import parse_moment
from reader.models import Document, DocumentVersion
from reader.selectors.versions import version_dates

# A target's TimeState names the version of the source its selectors refer to.
ERROR_STATE_TIME = "its target's TimeState has {name} “{value}”: {error}"
ERROR_STATE_NO_TIME = (
    "its target's TimeState gives no sourceDate (nor sourceDateStart and sourceDateEnd): "
    "Reader cannot tell which version of the source its selectors refer to"
)
ERROR_STATE_BEFORE = (
    "its target's TimeState names the source as it was at {moment}, before this document's "
    "first version ({first}): Reader does not have that text. Import the source's versions "
    "first (a project bundle carries them), or leave the state out to anchor it on the "
    "latest version"
)
ERROR_STATE_SPANS = (
    "its target's TimeState runs from {start} to {end}, over versions {first} to {last} of "
    "the source: it must name one version"
)


def exact_moment(moment: datetime.datetime | str) -> str:
    """xsd:dateTime in UTC with Z, to the microsecond when it has any: a version's
    sourceDate, which must tell apart two versions that came in within one second. From
    a time, or from the database's text of one in UTC."""
    if isinstance(moment, str):
        moment = datetime.datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    moment = moment.astimezone(datetime.UTC)
    spec = "microseconds" if moment.microsecond else "seconds"
    return moment.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


# The passage of a version's text around a span (SUBSTR counts characters, code points in
# SQLite and in PostgreSQL's UTF-8 alike, from 1), read in place of a whole text. No text
# is longer than either database stores one (a gigabyte): a span past that is in none.
MAX_TEXT_LENGTH = 1_000_000_000
_LATEST_PASSAGE = f"SELECT SUBSTR(text, %s, %s) FROM {Document._meta.db_table} WHERE id = %s"
_OLDER_PASSAGE = (
    f"SELECT SUBSTR(text, %s, %s) FROM {DocumentVersion._meta.db_table} "
    "WHERE document_id = %s AND number = %s"
)


class SourceVersions:
    """A document's versions as an import reads targets against them: when each came in,
    read once, and their texts, each read once when a target names it (the latest one too
    when the document was read without it: a quote at a position needs only `quote`)."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self._dates: dict[int, datetime.datetime] | None = None
        self._texts: dict[int, str] = {}
        self._quotes: dict[tuple[int, int, int], anchoring.Quote | None] = {}
        if "text" not in document.get_deferred_fields():
            self._texts[document.text_version] = document.text

    @property
    def latest(self) -> int:
        return self.document.text_version

    @property
    def dates(self) -> dict[int, datetime.datetime]:
        if self._dates is None:
            self._dates = version_dates(self.document)
        return self._dates

    def text(self, number: int) -> str:
        if number not in self._texts:
            if number == self.latest:
                self._texts[number] = self.document.text  # read now, if it was deferred
            else:
                self._texts[number] = DocumentVersion.objects.values_list("text", flat=True).get(
                    document=self.document, number=number
                )
        return self._texts[number]

    def quote(self, number: int, start: int, end: int) -> anchoring.Quote | None:
        """The quote at [start, end) of version `number` with its context, as
        anchoring.quote_for cuts it; None when the span is not in that text. A text not
        read yet is not read for it: one statement reads the passage (of a long source,
        a hundred characters rather than its 1.2 MB), once for each span asked."""
        if start < 0 or start >= end or end > MAX_TEXT_LENGTH:
            return None
        if number in self._texts:
            text = self._texts[number]
            return anchoring.quote_for(text, start, end) if end <= len(text) else None
        if (number, start, end) not in self._quotes:
            self._quotes[number, start, end] = self._read_quote(number, start, end)
        return self._quotes[number, start, end]

    def _read_quote(self, number: int, start: int, end: int) -> anchoring.Quote | None:
        first = max(0, start - anchoring.QUOTE_CONTEXT)
        size = end + anchoring.QUOTE_CONTEXT - first
        with connection.cursor() as cursor:
            if number == self.latest:
                cursor.execute(_LATEST_PASSAGE, [first + 1, size, self.document.pk])
            else:
                cursor.execute(_OLDER_PASSAGE, [first + 1, size, self.document.pk, number])
            row = cursor.fetchone()
        if row is None:  # gone since the document was read: as text() would find it
            raise (Document if number == self.latest else DocumentVersion).DoesNotExist
        passage = row[0]
        if len(passage) < end - first:  # the text ends before the span does
            return None
        return anchoring.Quote(
            exact=passage[start - first : end - first],
            prefix=passage[: start - first],
            suffix=passage[end - first :],
        )

    def in_effect(self, moment: datetime.datetime) -> int | None:
        """The version that names this moment exactly (as Reader writes a sourceDate), else
        the one in effect then: the latest to have come in by then (to the second, for a
        moment written to the second, as sourceDates often are); None before the first."""
        exact = [number for number, created in self.dates.items() if created == moment]
        if exact:
            return max(exact)
        whole = not moment.microsecond
        before = [
            number
            for number, created in self.dates.items()
            if (created.replace(microsecond=0) if whole else created) <= moment
        ]
        return max(before, default=None)


def _time_state(target) -> dict | None:
    if not isinstance(target, dict):
        return None
    states = target.get("state")
    for state in states if isinstance(states, list) else [states]:
        if isinstance(state, dict):
            named = state.get("type")
            if named == "TimeState" or (isinstance(named, list) and "TimeState" in named):
                return state
    return None


def _state_moment(state: dict, name: str) -> tuple[datetime.datetime | None, str | None]:
    value = state.get(name)
    if value is None:
        return None, None
    try:
        return parse_moment(value), None
    except ValueError as error:
        return None, ERROR_STATE_TIME.format(name=name, value=str(value)[:60], error=error)


def target_version(target, versions: SourceVersions) -> tuple[int, str | None]:
    """The version of the source a target's selectors refer to: the one its TimeState
    names (by sourceDate, or by a sourceDateStart and sourceDateEnd within one version),
    the latest when it has none; with what is wrong when the state names none."""
    state = _time_state(target)
    if state is None:
        return versions.latest, None
    moments = {}
    for name in ("sourceDate", "sourceDateStart", "sourceDateEnd"):
        moments[name], problem = _state_moment(state, name)
        if problem:
            return versions.latest, problem
    start, end = moments["sourceDateStart"], moments["sourceDateEnd"]
    moment = moments["sourceDate"] or start
    if moment is None or (start is None) != (end is None):
        return versions.latest, ERROR_STATE_NO_TIME
    number = versions.in_effect(moment)
    if number is None:
        first = min(versions.dates.values())
        return versions.latest, ERROR_STATE_BEFORE.format(
            moment=exact_moment(moment), first=exact_moment(first)
        )
    if moments["sourceDate"] is None and end is not None:
        last = versions.in_effect(end) or number
        if last != number:
            return versions.latest, ERROR_STATE_SPANS.format(
                start=exact_moment(moment), end=exact_moment(end), first=number, last=last
            )
    return number, None


def readers_state(target: dict, versions: SourceVersions, number: int) -> bool:
    """Whether a target's state is none, or exactly the TimeState Reader writes for the
    version it names (so that the target is Reader's own and written back as it is now)."""
    if "state" not in target:
        return True
    return target["state"] == {
        "type": "TimeState",
        "sourceDate": exact_moment(versions.dates[number]),
    }
