"""Days as sources write them ("27 February 2020", "Thursday", "late Thursday", "yesterday",
"last night", "on Feb. 27", "early Friday"), resolved against the day the text was written
(its published date, or the claim's time on a live page). Pure functions, no Django.

Relative words, weekdays and parts of the day are read here; every other way of writing a
date, in any language the document may be in, by dateparser (`get_date_data`, whose period
says whether "February 2020" is a month or a day). A weekday names the latest such day on
or before the day of writing ("Thursday" in a piece of Friday 28 February 2020 is the 27th;
in a piece of Thursday the 27th, that day itself). Without a day of writing, only a date
with its year resolves.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import re
from dataclasses import dataclass

MINUTES_PER_DAY = 24 * 60
PARSE_LIMIT = 200

# Parts of a day, in minutes from its start; a night runs into the next morning.
PARTS_OF_DAY = {
    "early": (0, 8 * 60),
    "late": (18 * 60, 24 * 60),
    "morning": (6 * 60, 12 * 60),
    "midday": (11 * 60, 13 * 60),
    "noon": (11 * 60, 13 * 60),
    "afternoon": (12 * 60, 18 * 60),
    "evening": (18 * 60, 23 * 60),
    "night": (20 * 60, 30 * 60),
}
# Relative words: (days from the day of writing, part of that day or None).
RELATIVE = {
    "last night": (-1, "night"),
    "overnight": (-1, "night"),
    "tonight": (0, "night"),
    "this morning": (0, "morning"),
    "this afternoon": (0, "afternoon"),
    "this evening": (0, "evening"),
    "the day before": (-1, None),
    "the previous day": (-1, None),
    "yesterday": (-1, None),
    "today": (0, None),
    "tomorrow": (1, None),
}
WEEKDAYS = {
    name: number
    for number, names in enumerate(
        [
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        ]
    )
    for name in names
}
_PART = r"(?P<{name}>early|late|mid|" + "|".join(PARTS_OF_DAY) + r")"
_WEEKDAY = re.compile(
    r"\b(?:" + _PART.format(name="before") + r"\s+(?:on\s+)?)?"
    r"(?P<weekday>" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")\b\.?"
    r"(?:\s+" + _PART.format(name="after") + r")?",
    re.IGNORECASE,
)
_RELATIVE = re.compile(
    r"\b(?:(?P<before>early|late)\s+)?(?P<word>"
    + "|".join(re.escape(word) for word in RELATIVE)
    + r")\b(?:\s+(?P<after>morning|afternoon|evening|night))?",
    re.IGNORECASE,
)
_MONTHS = "|".join(
    sorted(
        {name.lower() for name in [*calendar.month_name[1:], *calendar.month_abbr[1:]]},
        key=len,
        reverse=True,
    )
)
# "27-28 February 2020", "27 to 28 Feb."
_DAY_RANGE = re.compile(
    rf"\b(?P<first>\d{{1,2}})\s*(?:-|–|to)\s*(?P<last>\d{{1,2}})\s+(?P<month>{_MONTHS})\.?"
    r"(?:\s+(?P<year>\d{4}))?",
    re.IGNORECASE,
)
# Something dateparser can read as a date: a month name, or digits written as a date.
_DATE_LIKE = re.compile(
    rf"\b(?:{_MONTHS})\b|\b\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{1,4}}\b|[^\W\d_]{{3,}}", re.IGNORECASE
)
_YEAR = re.compile(r"\b\d{4}\b")


@dataclass(frozen=True)
class Day:
    """A day or a run of days, with the part of the day the text names, if any."""

    first: datetime.date
    last: datetime.date
    part: str | None = None

    def minutes(self) -> tuple[float, float]:
        """Its span in minutes from day 0 of the calendar (date.toordinal)."""
        start = self.first.toordinal() * MINUTES_PER_DAY
        if self.part:
            low, high = PARTS_OF_DAY[self.part]
            return start + low, start + high
        return start, (self.last.toordinal() + 1) * MINUTES_PER_DAY


def _part(*words: str | None) -> str | None:
    for word in words:
        if word and word.lower() in PARTS_OF_DAY:
            return word.lower()
        if word and word.lower() == "mid":
            return "midday"
    return None


def _base_day(base: datetime.date | datetime.datetime | None) -> datetime.date | None:
    if isinstance(base, datetime.datetime):
        return base.date()
    return base


@functools.cache
def _date_parser(language: str):
    """dateparser for the document's language (English when dateparser lacks it)."""
    from dateparser.date import DateDataParser  # type: ignore[import-untyped]
    from dateparser.languages.loader import LocaleDataLoader  # type: ignore[import-untyped]

    known = set(LocaleDataLoader().get_locale_map(languages=None))
    return DateDataParser(
        languages=[language] if language in known else ["en"],
        settings={"PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["year"]},
    )


def _dateparser_day(text: str, base: datetime.date | None, language: str) -> Day | None:
    """Any other way of writing a date, through dateparser: a year missing from the text
    is the year of writing's ("Feb. 27" in a piece of 28 February 2020)."""
    if not _DATE_LIKE.search(text):
        return None
    has_year = bool(_YEAR.search(text))
    if not has_year:
        if base is None:
            return None
        text = f"{text} {base.year}"
    try:
        data = _date_parser(language).get_date_data(text)
    except (ValueError, OverflowError):
        return None
    if data.date_obj is None:
        return None
    day = data.date_obj.date()
    if not has_year and base is not None and day > base:
        day = day.replace(year=day.year - 1)  # "Dec. 30" written in January
    if data.period == "month":
        last = calendar.monthrange(day.year, day.month)[1]
        return Day(day.replace(day=1), day.replace(day=last))
    if data.period == "year":
        return Day(datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31))
    return Day(day, day)


