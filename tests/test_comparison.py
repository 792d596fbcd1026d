"""The comparison of one facet (reader/comparison.py) and supersession (reader/supersession.py):
pure functions, tested without the database."""

from __future__ import annotations

import datetime
import itertools
import random

import pytest

from reader import comparison, supersession
from reader.claims import Claim, intervals_agree
from reader.comparison import compare
from reader.dates import MINUTES_PER_DAY
from reader.quantities import Interval
from reader.supersession import Report, same_line, superseded_ids
from reader.times import parse_date, parse_moment
from reader.values import parse_value

FRI = datetime.date(2020, 2, 28)
ids = itertools.count(1)
# A small entity tree: Syria > Syrian Air Force, Syria > Syrian government forces,
# Russia > Russian Air Force; Syria > Idlib > Balyun, Idlib > Qaminas.
SYRIA, SAF, SGF, RUSSIA, RAF, IDLIB, BALYUN, QAMINAS, BEHUN = range(1, 10)
PATHS = {
    "Syria": ((SYRIA,), ("Syria",)),
    "Syrian Air Force": ((SYRIA, SAF), ("Syria", "Syrian Air Force")),
    "Syrian government forces": ((SYRIA, SGF), ("Syria", "Syrian government forces")),
    "Russia": ((RUSSIA,), ("Russia",)),
    "Russian Air Force": ((RUSSIA, RAF), ("Russia", "Russian Air Force")),
    "Idlib": ((SYRIA, IDLIB), ("Syria", "Idlib")),
    "Balyun": ((SYRIA, IDLIB, BALYUN), ("Syria", "Idlib", "Balyun")),
    "Qaminas": ((SYRIA, IDLIB, QAMINAS), ("Syria", "Idlib", "Qaminas")),
    "Behun": ((BEHUN,), ("Behun",)),
}


def number(value: str, source: int = 1, **fields) -> Claim:
    return Claim(
        next(ids), source, f"S{source}", value, interval=parse_value("number", value), **fields
    )


def entity(name: str, source: int = 1, written: str = "", **fields) -> Claim:
    path, names = PATHS[name]
    return Claim(next(ids), source, f"S{source}", written or name, path=path, names=names, **fields)


def verdict(claims, value_type="number", level=None, variant=lambda a, b: False):
    return compare(claims, value_type=value_type, level=level, variant=variant)


# --- verdicts -------------------------------------------------------------------------


def test_silent_single_agreed_disputed():
    assert verdict([]).verdict == comparison.SILENT
    assert verdict([number("33")]).verdict == comparison.SINGLE
    assert verdict([number("33", 1), number("33–34", 2)]).verdict == comparison.AGREED
    assert verdict([number("33", 1), number("50-70", 2)]).verdict == comparison.DISPUTED


def test_one_source_disagreeing_with_itself_is_a_dispute():
    result = verdict([number("33", 1, attribution="ministry"), number("50-70", 1)])
    assert result.verdict == comparison.DISPUTED


def test_hedges_keep_their_meaning():
    assert verdict([number("some 33", 1), number("at least 36", 2)]).disputed
    assert not verdict([number("about 33", 1), number("34", 2)]).disputed


def test_grades_close_values_are_minor():
    assert verdict([number("33", 1), number("34", 2)]).grade == comparison.MINOR
    assert verdict([number("33", 1), number("at least 36", 2)]).grade == comparison.MAJOR
    assert verdict([number("33", 1), number("50-70", 2)]).grade == comparison.MAJOR


def test_the_odd_one_out_is_the_group_one_source_stands_behind():
    result = verdict([number("33", 1), number("33", 2), number("34", 3)])
    assert [group.odd for group in result.groups] == [False, True]
    assert "34 (S3; the odd one out)" in result.explanation
    tie = verdict([number("33", 1), number("34", 2)])
    assert not any(group.odd for group in tie.groups)


def test_explanation_names_groups_and_their_sources():
    result = verdict(
        [
            number("33", 1),
            number("33 deaths", 2, attribution="the Turkish ministry"),
            number("at least 36", 3),
            number("50–70", 2, attribution="sources close to Turkey"),
        ]
    )
    assert result.explanation == (
        "33 (S1, S2 per the Turkish ministry) against "
        "50–70 / at least 36 (S2 per sources close to Turkey, S3)."
    )


def test_a_vague_value_fitting_several_groups_is_said_to():
    result = verdict([number("33", 1), number("50-70", 2), number("dozens", 3)])
    assert len(result.affirmed) == 2
    assert "dozens (S3) fits more than one" in result.explanation


