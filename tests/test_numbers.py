"""The number layer: every number in ``doc.spans["numbers"]`` with its value, range, unit,
kind and change; the examples of every table in data/numbers.json; the pure readers."""

from __future__ import annotations

import pytest

from misconduct_nlp import extract
from misconduct_nlp.lexicon import numbers_data
from misconduct_nlp.numbers import TokenNumber, read_pair, read_token

PUBLISHED = "2022-06-30"


def spans(nlp, text):
    doc = nlp(text)
    return [(sp.text, sp._.value, sp._.value_max, sp._.unit, sp.label_, sp._.change)
            for sp in doc.spans["numbers"]]


def find(nlp, text, value):
    """The one number span of ``text`` whose value is ``value`` (the span keeps its Doc alive)."""
    doc = nlp(text)
    found = [sp for sp in doc.spans["numbers"] if abs(sp._.value - value) < 1e-6]
    assert len(found) == 1, (value, spans(nlp, text))
    return found[0]


# (sentence, value, value_max, unit, kind, change)
CASES = [
    # ranges: one span, the top in value_max
    ("Between 12 and 15 officers were dismissed last year.", 12, 15, "count", "COUNT", None),
    ("Somewhere between 40 and 45 PCs resigned.", 40, 45, "count", "COUNT", None),
    ("The panel heard that 30 to 35 complaints were upheld.", 30, 35, "count", "COUNT", None),
    ("Forces sacked 8-10 officers each month.", 8, 10, "count", "COUNT", None),
    ("Forces sacked 8–10 officers each month.", 8, 10, "count", "COUNT", None),
    ("Between 5% and 6% of the cases were withdrawn.", 5, 6, "percent", "PERCENT", None),
    ("Between 5 and 6 per cent of the cases were withdrawn.", 5, 6, "percent", "PERCENT", None),
    ("Compensation of £2 to £3 million was paid.", 2000000, 3000000, "gbp", "MONEY", None),
    ("Compensation of £10-15m was paid.", 10000000, 15000000, "gbp", "MONEY", None),
    ("Nine to eleven constables were disciplined.", 9, 11, "count", "COUNT", None),
    # not ranges: a change then a level, two levels, falling pairs, years
    ("Sackings went from 87 to 131 in two years.", 87, None, "count", "COUNT", None),
    ("Sackings went from 87 to 131 in two years.", 131, None, "count", "COUNT", None),
    ("Dismissals rose by 40% to 131, up from 87.", 131, None, "count", "COUNT", None),
    ("Dismissals rose by 40% to 131, up from 87.", 87, None, "count", "COUNT", None),
    ("Between 2018 and 2021, 40 officers were sacked.", 2018, None, "count", "YEAR", None),
    ("Between 2018 and 2021, 40 officers were sacked.", 2021, None, "count", "YEAR", None),
    ("From 2018-2021, 40 officers were sacked.", 2021, None, "count", "YEAR", None),
    ("In 2019 – 20, 40 officers were sacked.", 20, None, "count", "YEAR", None),
    # a list row "<year> – <figure> <noun>" is a year and a count, not a span of years
    ("Sackings rose:\n2014 – 38 dismissals\n2015 – 47 dismissals", 38, None, "count", "COUNT", None),
    ("Sackings rose:\n2014 – 12 dismissals\n2015 – 17 dismissals", 12, None, "count", "COUNT", None),
    ("The team won 3-1 and 40 officers were sacked.", 3, None, "count", "SCORE", None),
    # rates per 1,000 and their bases
    ("There were 1,232 allegations per 1,000 staff.", 1232, None, "per_1000", "RATE", None),
    ("There were 1,232 allegations per 1,000 staff.", 1000, None, "count", "RATE_BASE", None),
    ("Kent recorded 700 allegations per 1,000 officers.", 700, None, "per_1000", "RATE", None),
    ("That is 98 complaints for every 1,000 officers.", 98, None, "per_1000", "RATE", None),
    ("That is a rate of 4.5 per 1,000 officers.", 4.5, None, "per_1000", "RATE", None),
    ("That is 31 arrests per 100,000 people.", 31, None, "count", "COUNT", None),
    ("That is 31 arrests per 100,000 people.", 100000, None, "count", "RATE_BASE", None),
    # changes
    ("Dismissals rose by 40% to 131, up from 87.", 40, None, "percent", "PERCENT", "up"),
    ("Complaints fell by 12 in a year.", 12, None, "count", "COUNT", "down"),
    ("There was a 66% increase in complaints.", 66, None, "percent", "PERCENT", "up"),
    ("It was a 40 per cent rise on the year before.", 40, None, "percent", "PERCENT", "up"),
    ("Misconduct cases were up 12% on last year.", 12, None, "percent", "PERCENT", "up"),
    ("Hearings were down by a third.", 100 / 3, None, "percent", "PERCENT", "down"),
    ("There was an increase of 20% in hearings.", 20, None, "percent", "PERCENT", "up"),
    ("Complaints increased by 15 per cent.", 15, None, "percent", "PERCENT", "up"),
    ("Suspensions dropped nearly 30 per cent.", 30, None, "percent", "PERCENT", "down"),
    ("A third of the complaints were upheld.", 100 / 3, None, "percent", "PERCENT", None),
    ("Some 40% of officers were investigated.", 40, None, "percent", "PERCENT", None),
    # units glued to digits, currencies, scales
    ("Borrowing costs 1.38pc.", 1.38, None, "percent", "PERCENT", None),
    ("Complaints were up 12pc.", 12, None, "percent", "PERCENT", "up"),
    ("Shares closed at 164p.", 164, None, "pence", "MEASURE", None),
    ("The van has a 10kW battery.", 10, None, "kW", "MEASURE", None),
    ("The force paid £3m in damages.", 3000000, None, "gbp", "MONEY", None),
    ("The force paid £3m.", 3000000, None, "gbp", "MONEY", None),
    ("It cost the taxpayer 5bn.", 5000000000, None, "count", "COUNT", None),
    ("Legal fees came to £1.2 billion.", 1200000000, None, "gbp", "MONEY", None),
    ("They paid PS21,700 in fees.", 21700, None, "gbp", "MONEY", None),
    ("Markets closed -1.3% lower.", -1.3, None, "percent", "PERCENT", None),
    ("It was minus 5 degrees outside.", -5, None, "count", "COUNT", None),
    ("Three out of four complaints were not upheld.", 75, None, "percent", "PERCENT", None),
    # not claims
    ("Officers with the iPhone 11 were told to hand it in.", 11, None, "count", "ID", None),
    ("The raid began at 5am.", 5, None, "count", "ID", None),
    ("A rise of 5 to 7 per cent is forecast.", 5, 7, "percent", "PERCENT", "up"),
    ("On Oct. 31 the report came out.", 31, None, "count", "DATE", None),
]


