"""The natural-wording fixture (tests/natural.py): the five seed texts linked in their own
words. Every facet gets the analyst's verdict, and every group is the one an analyst would
draw; merging the spelling variants on the Entities page turns the Place row to agreed."""

from __future__ import annotations

import json

import jsonschema
import pytest

from reader.formats.comparison_json import SCHEMA_PATH, comparison_document
from reader.iris import Iris
from reader.models import Entity
from reader.selectors.events import event_matrix
from reader.selectors.origins import origin_matrix
from reader.services.entities import entity_merge
from tests import natural

# (event, facet): (verdict, grade, [(label, denies, odd one out, values as written)])
EXPECTED = {
    ("2020 Balyun airstrikes", "Death toll"): (
        "disputed",
        "major",
        [
            (
                "33",
                False,
                False,
                [
                    "33 Turkish Servicemen",
                    "33 Turkish soldiers",
                    "33 deaths",
                    "33–34 soldiers killed",
                    "Dozens of Turkish Troops",
                ],
            ),
            ("34", False, True, ["34 Turkish soldiers"]),
            (
                "50–70 / from 50 to 70 / at least 36",
                False,
                False,
                ["50–70 soldiers killed", "killing at least 36", "ranging from 50 to 70 dead"],
            ),
        ],
    ),
    ("2020 Balyun airstrikes", "Wounded"): (
        "agreed",
        None,
        [
            (
                "36 / 36–60 / an estimated 36 to 60",
                False,
                False,
                [
                    "36–60 wounded",
                    "A total of 36 soldiers were wounded",
                    "an estimated 36 to 60 soldiers",
                ],
            )
        ],
    ),
    ("2020 Balyun airstrikes", "Perpetrator"): (
        "disputed",
        "major",
        [
            (
                "Syria",
                False,
                False,
                [
                    "Syrian",
                    "Syrian Air Force",
                    "Syrian government forces",
                    "Syrian government troops",
                ],
            ),
            ("Russia", False, False, ["Russian jets", "the Russian Air Force"]),
            (
                "Russia",
                True,
                False,
                ["Russia", "Russia", "Russian Aerospace Forces", "Russian aircraft"],
            ),
        ],
    ),
    ("2020 Balyun airstrikes", "Time of strike"): (
        "disputed",
        "major",
        [
            ("At around 5 p.m.", False, True, ["At around 5 p.m."]),
            (
                "yesterday at around 10-11pm local time / late Thursday",
                False,
                False,
                ["late Thursday", "yesterday at around 10-11pm local time"],
            ),
        ],
    ),
    ("2020 Balyun airstrikes", "Date"): (
        "agreed",
        None,
        [
            (
                "27 Feb 2020",
                False,
                False,
                ["27 February 2020", "late Thursday", "on Thursday", "yesterday"],
            )
        ],
    ),
    ("2020 Balyun airstrikes", "Place"): (
        "possible_variant",
        None,
        [
            (
                "Balyun",
                False,
                False,
                ["Balyun", "Balyun, Idlib Governorate, Syria", "a place called Balyun"],
            ),
            ("Behun", False, False, ["the Behun area", "the area around the settlement of Behun"]),
            ("Baylun", False, False, ["Baylun"]),
        ],
    ),
    ("2020 Balyun airstrikes", "Turkey told Russia where its troops were"): (
        "disputed",
        "major",
        [
            (
                "notified of Turkish troop locations",
                False,
                False,
                ["notified of Turkish troop locations"],
            ),
            (
                "notified of Turkish troop locations",
                True,
                False,
                ["notified of Turkish troop locations"],
            ),
        ],
    ),
    ("2020 Balyun airstrikes", "Syrian forces killed in retaliation"): (
        "disputed",
        "major",
        [
            (
                "approximately 197 to 405 / hundreds",
                False,
                False,
                ["approximately 197 to 405 Syrian forces", "hundreds of Syrian soldiers"],
            ),
            ("3,138", False, True, ["3,138"]),
        ],
    ),
    ("20 February 2020 strike near Qaminas", "Death toll"): (
        "single_source",
        None,
        [("Two", False, False, ["Two Turkish soldiers"])],
    ),
    ("20 February 2020 strike near Qaminas", "Wounded"): (
        "single_source",
        None,
        [("five", False, False, ["five wounded"])],
    ),
    ("20 February 2020 strike near Qaminas", "Perpetrator"): (
        "disputed",
        "major",
        [
            ("Syria", False, False, ["the Syrian regime", "the Syrian regime forces"]),
            ("Russia", False, False, ["Russian"]),
        ],
    ),
    ("20 February 2020 strike near Qaminas", "Place"): (
        "single_source",
        None,
        [("Qaminas", False, False, ["Qaminas, near Idlib city"])],
    ),
}


@pytest.fixture
def events(project, alice):
    return natural.build(project=project, author=alice)