def test_opinions_and_comments_are_shown_but_not_counted():
    opinion = number("50", 2, counted=False, kind_plural="opinions")
    result = verdict([number("33", 1), opinion])
    assert result.verdict == comparison.SINGLE
    assert result.uncounted == [opinion]
    only = verdict([opinion])
    assert only.verdict == comparison.SILENT
    assert "No claim answers this: only opinions, which count only" in only.explanation
    comment = number("40", 3, counted=False, kind_plural="user comments")
    both = verdict([opinion, comment, number("45", 4, counted=False, kind_plural="opinions")])
    assert "only opinions or user comments, which" in both.explanation


def test_superseded_values_are_trails_not_disputes():
    earlier = number("9", 1, superseded=True)
    result = verdict([earlier, number("33", 1), number("33", 2)])
    assert result.verdict == comparison.AGREED
    [trail] = result.trails
    assert [point.claim.value for point in trail.points] == ["9", "33"]


# --- entities and stance ----------------------------------------------------------------


def test_entities_compare_at_the_top_level_by_default_for_actors():
    same = [entity("Syrian Air Force", 1), entity("Syrian government forces", 2)]
    assert verdict(same, "actor", level=0).verdict == comparison.AGREED
    assert verdict(same, "actor", level=1).disputed
    apart = [entity("Syria", 1), entity("Russia", 2)]
    assert verdict(apart, "actor", level=0).disputed


def test_places_as_linked_agree_with_what_contains_them():
    assert not verdict(
        [entity("Balyun", 1), entity("Idlib", 2), entity("Syria", 3)], "place"
    ).disputed
    assert verdict([entity("Balyun", 1), entity("Qaminas", 2)], "place").disputed


def test_a_denial_contradicts_the_same_or_what_is_inside_it():
    denial = entity("Russia", 2, against=True)
    result = verdict([entity("Russian Air Force", 1), denial], "actor", level=0)
    assert result.disputed and result.grade == comparison.MAJOR
    assert result.denied[0].conflicts == [0]
    assert "Russia denied by S2" in result.explanation


def test_a_denial_of_x_is_no_dispute_with_an_assertion_of_y():
    result = verdict(
        [entity("Syrian Air Force", 1), entity("Russian Air Force", 2, against=True)],
        "actor",
        level=0,
    )
    assert result.verdict == comparison.AGREED
    assert result.denied[0].conflicts == []


def test_as_linked_a_denial_of_a_part_leaves_the_whole():
    denial = entity("Russian Air Force", 2, against=True)
    assert not verdict([entity("Russia", 1), denial], "actor", level=None).disputed
    assert verdict([entity("Russian Air Force", 1), denial], "actor", level=None).disputed


def test_spelling_variants_are_a_possible_variant_not_a_dispute():
    def variant(a, b):
        return {a, b} == {BALYUN, BEHUN}

    claims = [entity("Balyun", 1), entity("Behun", 2)]
    result = verdict(claims, "place", variant=variant)
    assert result.verdict == comparison.VARIANT
    assert result.variants == [(BALYUN, BEHUN)]
    assert "may be one name spelt two ways" in result.explanation
    mixed = verdict([*claims, entity("Qaminas", 3)], "place", variant=variant)
    assert mixed.verdict == comparison.DISPUTED


def test_text_compares_case_and_spacing_aside():
    def text(value, source, **fields):
        return Claim(next(ids), source, f"S{source}", value, **fields)

    assert not verdict(
        [text("Operation Spring Shield", 1), text("operation  spring shield", 2)], "text"
    ).disputed
    denied = verdict([text("notified", 1), text("Notified", 2, against=True)], "text")
    assert denied.disputed


# --- dates and times ----------------------------------------------------------------------


def test_a_time_of_any_day_agrees_with_a_dated_one_at_that_time():
    dated = parse_moment("yesterday at around 10-11pm", base=FRI)
    assert intervals_agree(parse_moment("22:30"), dated)
    assert not intervals_agree(parse_moment("5 p.m."), dated)
    night = parse_moment("last night", base=FRI)  # 20:00 to 06:00 the next morning
    assert intervals_agree(parse_moment("02:00"), night)
    assert intervals_agree(
        parse_moment("about 5 p.m."), Interval(0, 3 * MINUTES_PER_DAY, dated=True)
    )


