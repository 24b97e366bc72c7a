"""The NewsQuant scorer (benchmarks/newsquant.py): its matching rules, and the number layer's
score on the data when ../shared holds it."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from conftest import ROOT, SHARED

_spec = importlib.util.spec_from_file_location("newsquant", ROOT / "benchmarks" / "newsquant.py")
newsquant = importlib.util.module_from_spec(_spec)
sys.modules["newsquant"] = newsquant
_spec.loader.exec_module(newsquant)
Q = newsquant.Quantity


def test_gold_values_and_ranges_are_read():
    assert newsquant.parse_gold_value("19.0") == Q(19.0, text="19.0")
    assert (newsquant.parse_gold_value("252.0-287.0").lo, newsquant.parse_gold_value("252.0-287.0").hi) \
        == (252.0, 287.0)
    assert newsquant.parse_gold_value("3.0 - 4.0").hi == 4.0
    with pytest.raises(ValueError, match="neither a number nor a range"):
        newsquant.parse_gold_value("about ten")


def test_a_range_matches_by_lo_hi_or_midpoint():
    gold = Q(10.0, 20.0)
    assert all(newsquant.same(gold, Q(v)) for v in (10.0, 20.0, 15.0))
    assert not newsquant.same(gold, Q(12.0))
    assert newsquant.same(Q(15.0), Q(12.0, 15.0))   # a system range by its top
    assert newsquant.same(Q(1e6), Q(1000000.000001))  # numpy.isclose


def test_matching_is_one_to_one_and_maximal():
    gold = [Q(5.0, 7.0), Q(5.0)]
    system = [Q(5.0), Q(7.0)]
    # greedy would give the 5 to the range and leave the gold 5 unmatched
    assert len(newsquant.match(gold, system)) == 2
    assert newsquant.match([Q(3.0)], [Q(3.0), Q(3.0)]) == [(0, 0)]
    r = newsquant.SentenceResult("t", [Q(1.0), Q(2.0)], [Q(1.0), Q(9.0), Q(8.0)], [(0, 0)])
    s = newsquant.score([r])
    assert (s["P"], s["R"]) == (pytest.approx(1 / 3), 0.5)


def test_years_and_dates_are_left_out(nlp):
    (qs,) = newsquant.system_quantities(nlp, ["In 2019, on 12 April, sales rose 12% to 40 units."])
    assert sorted(q.lo for q in qs) == [12.0, 40.0]


@pytest.mark.skipif(not (SHARED / "benchmarks" / "newsquant" / "NewsQuant.json").exists(),
                    reason="NewsQuant is only in ../shared beside a developer checkout")
def test_number_layer_value_f1_on_newsquant():
    s = newsquant.score(newsquant.run(SHARED / "benchmarks" / "newsquant"))
    assert s["F1"] >= 0.90, s