def rows(events, **options):
    return {
        (name, row.facet.name): row
        for name, event in events.items()
        for row in event_matrix(event=event, **options).rows
    }


def test_every_facet_gets_the_analysts_verdict(events):
    for key, row in rows(events).items():
        assert row.disputed is natural.ANALYST[key], key
    false_alarms = [k for k, r in rows(events).items() if r.disputed and not natural.ANALYST[k]]
    misses = [k for k, r in rows(events).items() if natural.ANALYST[k] and not r.disputed]
    assert (false_alarms, misses) == ([], [])


def test_every_facet_and_every_group(events):
    found = rows(events)
    assert set(found) == set(EXPECTED)
    for key, expected in EXPECTED.items():
        comparison = found[key].comparison
        groups = [
            (group.label, group.against, group.odd, sorted(claim.value for claim in group.claims))
            for group in comparison.groups
        ]
        assert (comparison.verdict, comparison.grade, groups) == expected, key


def test_disputed_rows_say_why(events):
    everything = rows(events)
    toll = everything[(natural.BALYUN, "Death toll")].comparison.explanation
    assert toll.startswith("33 (the blog, Wikipedia per the Turkish Ministry of National Defense")
    assert "against 34 (Wikipedia per Turkish President Recep Tayyip Erdoğan; the odd one out)" in (
        toll
    )
    assert "33–34 / Dozens (Wikipedia per Turkey & SOHR, Slate) fit more than one" in toll
    perpetrator = everything[(natural.BALYUN, "Perpetrator")].comparison
    assert perpetrator.explanation.startswith("Syria (Wikipedia, Slate per Turkish officials")
    assert "; Russia denied by the blog per the Russian Ministry of Defense" in (
        perpetrator.explanation
    )
    russia = perpetrator.affirmed[1]
    assert perpetrator.denied[0].conflicts == [perpetrator.affirmed.index(russia)]


def test_the_sources_earlier_values_are_their_trails(events):
    toll = rows(events)[(natural.BALYUN, "Death toll")]
    trails = {
        trail.source_name: [p.claim.value for p in trail.points] for trail in toll.comparison.trails
    }
    assert trails["the blog"] == ["9", "33 Turkish soldiers"]
    assert trails["Sputnik"][-1] == "33 Turkish Servicemen"
    assert trails["Sputnik"][-3:-1] == ["22 Turkish Servicemen", "29 Turkish Servicemen"]
    assert {"nine", "Some 33 Turkish soldiers"} <= set(trails["Sputnik"][:-1])
    assert {chart.trail.source_name for chart in toll.trail_charts} == {"the blog", "Sputnik"}


def test_opinions_and_comments_count_only_with_the_switch(events):
    default = rows(events)[(natural.BALYUN, "Perpetrator")].comparison
    assert {claim.value for claim in default.uncounted} == {"the Russians", "Russian"}
    everything = rows(events, count_all=True)[(natural.BALYUN, "Perpetrator")].comparison
    russia = next(g for g in everything.affirmed if g.label == "Russia")
    assert {"the Russians", "Russian"} <= {claim.value for claim in russia.claims}
    assert everything.uncounted == []


def test_merging_the_variants_turns_place_to_agreed(events, bob):
    place = rows(events)[(natural.BALYUN, "Place")]
    assert [(m.source.name, m.target.name) for m in place.merges] == [
        ("Behun", "Balyun"),
        ("Baylun", "Balyun"),
    ]
    for merge in place.merges:
        entity_merge(
            source=Entity.objects.get(pk=merge.source.pk),
            target=Entity.objects.get(pk=merge.target.pk),
            actor=bob,
        )
    after = rows(events)[(natural.BALYUN, "Place")].comparison
    assert after.verdict == "agreed"
    assert after.explanation.startswith("3 sources agree: Balyun")


def test_by_origin_four_relays_of_one_origin_are_one_origin(events):
    origins = origin_matrix(matrix=event_matrix(event=events[natural.BALYUN]))
    names = [origin.name for origin in origins.origins]
    assert "SOHR" in names and "Turkey" in names
    assert names[-1] == "No attribution (the outlet itself)"
    toll = next(row for row in origins.rows if row.facet.name == "Death toll")
    hatay = names.index("Hatay Governor")
    assert [(relay.label, relay.outlets) for relay in toll.cells[hatay]] == [("33", ["Sputnik"])]


@pytest.mark.parametrize("count_all", [False, True])
def test_comparison_json_validates_against_its_schema(events, count_all):
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    iris = Iris(base="http://testserver", slug="idlib")
    for event in events.values():
        document = comparison_document(event_matrix(event=event, count_all=count_all), iris)
        jsonschema.validate(document, schema, format_checker=jsonschema.FormatChecker())
        assert document["count"] == ("all" if count_all else "claims")
        for facet in document["facets"]:
            for group in facet["groups"]:
                assert all(
                    claim["annotation"].startswith("http://testserver/api/p/idlib/")
                    for claim in group["claims"]
                )
