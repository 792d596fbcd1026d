from __future__ import annotations

import pytest

from reader.agreement import Mark, cohen_kappa, krippendorff_alpha, pairwise, units


def test_cohen_kappa_by_hand():
    # p_o = 3/4; p_e = .5 x .25 + .5 x .75 = .5; kappa = (.75 - .5) / (1 - .5) = .5
    first = ["claim", "claim", "opinion", "opinion"]
    second = ["claim", "opinion", "opinion", "opinion"]
    assert cohen_kappa(first, second) == pytest.approx(0.5)


def test_cohen_kappa_edges():
    assert cohen_kappa(["claim", "opinion"], ["claim", "opinion"]) == pytest.approx(1.0)
    assert cohen_kappa(["claim", "opinion"], ["opinion", "claim"]) == pytest.approx(-1.0)
    assert cohen_kappa(["claim", "claim"], ["claim", "claim"]) is None  # 0/0
    assert cohen_kappa([], []) is None


def test_krippendorff_alpha_by_hand_for_two_coders():
    # Coincidences: cc 2, co 1, oc 1, oo 4; n_c 3, n_o 5, n 8;
    # alpha = 1 - (8 - 1) x 2 / (3 x 5 + 5 x 3) = 1 - 14 / 30
    data = [
        ["claim", "claim"],
        ["claim", "opinion"],
        ["opinion", "opinion"],
        ["opinion", "opinion"],
    ]
    assert krippendorff_alpha(data) == pytest.approx(1 - 14 / 30)


def test_krippendorff_alpha_matches_krippendorffs_own_nominal_example():
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": four coders,
    # twelve units, some values missing; nominal alpha = 0.743.
    data = [
        [1, 1, 1],
        [2, 2, 3, 2],
        [3, 3, 3, 3],
        [3, 3, 3, 3],
        [2, 2, 2, 2],
        [1, 2, 3, 4],
        [4, 4, 4, 4],
        [1, 1, 2, 1],
        [2, 2, 2, 2],
        [5, 5, 5],
        [1, 1],
        [3],
    ]
    assert krippendorff_alpha([[str(v) for v in unit] for unit in data]) == pytest.approx(
        0.743, abs=0.0005
    )


def test_krippendorff_alpha_without_pairable_units_or_variation_is_none():
    assert krippendorff_alpha([["claim"], ["opinion"]]) is None
    assert krippendorff_alpha([["claim", "claim"], ["claim", "claim"]]) is None


def test_units_group_overlapping_spans_and_keep_the_longest_per_annotator():
    marks = [
        Mark("ann", 0, 10, "claim"),
        Mark("bob", 5, 12, "opinion"),
        Mark("bob", 6, 8, "claim"),  # shorter: bob's label stays opinion
        Mark("ann", 20, 25, "claim"),  # only ann marked this one
        Mark("cat", 11, 15, "opinion"),  # overlaps bob's 5-12, joining the first unit
    ]
    result = units(marks)
    assert [(u.start, u.end) for u in result] == [(0, 15), (20, 25)]
    assert result[0].labels == {"ann": "claim", "bob": "opinion", "cat": "opinion"}
    assert result[1].single and result[1].labels == {"ann": "claim"}


def test_pairwise_counts_shared_and_agreed_units():
    marks = [
        Mark("a", 0, 5, "claim"),
        Mark("b", 1, 4, "claim"),
        Mark("a", 10, 15, "claim"),
        Mark("b", 10, 15, "opinion"),
        Mark("a", 20, 25, "opinion"),
    ]
    (pair,) = pairwise(units(marks), ["a", "b"])
    assert (pair.shared_units, pair.agreed_units) == (2, 1)
    # p_o = .5; p_e = (2/2 x 1/2) = .5 for claim ... kappa = 0
    assert pair.kappa == pytest.approx(0.0)