@pytest.mark.parametrize(("text", "value", "value_max", "unit", "kind", "change"), CASES,
                         ids=[f"{c[0][:40]}:{c[1]:g}" for c in CASES])
def test_number_span(nlp, text, value, value_max, unit, kind, change):
    sp = find(nlp, text, value)
    assert (sp._.value_max, sp._.unit, sp.label_, sp._.change) == (value_max, unit, kind, change), \
        spans(nlp, text)


@pytest.mark.parametrize("text", [
    "The 22nd amendment was passed and 40 officers were sacked.",
    "Complaints have risen since the 1990s.",
    "He bought a PS5 and 40 officers were sacked.",
    "Police in the M21 postcode sacked 40 officers.",
])
def test_no_span(nlp, text):
    values = [v for _, v, *_ in spans(nlp, text)]
    assert values in ([], [40.0]), spans(nlp, text)


def test_range_is_one_span_on_the_claim(nlp):
    doc = nlp("Between 12 and 15 Kent Police officers were dismissed last year.")
    (sp,) = doc.spans["numbers"]
    assert (sp.text, sp._.value, sp._.value_max, sp.label_) == ("12 and 15", 12, 15, "COUNT")
    claims = extract("Between 12 and 15 Kent Police officers were dismissed last year.",
                     published=PUBLISHED, nlp=nlp)
    assert [c.value for c in claims] == [12]


