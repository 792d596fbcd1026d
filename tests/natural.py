"""A fixture of the five seed texts whose facet links use the wordings the texts themselves
use ("Syrian government troops", "the Behun area", "late Thursday", "Some 33 Turkish
soldiers"), not canonical ones, built through the services like real work. Each facet has
the verdict an analyst would give it (ANALYST), against which the engine is measured:
tests/test_natural.py asserts every facet's verdict and every group.

Used by the tests and by bench/natural_before_after.py, which also runs it against older
code: so it uses only services that have long existed, and names the date facet's value
type through `date_type`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from reader.models import Event, Project
from reader.services.documents import annotation_create, document_create, outlet_get_or_create
from reader.services.events import event_create, facet_create, facet_link_create

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
UTC = datetime.UTC

WIKIPEDIA, BLOG, SPUTNIK, SLATE, NEW_ARAB = "000", "001", "003", "004", "002"
SOURCES = {
    # file prefix: (outlet, kind of outlet, published)
    WIKIPEDIA: ("Wikipedia", "encyclopedia", None),
    BLOG: ("the blog", "blog", datetime.date(2020, 2, 28)),
    SPUTNIK: ("Sputnik", "state_media", datetime.date(2020, 2, 27)),
    SLATE: ("Slate", "news", datetime.date(2020, 2, 27)),
    NEW_ARAB: ("The New Arab", "news", datetime.date(2020, 2, 20)),
}
BALYUN, QAMINAS = "2020 Balyun airstrikes", "20 February 2020 strike near Qaminas"
FACETS = {
    BALYUN: [
        ("Death toll", "number"),
        ("Wounded", "number"),
        ("Perpetrator", "actor"),
        ("Time of strike", "time"),
        ("Date", "date"),
        ("Place", "place"),
        ("Turkey told Russia where its troops were", "text"),
        ("Syrian forces killed in retaliation", "number"),
    ],
    QAMINAS: [
        ("Death toll", "number"),
        ("Wounded", "number"),
        ("Perpetrator", "actor"),
        ("Place", "place"),
    ],
}


def at(day: int, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime(2020, 2, day, hour, minute, tzinfo=UTC)


@dataclass(frozen=True)
class Link:
    source: str
    quote: str  # exactly as in the text (its first occurrence)
    event: str
    facet: str
    value: str  # as the source words it
    attribution: str = ""
    stance: str = "asserts"
    kind: str = "claim"
    claimed_at: datetime.datetime | None = None


LINKS = [
    # --- Death toll: 33 (four sources) against 34 (Erdoğan) against 50-70 / at least 36.
    Link(WIKIPEDIA, "33–34 soldiers killed", BALYUN, "Death toll", "33–34 soldiers killed",
         "Turkey & SOHR", "reports"),
    Link(WIKIPEDIA, "50–70 soldiers killed", BALYUN, "Death toll", "50–70 soldiers killed",
         "other sources close to Turkey", "reports"),
    Link(WIKIPEDIA, "the loss of 34 Turkish soldiers", BALYUN, "Death toll",
         "34 Turkish soldiers", "Turkish President Recep Tayyip Erdoğan", "reports"),
    Link(WIKIPEDIA, "the Turkish Ministry of National Defense announced 33 deaths", BALYUN,
         "Death toll", "33 deaths", "the Turkish Ministry of National Defense", "reports"),
    Link(WIKIPEDIA, "ranging from 50 to 70 dead", BALYUN, "Death toll",
         "ranging from 50 to 70 dead", "alternative sources", "reports"),
    Link(BLOG, "33 Turkish soldiers were killed in an airstrike", BALYUN, "Death toll",
         "33 Turkish soldiers"),
    # Untimed, marked as earlier: the blog's own trail (9 -> 33), not a dispute.
    Link(BLOG, "Initially, the number was 9", BALYUN, "Death toll", "9"),
    Link(SPUTNIK, "Some 33 Turkish soldiers have been killed", BALYUN, "Death toll",
         "Some 33 Turkish soldiers", "Rahmi Dogan, the governor of the Hatay province",
         "reports"),
    Link(SPUTNIK, "Initially, Dogan said that the airstrike killed nine", BALYUN, "Death toll",
         "nine", "Dogan", "reports"),
    Link(SPUTNIK, "22 Turkish Servicemen Killed", BALYUN, "Death toll", "22 Turkish Servicemen",
         "Hatay Governor", "reports", claimed_at=at(27, 21, 38)),
    Link(SPUTNIK, "29 Turkish Servicemen Killed", BALYUN, "Death toll", "29 Turkish Servicemen",
         "Hatay Governor", "reports", claimed_at=at(27, 23, 6)),
    Link(SPUTNIK, "33 Turkish Servicemen Killed", BALYUN, "Death toll", "33 Turkish Servicemen",
         "Hatay Governor", "reports", claimed_at=at(28, 0, 47)),
    Link(SLATE, "killing at least 36", BALYUN, "Death toll", "killing at least 36"),
    Link(SLATE, "Dozens of Turkish Troops", BALYUN, "Death toll", "Dozens of Turkish Troops"),
    # An opinion and a commenter's figure are shown, not counted.
    Link(BLOG, "With a single strike, Turkish KIA in its Idlib incursion more than doubled",
         BALYUN, "Death toll", "more than doubled", kind="opinion"),
    # --- Wounded: one agreeing group.
    Link(WIKIPEDIA, "36–60 wounded", BALYUN, "Wounded", "36–60 wounded"),
    Link(WIKIPEDIA, "an estimated 36 to 60 soldiers", BALYUN, "Wounded",
         "an estimated 36 to 60 soldiers"),
    Link(SPUTNIK, "A total of 36 soldiers were wounded", BALYUN, "Wounded",
         "A total of 36 soldiers were wounded", "Dogan", "reports", claimed_at=at(27, 23, 6)),
    # --- Perpetrator: Syria against Russia; Russia's denials contradict the Russia group.
    Link(WIKIPEDIA, "Syrian Air Force, (denied by Russia)", BALYUN, "Perpetrator",
         "Syrian Air Force"),
    Link(WIKIPEDIA, "denied by Russia", BALYUN, "Perpetrator", "Russia", "Russia", "denies"),
    Link(WIKIPEDIA, "allegedly the Russian Air Force", BALYUN, "Perpetrator",
         "the Russian Air Force", "", "reports"),
    Link(WIKIPEDIA, "the Russian government denied it carried out airstrikes in the area",
         BALYUN, "Perpetrator", "Russia", "the Russian government", "denies"),
    Link(BLOG, "deny Russian aircraft were involved", BALYUN, "Perpetrator", "Russian aircraft",
         "the Russian Ministry of Defense", "denies"),
    Link(BLOG, "they claim it was Syrian “shelling”", BALYUN, "Perpetrator", "Syrian",
         "the Russian Ministry of Defense", "reports"),
    Link(BLOG, "very likely the Russians", BALYUN, "Perpetrator", "the Russians",
         kind="opinion"),
    Link(BLOG, "Russian revenge, to paraphrase a famous Star Trek saying", BALYUN,
         "Perpetrator", "Russian", "commenter David Chu", kind="user_comment"),
    Link(SPUTNIK, "when Syrian government troops responded to the attack", BALYUN,
         "Perpetrator", "Syrian government troops", "the Russian Defence Ministry", "reports"),
    Link(SPUTNIK, "“Russian Aerospace Forces have not used aviation in the area of Behun”",
         BALYUN, "Perpetrator", "Russian Aerospace Forces", "the Russian Defence Ministry",
         "denies", claimed_at=at(28, 5, 51)),
    Link(SLATE, "carried out by Syrian government forces", BALYUN, "Perpetrator",
         "Syrian government forces", "Turkish officials", "reports"),
    Link(SLATE, "Russian jets have been largely carrying out most of the recent airstrikes",
         BALYUN, "Perpetrator", "Russian jets", "the Washington Post", "reports"),
    # --- Time of strike: about 5 p.m. against 10-11 p.m. (which late Thursday agrees with).
    Link(WIKIPEDIA, "At around 5 p.m.", BALYUN, "Time of strike", "At around 5 p.m."),
    Link(BLOG, "yesterday at around 10-11pm local time", BALYUN, "Time of strike",
         "yesterday at around 10-11pm local time"),
    Link(SLATE, "late Thursday", BALYUN, "Time of strike", "late Thursday"),
    # --- Date: one day, written four ways.
    Link(WIKIPEDIA, "27 February 2020", BALYUN, "Date", "27 February 2020"),
    Link(BLOG, "killed in an airstrike yesterday", BALYUN, "Date", "yesterday"),
    Link(SPUTNIK, "worsened sharply on Thursday", BALYUN, "Date", "on Thursday",
         claimed_at=at(28, 2, 53)),
    Link(SLATE, "An airstrike in northwestern Syria late Thursday", BALYUN, "Date",
         "late Thursday"),
    # --- Place: Balyun, and two spellings of it proposed as variants, never merged.
    Link(WIKIPEDIA, "Balyun, Idlib Governorate, Syria", BALYUN, "Place",
         "Balyun, Idlib Governorate, Syria"),
    Link(WIKIPEDIA, "the road between al-Bara and Balyun", BALYUN, "Place", "Balyun"),
    Link(WIKIPEDIA, "the 2020 Baylun incident", BALYUN, "Place", "Baylun"),
    Link(BLOG, "at a place called Balyun", BALYUN, "Place", "a place called Balyun"),
    Link(BLOG, "there were no Turkish troops in the Behun area", BALYUN, "Place",
         "the Behun area", "the Defense Ministry", "reports"),
    Link(SPUTNIK, "in the area around the settlement of Behun", BALYUN, "Place",
         "the area around the settlement of Behun", "the Russian Defence Ministry", "reports"),
    # --- Whether Turkey had told Russia: Turkey says so, Russia denies it.
    Link(WIKIPEDIA, "the Russian military had already been notified of Turkish troop locations",
         BALYUN, "Turkey told Russia where its troops were", "notified of Turkish troop locations",
         "The Turkish government", "reports"),
    Link(WIKIPEDIA, "Turkey failed to notify it about the soldiers' presence in advance",
         BALYUN, "Turkey told Russia where its troops were", "notified of Turkish troop locations",
         "the Russian government", "denies"),
    # --- Syrian forces killed in Turkey's retaliation: independent estimates against Turkey's.
    Link(WIKIPEDIA, "approximately 197 to 405 Syrian forces", BALYUN,
         "Syrian forces killed in retaliation", "approximately 197 to 405 Syrian forces",
         "independent estimates", "reports"),
    Link(WIKIPEDIA, "the Syrian forces' casualties amounted to 3,138", BALYUN,
         "Syrian forces killed in retaliation", "3,138", "the Turkish Defense Ministry",
         "reports"),
    Link(BLOG, "official claims of having killed hundreds of Syrian soldiers", BALYUN,
         "Syrian forces killed in retaliation", "hundreds of Syrian soldiers",
         "Turkey’s pro-government TV stations", "reports"),
    # --- The other event: New Arab's 20 February strike near Qaminas.
    Link(NEW_ARAB, "Two Turkish soldiers were killed", QAMINAS, "Death toll",
         "Two Turkish soldiers"),
    Link(NEW_ARAB, "two of its soldiers were killed and five wounded", QAMINAS, "Wounded",
         "five wounded", "Turkey's defence ministry", "reports"),
    Link(NEW_ARAB, "attributed to the Syrian regime", QAMINAS, "Perpetrator",
         "the Syrian regime", "Turkey", "reports"),
    Link(NEW_ARAB, "the strikes on Turkish forces were carried out by the Syrian regime forces",
         QAMINAS, "Perpetrator", "the Syrian regime forces", "Fahrettin Altun", "reports"),
    Link(NEW_ARAB, "the jet that carried out the strike was Russian", QAMINAS, "Perpetrator",
         "Russian", "activists on the ground", "reports"),
    Link(NEW_ARAB, "thought to have hit Qaminas, near Idlib city", QAMINAS, "Place",
         "Qaminas, near Idlib city", "", "reports"),
]  # fmt: skip

# What an analyst reading the five texts calls each facet: disputed (a real disagreement
# between what sources claim) or not (they claim the same thing, or only one says it).
ANALYST = {
    (BALYUN, "Death toll"): True,
    (BALYUN, "Wounded"): False,
    (BALYUN, "Perpetrator"): True,
    (BALYUN, "Time of strike"): True,
    (BALYUN, "Date"): False,
    (BALYUN, "Place"): False,
    (BALYUN, "Turkey told Russia where its troops were"): True,
    (BALYUN, "Syrian forces killed in retaliation"): True,
    (QAMINAS, "Death toll"): False,
    (QAMINAS, "Wounded"): False,
    (QAMINAS, "Perpetrator"): True,
    (QAMINAS, "Place"): False,
}


def build(*, project: Project, author, date_type: str = "date") -> dict[str, Event]:
    """The five seed texts in `project`, with every link of LINKS made through the services
    by `author`; returns the events by name."""
    documents = {}
    for path in sorted(SEEDS.glob("*.txt")):
        outlet_name, outlet_kind, published = SOURCES[path.name[:3]]
        outlet = outlet_get_or_create(project=project, name=outlet_name, kind=outlet_kind)
        documents[path.name[:3]] = document_create(
            project=project,
            outlet=outlet,
            title=path.read_text(encoding="utf-8").strip().splitlines()[0].strip("= ")[:200],
            text=path.read_text(encoding="utf-8"),
            published=published,
            origin=path.name,
        )
    events, facets = {}, {}
    for name, specs in FACETS.items():
        events[name] = event_create(project=project, name=name)
        for facet_name, value_type in specs:
            value_type = date_type if value_type == "date" else value_type
            facets[(name, facet_name)] = facet_create(
                event=events[name], name=facet_name, value_type=value_type
            )
    for link in LINKS:
        document = documents[link.source]
        start = document.text.index(link.quote)
        annotation = annotation_create(
            document=document,
            author=author,
            kind=link.kind,
            start=start,
            end=start + len(link.quote),
        )
        facet_link_create(
            annotation=annotation,
            facet=facets[(link.event, link.facet)],
            author=author,
            value=link.value,
            attribution=link.attribution,
            stance=link.stance,
            claimed_at=link.claimed_at,
        )
    return events