def read_day(
    written: str, *, base: datetime.date | datetime.datetime | None, language: str = "en"
) -> Day | None:
    """The day (or days) a text names, resolved against `base`, the day of writing."""
    text = " ".join(written[:PARSE_LIMIT].split())
    today = _base_day(base)
    if found := _RELATIVE.search(text):
        if today is None:
            return None
        offset, part = RELATIVE[found["word"].lower()]
        day = today + datetime.timedelta(days=offset)
        return Day(day, day, _part(found["before"], found["after"]) or part)
    if found := _WEEKDAY.search(text):
        if today is None:
            return None
        back = (today.weekday() - WEEKDAYS[found["weekday"].lower()]) % 7
        day = today - datetime.timedelta(days=back)
        return Day(day, day, _part(found["before"], found["after"]))
    if found := _DAY_RANGE.search(text):
        year = int(found["year"]) if found["year"] else today.year if today else None
        month = _month_number(found["month"])
        if year is not None and month is not None:
            try:
                first = datetime.date(year, month, int(found["first"]))
                last = datetime.date(year, month, int(found["last"]))
            except ValueError:
                return None
            return Day(first, last) if first <= last else None
    words = re.sub(r"\b(early|late|mid)\b", " ", text, flags=re.IGNORECASE)
    parsed = _dateparser_day(words.strip(" ,.;"), today, language)
    if parsed is None:
        return None
    named = re.search(r"\b(early|late)\b", text, re.IGNORECASE)
    part = _part(named[1]) if named and parsed.first == parsed.last else None
    return Day(parsed.first, parsed.last, part)


def _month_number(name: str) -> int | None:
    name = name.lower().rstrip(".")
    for number in range(1, 13):
        if name in (calendar.month_name[number].lower(), calendar.month_abbr[number].lower()):
            return number
    return None


def part_of_day(written: str) -> tuple[int, int] | None:
    """A part of the day named without a day ("late Thursday" with no date to resolve the
    Thursday against): its minutes of the day."""
    found = re.search(r"\b(early|late|" + "|".join(PARTS_OF_DAY) + r")\b", written, re.I)
    return PARTS_OF_DAY[found[1].lower()] if found else None


def day_label(ordinal: float) -> str:
    """A day number as a date: 737482 is "27 Feb 2020"."""
    return datetime.date.fromordinal(int(ordinal)).strftime("%-d %b %Y")


def minutes_label(minutes: float, *, dated: bool) -> str:
    """Minutes of a day ("22:00"), or from day 0 of the calendar ("27 Feb 22:00")."""
    if not dated:
        hours, rest = divmod(int(minutes) % (MINUTES_PER_DAY + 1), 60)
        return f"{hours:02d}:{rest:02d}"
    day, rest = divmod(int(minutes), MINUTES_PER_DAY)
    hours, minute = divmod(rest, 60)
    return f"{datetime.date.fromordinal(day).strftime('%-d %b')} {hours:02d}:{minute:02d}"