def test_rate_base_is_no_claim(nlp):
    claims = extract("Kent Police received 700 allegations per 1,000 officers last year.",
                     published=PUBLISHED, nlp=nlp)
    assert [(c.value, c.unit) for c in claims] == [(700, "per_1000")]


def test_every_span_carries_the_new_values(nlp):
    doc = nlp("Officers: 12 sacked, 40% upheld, 2019 and 3-1.")
    assert len(doc.spans["numbers"]) == 4
    for sp in doc.spans["numbers"]:
        assert sp._.value is not None
        assert sp._.value_max is None and sp._.change is None


def _table_examples():
    d = numbers_data()
    rows = [(f"{table}:{row['name']}", row) for table in ("glued_suffixes", "currency_prefixes", "ranges",
                                                          "changes") for row in d[table]]
    singles = ("scale_words", "negative", "scores", "proportions", "rate_bases", "glued_prefixes")
    rows += [(table, d[table]) for table in singles]
    for name, row in rows:
        for k, ex in enumerate(row["examples"]):
            yield pytest.param(ex, id=f"{name}:{k}")


@pytest.mark.parametrize("example", list(_table_examples()))
def test_table_example(nlp, example):
    """Each table row of data/numbers.json does what its examples say."""
    doc = nlp(example["text"])
    got = [(sp._.value, sp) for sp in doc.spans["numbers"]]
    if "no_value" in example:
        assert all(abs(v - example["no_value"]) > 1e-6 for v, _ in got), spans(nlp, example["text"])
        return
    hits = [sp for v, sp in got if abs(v - example["value"]) < 1e-6 * max(1.0, abs(v))]
    assert hits, (example, spans(nlp, example["text"]))
    sp = hits[0]
    for field in ("value_max", "unit", "change", "approx"):
        if field in example:
            assert getattr(sp._, field) == example[field], (field, spans(nlp, example["text"]))
    if "kind" in example:
        assert sp.label_ == example["kind"], spans(nlp, example["text"])


@pytest.mark.parametrize(("text", "expected"), [
    ("£3m", TokenNumber(3.0, "£", "m")),
    ("1.38pc", TokenNumber(1.38, "", "pc", decimal=True)),
    ("-1.3", TokenNumber(1.3, negative=True, decimal=True)),
    ("+0.2", TokenNumber(0.2, decimal=True)),
    ("~25", TokenNumber(25.0, tilde=True)),
    ("1,368", TokenNumber(1368.0, grouped=True)),
    (".500", TokenNumber(0.5, decimal=True)),
    ("12–15", TokenNumber(12.0, suffix="–15")),
    ("Section", None),
    ("COVID-19", None),
])
def test_read_token(text, expected):
    assert read_token(text) == expected


def test_read_pair():
    assert read_pair("–15") == ("–", 15.0, "")
    assert read_pair("/20") == ("/", 20.0, "")
    assert read_pair("-15m") == ("-", 15.0, "m")
    assert read_pair("AB8") is None


@pytest.mark.parametrize(("text", "value", "approx"), [
    ("Complaints against police in Wales top 6,000", 6000, "more_than"),
    ("Misconduct cases topped 1,200 last year.", 1200, "more_than"),
    ("Sackings exceeded 400 for the first time.", 400, "more_than"),
    ("The top 10 forces recorded 3,000 complaints.", 10, "exact"),
    ("Almost 300 officers were suspended.", 300, "about"),
])
def test_approximation_words(nlp, text, value, approx):
    """Headline verbs of passing a level ('top', 'exceeded') mean more than it; 'the top 10' ranks."""
    assert find(nlp, text, value)._.approx == approx