def test_dates_group_by_day():
    claims = [
        Claim(1, 1, "S1", "27 February 2020", interval=parse_date("27 February 2020")),
        Claim(2, 2, "S2", "Thursday", interval=parse_date("Thursday", base=FRI)),
        Claim(3, 3, "S3", "Friday", interval=parse_date("Friday", base=FRI)),
    ]
    result = verdict(claims, "date")
    assert [group.label for group in result.groups] == ["27 Feb 2020", "28 Feb 2020"]
    assert result.grade == comparison.MINOR  # a day apart


# --- supersession -------------------------------------------------------------------------


def at(hour: int, minute: int = 0, day: int = 27) -> datetime.datetime:
    return datetime.datetime(2020, 2, day, hour, minute, tzinfo=datetime.UTC)


def report(n: int, text: str, attribution: str = "", claimed_at=None, **fields) -> Report:
    return Report(n, attribution, False, claimed_at, text, **fields)


def test_of_a_live_pages_timed_reports_on_one_line_the_latest_stands():
    reports = [
        report(1, "22", "Hatay Governor", at(21, 38)),
        report(2, "29", "Hatay Governor", at(23, 6)),
        report(3, "33", "Hatay Governor", at(0, 47, day=28)),
        report(4, "22", "AK Party spokesman", at(22, 21)),
    ]
    assert superseded_ids(reports) == {1, 2}


def test_a_value_marked_as_earlier_gives_way_on_its_line():
    reports = [
        report(1, "Initially, the number was 9"),
        report(2, "33 Turkish soldiers were killed"),
        report(3, "activists on the ground had earlier reported", "activists"),
    ]
    assert superseded_ids(reports) == {1}


def test_lines_are_attributions_sharing_a_distinctive_word():
    dogan = report(1, "x", "Dogan")
    governor = report(2, "x", "Rahmi Dogan, the governor of the Hatay province")
    hatay = report(3, "x", "Hatay Governor")
    officials = report(4, "x", "Turkish officials")
    ministry = report(5, "x", "the Turkish Ministry of National Defense")
    assert same_line(dogan, governor) and same_line(hatay, governor)
    assert not same_line(officials, ministry)


def test_a_correction_replaces_an_untimed_value():
    reports = [report(1, "33"), report(2, "the toll was later corrected to 34")]
    assert superseded_ids(reports) == {1}


def test_denials_and_affirmations_never_supersede_each_other():
    reports = [
        Report(1, "", False, at(1), "33"),
        Report(2, "", True, at(2), "33"),
    ]
    assert superseded_ids(reports) == set()


def test_an_analysts_pin_decides():
    reports = [
        report(1, "Initially 9", pinned=False),
        report(2, "33"),
        report(3, "34", pinned=True),
    ]
    assert superseded_ids(reports) == {3}


def superseded_pairwise(reports: list[Report]) -> set[int]:
    """The rule as written: each report against every other (superseded_ids compares kinds
    of reports instead, for cells of hundreds)."""
    return {
        report.id
        for report in reports
        if report.pinned
        or (
            report.pinned is None
            and any(supersession._supersedes(other, report) for other in reports)
        )
    }


def test_comparing_kinds_of_reports_decides_as_comparing_every_pair():
    rng = random.Random(17)
    attributions = ["", "Hatay Governor", "Dogan", "Rahmi Dogan", "Turkish officials", "SOHR"]
    texts = ["33", "initially 9", "later corrected to 34", "rose to 36", "first reports said 22"]
    moments = [None, None, at(1), at(2), at(3)]
    for _ in range(3000):
        reports = [
            Report(
                n,
                rng.choice(attributions),
                rng.random() < 0.2,
                rng.choice(moments),
                rng.choice(texts),
                pinned=rng.choice([None, None, None, True, False]),
                version=rng.choice([None, 1, 1, 2]),
            )
            for n in range(rng.randint(1, 12))
        ]
        assert superseded_ids(reports) == superseded_pairwise(reports), reports


def test_a_cell_of_hundreds_alike_keeps_only_the_latest_and_pins():
    reports = [report(n, "33", "Hatay Governor", at(n % 24)) for n in range(500)]
    reports += [report(500, "34", "Hatay Governor", pinned=False)]
    assert superseded_ids(reports) == superseded_pairwise(reports)
    assert 500 not in superseded_ids(reports) and 23 not in superseded_ids(reports)


@pytest.mark.parametrize("value", ["9", "nine"])
def test_untimed_initially_and_33_of_one_source_are_one_trail(value):
    first = number(value, 1, superseded=True)
    result = verdict([first, number("33", 1)])
    assert result.verdict == comparison.SINGLE
    assert [p.claim.value for p in result.trails[0].points] == [value, "33"]
