"""The fact ledger: mentions grouped into figures, syndicated copies, conflicts.

The fixtures in ``tests/fixtures/ledger`` are articles written for these tests about a
made-up FOI release: ``syndicated/`` holds one story and an agency copy of it under another
headline, ``conflict/`` two independent reports that disagree on one figure. The rules
themselves are tested on hand-made claim records.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from misconduct_nlp.cli import main
from misconduct_nlp.gather import gather_claims
from misconduct_nlp.ledger import Figure, Ledger, ledger, same_period, values_agree
from misconduct_nlp.model import Claim, ForceRef, PeriodRef, TextSpan

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "ledger"


def claim(value, *, article="a", measure="dismissed", subject="officer", force="kent", region=None,
          period=("2020-01-01", "2020-12-31"), approx="exact", unit="count", sentence=None,
          force_inherited=False, period_inherited=False, value_max=None, published="2021-01-05",
          start=0, **extra):
    text = sentence or f"Kent Police dismissed {value} officers in 2020."
    rec = {
        "article": article, "value": value, "unit": unit, "approx": approx, "measure": measure,
        "subject": subject, "rank": None,
        "force": {"id": force, "name": force, "text": force, "score": 100.0, "inherited": force_inherited}
        if force else None,
        "region": region,
        "period": {"start": period[0], "end": period[1], "text": "in 2020", "inherited": period_inherited}
        if period else None,
        "platforms": [], "sentence": {"text": text, "start": start, "end": start + len(text)},
        "span": {"text": str(value), "start": start, "end": start + len(str(value))},
        "confidence": 0.9, "published": {"date": published, "source": "manifest"}, **extra,
    }
    if value_max is not None:
        rec["value_max"] = value_max
    return rec


# --------------------------------------------------------------------------- the fixtures


@pytest.fixture(scope="module")
def syndicated():
    found = gather_claims([FIXTURES / "syndicated"], workers=1)
    assert not found.failures and found.articles == 2
    return found.claims


@pytest.fixture(scope="module")
def conflicting():
    found = gather_claims([FIXTURES / "conflict"], workers=1)
    assert not found.failures and found.articles == 2
    return found.claims


def test_an_agency_copy_is_one_source_and_each_figure_appears_once(syndicated):
    book = ledger(syndicated)
    assert [s.to_dict() for s in book.sources] == [
        {"original": "wessex_echo_data_misuse",  # published a day before the copy
         "copies": ["wessex_echo_data_misuse", "downs_gazette_data_misuse"]}]
    assert book.mentions == len(syndicated) == 8
    assert sorted((f.value, f.measure, f.subject) for f in book.figures) == [
        (6, "final_written_warning", "officer"), (9, "dismissed", "officer"),
        (11, "investigated", "staff"), (24, "investigated", "officer")]
    for f in book.figures:
        assert f.articles == 1 and f.sources == ["wessex_echo_data_misuse"]
        articles = sorted(m.article for m in f.mentions)
        assert articles == ["downs_gazette_data_misuse", "wessex_echo_data_misuse"]
        assert (f.force, f.period_start, f.period_end) == ("wiltshire", "2019-01-01", "2023-12-31")
    assert book.conflicts() == [] and book.conflicts(weak=True) == []


def test_two_reports_that_disagree_give_one_conflict(conflicting):
    book = ledger(conflicting)
    assert len(book.sources) == 2, "two independent reports, not copies"
    (pair,) = book.conflicts()
    assert sorted(f.value for f in pair) == [24, 26]
    assert {f.measure for f in pair} == {"investigated"} and {f.force for f in pair} == {"wiltshire"}
    (dismissed,) = [f for f in book.figures if f.measure == "dismissed"]
    assert dismissed.value == 9 and dismissed.articles == 2 and not dismissed.conflicts
    assert book.conflicts(weak=True) == []


def test_over_the_corpus_fewer_figures_than_mentions():
    found = gather_claims([ROOT / "corpus"], workers=1)
    book = ledger(found.claims)
    assert len(book.figures) < book.mentions == len(found.claims)
    spans = [(m.article, m.span.start) for f in book.figures for m in f.mentions]
    assert sorted(spans) == sorted((c["article"], c["span"]["start"]) for c in found.claims), \
        "every mention in exactly one figure"
    assert max(len(f.mentions) for f in book.figures) >= 3  # "43" investigated is repeated in c01
    assert len({f.id for f in book.figures}) == len(book.figures)


# --------------------------------------------------------------------------- joining


def test_same_value_measure_subject_place_and_period_join():
    book = ledger([claim(12, article="a"), claim(12, article="b", sentence="Twelve were sacked by Kent."),
                   claim(12, article="c", subject="staff"), claim(12, article="d", force="essex"),
                   claim(13, article="e"), claim(12, article="f", measure="suspended")])
    assert [len(f.mentions) for f in book.figures] == [2, 1, 1, 1, 1]
    assert book.figures[0].articles == 2 and book.figures[0].sources == ["a", "b"]


def test_periods_join_within_two_months_without_chaining():
    assert same_period(("2020-01-01", "2020-12-31"), ("2020-03-01", "2021-02-28"))
    assert not same_period(("2020-01-01", "2020-12-31"), ("2020-04-01", "2020-12-31"))
    assert not same_period(("2020-01-01", "2020-12-31"), None) and same_period(None, None)
    assert not same_period(("2020-01-01", None), ("2020-01-01", "2020-12-31"))
    book = ledger([claim(5, article="a", period=("2020-01-01", "2020-12-31")),
                   claim(5, article="b", period=("2020-03-01", "2021-02-28")),
                   claim(5, article="c", period=("2020-05-01", "2021-04-30"))])
    assert [[m.article for m in f.mentions] for f in book.figures] == [["a", "b"], ["c"]]


def test_a_stated_period_sets_the_figure_not_an_inherited_one():
    book = ledger([claim(5, article="a", period=("2019-12-01", "2020-11-30"), period_inherited=True),
                   claim(5, article="b", period=("2020-01-01", "2020-12-31")),
                   claim(5, article="c", period=("2020-03-01", "2021-02-28"))])
    (fig,) = book.figures  # anchored on b's stated period, a and c both lie within two months of it
    assert (fig.period_start, fig.period_end) == ("2020-01-01", "2020-12-31")
    assert [m.article for m in fig.mentions] == ["a", "b", "c"]  # in input order
    assert fig.evidence == {"place": "stated", "period": "stated"}
    assert fig.mentions[0].inherited == ("period",)


def test_evidence_is_inherited_only_when_no_mention_states_it():
    book = ledger([claim(5, force_inherited=True, period_inherited=True),
                   claim(5, article="b", force_inherited=True),
                   claim(7, article="c", force=None, region="England and Wales", region_source="frame",
                         period=None)])
    assert book.figures[0].evidence == {"place": "inherited", "period": "stated"}
    assert book.figures[1].evidence == {"place": "inherited", "period": None}


def test_claim_objects_and_records_without_value_max_are_read_alike():
    obj = Claim(value=40.0, unit="count", approx="exact",
                sentence=TextSpan("Kent sacked 40 officers.", 0, 24), span=TextSpan("40", 12, 14),
                measure="dismissed", subject="officer", force=ForceRef("kent", "Kent Police", "Kent", 100.0),
                period=PeriodRef(date(2020, 1, 1), date(2020, 12, 31), "in 2020"), article="x")
    rec = claim(40, article="y")
    assert "value_max" not in rec
    (fig,) = ledger([obj, rec]).figures
    assert fig.value == 40 and isinstance(fig.value, int) and fig.value_max is None
    assert [m.article for m in fig.mentions] == ["x", "y"]


def test_ranges_are_their_own_figures():
    book = ledger([claim(12, value_max=15), claim(12, article="b"), claim(12, article="c", value_max=15)])
    assert [(f.value, f.value_max, len(f.mentions)) for f in book.figures] == [(12, 15, 2), (12, None, 1)]


def test_ids_are_stable_and_distinct():
    claims = [claim(5), claim(6), claim(5, period=("2018-01-01", "2018-12-31"))]
    first, again = ledger(claims), ledger(json.loads(json.dumps(claims)))
    assert [f.id for f in first.figures] == [f.id for f in again.figures]
    assert len({f.id for f in first.figures}) == 3
    assert all(f.id.startswith("fig-") for f in first.figures)


# --------------------------------------------------------------------------- conflicts


def fig(value, approx="exact", value_max=None):
    book = ledger([claim(value, approx=approx, value_max=value_max)])
    return book.figures[0]


@pytest.mark.parametrize("a, b, agree", [
    ((800, "more_than"), (828, "exact"), True),
    ((800, "more_than"), (800, "exact"), False),
    ((800, "at_least"), (800, "exact"), True),
    ((800, "exact"), (828, "exact"), False),
    ((200, "about"), (196, "exact"), True),
    ((200, "about"), (150, "exact"), False),
    ((10, "less_than"), (12, "exact"), False),
    ((10, "at_most"), (10, "exact"), True),
    ((10, "less_than"), (20, "more_than"), False),
    ((20, "less_than"), (10, "more_than"), True),
    ((12, "exact", 15), (14, "exact"), True),
    ((12, "exact", 15), (16, "exact"), False),
])
def test_approximations_that_agree_are_not_conflicts(a, b, agree):
    assert values_agree(fig(*a), fig(*b)) is agree
    assert values_agree(fig(*b), fig(*a)) is agree


def test_conflicts_need_the_same_measure_subject_place_and_period():
    book = ledger([
        claim(612, article="a"),
        claim(621, article="b", sentence="Kent Police said 621 officers were sacked."),
        claim(640, article="c", subject="staff"), claim(650, article="d", force="essex"),
        claim(660, article="e", period=("2019-01-01", "2019-12-31")), claim(670, article="f", period=None),
        claim(680, article="g", measure=None),
    ])
    pairs = [sorted(f.value for f in pair) for pair in book.conflicts()]
    assert pairs == [[612, 621]]
    by_value = {f.value: f for f in book.figures}
    assert by_value[612].conflicts == [by_value[621].id] and by_value[621].conflicts == [by_value[612].id]
    assert all(not by_value[v].conflicts for v in (640, 650, 660, 670, 680))


def test_conflicts_do_not_depend_on_the_order_of_the_claims():
    claims = [claim(v, article=f"a{v}", sentence=f"Kent sacked {v} officers.", period=p)
              for v, p in [(10, ("2020-01-01", "2020-12-31")), (11, ("2020-03-01", "2021-02-28")),
                           (12, ("2019-12-01", "2020-11-30")), (13, ("2020-04-01", "2021-03-31"))]]

    def pairs(cs):
        return sorted(tuple(sorted(f.value for f in pair)) for pair in ledger(cs).conflicts())

    # 10 is within two months of 11 and 12, which are three apart; 13 is near 11 only
    assert pairs(claims) == pairs(claims[::-1]) == [(10, 11), (10, 12), (11, 13)]


def test_a_source_that_gives_both_values_is_not_a_conflict():
    book = ledger([claim(100, article="a"), claim(16, article="a", start=80), claim(100, article="b")])
    assert book.conflicts() == [] and book.conflicts(weak=True) == []


def test_inherited_place_or_period_makes_a_conflict_weak():
    book = ledger([claim(30, article="a"), claim(34, article="b", period_inherited=True)])
    assert book.conflicts() == []
    (pair,) = book.conflicts(weak=True)
    assert sorted(f.value for f in pair) == [30, 34]


# --------------------------------------------------------------------------- syndication


SENTENCES = [
    "Kent Police dismissed 40 officers for gross misconduct in 2020, figures show.",
    "A further 12 officers resigned before their hearings were held, the force said.",
    "The force recorded 950 complaints from the public during the same year.",
    "Of those complaints, 85 were upheld after an investigation.",
]


def story(article, sentences, published="2021-01-05"):
    out, pos = [], 0
    for s in sentences:
        value = int(next(w for w in s.split() if w.isdigit()))
        out.append(claim(value, article=article, sentence=s, start=pos, published=published))
        pos += len(s) + 1
    return out


def test_lightly_edited_copies_are_one_source(monkeypatch):
    import misconduct_nlp.ledger as module

    monkeypatch.setattr(module, "_SIMILARITY_ROWS", 1)  # compared one sentence at a time: same result
    edited = [s.replace(", figures show", ", according to figures") for s in SENTENCES]
    book = ledger(story("late", edited, "2021-01-07") + story("early", SENTENCES))
    assert [s.to_dict() for s in book.copies()] == [{"original": "early", "copies": ["early", "late"]}]
    assert all(f.articles == 1 for f in book.figures)


def test_sharing_one_sentence_of_four_is_not_a_copy():
    other = ["Kent Police dismissed 40 officers for gross misconduct in 2020, figures show.",
             "Essex Police sacked 7 officers, in a separate set of figures.",
             "There were 300 complaints in Essex.", "Nobody at Essex was arrested, 2 sources said."]
    book = ledger(story("a", SENTENCES) + story("b", other))
    assert book.copies() == [] and len(book.sources) == 2
    (forty,) = [f for f in book.figures if f.value == 40]
    assert forty.articles == 2


# --------------------------------------------------------------------------- output and command line


def test_command_writes_jsonl_csv_and_parquet(tmp_path, capsys):
    claims = tmp_path / "claims.jsonl"
    claims.write_text("".join(json.dumps(c) + "\n" for c in
                              [claim(612), claim(621, article="b"),
                               claim(612, article="c", sentence="In 2020 612 officers lost their jobs.")]))
    assert main(["ledger", str(claims), "-o", str(tmp_path / "f.jsonl")]) == 0
    assert "2 figures from 3 mentions in 3 articles" in capsys.readouterr().err
    rows = [json.loads(line) for line in (tmp_path / "f.jsonl").read_text().splitlines()]
    assert [r["value"] for r in rows] == [612, 621]
    keys = {"figure", "value", "value_max", "unit", "measure", "subject", "rank", "force", "region",
            "period", "mentions", "articles", "conflicts"}
    assert keys <= set(rows[0])
    assert rows[0]["period"] == {"start": "2020-01-01", "end": "2020-12-31"} and rows[0]["force"] == "kent"
    assert [m["article"] for m in rows[0]["mentions"]] == ["a", "c"] and rows[0]["articles"] == 2
    assert set(rows[0]["mentions"][0]) >= {"article", "sentence", "span"}
    assert rows[0]["conflicts"] == [rows[1]["figure"]]

    assert main(["ledger", str(claims), "-o", str(tmp_path / "f.csv")]) == 0
    with open(tmp_path / "f.csv", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert [r["value"] for r in table] == ["612", "621"] and table[0]["mentions"] == "a:0-3;c:0-3"
    assert table[0]["conflicts"] == rows[0]["conflicts"][0] and table[0]["articles"] == "2"

    pq = pytest.importorskip("pyarrow.parquet")
    assert main(["ledger", str(claims), "--format", "parquet", "-o", str(tmp_path / "f.pq")]) == 0
    t = pq.read_table(tmp_path / "f.pq").to_pylist()
    assert [r["value"] for r in t] == [612.0, 621.0] and t[1]["conflicts"] == [rows[0]["figure"]]


def test_command_extracts_folders_and_reports_bad_input(tmp_path, capsys):
    out = tmp_path / "figures.jsonl"
    assert main(["ledger", str(FIXTURES / "syndicated"), "-o", str(out), "-j", "1"]) == 0
    assert len(out.read_text().splitlines()) == 4
    summary = ("4 figures from 8 mentions in 2 articles (1 source; 1 printed by several articles), "
               "0 conflicts, 0 weak conflicts")
    assert summary in capsys.readouterr().err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"value": 3}\nnot json\n')
    assert main(["ledger", str(bad)]) == 2
    assert "bad.jsonl:2: not JSON" in capsys.readouterr().err
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(claim(3)) + "\n")
    assert main(["ledger", str(good), "--format", "parquet"]) == 2
    assert "Parquet output needs an output file" in capsys.readouterr().err


def test_ledger_types():
    book = ledger([claim(3)])
    assert isinstance(book, Ledger) and isinstance(book.figures[0], Figure)
    assert book.figure(book.figures[0].id) is book.figures[0]
    with pytest.raises(KeyError, match="no figure"):
        book.figure("fig-nope")


def test_the_example_on_the_figures_page_is_a_real_figure(conflicting):
    text = (ROOT / "docs" / "figures.md").read_text(encoding="utf-8")
    example = json.loads(text.split("```json\n", 1)[1].split("\n```", 1)[0])
    assert example in ledger(conflicting).records(), "regenerate the example on docs/figures.md"
